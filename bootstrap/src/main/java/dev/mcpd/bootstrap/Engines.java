package dev.mcpd.bootstrap;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import dev.mcpd.adapter.secondary.container.ContainerHostResolver;
import dev.mcpd.adapter.secondary.container.DockerApiContainerRuntimeConfig;
import dev.mcpd.adapter.secondary.container.DockerApiContainerRuntimeProvider;
import dev.mcpd.adapter.secondary.hyperd.HyperdBinaryLocator;
import dev.mcpd.adapter.secondary.hyperd.PgWireHyperdClient;
import dev.mcpd.adapter.secondary.hyperd.PgWireHyperdClientConfig;
import dev.mcpd.application.containers.ContainerEngine;
import dev.mcpd.application.containers.ContainerEngineConfig;
import dev.mcpd.application.containers.ContainerEngineFactory;
import dev.mcpd.application.diagnostics.DiagnosticsEngine;
import dev.mcpd.application.hyperd.HyperdEngine;
import dev.mcpd.application.hyperd.HyperdEngineConfig;
import dev.mcpd.domain.port.Engine;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.time.Ticker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The optional engines this build offers, chosen by {@code MCPD_ENGINES}: Guice modules for the daemon, and plain
 * factories for the proxy's in-process fallback (which does not start Guice). Each engine is named once here.
 */
final class Engines {

    /** An engine factory by name: {@code create} runs {@code creator}. */
    private record Factory(String name, Supplier<Engine> creator) implements EngineFactory {
        @Override
        public Engine create() {
            return creator.get();
        }
    }

    private record Offer(String name, Function<McpdConfig, EngineFactory> factory) {}

    private static final List<Offer> OFFERS = List.of(
            new Offer(ContainerEngine.NAME, config -> new Factory(ContainerEngine.NAME, Engines::containers)),
            new Offer(HyperdEngine.NAME, config -> new Factory(HyperdEngine.NAME, () -> hyperd(config))),
            new Offer(DiagnosticsEngine.NAME, config -> new DiagnosticsEngine.Factory(Ticker.system())));

    private Engines() {}

    /** Guice modules for the enabled engines (house rule 6: Main chooses modules, modules bind). */
    static List<Module> modules(McpdConfig config) {
        List<Module> modules = new ArrayList<>();
        for (EngineFactory factory : factories(config)) {
            modules.add(binder -> Multibinder.newSetBinder(binder, EngineFactory.class).addBinding().toInstance(factory));
        }
        return modules;
    }

    /**
     * The container engine over docker-java. The runtime provider (one Docker API client per socket) belongs to the
     * engine: closing the engine closes it, so shutdown releases every runtime connection (B-E1).
     */
    private static Engine containers() {
        DockerApiContainerRuntimeProvider runtimes = new DockerApiContainerRuntimeProvider(
                ContainerHostResolver.system(), DockerApiContainerRuntimeConfig.defaults());
        Engine engine = new ContainerEngineFactory(runtimes, ContainerEngineConfig.defaults(), Clock.systemUTC()).create();
        return new OwningEngine(engine, runtimes);
    }

    /**
     * The hyperd SQL engine (B-B3): one hyperd per engine, found by {@link HyperdBinaryLocator} and started on the
     * first SQL call (so a proxy serving in-process, B-G4, starts its own only when a session uses it). Its files live
     * in {@code <state dir>/hyperd}. The client (pool and hyperd) belongs to the engine: closing the engine closes the
     * pool and stops hyperd (B-E1).
     */
    private static Engine hyperd(McpdConfig config) {
        Clock clock = Clock.systemUTC();
        PgWireHyperdClient client = new PgWireHyperdClient(HyperdBinaryLocator.system(),
                PgWireHyperdClientConfig.defaults(config.stateDir().resolve("hyperd")), clock);
        return new OwningEngine(new HyperdEngine(client, HyperdEngineConfig.defaults(), clock), client);
    }

    /** Factories for the enabled engines, in the order offered. */
    static List<EngineFactory> factories(McpdConfig config) {
        List<EngineFactory> factories = new ArrayList<>();
        for (Offer offer : OFFERS) {
            if (config.engines().contains(offer.name())) {
                factories.add(offer.factory().apply(config));
            }
        }
        return factories;
    }
}
