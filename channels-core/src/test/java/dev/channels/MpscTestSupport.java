package dev.channels;

import dev.channels.internal.ParkingWaiter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the mpsc tests. */
final class MpscTestSupport {
    /** The large capacity of the parameterised tests: big enough to need many wrap-arounds' worth of work. */
    static final int LARGE = 1 << 16;

    /** Hang guard for waiting on other threads and futures; never a timing assertion. */
    static final long GUARD_SECONDS = 30;

    private MpscTestSupport() {
    }

    /** Runs a test once for each capacity: 1, 2, 16 and {@link #LARGE}. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 16, LARGE})
    @interface CapacityTest {
    }

    /** Like {@link Runnable} or {@link java.util.concurrent.Callable}, for test bodies that throw. */
    @FunctionalInterface
    interface Action<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    interface VoidAction {
        void run() throws Exception;
    }

    /** An action running on its own daemon platform thread. */
    static final class Forked<T> {
        final Thread thread;
        private final CompletableFuture<T> result = new CompletableFuture<>();

        Forked(String name, Action<T> action) {
            this(name, action, r -> {
                final Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });
        }

        /** With a thread made by {@code threads} (a virtual thread, for example). */
        Forked(String name, Action<T> action, Function<Runnable, Thread> threads) {
            thread = threads.apply(() -> {
                try {
                    result.complete(action.run());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
            thread.setName(name);
        }

        Forked<T> start() {
            thread.start();
            return this;
        }

        /** Waits for the action and returns its result, rethrowing what it threw. */
        T join() throws Exception {
            try {
                return result.get(GUARD_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                final Throwable cause = e.getCause();
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                throw new AssertionError("forked action failed", cause);
            } catch (TimeoutException e) {
                throw new AssertionError("hang guard: " + thread.getName() + " did not finish", e);
            }
        }

        /** Waits for the action, which must throw, and returns what it threw. */
        Throwable joinFailure() throws InterruptedException {
            try {
                final T value = result.get(GUARD_SECONDS, TimeUnit.SECONDS);
                throw new AssertionError(thread.getName() + " was expected to fail but returned " + value);
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                throw new AssertionError("hang guard: " + thread.getName() + " did not finish", e);
            }
        }

        boolean isDone() {
            return result.isDone();
        }
    }

    static <T> Forked<T> fork(String name, Action<T> action) {
        return new Forked<>(name, action).start();
    }

    static Forked<Void> forkVoid(String name, VoidAction action) {
        return new Forked<Void>(name, () -> {
            action.run();
            return null;
        }).start();
    }

    /**
     * Waits until {@code t} is parked inside a channel operation (its park blocker is the
     * channel's waiter). For a sender that means it is queued for capacity; for the receiver that
     * its waiter is registered. A state check, not a sleep.
     */
    static void awaitParkedInChannel(Thread t) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!(LockSupport.getBlocker(t) instanceof ParkingWaiter)) {
            if (!t.isAlive()) {
                fail(t.getName() + " ended instead of waiting in the channel");
            }
            if (System.nanoTime() - deadline > 0) {
                fail("hang guard: " + t.getName() + " never parked in the channel; state " + t.getState());
            }
            LockSupport.parkNanos(100_000L);
        }
    }

    /** The value of a stage, waiting at most the hang guard. */
    static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new AssertionError("stage failed", cause);
        }
    }

