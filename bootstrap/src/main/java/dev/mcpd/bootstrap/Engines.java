package dev.mcpd.bootstrap;

import com.google.inject.Module;
import dev.mcpd.domain.port.EngineFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional engines this build offers, chosen by {@code MCPD_ENGINES}: Guice modules for the daemon, and plain
 * factories for the proxy's in-process fallback (which does not start Guice).
 */
final class Engines {

    private Engines() {}

    /** Guice modules for the enabled engines (house rule 6: Main chooses modules, modules bind). */
    static List<Module> modules(McpdConfig config) {
        List<Module> modules = new ArrayList<>();
        return modules;
    }

    /** Factories for the enabled engines, for in-process serving. */
    static List<EngineFactory> factories(McpdConfig config) {
        List<EngineFactory> factories = new ArrayList<>();
        return factories;
    }
}
