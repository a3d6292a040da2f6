package dev.channels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.backOff;
import static dev.channels.MpscTestSupport.producerOf;
import static dev.channels.MpscTestSupport.seqOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the broadcast tests (the mpsc ones are reused from {@link MpscTestSupport}). */
final class BroadcastTestSupport {
    /** The large capacity of the parameterised tests. */
    static final int LARGE = MpscTestSupport.LARGE;

    private BroadcastTestSupport() {
    }

    /** Runs a test once for each requested capacity: 1, 2, 3 (rounded to 4), 16 and {@link #LARGE}. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 3, 16, LARGE})
    @interface CapacityTest {
    }

    /** The capacity a broadcast channel keeps for a requested one: the next power of two. */
    static int rounded(int requested) {
        return MpscTestSupport.ringLength(requested);
    }

    /** Sends {@code from .. to-1} as Integers, checking the receiver count each send reports. */
    static void sendRange(Broadcast.Sender<Integer> tx, int from, int to, int receivers) {
        for (int i = from; i < to; i++) {
            assertEquals(receivers, tx.send(i), "send " + i + " reports the receiver count");
        }
    }

    /**
     * Receives {@code from .. to-1} in order without waiting; fails on lag, empty or end of
     * stream.
     */
    static void expectRange(Broadcast.Receiver<Integer> rx, int from, int to) throws Broadcast.LaggedException {
        for (int i = from; i < to; i++) {
            final Integer e = rx.tryRecv();
            if (e == null || e != i) {
                fail("expected value " + i + " but received " + e);
            }
        }
    }

    /** Expects the receiver to report lag of exactly {@code missed} on its next receive. */
    static void expectLag(Broadcast.Receiver<Integer> rx, long missed) {
        final Broadcast.LaggedException lagged = assertThrows(Broadcast.LaggedException.class, rx::tryRecv);
        assertEquals(missed, lagged.missed(), "missed values");
    }

    /** Expects end of stream from every non-blocking and blocking form. */
    static void expectEndOfStream(Broadcast.Receiver<?> rx) throws Exception {
        assertThrows(ChannelClosedException.class, rx::tryRecv);
        assertNull(rx.recv());
        assertNull(rx.recv(Duration.ZERO));
        assertNull(rx.recvAsync().get(GUARD_SECONDS, TimeUnit.SECONDS));
        assertThrows(ChannelClosedException.class, rx::tryRecv, "end of stream stays");
    }

    /** Receives what is there now without waiting; stops at empty or end of stream; fails on lag. */
    static <T> List<T> drainNow(Broadcast.Receiver<T> rx) throws Broadcast.LaggedException {
        final List<T> out = new ArrayList<>();
        try {
            for (T e; (e = rx.tryRecv()) != null; ) {
                out.add(e);
            }
        } catch (ChannelClosedException endOfStream) {
            // closed and drained
        }
        return out;
    }

    /**
     * What one receiver saw of a run of tagged messages ({@link MpscTestSupport#message}): values
     * received (per producer strictly increasing), and the total reported missed.
     */
    static final class Tally {
        /** Per producer: the lowest sequence number that may come next. */
        final int[] next;
        /** Per producer: how many were received. */
        final long[] receivedFrom;
        long received;
        long missed;
        long lagEvents;

        Tally(int producers) {
            next = new int[producers];
            receivedFrom = new long[producers];
        }

        void accept(Long m) {
            if (m == null) {
                fail("a null value before end of stream");
            }
            final int p = producerOf(m);
            final int s = seqOf(m);
            if (p < 0 || p >= next.length) {
                fail("message from unknown producer " + p);
            }
            if (s < next[p]) {
                fail("producer " + p + ": received sequence " + s + " after " + (next[p] - 1)
                        + " (duplicate or reordered)");
            }
            next[p] = s + 1;
            receivedFrom[p]++;
            received++;
        }

        void lagged(Broadcast.LaggedException e) {
            if (e.missed() < 1) {
                fail("lag must report at least one missed value, reported " + e.missed());
            }
            missed += e.missed();
            lagEvents++;
        }

        /** Every message of every producer received, in order, and no lag. */
        void assertEverything(int perProducer) {
            assertEquals(0, missed, "nothing was missed");
            for (int p = 0; p < next.length; p++) {
                assertEquals(perProducer, receivedFrom[p], "messages received from producer " + p);
                assertEquals(perProducer, next[p], "last message of producer " + p);
            }
        }

        /** Received plus missed is exactly the number sent. */
        void assertAccounted(long sent) {
            assertEquals(sent, received + missed,
                    "received " + received + " + missed " + missed + " (" + lagEvents + " lag reports)");
        }

        @Override
        public String toString() {
            return "Tally[received=" + received + ", missed=" + missed + ", lags=" + lagEvents + "]";
        }
    }

    /**
     * Receives until end of stream, mixing blocking, timed (short timeouts that race with sends),
     * try, async, and async-cancelled-when-it-has-to-wait receives. Lag from any of them is
     * counted. Never runs two receives of {@code rx} at once.
     */
    static void consumeMixed(Broadcast.Receiver<Long> rx, Tally tally) throws Exception {
        for (long i = 0; ; i++) {
            try {
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
                        m = asyncResult(rx.recvAsync());
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
                        final CompletableFuture<Long> f = rx.recvAsync();
                        if (!f.isDone() && f.cancel(false)) {
                            continue; // a true cancel took nothing
                        }
                        m = asyncResult(f);
                        if (m == null) {
                            return;
                        }
                        break;
                    }
                }
                tally.accept(m);
            } catch (Broadcast.LaggedException lagged) {
                tally.lagged(lagged);
            }
        }
    }

    /** Receives only with the blocking {@link Broadcast.Receiver#recv()}, until end of stream. */
    static void consumeBlocking(Broadcast.Receiver<Long> rx, Tally tally) throws Exception {
        for (;;) {
            try {
                final Long m = rx.recv();
                if (m == null) {
                    return;
                }
                tally.accept(m);
            } catch (Broadcast.LaggedException lagged) {
                tally.lagged(lagged);
            }
        }
    }

    /** The result of an async receive, rethrowing its {@link Broadcast.LaggedException}. */
    static <T> T asyncResult(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof Broadcast.LaggedException) {
                throw (Broadcast.LaggedException) cause;
            }
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new AssertionError("async receive failed", cause);
        } catch (TimeoutException e) {
            throw new AssertionError("hang guard: an async receive did not complete", e);
        }
    }

    /** The lag an async receive completed with; fails if it completed otherwise. */
    static long asyncLag(CompletableFuture<?> f) throws Exception {
        final ExecutionException e = assertThrows(ExecutionException.class,
                () -> f.get(GUARD_SECONDS, TimeUnit.SECONDS));
        return assertInstanceOf(Broadcast.LaggedException.class, e.getCause()).missed();
    }
}