    /** The exception a stage completed with; fails if it completed normally. */
    static Throwable awaitFailure(CompletionStage<?> stage) throws Exception {
        final ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS));
        assertNotNull(e.getCause());
        return e.getCause();
    }

    /** Receives everything that is buffered now, without waiting; stops at empty or end of stream. */
    static <T> List<T> drainNow(Mpsc.Receiver<T> rx) {
        final List<T> out = new ArrayList<>();
        try {
            for (T e; (e = rx.tryRecv()) != null; ) {
                out.add(e);
            }
        } catch (ChannelClosedException endOfStream) {
            // closed and drained: nothing more to take
        }
        return out;
    }

    static long message(int producer, int seq) {
        return ((long) producer << 32) | seq;
    }

    static int producerOf(long m) {
        return (int) (m >>> 32);
    }

    static int seqOf(long m) {
        return (int) m;
    }

    /** Checks each message as it arrives: its producer's next sequence number, in order. */
    static final class OrderCheck {
        final int[] next;
        private long received;

        OrderCheck(int producers) {
            next = new int[producers];
        }

        void accept(Long m) {
            final int p = producerOf(m);
            final int s = seqOf(m);
            if (p < 0 || p >= next.length) {
                fail("message from unknown producer " + p);
            }
            if (s != next[p]) {
                fail("producer " + p + ": expected sequence " + next[p] + " but received " + s
                        + (s < next[p] ? " (duplicate or reordered)" : " (lost or reordered)"));
            }
            next[p]++;
            received++;
        }

        void assertComplete(int perProducer) {
            for (int p = 0; p < next.length; p++) {
                assertEquals(perProducer, next[p], "messages received from producer " + p);
            }
            assertEquals((long) perProducer * next.length, received);
        }
    }

    /**
     * The consumer: mixes blocking, timed (with short timeouts that race with sends), try, and
     * async receives (some cancelled when they have to wait), until end of stream.
     */
    static void consumeMixed(Mpsc.Receiver<Long> rx, OrderCheck check) throws Exception {
        for (long i = 0; ; i++) {
            final Long m;
            switch ((int) (i % 5)) {
                case 0:
                    m = rx.recv();
                    if (m == null) {
                        return;
                    }
                    break;
                case 1: {
                    Long t;
                    try {
                        while ((t = rx.tryRecv()) == null) {
                            backOff();
                        }
                    } catch (ChannelClosedException endOfStream) {
                        return;
                    }
                    m = t;
                    break;
                }
                case 2:
                    m = rx.recvAsync().toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
                    if (m == null) {
                        return;
                    }
                    break;
                case 3: {
                    Long t = null;
                    boolean got = false;
                    while (!got) {
                        try {
                            t = rx.recv(Duration.ofNanos(20_000));
                            got = true;
                        } catch (TimeoutException e) {
                            // took nothing: try again
                        }
                    }
                    if (t == null) {
                        return;
                    }
                    m = t;
                    break;
                }
                default: {
                    // An async receive that is cancelled if it has to wait: a true cancel took nothing.
                    final CompletableFuture<Long> f = rx.recvAsync().toCompletableFuture();
                    if (!f.isDone() && f.cancel(false)) {
                        continue;
                    }
                    m = f.get(GUARD_SECONDS, TimeUnit.SECONDS);
                    if (m == null) {
                        return;
                    }
                    break;
                }
            }
            check.accept(m);
        }
    }

    private static final Method IS_VIRTUAL = isVirtualMethod();

    private static Method isVirtualMethod() {
        try {
            return Thread.class.getMethod("isVirtual"); // JDK 21+
        } catch (NoSuchMethodException jdk17) {
            return null;
        }
    }

    static boolean isVirtual(Thread t) {
        try {
            return IS_VIRTUAL != null && (Boolean) IS_VIRTUAL.invoke(t);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * One step of a polling loop (a trySend that found the channel full, a tryRecv that found it
     * empty). A platform thread yields. A virtual thread parks for a microsecond instead: a
     * virtual thread that keeps calling {@code Thread.yield()} can keep the carriers from the
     * virtual threads unparked by other threads (the JDK's scheduler is not fair to them), and
     * the test would hang for reasons that have nothing to do with the channel.
     */
    static void backOff() {
        if (isVirtual(Thread.currentThread())) {
            LockSupport.parkNanos(1_000L);
        } else {
            Thread.yield();
        }
    }

    /** The ring length the bounded channel allocates for {@code capacity}: the next power of two. */
    static int ringLength(int capacity) {
        return capacity == 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
    }

    /** Fills a bounded channel to capacity with {@code 0 .. capacity-1}. */
    static void fill(Mpsc.Sender<Integer> tx, int capacity) {
        for (int i = 0; i < capacity; i++) {
            if (tx.trySend(i) != TrySendResult.SENT) {
                fail("could not fill the channel: message " + i + " of " + capacity + " was not sent");
            }
        }
    }

    /** Receives {@code 0 .. n-1} in order without waiting, then expects the channel to be empty. */
    static void expectSequence(Mpsc.Receiver<Integer> rx, int n) {
        for (int i = 0; i < n; i++) {
            final Integer e = rx.tryRecv();
            if (e == null || e != i) {
                fail("expected message " + i + " but received " + e);
            }
        }
    }
}
