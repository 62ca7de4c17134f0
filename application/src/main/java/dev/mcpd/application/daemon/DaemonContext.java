package dev.mcpd.application.daemon;

/**
 * What the pieces of a running {@link Daemon} share: who it is, its settings, what it drives, and its state.
 * Built once by the daemon, never by a caller.
 *
 * @param identity this daemon's version, pid and scope
 * @param settings its settings (B-E2's grace period among them)
 * @param ports what it drives and reads time from
 * @param coordinator its one {@link DaemonState}
 */
record DaemonContext(
        DaemonIdentity identity, DaemonSettings settings, DaemonPorts ports, DaemonStateCoordinator coordinator) {}
