package dev.channels;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers shared by the oneshot tests (the mpsc helpers in {@link MpscTestSupport} are reused too). */
final class OneshotTestSupport {
    private OneshotTestSupport() {
    }

    /**
     * The cause of a failed stage, with {@link CompletionException} and {@link ExecutionException}
     * wrappers removed.
     */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** Asserts that a receive from {@code rx} finds nothing now and leaves the receiver usable. */
    static void assertNothingYet(Oneshot.Receiver<?> rx) {
        assertTrue(rx.isEmpty(), "no value is waiting");
        assertFalse(rx.isTerminated(), "nothing was received");
        assertNull(rx.tryRecv(), "tryRecv found a value");
    }

    /** Asserts that every form of receive reports the channel closed without a value. */
    static void assertEveryReceiveIsClosed(Oneshot.Receiver<Integer> rx) throws Exception {
        assertThrows(ChannelClosedException.class, rx::tryRecv);
        assertThrows(ChannelClosedException.class, rx::recv);
        assertThrows(ChannelClosedException.class, () -> rx.recv(Duration.ofMinutes(5)));
        assertThrows(ChannelClosedException.class, () -> rx.recv(Duration.ZERO));
        assertThrows(ChannelClosedException.class,
                () -> await(rx.recvAsync()));
        assertThrows(ChannelClosedException.class,
                () -> await(rx.recvAsync(Runnable::run)));
        // The receiver as a stage: its shared receive fails the same way.
        assertThrows(ChannelClosedException.class, () -> await(rx));
        assertThrows(ChannelClosedException.class, () -> await(rx.thenApply(v -> v + 1)));
        assertFalse(rx.isTerminated(), "a closed channel without a value is not 'received'");
        assertTrue(rx.isEmpty());
    }

    /**
     * Runs {@code other} on a helper thread and {@code mine} on the calling thread, started as
     * close together as a spin hand-shake allows, and returns what {@code other} returned. One
     * helper thread is reused for every round, so that thousands of rounds are cheap.
     */
    static final class Racer implements AutoCloseable {
        private final ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "oneshot racer");
            t.setDaemon(true);
            return t;
        });

        <T> T race(Callable<T> other, MpscTestSupport.VoidAction mine) throws Exception {
            final AtomicInteger phase = new AtomicInteger();
            final Future<T> f = helper.submit(() -> {
                phase.set(1);
                spinUntil(phase, 2);
                return other.call();
            });
            spinUntil(phase, 1);
            phase.set(2);
            try {
                mine.run();
            } finally {
                // even if mine failed: do not leave the helper running into the next round
                try {
                    f.get(GUARD_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException ignoredHere) {
                    // reported below, after mine's own failure (if any) has propagated
                }
            }
            try {
                return f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                final Throwable cause = e.getCause();
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                throw new AssertionError("racing action failed", cause);
            } catch (TimeoutException e) {
                throw new AssertionError("hang guard: the racing action did not finish", e);
            }
        }

        private static void spinUntil(AtomicInteger phase, int value) {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
            for (int i = 0; phase.get() < value; i++) {
                if ((i & 63) == 63) {
                    Thread.yield(); // the machine may have fewer cores than spinning threads
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError("hang guard: racer hand-shake");
                    }
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public void close() {
            helper.shutdownNow();
            try {
                assertTrue(helper.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while shutting the racer down", e);
            }
        }
    }
}
