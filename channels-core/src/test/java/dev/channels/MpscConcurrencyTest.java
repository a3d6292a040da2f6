package dev.channels;

import dev.channels.MpscTestSupport.Forked;
import dev.channels.MpscTestSupport.OrderCheck;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.consumeMixed;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.MpscTestSupport.forkVoid;
import static dev.channels.MpscTestSupport.message;
import static dev.channels.MpscTestSupport.producerOf;
import static dev.channels.MpscTestSupport.seqOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many producers, one consumer, every form of send and receive mixed: nothing lost, nothing
 * duplicated, each producer's messages in the order it sent them. Messages encode
 * {@code producer << 32 | sequence}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MpscConcurrencyTest {

    /** Messages per run, over all producers. */
    private static final int TOTAL = 120_000;

    static Stream<Arguments> boundedCases() {
        final List<Arguments> cases = new ArrayList<>();
        for (int capacity : new int[] {1, 16, 1024}) {
            for (int producers : new int[] {1, 4, 16}) {
                cases.add(Arguments.of(capacity, producers));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "capacity {0}, {1} producers")
    @MethodSource("boundedCases")
    void boundedProducersMixingEverySendForm(int capacity, int producers) throws Exception {
        final Mpsc.Channel<Long> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Long> tx = ch.sender();
        final int perProducer = TOTAL / producers;
        final List<Forked<Void>> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            final Mpsc.Sender<Long> mine = tx.duplicate();
            threads.add(forkVoid("producer " + id, () -> {
                try (mine) {
                    for (int s = 0; s < perProducer; s++) {
                        final Long m = message(id, s);
                        switch (s % 5) {
                            case 0:
                                mine.send(m);
                                break;
                            case 1:
                                while (mine.trySend(m) == TrySendResult.FULL) {
                                    Thread.yield();
                                }
                                break;
                            case 2:
                                mine.sendAsync(m).toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
                                break;
                            case 3:
                                // Short timeouts that race with the receiver: a false means not sent.
                                while (!mine.send(m, Duration.ofNanos(20_000))) {
                                    Thread.yield();
                                }
                                break;
                            default:
                                try (Mpsc.Permit<Long> permit = mine.reserve()) {
                                    permit.send(m);
                                }
                                break;
                        }
                    }
                }
            }));
        }
        tx.close();
        final OrderCheck check = new OrderCheck(producers);
        consumeMixed(ch.receiver(), check);
        for (Forked<Void> t : threads) {
            t.join();
        }
        check.assertComplete(perProducer);
        assertTrue(ch.receiver().isClosed());
        assertEquals(capacity, tx.capacity(), "every slot came back");
    }

    @ParameterizedTest(name = "{0} producers")
    @ValueSource(ints = {1, 4, 16})
    void unboundedProducersMixingSendForms(int producers) throws Exception {
        final Mpsc.UnboundedChannel<Long> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Long> tx = ch.sender();
        final int perProducer = TOTAL / producers;
        final List<Forked<Void>> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            final Mpsc.UnboundedSender<Long> mine = tx.duplicate();
            threads.add(forkVoid("producer " + id, () -> {
                try (mine) {
                    for (int s = 0; s < perProducer; s++) {
                        final Long m = message(id, s);
                        if ((s & 1) == 0) {
                            mine.send(m);
                        } else {
                            assertEquals(TrySendResult.SENT, mine.trySend(m));
                        }
                    }
                }
            }));
        }
        tx.close();
        final OrderCheck check = new OrderCheck(producers);
        consumeMixed(ch.receiver(), check);
        for (Forked<Void> t : threads) {
            t.join();
        }
        check.assertComplete(perProducer);
    }

    /**
     * The receiver closes in the middle of the run: every value is either received or handed
     * back to its sender, never both, never neither.
     */
    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 16})
    void aReceiverCloseRacingWithSendsLosesNothing(int capacity) throws Exception {
        for (int round = 0; round < 100; round++) {
            closeRacingWithSends(capacity, 200 + ThreadLocalRandom.current().nextInt(2_000));
        }
    }

    private static void closeRacingWithSends(int capacity, int receivedBeforeClose) throws Exception {
        final int producers = 4;
        final Mpsc.Channel<Long> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Long> tx = ch.sender();
        final Mpsc.Receiver<Long> rx = ch.receiver();
        final List<Forked<long[]>> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            final Mpsc.Sender<Long> mine = tx.duplicate();
            // Each producer returns {sequences sent, the handed-back value or -1}.
            threads.add(fork("producer " + id, () -> {
                try (mine) {
                    for (int s = 0; ; s++) {
                        final Long m = message(id, s);
                        try {
                            switch (s % 4) {
                                case 0:
                                    mine.send(m);
                                    break;
                                case 1:
                                    for (TrySendResult r; (r = mine.trySend(m)) != TrySendResult.SENT; ) {
                                        if (r == TrySendResult.CLOSED) {
                                            return new long[] {s, m};
                                        }
                                        Thread.yield();
                                    }
                                    break;
                                case 2:
                                    try {
                                        mine.sendAsync(m).toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
                                    } catch (ExecutionException e) {
                                        throw (ChannelClosedException) e.getCause();
                                    }
                                    break;
                                default:
                                    final Mpsc.Permit<Long> permit;
                                    try {
                                        permit = mine.reserve();
                                    } catch (ChannelClosedException e) {
                                        assertFalse(e.hasValue());
                                        return new long[] {s, -1};
                                    }
                                    permit.send(m); // a permit sends even after the close
                                    break;
                            }
                        } catch (ChannelClosedException e) {
                            final Long back = e.value();
                            assertSame(m, back, "the failed send handed back its own value");
                            return new long[] {s, back};
                        }
                    }
                }
            }));
        }
        tx.close();
        final OrderCheck check = new OrderCheck(producers);
        for (int i = 0; i < receivedBeforeClose; i++) {
            final Long m = rx.recv();
            assertNotNull(m, "no end of stream before the close");
            check.accept(m);
        }
        rx.close();
        for (Long m; (m = rx.recv()) != null; ) {
            check.accept(m);
        }
        for (int p = 0; p < producers; p++) {
            final long[] result = threads.get(p).join();
            final int sent = (int) result[0];
            assertEquals(sent, check.next[p], "producer " + p + ": received exactly what was sent");
            if (result[1] != -1) {
                assertEquals(message(p, sent), result[1]);
            }
        }
    }

    /** Cancelling pending async sends at random: a true cancel means never received, a false one always received. */
    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 16})
    void cancellingAsyncSendsRacingWithReceivesLosesNothing(int capacity) throws Exception {
        final int producers = 4;
        final int perProducer = 15_000;
        final Mpsc.Channel<Long> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Long> tx = ch.sender();
        final List<Forked<boolean[]>> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            final Mpsc.Sender<Long> mine = tx.duplicate();
            threads.add(fork("producer " + id, () -> {
                final boolean[] cancelled = new boolean[perProducer];
                try (mine) {
                    for (int s = 0; s < perProducer; s++) {
                        final CompletableFuture<Void> f = mine.sendAsync(message(id, s)).toCompletableFuture();
                        if (ThreadLocalRandom.current().nextBoolean()) {
                            Thread.yield();
                        }
                        if (f.cancel(false)) {
                            cancelled[s] = true;
                        } else {
                            f.get(GUARD_SECONDS, TimeUnit.SECONDS);
                        }
                    }
                }
                return cancelled;
            }));
        }
        tx.close();
        final List<List<Integer>> received = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            received.add(new ArrayList<>());
        }
        for (Long m; (m = ch.receiver().recv()) != null; ) {
            received.get(producerOf(m)).add(seqOf(m));
        }
        for (int p = 0; p < producers; p++) {
            final boolean[] cancelled = threads.get(p).join();
            final List<Integer> expected = new ArrayList<>();
            for (int s = 0; s < perProducer; s++) {
                if (!cancelled[s]) {
                    expected.add(s);
                }
            }
            assertEquals(expected, received.get(p), "producer " + p);
        }
        assertEquals(capacity, tx.capacity(), "no cancelled send kept a slot");
    }

    /** Interrupting blocked senders at random: an InterruptedException means not sent, a return means sent. */
    @Test
    void interruptingBlockedSendsLosesNothing() throws Exception {
        final int producers = 4;
        final int perProducer = 25_000;
        final Mpsc.Channel<Long> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Long> tx = ch.sender();
        final AtomicBoolean done = new AtomicBoolean();
        final List<Forked<boolean[]>> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            final Mpsc.Sender<Long> mine = tx.duplicate();
            threads.add(fork("producer " + id, () -> {
                final boolean[] interrupted = new boolean[perProducer];
                try (mine) {
                    for (int s = 0; s < perProducer; s++) {
                        try {
                            if ((s & 1) == 0) {
                                mine.send(message(id, s));
                            } else {
                                try (Mpsc.Permit<Long> permit = mine.reserve()) {
                                    permit.send(message(id, s));
                                }
                            }
                        } catch (InterruptedException e) {
                            interrupted[s] = true;
                        }
                    }
                } finally {
                    Thread.interrupted();
                }
                return interrupted;
            }));
        }
        tx.close();
        final Forked<Void> interrupter = forkVoid("interrupter", () -> {
            while (!done.get()) {
                threads.get(ThreadLocalRandom.current().nextInt(producers)).thread.interrupt();
                LockSupport.parkNanos(50_000L);
            }
        });
        final List<List<Integer>> received = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            received.add(new ArrayList<>());
        }
        try {
            for (Long m; (m = ch.receiver().recv()) != null; ) {
                received.get(producerOf(m)).add(seqOf(m));
            }
        } finally {
            done.set(true);
        }
        interrupter.join();
        for (int p = 0; p < producers; p++) {
            final boolean[] interrupted = threads.get(p).join();
            final List<Integer> expected = new ArrayList<>();
            for (int s = 0; s < perProducer; s++) {
                if (!interrupted[s]) {
                    expected.add(s);
                }
            }
            assertEquals(expected, received.get(p), "producer " + p);
        }
        assertEquals(2, tx.capacity(), "no interrupted send or reservation kept a slot");
    }

    /** Permits reserved in batches by several producers, sent through from other threads. */
    @Test
    void batchesOfPermitsFromManyProducers() throws Exception {
        final int producers = 4;
        final int batches = 3_000;
        final Mpsc.Channel<Long> ch = Mpsc.bounded(8);
        final Mpsc.Sender<Long> tx = ch.sender();
        final List<Forked<Void>> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            final Mpsc.Sender<Long> mine = tx.duplicate();
            threads.add(forkVoid("producer " + id, () -> {
                try (mine) {
                    int s = 0;
                    for (int b = 0; b < batches; b++) {
                        final int n = 1 + (b % 5);
                        try (Mpsc.Permits<Long> permits = mine.reserveMany(n)) {
                            // Use all but possibly the last: closing the batch returns the rest.
                            final int use = (b % 3 == 0) ? n - 1 : n;
                            for (int i = 0; i < use; i++) {
                                permits.send(message(id, s++));
                            }
                        }
                    }
                }
            }));
        }
        tx.close();
        final OrderCheck check = new OrderCheck(producers);
        for (Long m : ch.receiver()) {
            check.accept(m);
        }
        for (Forked<Void> t : threads) {
            t.join();
        }
        int perProducer = 0;
        for (int b = 0; b < batches; b++) {
            final int n = 1 + (b % 5);
            perProducer += (b % 3 == 0) ? n - 1 : n;
        }
        check.assertComplete(perProducer);
        assertEquals(8, tx.capacity());
        assertThrows(ChannelClosedException.class, ch.receiver()::tryRecv);
    }
}
