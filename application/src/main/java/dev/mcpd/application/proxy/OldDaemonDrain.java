package dev.mcpd.application.proxy;

import static java.util.Objects.requireNonNull;

import dev.mcpd.application.client.DaemonToolClient;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.DaemonHello;
import dev.mcpd.domain.port.JsonCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * B-W5: asks a daemon of another build to stop when this proxy is its only client, so that the next proxy of this
 * build starts a fresh one; a daemon still serving other sessions is left alone. Never uses it for the session. The
 * old daemon gets {@code timeout} to answer; then its connection is closed.
 */
final class OldDaemonDrain {

    private static final Logger log = LoggerFactory.getLogger(OldDaemonDrain.class);

    private final JsonCodec codec;
    private final Supplier<ClientHello> hello;
    private final PrintStream diagnostics;
    private final Duration timeout;

    /**
     * @param codec JSON codec
     * @param hello this proxy's client hello; its pid tells this session apart from the old daemon's others
     * @param diagnostics where the one message a person must see goes (stderr)
     * @param timeout how long the old daemon may take to answer
     */
    OldDaemonDrain(JsonCodec codec, Supplier<ClientHello> hello, PrintStream diagnostics, Duration timeout) {
        this.codec = requireNonNull(codec, "codec is null");
        this.hello = requireNonNull(hello, "hello is null");
        this.diagnostics = requireNonNull(diagnostics, "diagnostics is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** Says once, on {@code diagnostics}, that the daemon running is of another build and is not used (B-W5). */
    void announce(DaemonFinder.Result.VersionMismatch mismatch) {
        DaemonHello other = mismatch.hello();
        diagnostics.println("mcpd: the running daemon (pid " + other.pid() + ") is version " + other.version()
                + ", not this proxy's; serving this session in-process (the old daemon is asked to stop once it"
                + " serves no other session; or stop it with: mcpd daemon stop)");
    }

    /** Drains the old daemon on a virtual thread of its own; returns at once. */
    void start(DaemonFinder.Result.VersionMismatch mismatch) {
        Thread.ofVirtual().name("drain-old-daemon").start(() -> drain(mismatch));
    }

    private void drain(DaemonFinder.Result.VersionMismatch mismatch) {
        DaemonLink old = mismatch.link();
        CountDownLatch answered = new CountDownLatch(1);
        Thread.ofVirtual().name("drain-old-daemon-timer").start(() -> {
            try {
                if (!answered.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    old.connection().close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (DaemonToolClient client = new DaemonToolClient(old, codec, hello.get())) {
            Map<String, Object> status = Json.asObject(client.callTool("daemon_status", Map.of()).get("structuredContent"));
            List<Object> clients = status == null ? null : Json.asArray(status.get("clients"));
            if (clients == null) {
                log.info("the old daemon pid {} gave no client list; leaving it", old.hello().pid());
                return;
            }
            long proxyPid = hello.get().pid();
            long others = clients.stream().map(Json::asObject)
                    .filter(c -> c == null || !(c.get("proxyPid") instanceof Number n) || n.longValue() != proxyPid)
                    .count();
            if (others == 0) {
                client.callTool("daemon_stop", Json.object("reason", "replaced by mcpd version " + mismatch.ours()));
                log.info("asked the old daemon pid {} (version {}) to stop: it served no other session",
                        old.hello().pid(), old.hello().version());
            } else {
                log.info("the old daemon pid {} (version {}) still serves {} other session(s); leaving it",
                        old.hello().pid(), old.hello().version(), others);
            }
        } catch (IOException | RuntimeException e) {
            log.info("could not ask the old daemon pid {} to drain: {}", old.hello().pid(), e.toString());
        } finally {
            answered.countDown();
        }
    }
}
