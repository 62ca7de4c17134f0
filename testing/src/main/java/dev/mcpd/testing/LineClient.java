package dev.mcpd.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One line-oriented JSON-RPC peer: a proxy's stdio ({@code mcpd serve --mcp}), or a raw connection to a daemon's
 * Unix socket. A reader thread takes every line it receives (UTF-8, one JSON-RPC message per line as in MCP's stdio
 * transport, 2025-06-18 "Transports"); a response (an {@code id} and no {@code method}) completes the future of its
 * id, any other object is kept as a notification or request from the other side, and every line, JSON or not, can
 * be awaited with {@link #awaitLine}. The end of the stream is remembered, so a test can see the other side close.
 *
 * <p>Ids are told apart by their JSON form: the number {@code 5} and the string {@code "5"} are two ids (JSON-RPC 2.0
 * section 4). Every wait takes a deadline and fails with an {@link AssertionError} saying what did not arrive.
 * Messages are {@code Map<String, Object>} as Jackson reads them (numbers are {@link Integer}, {@link Long} or
 * {@link java.math.BigInteger} by size; use {@link Number} to compare).
 */
public final class LineClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
    private static final String EOF = "\u0000eof";

    private final OutputStream out;
    private final AutoCloseable resource;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Map<String, Object>>> responses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> responseCounts = new ConcurrentHashMap<>();
    private final BlockingQueue<Map<String, Object>> notifications = new LinkedBlockingQueue<>();
    private final List<Map<String, Object>> messages = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicLong ids = new AtomicLong(1);

    /**
     * @param in what the other side writes (read by a virtual thread until its end)
     * @param out what the other side reads; every {@link #send} writes one line and flushes
     * @param resource closed by {@link #close()} (the socket, or whatever ends the other side's stdin)
     */
    public LineClient(InputStream in, OutputStream out, AutoCloseable resource) {
        this.out = out;
        this.resource = resource;
        Thread.ofVirtual().name("line-client").start(() -> read(in));
    }

    /** A client over a process's stdin and stdout; {@link #close()} closes its stdin, as a host does. */
    public static LineClient ofProcess(Process process) {
        return new LineClient(process.getInputStream(), process.getOutputStream(), process.getOutputStream());
    }

    /**
     * A raw connection to a daemon's Unix socket (B-W2: the daemon speaks first; await its hello with
     * {@code awaitLine(l -> l.contains("\"mcpd\""), ...)}).
     *
     * @throws IOException when nothing listens on {@code socket}
     */
    public static LineClient unixSocket(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new LineClient(Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
    }

    private void read(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
                route(line);
            }
        } catch (IOException e) {
            // the other side went away: same as the end of the stream
        } finally {
            lines.add(EOF);
            ended.countDown();
            responses.values().forEach(f -> f.completeExceptionally(new IllegalStateException("the stream ended")));
        }
    }

    private void route(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return; // not JSON: only awaitLine sees it
        }
        if (node == null || !node.isObject()) {
            return; // a bare value (a host shell printing a pid): only awaitLine sees it
        }
        Map<String, Object> message = JSON.convertValue(node, OBJECT);
        messages.add(message);
        if (node.has("id") && !node.has("method")) {
            String key = node.get("id").toString();
            responseCounts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            future(key).complete(message);
        } else {
            notifications.add(message);
        }
    }

    private CompletableFuture<Map<String, Object>> future(String key) {
        return responses.computeIfAbsent(key, k -> {
            CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
            if (ended.getCount() == 0) {
                f.completeExceptionally(new IllegalStateException("the stream ended"));
            }
            return f;
        });
    }

    private static String key(Object id) {
        return JSON.valueToTree(id).toString();
    }

    // ---- sending ----

    /** Writes {@code line} and a newline, and flushes. */
    public void send(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(UTF_8);
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    /** Writes {@code message} as one line of JSON. */
    public void send(Map<String, ?> message) throws IOException {
        send(JSON.writeValueAsString(message));
    }

    /** Sends a request with the next id of this client (1, 2, …) and returns that id. */
    public long request(String method, Map<String, ?> params) throws IOException {
        long id = ids.getAndIncrement();
        request(id, method, params);
        return id;
    }

    /**
     * Sends a request with the given id (a number or a string; {@code params} left out when null). A numeric id moves
     * this client's next id past it, so the ids {@link #request(String, Map)} picks never repeat it.
     */
    public void request(Object id, String method, Map<String, ?> params) throws IOException {
        if (id instanceof Number n) {
            ids.getAndUpdate(next -> Math.max(next, n.longValue() + 1));
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("id", id);
        message.put("method", method);
        if (params != null) {
            message.put("params", params);
        }
        send(message);
    }

    /** Sends a notification ({@code params} left out when null). */
    public void notify(String method, Map<String, ?> params) throws IOException {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("method", method);
        if (params != null) {
            message.put("params", params);
        }
        send(message);
    }

    // ---- receiving ----

    /** The response to {@code id} when it arrives; fails when the stream ends first. */
    public CompletableFuture<Map<String, Object>> responseTo(Object id) {
        return future(key(id));
    }

    /** The response to {@code id}, waiting at most {@code within}; empty if none came (or the stream ended). */
    public Optional<Map<String, Object>> response(Object id, Duration within) throws InterruptedException {
        try {
            return Optional.of(responseTo(id).get(within.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        }
    }

    /** The response to {@code id}; an {@link AssertionError} when none comes within {@code within}. */
    public Map<String, Object> awaitResponse(Object id, Duration within) throws InterruptedException {
        try {
            return responseTo(id).get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no response to request " + key(id) + " within " + within);
        } catch (ExecutionException e) {
            throw new AssertionError("the stream ended before the response to request " + key(id) + " arrived");
        }
    }

    /** How many responses to {@code id} arrived so far (JSON-RPC allows one; a count shows a duplicate). */
    public int responseCount(Object id) {
        AtomicInteger count = responseCounts.get(key(id));
        return count == null ? 0 : count.get();
    }

    /** Whether a response to {@code id} arrives within {@code within}. */
    public boolean answeredWithin(Object id, Duration within) throws InterruptedException {
        return response(id, within).isPresent();
    }

    /** Sends a request and awaits its response (the whole message: {@code result} or {@code error}). */
    public Map<String, Object> call(String method, Map<String, ?> params, Duration within)
            throws IOException, InterruptedException {
        return awaitResponse(request(method, params), within);
    }

    /**
     * MCP's handshake as a host does it: {@code initialize} (protocol 2025-06-18, no capabilities, client
     * {@code clientName}) then {@code notifications/initialized}. Returns the {@code initialize} response.
     */
    public Map<String, Object> initialize(String clientName, Duration within) throws IOException, InterruptedException {
        Map<String, Object> response = call("initialize", Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
                "clientInfo", Map.of("name", clientName, "version", "1")), within);
        notify("notifications/initialized", null);
        return response;
    }

    /** A {@code tools/call}; its {@code result}, or an {@link AssertionError} carrying the JSON-RPC error. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> callTool(String name, Map<String, ?> arguments, Duration within)
            throws IOException, InterruptedException {
        Map<String, Object> response = call("tools/call", Map.of("name", name, "arguments", arguments), within);
        if (response.containsKey("error")) {
            throw new AssertionError("tools/call " + name + " failed: " + response.get("error"));
        }
        return (Map<String, Object>) response.get("result");
    }

    /** The {@code structuredContent} of the admin engine's {@code daemon_status}: who is connected, calls in flight, the engines. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> daemonStatus(Duration within) throws IOException, InterruptedException {
        return (Map<String, Object>) callTool("daemon_status", Map.of(), within).get("structuredContent");
    }

    /**
     * The next received line that matches, skipping (and consuming) the others; an {@link AssertionError} after
     * {@code within} or at the end of the stream. Independent of the response futures: a response is both.
     */
    public String awaitLine(Predicate<String> wanted, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no matching line within " + within);
            }
            if (line.equals(EOF)) {
                lines.add(EOF);
                throw new AssertionError("the stream ended before a matching line arrived");
            }
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Every JSON object received so far (responses, notifications, requests), oldest first. */
    public List<Map<String, Object>> messages() {
        return List.copyOf(messages);
    }

    /** Notifications and requests from the other side received so far, oldest first; drained by this call. */
    public List<Map<String, Object>> drainNotifications() {
        List<Map<String, Object>> drained = new ArrayList<>();
        notifications.drainTo(drained);
        return drained;
    }

    /** Whether the other side has closed the stream. */
    public boolean ended() {
        return ended.getCount() == 0;
    }

    /** Whether the other side closes the stream within {@code within}. */
    public boolean awaitEnd(Duration within) throws InterruptedException {
        return ended.await(within.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Closes the resource given at construction (a socket, or the other side's stdin); idempotent. */
    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            // already gone
        }
    }

    /** Reads a JSON text as a map (a helper for tests that receive JSON otherwise, e.g. {@code --json} output). */
    public static Map<String, Object> parseObject(String json) {
        try {
            return JSON.readValue(json, OBJECT);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
