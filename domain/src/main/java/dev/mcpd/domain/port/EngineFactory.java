package dev.mcpd.domain.port;

/**
 * Creates an {@link Engine}. The daemon creates each engine once at start; a proxy serving in-process (B-G4)
 * creates them lazily on first use, so that start-up stays fast.
 */
public interface EngineFactory {

    /** The name of the engine this factory creates; equal to {@link Engine#name()}. */
    String name();

    /** Creates the engine. Must not block on a backend: engines connect lazily and report availability. */
    Engine create();
}
