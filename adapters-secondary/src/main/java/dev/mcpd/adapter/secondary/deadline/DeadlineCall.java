package dev.mcpd.adapter.secondary.deadline;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs one blocking backend call (a Docker Engine API request, a JDBC borrow or query) on its own virtual thread and
 * waits for it at most until a deadline, so that a slow or hung backend costs the caller its deadline and never more
 * (B-B1, B-B3: every backend call has a deadline, a backend that is down is never a hang).
 *
 * <p>When the deadline passes (or the caller is interrupted) the worker thread is interrupted and the call is
 * abandoned; should it still produce a value later, that value is handed to {@code abandoned} (a pooled connection is
 * closed there, say), so nothing leaks.
 */
public final class DeadlineCall {

    private DeadlineCall() {
    }

    /**
     * @param threadName the worker thread's name, {@code mcpd-<backend>-<operation>} by convention
     * @param deadline the instant after which the caller stops waiting
     * @param task the blocking call
     * @param abandoned receives a value the task produced after the caller stopped waiting; may be a no-op
     * @return the task's value
     * @throws TimeoutException when the deadline passed first (the task is interrupted and abandoned)
     * @throws ExecutionException when the task threw; its cause is the task's exception
     * @throws InterruptedException when the caller was interrupted (the task is interrupted and abandoned)
     */
    public static <T> T within(String threadName, Instant deadline, Callable<T> task, Consumer<? super T> abandoned)
            throws InterruptedException, TimeoutException, ExecutionException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name(threadName).start(() -> {
            try {
                T value = task.call();
                if (!result.complete(value) && value != null) {
                    abandoned.accept(value);
                }
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        });
        try {
            long nanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
            return result.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException stopped) {
            abandon(result, worker, abandoned);
            throw stopped;
        }
    }

    /** {@link #within(String, Instant, Callable, Consumer)} for a task whose late value needs no clean-up. */
    public static <T> T within(String threadName, Instant deadline, Callable<T> task)
            throws InterruptedException, TimeoutException, ExecutionException {
        return within(threadName, deadline, task, value -> { });
    }

    private static <T> void abandon(CompletableFuture<T> result, Thread worker, Consumer<? super T> abandoned) {
        if (!result.cancel(false) && !result.isCompletedExceptionally()) {
            // The value arrived between the timeout and the cancel: nobody will use it.
            T late = result.getNow(null);
            if (late != null) {
                abandoned.accept(late);
            }
        }
        worker.interrupt();
    }
}
