package dev.mcpd.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One MCP line stream (a proxy's stdio, or a raw connection to the daemon) with every request id tracked: an id
 * answered exactly once is <em>answered</em>, more than once <em>duplicated</em> (an answer to an id never sent
 * counts as a duplicate too), not at all when the stream ended <em>lost</em>, not at all while the stream is still
 * open <em>hung</em>. Ids are numbers, allocated here. A reader thread consumes every line.
 */
final class Peer implements AutoCloseable {

    private final OutputStream out;
    private final Closeable resource;
    private final Thread reader;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final Map<Long, JsonNode> firstAnswer = new ConcurrentHashMap<>();
    private final AtomicLong unknownIds = new AtomicLong();
    private final AtomicLong nullIdErrors = new AtomicLong();
    private final AtomicLong garbage = new AtomicLong();
    private final AtomicLong maxLatencyMicros = new AtomicLong();
    private volatile boolean ended;
    private volatile String daemonHello;
    private final Object lock = new Object();

    /**
     * @param in what the other side writes
     * @param out what it reads
     * @param resource closed by {@link #close()} (the process or socket), may be null
     * @param daemonHelloFirst whether the first line is the daemon's hello (raw connections), not an answer
     */
    Peer(InputStream in, OutputStream out, Closeable resource, boolean daemonHelloFirst) {
        this(in, out, resource, daemonHelloFirst, true);
    }

    /** As above; with {@code read} false nothing is ever read (a stuck reader), so nothing is counted answered. */
    Peer(InputStream in, OutputStream out, Closeable resource, boolean daemonHelloFirst, boolean read) {
        this.out = out;
        this.resource = resource;
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.reader = read ? Thread.ofPlatform().daemon().name("peer-reader").start(() -> read(lines, daemonHelloFirst)) : null;
    }

    static Peer of(Process proxy) {
        return new Peer(proxy.getInputStream(), proxy.getOutputStream(), null, false);
    }

    private void read(BufferedReader lines, boolean daemonHelloFirst) {
        try {
            if (daemonHelloFirst) {
                daemonHello = lines.readLine();
            }
            String line;
            while ((line = lines.readLine()) != null) {
                long now = System.nanoTime();
                JsonNode message;
                try {
                    message = McpdRig.JSON.readTree(line);
                } catch (IOException e) {
                    garbage.incrementAndGet();
                    continue;
                }
                if (message.has("method")) {
                    continue; // a notification (progress) or a server request
                }
                JsonNode idNode = message.get("id");
                if (idNode == null && !message.has("error")) {
                    garbage.incrementAndGet(); // neither a request, a notification nor a response
                    continue;
                }
                if (idNode == null || idNode.isNull()) {
                    // JSON-RPC 2.0 §5 wants "id": null here; mcpd omits the member (noted in docs/reliability.md)
                    nullIdErrors.incrementAndGet(); // an error for a line the server could not attribute
                    firstAnswer.putIfAbsent(-1L, message);
                    continue;
                }
                long id = idNode.asLong();
                Long begun = sentAt.get(id);
                if (begun == null) {
                    unknownIds.incrementAndGet();
                    continue;
                }
                if (answers.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    firstAnswer.put(id, message);
                    maxLatencyMicros.accumulateAndGet((now - begun) / 1000, Math::max);
                }
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // the stream ended abnormally
        } finally {
            ended = true;
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    String daemonHello() {
        return daemonHello;
    }

    boolean ended() {
        return ended;
    }

    /** Writes one line as is (no id tracking). */
    synchronized void writeLine(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes raw bytes (no id tracking). */
    synchronized void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The id the next {@link #request} will use. */
    long reserve() {
        long id = nextId.getAndIncrement();
        sentAt.put(id, System.nanoTime());
        return id;
    }

    /** A request line for a reserved id. */
    static String line(long id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\"" + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    /** Sends a tracked request; its id. */
    long request(String method, String params) throws IOException {
        long id = reserve();
        writeLine(line(id, method, params));
        return id;
    }

    static String call(String tool, String arguments) {
        return "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}";
    }

    /** Sends a tracked request and waits for its first answer at most {@code timeout}; the answer or null. */
    JsonNode ask(String method, String params, Duration timeout) throws IOException, InterruptedException {
        long id = request(method, params);
        return await(id, timeout);
    }

    /** The initialize request every MCP session starts with (tracked like any other; id from this peer). */
    JsonNode initialize(Duration timeout) throws IOException, InterruptedException {
        return ask("initialize", McpdRig.INIT.substring(McpdRig.INIT.indexOf("\"params\":") + 9, McpdRig.INIT.length() - 1), timeout);
    }

    /** Waits for the first answer to {@code id}; null on timeout or end of stream. */
    JsonNode await(long id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!firstAnswer.containsKey(id) && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
        return firstAnswer.get(id);
    }

    /** Waits until every id sent so far has an answer or the stream ended, at most {@code timeout}. */
    boolean awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!ended && answers.size() < sentAt.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
        return answers.size() >= sentAt.size();
    }

    /**
     * Keeps one request outstanding at a time (alternately {@code ping} and {@code diag_echo}) until
     * {@code stopAt} ({@link System#nanoTime()}); a request unanswered for 10 s is left behind (then counted
     * lost or hung). Runs on a new thread, returned.
     */
    Thread load(long stopAt) {
        return Thread.ofPlatform().name("load").start(() -> {
            try {
                while (System.nanoTime() < stopAt && !ended) {
                    long id = reserve();
                    writeLine(id % 2 == 1 ? line(id, "ping", null)
                            : line(id, "tools/call", call("diag_echo", "{\"text\":\"r" + id + "\"}")));
                    await(id, Duration.ofSeconds(10));
                }
            } catch (IOException | InterruptedException e) {
                // the stream ended: the outstanding request is counted lost
            }
        });
    }

    JsonNode answer(long id) {
        return firstAnswer.get(id);
    }

    /** The error for a line the server could not attribute (id null), if one came. */
    JsonNode unattributed() {
        return firstAnswer.get(-1L);
    }

    /** Lines from the server that were not JSON (framing broken). */
    long garbage() {
        return garbage.get();
    }

    long nullIdErrors() {
        return nullIdErrors.get();
    }

    long maxLatencyMicros() {
        return maxLatencyMicros.get();
    }

    /** Counts so far. */
    Counts counts() {
        long answered = 0;
        long duplicated = unknownIds.get();
        long lost = 0;
        long hung = 0;
        for (Long id : sentAt.keySet()) {
            AtomicInteger n = answers.get(id);
            int count = n == null ? 0 : n.get();
            if (count == 1) {
                answered++;
            } else if (count > 1) {
                duplicated++;
            } else if (ended) {
                lost++;
            } else {
                hung++;
            }
        }
        return new Counts(sentAt.size(), answered, lost, duplicated, hung);
    }

    /** Request tallies (see the class comment). */
    record Counts(long sent, long answered, long lost, long duplicated, long hung) {
        static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

        Counts plus(Counts o) {
            return new Counts(sent + o.sent, answered + o.answered, lost + o.lost, duplicated + o.duplicated, hung + o.hung);
        }
    }

    @Override
    public void close() {
        // a writer blocked on a peer that stopped reading holds the stream's lock: closing must not wait for it
        McpdRig.closeQuietly(out);
        if (resource != null) {
            try {
                resource.close();
            } catch (IOException e) {
                // gone
            }
        }
        try {
            if (reader != null) {
                reader.join(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
