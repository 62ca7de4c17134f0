package dev.mcpd.adapter.secondary.hyperd;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A stand-in daemon for {@link HyperdSupervisorTest}: starts hyperd through a supervisor, prints hyperd's pid on a
 * line, then waits to be killed. Args: hyperd binary, hyperd dir.
 */
public final class SupervisorHolderMain {

    private SupervisorHolderMain() {}

    public static void main(String[] args) throws Exception {
        HyperdSupervisor supervisor = new HyperdSupervisor(Path.of(args[0]),
                PgWireHyperdClientConfig.defaults(Path.of(args[1])), Clock.systemUTC());
        HyperdSupervisor.Running running = supervisor.running(Clock.systemUTC().instant().plusSeconds(30));
        System.out.println("hyperd-pid=" + running.process().pid());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5));
    }
}
