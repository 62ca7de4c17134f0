package dev.mcpd.adapter.primary.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpd.domain.model.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mcpd daemon run|start|stop|status}: each subcommand is one method (picocli's command methods). An
 * {@code IOException} is answered by {@link CommandFailure}.
 */
@Command(name = "daemon", description = "Run, start, stop or inspect the shared daemon of this scope.")
final class DaemonCommand extends CommandGroup {

    private final CliBackend backend;

    DaemonCommand(CliBackend backend) {
        this.backend = requireNonNull(backend, "backend is null");
    }

    @Command(name = "run", description = "Run the daemon in the foreground (what `serve --mcp` starts in the background).")
    int run() {
        return backend.daemonRun();
    }

    @Command(name = "start", description = "Start the daemon in the background if none runs.")
    int start() throws IOException {
        spec.commandLine().getOut().println("mcpd daemon running, pid " + backend.daemonStart());
        return ExitCode.OK.code();
    }

    @Command(name = "stop", description = "Stop the daemon gracefully; returns as soon as it accepted the stop.")
    int stop() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Optional<Long> pid = backend.daemonStop();
        if (pid.isEmpty()) {
            out.println("no mcpd daemon is running");
            return ExitCode.NO_DAEMON_RUNNING.code();
        }
        out.println("mcpd daemon " + pid.get() + " is stopping");
        return ExitCode.OK.code();
    }

    @Command(name = "status", description = "Show the daemon: pid, uptime, transports, engines, clients.")
    int status(@Option(names = "--json", description = "Print the status as JSON.") boolean json) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Optional<Map<String, Object>> status = backend.daemonStatus();
        if (status.isEmpty()) {
            out.println(json ? "{\"running\":false}" : "no mcpd daemon is running");
            return ExitCode.NO_DAEMON_RUNNING.code();
        }
        Map<String, Object> s = status.get();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(s));
            return ExitCode.OK.code();
        }
        out.printf("mcpd %s daemon pid %s, scope %s, up %s s%n", s.get("version"), s.get("pid"), s.get("scope"),
                s.get("uptimeSeconds"));
        for (Object t : list(s.get("transports"))) {
            Map<?, ?> m = (Map<?, ?>) t;
            out.printf("  transport %-7s %s%n", m.get("kind"), Boolean.TRUE.equals(m.get("available"))
                    ? String.valueOf(m.get("endpoint")) : "not listening: " + m.get("reason"));
        }
        for (Object e : list(s.get("engines"))) {
            Map<?, ?> m = (Map<?, ?>) e;
            out.printf("  engine    %-10s %s tools%s%n", m.get("name"), m.get("tools"),
                    Boolean.TRUE.equals(m.get("available")) ? "" : " (unavailable: " + m.get("reason") + ")");
        }
        // One-shot commands (role "cli"), this one included, are not sessions: they are left out (ADR 0011).
        List<?> all = list(s.get("clients"));
        List<?> clients = all.stream().filter(c -> !(c instanceof Map<?, ?> m && "cli".equals(m.get("role")))).toList();
        int commands = all.size() - clients.size();
        out.printf("  %d client(s)%s%n", clients.size(), commands == 0 ? ""
                : " (not counting " + commands + " mcpd command connection(s), this one included)");
        if (!clients.isEmpty()) {
            out.printf("  %-6s %-10s %-10s %-26s %s%n", "ID", "PROXY PID", "HOST PID", "CONNECTED", "IN FLIGHT");
            for (Object c : clients) {
                Map<?, ?> m = (Map<?, ?>) c;
                out.printf("  %-6s %-10s %-10s %-26s %s%n", m.get("id"), dash(m.get("proxyPid")), dash(m.get("hostPid")),
                        m.get("connectedSince"), m.get("inFlightCalls"));
            }
        }
        List<?> exits = list(s.get("recentExits"));
        if (!exits.isEmpty()) {
            out.println("  last exits of this scope's daemons (newest first):");
            for (Object exit : exits.subList(0, Math.min(5, exits.size()))) {
                out.println("    " + exit);
            }
        }
        return ExitCode.OK.code();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }

    private static Object dash(Object value) {
        return value == null ? "-" : value;
    }
}
