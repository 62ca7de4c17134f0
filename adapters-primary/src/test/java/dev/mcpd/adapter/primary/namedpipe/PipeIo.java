package dev.mcpd.adapter.primary.namedpipe;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Small helpers for the named pipe tests: run a blocking call on its own thread, read a line off a handle. */
final class PipeIo {

    private PipeIo() {}

    interface IoCall<T> {
        T call() throws Exception;
    }

    /** Runs {@code call} on a new platform thread (the thread a real blocking pipe call needs). */
    static <T> CompletableFuture<T> async(IoCall<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    static void writeLine(PipeApi api, PipeHandle handle, String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(UTF_8);
        api.write(handle, bytes, 0, bytes.length);
    }

    /** One line read byte by byte, without its newline; null at end of stream before any byte. */
    static String readLine(PipeApi api, PipeHandle handle) throws IOException {
        StringBuilder line = new StringBuilder();
        byte[] one = new byte[1];
        while (true) {
            int n = api.read(handle, one, 0, 1);
            if (n < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            if (one[0] == '\n') {
                return line.toString();
            }
            line.append((char) one[0]);
        }
    }
}
