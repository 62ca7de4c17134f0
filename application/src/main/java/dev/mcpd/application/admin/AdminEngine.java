package dev.mcpd.application.admin;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.daemon.DaemonStatus;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.tool.ToolHandler;
import dev.mcpd.application.tool.ToolTable;
import dev.mcpd.application.tool.ToolTableEngine;
import dev.mcpd.domain.model.ClientInfo;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The daemon's own tools, always present: {@code daemon_status} and {@code daemon_stop}.
 *
 * <p>{@code daemon_stop} only asks for the stop and returns: the caller is answered at once and the daemon then
 * finishes its orderly shutdown on its own (B-C3, B-E1).
 */
public final class AdminEngine extends ToolTableEngine {

    public static final String NAME = "admin";

    /**
     * @param status produces a fresh snapshot; must not block
     * @param stopRequester asks the daemon to stop with the given reason; must return at once
     */
    public AdminEngine(Supplier<DaemonStatus> status, Consumer<String> stopRequester) {
        super(NAME, table(requireNonNull(status, "status is null"), requireNonNull(stopRequester, "stopRequester is null")));
    }

    private static ToolTable table(Supplier<DaemonStatus> status, Consumer<String> stopRequester) {
        return ToolTable.of(NAME, List.of(
                new ToolHandler(new Tool("daemon_status", "Daemon status",
                        "Shows the shared mcpd daemon: version, pid, uptime, scope, transports, engines with their "
                                + "availability, and connected clients with their proxy and host pids.",
                        Json.object("type", "object", "properties", Json.object(), "additionalProperties", false),
                        statusSchema(), ToolAnnotations.readOnly()),
                        (arguments, context) -> renderStatus(status.get())),
                new ToolHandler(new Tool("daemon_stop", "Stop the daemon",
                        "Stops the shared mcpd daemon gracefully: in-flight calls are answered, engines closed. "
                                + "Proxies fall back to serving in-process and start a new daemon later.",
                        Json.object("type", "object", "properties", Json.object("reason", Json.object("type", "string",
                                "description", "Why the daemon is stopped; kept in its log.")),
                                "additionalProperties", false),
                        Json.object("type", "object", "properties", Json.object("stopping", Json.object("type", "boolean"),
                                "pid", Json.object("type", "integer")), "required", List.of("stopping", "pid")),
                        new ToolAnnotations(false, true, true, false)),
                        (arguments, context) -> stop(status.get(), stopRequester, Json.asString(arguments.raw("reason"))))));
    }

    private static ToolResult stop(DaemonStatus now, Consumer<String> stopRequester, String reason) {
        stopRequester.accept("daemon_stop tool" + (reason == null ? "" : ": " + reason));
        return ToolResult.structured(Json.object("stopping", true, "pid", now.pid()), "mcpd daemon " + now.pid() + " is stopping");
    }

    static ToolResult renderStatus(DaemonStatus s) {
        List<Object> transports = new ArrayList<>();
        for (DaemonStatus.TransportStatus t : s.transports()) {
            transports.add(Json.object("kind", t.kind().scheme(), "endpoint", t.endpoint(),
                    "available", t.availability().isAvailable(), "reason", blankToNull(t.availability().reason())));
        }
        List<Object> engines = new ArrayList<>();
        for (DaemonStatus.EngineStatus e : s.engines()) {
            engines.add(Json.object("name", e.name(), "available", e.availability().isAvailable(),
                    "reason", blankToNull(e.availability().reason()), "tools", e.tools(), "detail", blankToNull(e.detail())));
        }
        List<Object> clients = new ArrayList<>();
        for (ClientInfo c : s.clients()) {
            clients.add(Json.object("id", c.id().value(), "transport", c.transport().scheme(),
                    "proxyPid", pidValue(c.proxyPid()), "hostPid", pidValue(c.hostPid()),
                    "peerPid", c.peer().hasPid() ? c.peer().pid() : null,
                    "role", c.description().role(), "reportedProxyPid", c.description().reportedProxyPid(),
                    "reportedHostPid", c.description().reportedHostPid(),
                    "hello", c.helloReceived(), "connectedSince", c.connectedAt().toString(),
                    "lastActivity", c.lastActivity().toString(), "inFlightCalls", c.inFlightCalls()));
        }
        Map<String, Object> structured = Json.object("version", s.version(), "pid", s.pid(), "scope", s.scope(),
                "startedAt", s.startedAt().toString(), "uptimeSeconds", s.uptime().toSeconds(),
                "transports", transports, "engines", engines, "clients", clients, "stopReason", s.stopReason(),
                "recentExits", s.recentExits());
        StringBuilder text = new StringBuilder();
        text.append("mcpd ").append(s.version()).append(" daemon pid ").append(s.pid()).append(", scope ").append(s.scope())
                .append(", up ").append(s.uptime().toSeconds()).append(" s\n");
        for (DaemonStatus.TransportStatus t : s.transports()) {
            text.append("transport ").append(t.kind().scheme()).append(": ")
                    .append(t.endpoint() == null ? "-" : t.endpoint()).append(" (").append(t.availability()).append(")\n");
        }
        for (DaemonStatus.EngineStatus e : s.engines()) {
            text.append("engine ").append(e.name()).append(": ").append(e.tools()).append(" tools (")
                    .append(e.availability()).append(")").append(e.detail().isBlank() ? "" : " " + e.detail()).append("\n");
        }
        long commands = s.clients().stream().filter(c -> c.description().isCli()).count();
        text.append(s.clients().size() - commands).append(" client(s)");
        if (commands > 0) {
            text.append(" and ").append(commands).append(" mcpd command connection(s) (role cli, ADR 0011)");
        }
        for (ClientInfo c : s.clients()) {
            text.append("\n  ").append(c.id()).append(c.description().isCli() ? " (mcpd command)" : "")
                    .append(" proxy pid ").append(pidValue(c.proxyPid()))
                    .append(" host pid ").append(pidValue(c.hostPid())).append(" since ").append(c.connectedAt())
                    .append(", last activity ").append(c.lastActivity()).append(", ").append(c.inFlightCalls())
                    .append(" in flight");
        }
        return ToolResult.structured(structured, text.toString());
    }

    private static Long pidValue(Pid pid) {
        return pid == null ? null : pid.value();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Map<String, Object> statusSchema() {
        Map<String, Object> string = Json.object("type", "string");
        Map<String, Object> integer = Json.object("type", "integer");
        return Json.object("type", "object",
                "properties", Json.object(
                        "version", string, "pid", integer, "scope", string, "startedAt", string,
                        "uptimeSeconds", integer,
                        "transports", Json.object("type", "array", "items", Json.object("type", "object")),
                        "engines", Json.object("type", "array", "items", Json.object("type", "object")),
                        "clients", Json.object("type", "array", "items", Json.object("type", "object")),
                        "stopReason", Json.object("type", List.of("string", "null")),
                        "recentExits", Json.object("type", "array", "items", Json.object("type", "string"),
                                "description", "Why earlier daemons of this scope exited, newest first.")),
                "required", List.of("version", "pid", "scope", "uptimeSeconds", "transports", "engines", "clients"));
    }
}
