package dev.channels;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking waits on the cores' "closed" futures (the receiver closed, no receiver left), which
 * are only ever completed normally: the senders' {@code awaitClosed} forms of every kind.
 */
final class Signals {
    private Signals() {
    }

    /** Waits until {@code signal} completes. */
    static void await(CompletableFuture<Void> signal) throws InterruptedException {
        try {
            signal.get();
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Waits at most {@code timeout} for {@code signal}; returns whether it completed. */
    static boolean await(CompletableFuture<Void> signal, Duration timeout) throws InterruptedException {
        final long nanos = Timeouts.nanos(timeout);
        try {
            signal.get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
