package dev.channels;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;

import static dev.channels.MpscTestSupport.fork;
import static dev.channels.SelectTestSupport.GUARD_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The select's promise under concurrency: exactly one clause takes effect per call, and a call that
 * ends without one (a timed call that times out, an async call whose cancel returned true) took
 * nothing. Producers feed small bounded channels (so that they wait) with tagged messages; one
 * consumer loops a select over them, choosing at random per call among a blocking call, a timed
 * call with a short timeout, and an asynchronous call that is then perhaps cancelled. At the end
 * every message was received exactly once, in order per producer and channel. Each run is
 * seeded; a failure names its seed.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectPropertyTest {
    private static final int PRODUCERS = 3;
    private static final int CHANNELS = 4;
    private static final int PER_PRODUCER = 5_000;
    /** More seeds for a soak: {@code -Dselect.property.extraSeeds=N} adds N seeds to every property. */
    private static final long EXTRA_SEEDS = Long.getLong("select.property.extraSeeds", 0L);

    // ------------------------------------------------------------------ messages and ledger

    static long message(int producer, int channel, int seq) {
        return ((long) producer << 40) | ((long) channel << 32) | seq;
    }

    /** Checks a stream of tagged messages: per (producer, channel), sequence numbers 0, 1, 2, ... */
    static final class Ledger {
        private final String name;
        private final int[][] next = new int[PRODUCERS][CHANNELS];
        long total;

        Ledger(String name) {
            this.name = name;
        }

        void accept(long m) {
            final int p = (int) (m >>> 40);
            final int c = (int) (m >>> 32) & 0xFF;
            final int s = (int) m;
            if (p < 0 || p >= PRODUCERS || c < 0 || c >= CHANNELS) {
                fail(name + ": message with an unknown tag " + Long.toHexString(m));
            }
            if (s != next[p][c]) {
                fail(name + ": producer " + p + ", channel " + c + ": expected sequence " + next[p][c] + " but got " + s
                        + (s < next[p][c] ? " (duplicate or reordered)" : " (lost or reordered)"));
            }
            next[p][c]++;
            total++;
        }

        void assertComplete(int[][] sent) {
            long expected = 0;
            for (int p = 0; p < PRODUCERS; p++) {
                for (int c = 0; c < CHANNELS; c++) {
                    assertEquals(sent[p][c], next[p][c], name + ": messages of producer " + p + " on channel " + c);
                    expected += sent[p][c];
                }
            }
            assertEquals(expected, total, name + ": total");
        }
    }

    /** What a send clause reports: the value it sent. */
    private record Sent(long value) {
    }

    private static final Object END = new Object();

    // ------------------------------------------------------------------ producers

    /** Each producer sends PER_PRODUCER messages to random channels, mixing the ways of sending, then closes its senders. */
    private static List<MpscTestSupport.Forked<int[][]>> startProducers(List<Mpsc.Channel<Long>> channels, long seed) {
        final List<MpscTestSupport.Forked<int[][]>> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            final int id = p;
            final List<Mpsc.Sender<Long>> mine = new ArrayList<>();
            for (Mpsc.Channel<Long> ch : channels) {
                mine.add(ch.sender().duplicate());
            }
            producers.add(fork("producer " + p, () -> {
                final Random random = new Random(seed * 31 + id);
                // Pauses now and then, some producers more often: so that the consumer waits too.
                final int pauseOneIn = 1 << random.nextInt(5);
                final int[][] sent = new int[PRODUCERS][CHANNELS];
                try {
                    for (int k = 0; k < PER_PRODUCER; k++) {
                        final int c = random.nextInt(CHANNELS);
                        final Long m = message(id, c, sent[id][c]);
                        final Mpsc.Sender<Long> tx = mine.get(c);
                        switch (random.nextInt(4)) {
                            case 0:
                                tx.send(m);
                                break;
                            case 1:
                                while (!tx.send(m, Duration.ofNanos(random.nextInt(50_000)))) {
                                    // timed out: not sent; try again
                                }
                                break;
                            case 2:
                                while (tx.trySend(m) != TrySendResult.SENT) {
                                    Thread.yield();
                                }
                                break;
                            default:
                                tx.sendAsync(m).toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
                                break;
                        }
                        sent[id][c]++;
                        if (random.nextInt(pauseOneIn) == 0) {
                            pause(random);
                        }
                    }
                } finally {
                    for (Mpsc.Sender<Long> tx : mine) {
                        tx.close();
                    }
                }
                return sent;
            }));
        }
        for (Mpsc.Channel<Long> ch : channels) {
            ch.sender().close(); // the producers hold the only senders now
        }
        return producers;
    }

    /** A short pause: a park (tens of microseconds) or a spin (less). */
    static void pause(Random random) {
        if (random.nextBoolean()) {
            LockSupport.parkNanos(random.nextInt(20_000));
        } else {
            for (int i = random.nextInt(3_000); i > 0; i--) {
                Thread.onSpinWait();
            }
        }
    }

    private static int[][] joinAll(List<MpscTestSupport.Forked<int[][]>> producers) throws Exception {
        final int[][] sent = new int[PRODUCERS][CHANNELS];
        for (MpscTestSupport.Forked<int[][]> p : producers) {
            final int[][] s = p.join();
            for (int i = 0; i < PRODUCERS; i++) {
                for (int c = 0; c < CHANNELS; c++) {
                    sent[i][c] += s[i][c];
                }
            }
        }
        return sent;
    }

    // ------------------------------------------------------------------ the consumer's calls

    /** Statistics of one run, for the failure message. */
    static final class Stats {
        long blocking;
        long timed;
        long timedOut;
        long async;
        long cancelled;
        long cancelFailed;

        @Override
        public String toString() {
            return "blocking " + blocking + ", timed " + timed + " (" + timedOut + " timed out), async " + async + " ("
                    + cancelled + " cancelled, " + cancelFailed + " cancels too late)";
        }
    }

    /**
     * One call of {@code s}, chosen at random. Returns its result, or null if the call took no
     * clause (timed out, or cancelled with cancel returning true).
     */
    private static Object oneCall(Select<Object> s, Random random, ExecutorService executor, Stats stats) throws Exception {
        final int mode = random.nextInt(100);
        if (mode < 30) {
            stats.blocking++;
            try {
                return s.select(Duration.ofSeconds(GUARD_SECONDS));
            } catch (TimeoutException e) {
                throw new AssertionError("hang guard: a blocking select did not complete", e);
            }
        }
        if (mode < 55) {
            stats.timed++;
            try {
                return s.select(Duration.ofNanos(random.nextInt(4) == 0 ? 0 : random.nextInt(200_000)));
            } catch (TimeoutException e) {
                stats.timedOut++;
                return null;
            }
        }
        stats.async++;
        final CompletableFuture<Object> f = (mode < 80 ? s.selectAsync() : s.selectAsync(executor)).toCompletableFuture();
        final int how = random.nextInt(4);
        if (how > 0) {
            if (how == 2) {
                for (int i = random.nextInt(2_000); i > 0; i--) {
                    Thread.onSpinWait();
                }
            } else if (how == 3) {
                LockSupport.parkNanos(random.nextInt(50_000));
            }
            if (f.cancel(false)) {
                stats.cancelled++;
                assertTrue(f.isCancelled());
                return null;
            }
            stats.cancelFailed++;
        }
        try {
            return f.get(GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("hang guard: an async select did not complete", e);
        } catch (ExecutionException e) {
            throw new AssertionError("an async select failed", e.getCause());
        }
    }

    private static ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "select-property-executor");
            t.setDaemon(true);
            return t;
        });
    }

    private static List<Mpsc.Channel<Long>> channels(Random random) {
        final List<Mpsc.Channel<Long>> channels = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            channels.add(Mpsc.bounded(1 + random.nextInt(4)));
        }
        return channels;
    }

    /** Runs {@code body} and names the seed if it fails. */
    private static void withSeed(long seed, Stats stats, MpscTestSupport.VoidAction body) throws Exception {
        try {
            body.run();
            System.out.println("SelectPropertyTest seed " + seed + ": " + stats);
        } catch (Throwable t) {
            throw new AssertionError("failed with seed " + seed + " after " + stats + ": " + t, t);
        }
    }

    // ------------------------------------------------------------------ the properties

    private static LongStream seeds(long... fixed) {
        return LongStream.concat(LongStream.of(fixed), LongStream.range(0, EXTRA_SEEDS).map(i -> 1_000_000L + fixed[0] * 1_000L + i));
    }

    static LongStream seeds1() {
        return seeds(1, 2, 3, 4);
    }

    static LongStream seeds11() {
        return seeds(11, 12, 13, 14);
    }

    static LongStream seeds21() {
        return seeds(21, 22, 23);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds1")
    void everyMessageReceivedExactlyOnceInOrder(long seed) throws Exception {
        final Stats stats = new Stats();
        withSeed(seed, stats, () -> {
            final Random random = new Random(seed);
            final List<Mpsc.Channel<Long>> channels = channels(random);
            final AtomicLong handlerRuns = new AtomicLong();
            final Select.Builder<Object> b = Select.builder();
            for (Mpsc.Channel<Long> ch : channels) {
                b.recv(ch.receiver(), v -> {
                    handlerRuns.incrementAndGet();
                    return v;
                });
            }
            final Select<Object> s = b.ifAllClosed(() -> END).build();
            final ExecutorService executor = newExecutor();
            final Ledger ledger = new Ledger("consumer");
            try {
                final List<MpscTestSupport.Forked<int[][]>> producers = startProducers(channels, seed);
                long effects = 0;
                for (;;) {
                    final Object r = oneCall(s, random, executor, stats);
                    if (r == END) {
                        break;
                    }
                    if (r != null) {
                        effects++;
                        ledger.accept((Long) r);
                    }
                    assertEquals(effects, handlerRuns.get(), "one handler run per call that took a clause, none otherwise");
                }
                ledger.assertComplete(joinAll(producers));
            } finally {
                executor.shutdownNow();
            }
        });
    }

    /**
     * The consumer also forwards what it received into an output channel through a send clause
     * (Tokio's pattern: {@code queue::peek} as the value, the receives paused by a precondition
     * while the queue is long). A send clause that did not win sent nothing, so the output holds
     * every message exactly once, in the consumer's order.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds11")
    void forwardingThroughASendClauseLosesAndDuplicatesNothing(long seed) throws Exception {
        final Stats stats = new Stats();
        withSeed(seed, stats, () -> {
            final Random random = new Random(seed);
            final List<Mpsc.Channel<Long>> channels = channels(random);
            final Mpsc.Channel<Long> out = Mpsc.bounded(1 + random.nextInt(2));
            final ArrayDeque<Long> pending = new ArrayDeque<>();
            final int limit = 1 + random.nextInt(8);
            final AtomicLong handlerRuns = new AtomicLong();
            final Select.Builder<Object> b = Select.builder();
            for (Mpsc.Channel<Long> ch : channels) {
                b.recv(ch.receiver(), v -> {
                    handlerRuns.incrementAndGet();
                    return v;
                }).when(() -> pending.size() < limit);
            }
            b.send(out.sender(), pending::peek, v -> {
                handlerRuns.incrementAndGet();
                return new Sent(v);
            });
            final Select<Object> s = b.ifAllClosed(() -> END).build();
            final ExecutorService executor = newExecutor();
            final Ledger consumed = new Ledger("consumer");
            final Ledger forwarded = new Ledger("output");
            final MpscTestSupport.Forked<Void> reader = fork("output reader", () -> {
                final Random r = new Random(seed + 1);
                for (Long m : out.receiver()) {
                    forwarded.accept(m);
                    if (r.nextInt(32) == 0) {
                        LockSupport.parkNanos(r.nextInt(100_000)); // the send clause waits now and then
                    }
                }
                return null;
            });
            try {
                final List<MpscTestSupport.Forked<int[][]>> producers = startProducers(channels, seed);
                long effects = 0;
                for (;;) {
                    final Object r = oneCall(s, random, executor, stats);
                    if (r == END) {
                        break;
                    }
                    if (r instanceof Sent) {
                        effects++;
                        assertEquals(pending.peek(), ((Sent) r).value(), "the send clause sent the head of the queue");
                        pending.poll();
                    } else if (r != null) {
                        effects++;
                        consumed.accept((Long) r);
                        pending.add((Long) r);
                    }
                    assertEquals(effects, handlerRuns.get(), "one handler run per call that took a clause, none otherwise");
                }
                assertTrue(pending.isEmpty(), "the all-closed branch came with " + pending.size() + " messages to forward");
                out.sender().close();
                reader.join();
                final int[][] sent = joinAll(producers);
                consumed.assertComplete(sent);
                forwarded.assertComplete(sent);
            } finally {
                executor.shutdownNow();
            }
        });
    }

    /**
     * A mix of kinds: an mpsc channel, a broadcast receiver (which may lag), a watch receiver and
     * several oneshot channels (some closed without a value), until all are closed.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds21")
    void mixedKindsAccountForEverything(long seed) throws Exception {
        final Stats stats = new Stats();
        withSeed(seed, stats, () -> {
            final Random random = new Random(seed);
            final int broadcastValues = 10_000;
            final int watchValues = 10_000;
            final int oneshots = 8;
            final List<Mpsc.Channel<Long>> mpsc = List.of(Mpsc.bounded(1 + random.nextInt(3)));
            final Broadcast.Channel<Integer> br = Broadcast.channel(1 << random.nextInt(4));
            final Watch.Channel<Integer> w = Watch.channel(0);
            final List<Oneshot.Channel<Integer>> os = new ArrayList<>();
            final boolean[] oneshotDone = new boolean[oneshots];
            final AtomicLong handlerRuns = new AtomicLong();
            final Select.Builder<Object> b = Select.builder();
            b.recv(mpsc.get(0).receiver(), v -> {
                handlerRuns.incrementAndGet();
                return v;
            });
            b.recv(br.receiver(), v -> {
                handlerRuns.incrementAndGet();
                return new Object[] {"b", v};
            }, missed -> {
                handlerRuns.incrementAndGet();
                return new Object[] {"lag", missed};
            });
            b.changed(w.receiver(), v -> {
                handlerRuns.incrementAndGet();
                return new Object[] {"w", v};
            });
            for (int i = 0; i < oneshots; i++) {
                final int index = i;
                os.add(Oneshot.channel());
                b.recv(os.get(i).receiver(), v -> {
                    handlerRuns.incrementAndGet();
                    return new Object[] {"o", index, v};
                }).when(() -> !oneshotDone[index]).onClosed(() -> {
                    handlerRuns.incrementAndGet();
                    return new Object[] {"o closed", index};
                });
            }
            final Select<Object> s = b.ifAllClosed(() -> END).build();
            final ExecutorService executor = newExecutor();
            final Ledger ledger = new Ledger("mpsc");
            try {
                // Only producer 0 of the tagged ones, on channel 0; the others feed the other kinds.
                final MpscTestSupport.Forked<Integer> mp = fork("mpsc producer", () -> {
                    int n = 0;
                    try (Mpsc.Sender<Long> tx = mpsc.get(0).sender()) {
                        for (; n < 10_000; n++) {
                            tx.send(message(0, 0, n));
                        }
                    }
                    return n;
                });
                final MpscTestSupport.Forked<Void> bp = fork("broadcast producer", () -> {
                    final Random r = new Random(seed + 2);
                    try (Broadcast.Sender<Integer> tx = br.sender()) {
                        for (int i = 0; i < broadcastValues; i++) {
                            tx.send(i);
                            if (r.nextInt(16) == 0) {
                                LockSupport.parkNanos(r.nextInt(50_000));
                            }
                        }
                    }
                    return null;
                });
                final MpscTestSupport.Forked<Void> wp = fork("watch and oneshot producer", () -> {
                    final Random r = new Random(seed + 3);
                    try (Watch.Sender<Integer> tx = w.sender()) {
                        for (int i = 1; i <= watchValues; i++) {
                            tx.send(i);
                            if (i % (watchValues / oneshots) == 0) {
                                final int o = i / (watchValues / oneshots) - 1;
                                if (o % 3 == 2) {
                                    os.get(o).sender().close();
                                } else {
                                    os.get(o).sender().send(o * 10);
                                }
                            }
                            if (r.nextInt(16) == 0) {
                                LockSupport.parkNanos(r.nextInt(50_000));
                            }
                        }
                    }
                    return null;
                });
                long effects = 0;
                int broadcastNext = 0;
                int watchLast = 0;
                for (;;) {
                    final Object r = oneCall(s, random, executor, stats);
                    if (r == END) {
                        break;
                    }
                    if (r instanceof Long) {
                        effects++;
                        ledger.accept((Long) r);
                    } else if (r != null) {
                        effects++;
                        final Object[] e = (Object[]) r;
                        switch ((String) e[0]) {
                            case "b":
                                assertEquals(broadcastNext, e[1], "broadcast: the next value, or a lag report first");
                                broadcastNext++;
                                break;
                            case "lag":
                                assertTrue((Long) e[1] > 0);
                                broadcastNext += (int) (long) (Long) e[1];
                                break;
                            case "w":
                                assertTrue((Integer) e[1] > watchLast, "watch: a newer value each time");
                                watchLast = (Integer) e[1];
                                break;
                            case "o": {
                                final int o = (Integer) e[1];
                                assertTrue(o % 3 != 2 && !oneshotDone[o], "oneshot " + o + " received once");
                                assertEquals(o * 10, e[2]);
                                oneshotDone[o] = true;
                                break;
                            }
                            default: {
                                final int o = (Integer) e[1];
                                assertTrue(o % 3 == 2 && !oneshotDone[o], "oneshot " + o + " closed once");
                                oneshotDone[o] = true;
                                break;
                            }
                        }
                    }
                    assertEquals(effects, handlerRuns.get(), "one handler run per call that took a clause, none otherwise");
                }
                final int mpscSent = mp.join();
                bp.join();
                wp.join();
                final int[][] sent = new int[PRODUCERS][CHANNELS];
                sent[0][0] = mpscSent;
                ledger.assertComplete(sent);
                assertEquals(broadcastValues, broadcastNext, "broadcast: received plus missed is everything sent");
                assertEquals(watchValues, watchLast, "watch: the last value is seen before the close is");
                for (int i = 0; i < oneshots; i++) {
                    assertTrue(oneshotDone[i], "oneshot " + i + " accounted for");
                }
            } finally {
                executor.shutdownNow();
            }
        });
    }
}
