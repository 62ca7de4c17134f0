package dev.mcpd.adapter.secondary.container;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.mcpd.domain.model.container.LogLine;
import dev.mcpd.domain.model.container.LogStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Splits the multiplexed log stream into lines per stream. A frame may hold several lines or part of one; a
 * container with a TTY sends one raw stream, taken as stdout. Unlike docker-java's {@code ResultCallback.Adapter}
 * it does not log errors (an unknown container is an answer, not an error worth a stack trace in the log).
 */
final class MultiplexedLogCollector implements ResultCallback<Frame> {
    private final boolean timestamps;
    private final List<LogLine> lines = new ArrayList<>();
    private final Map<LogStream, ByteArrayOutputStream> partial = new EnumMap<>(LogStream.class);
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Throwable error;
    private volatile Closeable stream;

    /** @param timestamps whether each line starts with an RFC 3339 time and a space (taken off into the line) */
    MultiplexedLogCollector(boolean timestamps) {
        this.timestamps = timestamps;
    }

    @Override
    public void onStart(Closeable stream) {
        this.stream = stream;
    }

    @Override
    public void onNext(Frame frame) {
        LogStream which = frame.getStreamType() == StreamType.STDERR ? LogStream.STDERR : LogStream.STDOUT;
        byte[] payload = frame.getPayload();
        if (payload == null) {
            return;
        }
        synchronized (lines) {
            ByteArrayOutputStream buffer = partial.computeIfAbsent(which, s -> new ByteArrayOutputStream());
            for (byte b : payload) {
                if (b == '\n') {
                    emit(which, buffer);
                } else {
                    buffer.write(b);
                }
            }
        }
    }

    @Override
    public void onError(Throwable throwable) {
        error = throwable;
        done.countDown();
    }

    @Override
    public void onComplete() {
        done.countDown();
    }

    /** Aborts the stream if it is still open; idempotent. */
    @Override
    public void close() throws IOException {
        done.countDown();
        Closeable open = stream;
        if (open != null) {
            open.close();
        }
    }

    /** Waits for the end of the output (the caller's deadline interrupts), then returns every line. */
    List<LogLine> await() throws Exception {
        try {
            done.await();
        } finally {
            close();
        }
        Throwable failure = error;
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        synchronized (lines) {
            partial.forEach((which, buffer) -> {
                if (buffer.size() > 0) {
                    emit(which, buffer);
                }
            });
            return List.copyOf(lines);
        }
    }

    private void emit(LogStream which, ByteArrayOutputStream buffer) {
        String text = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        Instant timestamp = null;
        if (timestamps) {
            int space = text.indexOf(' ');
            Instant parsed = space > 0 ? DockerModelMapper.time(text.substring(0, space)) : DockerModelMapper.time(text);
            if (parsed != null) {
                timestamp = parsed;
                text = space > 0 ? text.substring(space + 1) : "";
            }
        }
        lines.add(new LogLine(which, timestamp, text));
    }
}
