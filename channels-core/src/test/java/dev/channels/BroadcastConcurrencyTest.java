package dev.channels;

import dev.channels.BroadcastTestSupport.Tally;
import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.channels.BroadcastTestSupport.consumeBlocking;
import static dev.channels.BroadcastTestSupport.consumeMixed;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.MpscTestSupport.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Several threads: exact lag accounting under concurrency (reference §6 {@code broadcast_send},
 * {@code broadcast_wrap}), every value to every receiver when nobody can lag, wake-ups, receivers
 * closing while values are overwritten.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BroadcastConcurrencyTest {

    /** Starts {@code senders} threads, each sending {@code perSender} tagged messages on its own handle. */
    private static List<Forked<Void>> startSenders(Broadcast.Sender<Long> tx, int senders, int perSender,
            int receivers, CountDownLatch go) {
        final List<Forked<Void>> out = new ArrayList<>();
        for (int p = 0; p < senders; p++) {
            final int id = p;
            final Broadcast.Sender<Long> mine = tx.duplicate();
            out.add(fork("sender " + p, () -> {
                try (mine) {
                    go.await();
                    for (int s = 0; s < perSender; s++) {
                        final int count = mine.send(message(id, s));
                        if (count != receivers) {
                            fail("send reported " + count + " receivers instead of " + receivers);
                        }
                    }
                }
                return null;
            }));
        }
        tx.close();
        return out;
    }

    @ParameterizedTest(name = "capacity {0}, {1} receivers, mixed receives {2}")
    @CsvSource({"2, 2, false", "2, 4, true", "3, 3, false", "3, 2, true", "4, 4, false", "8, 3, true",
            "16, 2, false", "16, 4, true", "1, 3, false", "1, 2, true"})
    void twoSendersEveryReceiverAccountsForEveryValueExactly(int capacity, int receivers, boolean mixed)
            throws Exception {
        final int perSender = 50_000;
        final Broadcast.Channel<Long> ch = Broadcast.channel(capacity);
        final List<Broadcast.Receiver<Long>> rxs = new ArrayList<>();
        rxs.add(ch.receiver());
        for (int i = 1; i < receivers; i++) {
            rxs.add(ch.sender().subscribe());
        }
        final CountDownLatch go = new CountDownLatch(1);
        final List<Forked<Tally>> consumers = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            final Broadcast.Receiver<Long> rx = rxs.get(i);
            consumers.add(fork("receiver " + i, () -> {
                final Tally tally = new Tally(2);
                go.await();
                if (mixed) {
                    consumeMixed(rx, tally);
                } else {
                    consumeBlocking(rx, tally);
                }
                return tally;
            }));
        }
        final List<Forked<Void>> senders = startSenders(ch.sender(), 2, perSender, receivers, go);
        go.countDown();
        for (Forked<Void> s : senders) {
            s.join();
        }
        for (Forked<Tally> c : consumers) {
            final Tally tally = c.join();
            tally.assertAccounted(2L * perSender);
        }
    }

    /** The loom test {@code broadcast_send}, many times: 2 threads × 3 values into capacity 2, total exactly 6. */
    @Test
    void smallRacesCountExactly() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            final Broadcast.Channel<Long> ch = Broadcast.channel(2);
            final Broadcast.Receiver<Long> rx = ch.receiver();
            final Broadcast.Receiver<Long> rx2 = ch.sender().subscribe();
            final CountDownLatch go = new CountDownLatch(1);
            final Forked<Tally> other = fork("receiver 2", () -> {
                final Tally tally = new Tally(2);
                go.await();
                consumeBlocking(rx2, tally);
                return tally;
            });
            final List<Forked<Void>> senders = startSenders(ch.sender(), 2, 3, 2, go);
            go.countDown();
            final Tally tally = new Tally(2);
            consumeBlocking(rx, tally);
            tally.assertAccounted(6);
            other.join().assertAccounted(6);
            for (Forked<Void> s : senders) {
                s.join();
            }
        }
    }

    @ParameterizedTest(name = "{0} receivers, mixed receives {1}")
    @CsvSource({"1, false", "3, false", "3, true", "4, true"})
    void aFastSenderAndReceiversThatCannotLagGetEveryValueOnceInOrder(int receivers, boolean mixed) throws Exception {
        final int n = 60_000; // fewer than the capacity: nobody can lag
        final Broadcast.Channel<Long> ch = Broadcast.channel(BroadcastTestSupport.LARGE);
        final Broadcast.Sender<Long> tx = ch.sender();
        assertTrue(n < tx.capacity());
        final List<Forked<Tally>> consumers = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            final Broadcast.Receiver<Long> rx = i == 0 ? ch.receiver() : tx.subscribe();
            consumers.add(fork("receiver " + i, () -> {
                final Tally tally = new Tally(1);
                if (mixed) {
                    consumeMixed(rx, tally);
                } else {
                    consumeBlocking(rx, tally);
                }
                return tally;
            }));
        }
        for (int s = 0; s < n; s++) {
            assertEquals(receivers, tx.send(message(0, s)));
        }
        tx.close();
        for (Forked<Tally> c : consumers) {
            c.join().assertEverything(n);
        }
    }

    @Test
    void aReceiverSubscribedWhileSendingGetsAContiguousSuffix() throws Exception {
        final int n = 60_000;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(BroadcastTestSupport.LARGE);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> first = ch.receiver();
        final CountDownLatch subscribeNow = new CountDownLatch(1);
        final Forked<List<Integer>> late = fork("late subscriber", () -> {
            subscribeNow.await();
            final Broadcast.Receiver<Integer> rx = first.resubscribe();
            final List<Integer> got = new ArrayList<>();
            for (Integer v; (v = rx.recv()) != null; ) {
                got.add(v);
            }
            return got;
        });
        for (int i = 0; i < n; i++) {
            tx.send(i);
            if (i == n / 4) {
                subscribeNow.countDown();
            }
        }
        tx.close();
        final List<Integer> got = late.join();
        if (!got.isEmpty()) {
            final int start = got.get(0);
            assertTrue(start > n / 4, "subscribed after value " + n / 4 + " was sent, first got " + start);
            for (int i = 0; i < got.size(); i++) {
                assertEquals(start + i, got.get(i), "contiguous from the subscription on");
            }
            assertEquals(n - 1, got.get(got.size() - 1));
        }
        int count = 0;
        try {
            for (Integer v; (v = first.recv()) != null; count++) {
                assertEquals(count, v);
            }
        } catch (Broadcast.LaggedException e) {
            fail("could not lag: " + e.getMessage());
        }
        assertEquals(n, count);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 16})
    void receiversClosingWhileValuesAreOverwritten(int capacity) throws Exception {
        // loom's drop_multiple_rx_with_overflow, scaled up
        for (int round = 0; round < 200; round++) {
            final Broadcast.Channel<Long> ch = Broadcast.channel(capacity);
            final Broadcast.Sender<Long> tx = ch.sender();
            final Broadcast.Receiver<Long> keeper = ch.receiver();
            final Broadcast.Receiver<Long> leaver = tx.subscribe();
            final Broadcast.Sender<Long> tx2 = tx.duplicate();
            final Forked<Integer> sender = fork("sender", () -> {
                int sent = 0;
                try (tx2) {
                    for (int s = 0; s < 500; s++) {
                        final int count = tx2.send(message(0, s));
                        if (count < 1 || count > 2) {
                            fail("send reported " + count + " receivers");
                        }
                        sent++;
                    }
                }
                return sent;
            });
            final Forked<Void> leaving = fork("leaver", () -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        leaver.recv();
                    }
                } catch (Broadcast.LaggedException expected) {
                    // stop at the first error, as the loom test does
                }
                leaver.close();
                return null;
            });
            leaving.join();
            assertEquals(500, sender.join());
            tx.close();
            final Tally tally = new Tally(1);
            consumeBlocking(keeper, tally);
            tally.assertAccounted(500);
            assertEquals(1, tx.receiverCount());
        }
    }

    @Test
    void senderLenStaysWithinTheCapacityWhileReceiversRead() throws Exception {
        final int capacity = 8;
        final int n = 100_000;
        final Broadcast.Channel<Long> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Long> tx = ch.sender();
        final Broadcast.Receiver<Long> rx = ch.receiver();
        final AtomicBoolean done = new AtomicBoolean();
        final Forked<Integer> observer = fork("observer", () -> {
            int worst = 0;
            while (!done.get()) {
                final int len = tx.len();
                if (len < 0 || len > capacity) {
                    fail("Sender.len() = " + len + " outside [0, " + capacity + "]");
                }
                worst = Math.max(worst, len);
                if (rx.len() < 0) {
                    fail("Receiver.len() negative");
                }
            }
            return worst;
        });
        final Forked<Tally> consumer = fork("receiver", () -> {
            final Tally tally = new Tally(1);
            consumeBlocking(rx, tally);
            return tally;
        });
        for (int s = 0; s < n; s++) {
            tx.send(message(0, s));
        }
        tx.close();
        consumer.join().assertAccounted(n);
        done.set(true);
        assertTrue(observer.join() <= capacity);
        assertEquals(0, tx.len(), "everything read");
    }

    @Test
    void theLastOfManyReceiversClosingConcurrentlyCompletesClosed() throws Exception {
        for (int round = 0; round < 200; round++) {
            final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
            final Broadcast.Sender<Integer> tx = ch.sender();
            final List<Broadcast.Receiver<Integer>> rxs = new ArrayList<>();
            rxs.add(ch.receiver());
            for (int i = 1; i < 8; i++) {
                rxs.add(tx.subscribe());
            }
            final CompletableFuture<Void> closed = tx.closed().toCompletableFuture();
            final CountDownLatch go = new CountDownLatch(1);
            final List<Forked<Void>> closers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final List<Broadcast.Receiver<Integer>> mine = rxs.subList(2 * t, 2 * t + 2);
                closers.add(fork("closer " + t, () -> {
                    go.await();
                    for (Broadcast.Receiver<Integer> rx : mine) {
                        rx.close();
                    }
                    return null;
                }));
            }
            final CompletableFuture<Void> racing = tx.closed().toCompletableFuture();
            go.countDown();
            final CompletableFuture<Void> duringRace = tx.closed().toCompletableFuture();
            for (Forked<Void> c : closers) {
                c.join();
            }
            assertNull(await(closed));
            assertNull(await(racing));
            assertNull(await(duringRace));
            assertTrue(tx.isClosed());
            assertEquals(0, tx.receiverCount());
            assertTrue(tx.awaitClosed(java.time.Duration.ZERO));
        }
    }

    @Test
    void subscribeAndCloseRacingKeepTheCountExact() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final AtomicInteger opened = new AtomicInteger();
        final CountDownLatch go = new CountDownLatch(1);
        final List<Forked<Void>> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(fork("subscriber " + t, () -> {
                go.await();
                for (int i = 0; i < 5_000; i++) {
                    final Broadcast.Receiver<Integer> rx = tx.subscribe();
                    opened.incrementAndGet();
                    if ((i & 1) == 0) {
                        rx.close();
                        opened.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        final Forked<Void> sender = fork("sender", () -> {
            go.await();
            for (int i = 0; i < 20_000; i++) {
                tx.send(i);
            }
            return null;
        });
        go.countDown();
        for (Forked<Void> t : threads) {
            t.join();
        }
        sender.join();
        assertEquals(1 + opened.get(), tx.receiverCount());
        ch.receiver().close();
        assertEquals(opened.get(), tx.receiverCount());
        assertFalse(tx.isClosed());
        assertTrue(tx.len() >= 0 && tx.len() <= 4);
        assertFalse(tx.closed().toCompletableFuture().isDone());
    }

    /**
     * A {@code closed()} stage obtained while a receiver is open must complete only when the count
     * next reaches zero (reference §3.2: "If a subscribe happens before the waiting future checks
     * again, it goes back to waiting"). Here the last receiver's close (on another thread) races a
     * subscribe followed by {@code closed()}: the new receiver stays open, so the stage obtained
     * after it must stay pending. Stops at the first violation.
     */
    @Test
    void closedObtainedAfterAReopenIsNotCompletedByTheEarlierClose() throws Exception {
        final int rounds = 50_000;
        final java.util.concurrent.atomic.AtomicReference<Broadcast.Receiver<Integer>> toClose =
                new java.util.concurrent.atomic.AtomicReference<>();
        final AtomicInteger closedRounds = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final Forked<Void> closer = fork("closer", () -> {
            while (!stop.get()) {
                final Broadcast.Receiver<Integer> rx = toClose.getAndSet(null);
                if (rx == null) {
                    Thread.onSpinWait();
                    continue;
                }
                rx.close();
                closedRounds.incrementAndGet();
            }
            return null;
        });
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);
        final Broadcast.Sender<Integer> tx = ch.sender();
        Broadcast.Receiver<Integer> current = ch.receiver();
        int violations = 0;
        int round = 0;
        try {
            for (; round < rounds && violations == 0; round++) {
                final CompletableFuture<Void> before = tx.closed().toCompletableFuture(); // pending: 1 receiver
                toClose.set(current);
                while (tx.receiverCount() != 0) {
                    Thread.onSpinWait();
                }
                current = tx.subscribe(); // reopens: from here on a receiver is open
                final CompletableFuture<Void> after = tx.closed().toCompletableFuture();
                while (closedRounds.get() == round) {
                    Thread.onSpinWait();
                }
                assertNull(await(before), "the close completes the stage obtained before it");
                if (after.isDone()) {
                    violations++;
                }
                assertEquals(1, tx.receiverCount());
            }
        } finally {
            stop.set(true);
            closer.join();
        }
        assertEquals(0, violations, "after " + round + " rounds: closed() obtained while a receiver was open (after a "
                + "reopen) completed although the receiver count never reached zero again");
        assertFalse(tx.isClosed());
    }

    /**
     * With nothing ever sent, a pending async receive has nothing it could take, so cancelling it
     * must succeed. Two threads cancel the pending receives of many receivers oldest first: the
     * withdrawn nodes pile up and both threads sweep the wait list while the other cancels.
     */
    @Test
    void cancellingAPendingReceiveThatTookNothingAlwaysSucceeds() throws Exception {
        final int receivers = 4_000;
        for (int round = 0; round < 100; round++) {
            final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
            final Broadcast.Sender<Integer> tx = ch.sender();
            final List<Broadcast.Receiver<Integer>> rxs = new ArrayList<>();
            rxs.add(ch.receiver());
            for (int i = 1; i < receivers; i++) {
                rxs.add(tx.subscribe());
            }
            final List<CompletableFuture<Integer>> pending = new ArrayList<>();
            for (Broadcast.Receiver<Integer> rx : rxs) {
                final CompletableFuture<Integer> f = rx.recvAsync();
                assertFalse(f.isDone());
                pending.add(f);
            }
            final CountDownLatch go = new CountDownLatch(1);
            final List<Forked<List<Integer>>> cancellers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int first = t;
                cancellers.add(fork("canceller " + t, () -> {
                    final List<Integer> refused = new ArrayList<>();
                    go.await();
                    for (int i = first; i < receivers; i += 2) {
                        if (!pending.get(i).cancel(false)) {
                            refused.add(i);
                        }
                    }
                    return refused;
                }));
            }
            go.countDown();
            final List<Integer> refused = new ArrayList<>();
            for (Forked<List<Integer>> c : cancellers) {
                refused.addAll(c.join());
            }
            if (!refused.isEmpty()) {
                final int i = refused.get(0);
                final boolean doneAfterRefusal = pending.get(i).isDone();
                tx.close(); // completes the refused receives with end of stream
                final Integer result = await(pending.get(i));
                fail("round " + round + ": " + refused.size() + " cancel(false) calls returned false although "
                        + "nothing was ever sent (receive " + i + ": done right after the refused cancel = "
                        + doneAfterRefusal + ", then completed with " + result + " only when the sender closed)");
            }
            for (int i = 0; i < receivers; i++) {
                assertTrue(pending.get(i).isCancelled());
            }
            assertEquals(receivers, tx.send(1), "every receiver is still subscribed");
            for (Broadcast.Receiver<Integer> rx : rxs) {
                assertEquals(1, rx.tryRecv(), "a cancelled receive took nothing");
            }
        }
    }

    /**
     * Live async receives must survive the sweeps that other receivers' cancellations cause. Two
     * threads cancel the pending receives of two thirds of many receivers, oldest first, so that
     * both sweep the wait list concurrently. Afterwards a send completes every registered async
     * receive on the sending thread before it returns; one still pending was dropped from the wait
     * list and would never complete, not even at end of stream.
     */
    @Test
    void liveAsyncReceivesAreNotLostByConcurrentSweeps() throws Exception {
        final int receivers = 4_000;
        for (int round = 0; round < 300; round++) {
            final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
            final Broadcast.Sender<Integer> tx = ch.sender();
            final List<Broadcast.Receiver<Integer>> rxs = new ArrayList<>();
            rxs.add(ch.receiver());
            for (int i = 1; i < receivers; i++) {
                rxs.add(tx.subscribe());
            }
            final List<CompletableFuture<Integer>> pending = new ArrayList<>();
            for (Broadcast.Receiver<Integer> rx : rxs) {
                pending.add(rx.recvAsync());
            }
            final CountDownLatch go = new CountDownLatch(1);
            final List<Forked<Void>> cancellers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int mine = t + 1; // canceller t takes the receivers i with i % 3 == t + 1
                cancellers.add(fork("canceller " + t, () -> {
                    go.await();
                    for (int i = mine; i < receivers; i += 3) {
                        // a refusal (see the test above) is not this test's point
                        pending.get(i).cancel(false);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Forked<Void> c : cancellers) {
                c.join();
            }
            assertEquals(receivers, tx.send(round));
            final List<Integer> lost = new ArrayList<>();
            for (int i = 0; i < receivers; i += 3) {
                if (!pending.get(i).isDone()) {
                    lost.add(i);
                }
            }
            if (!lost.isEmpty()) {
                tx.close();
                final int i = lost.get(0);
                fail("round " + round + ": " + lost.size() + " live async receive(s) not completed by a send "
                        + "(first: receiver " + i + ", " + rxs.get(i).len() + " value(s) unread; after the last "
                        + "sender closed: done = " + pending.get(i).isDone() + ")");
            }
            for (int i = 0; i < receivers; i += 3) {
                assertEquals(round, pending.get(i).join());
            }
        }
    }

    /**
     * Async receives registered while another thread's withdrawals sweep the wait list must stay
     * registered. The main thread registers a receive on each of its receivers and then sends:
     * the registrations finished before the send (program order), and a send completes every
     * registered async receive on the sending thread before it returns, so a receive still pending
     * afterwards was unlinked from the wait list and would never complete, not even at end of
     * stream. Meanwhile a churner registers and withdraws receives of other receivers, oldest
     * first, so that its withdrawals sweep the list all the time.
     */
    @Test
    void asyncReceivesRegisteredDuringSweepsAreNotLost() throws Exception {
        final int rounds = 300_000;
        final int live = 32;
        final int churn = 64;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final List<Broadcast.Receiver<Integer>> liveRxs = new ArrayList<>();
        liveRxs.add(ch.receiver());
        for (int i = 1; i < live; i++) {
            liveRxs.add(tx.subscribe());
        }
        final List<Broadcast.Receiver<Integer>> churnRxs = new ArrayList<>();
        for (int i = 0; i < churn; i++) {
            churnRxs.add(tx.subscribe());
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final Forked<Long> churner = fork("churner", () -> {
            final List<CompletableFuture<Integer>> batch = new ArrayList<>();
            long withdrawn = 0;
            while (!stop.get()) {
                batch.clear();
                for (Broadcast.Receiver<Integer> r : churnRxs) {
                    try {
                        while (r.tryRecv() != null) {
                            // drain what the main thread sent
                        }
                    } catch (Broadcast.LaggedException lagged) {
                        // fine: only the registrations matter here
                    }
                    batch.add(r.recvAsync());
                }
                for (CompletableFuture<Integer> f : batch) {
                    if (f.cancel(false)) {
                        withdrawn++;
                    } // else a send completed it: nothing to withdraw
                }
            }
            return withdrawn;
        });
        final List<CompletableFuture<Integer>> futures = new ArrayList<>();
        int round = 0;
        String lost = null;
        try {
            for (; round < rounds && lost == null; round++) {
                futures.clear();
                for (Broadcast.Receiver<Integer> rx : liveRxs) {
                    final CompletableFuture<Integer> f = rx.recvAsync();
                    if (f.isDone()) {
                        fail("round " + round + ": nothing to receive, but completed with " + f.join());
                    }
                    futures.add(f);
                }
                tx.send(round);
                for (int i = 0; i < live && lost == null; i++) {
                    final CompletableFuture<Integer> f = futures.get(i);
                    if (!f.isDone()) {
                        lost = "round " + round + ": the async receive of receiver " + i + ", registered before a "
                                + "send, was not completed by it (" + liveRxs.get(i).len() + " value(s) unread)";
                    } else {
                        assertEquals(round, f.join());
                    }
                }
            }
        } finally {
            stop.set(true);
            assertTrue(churner.join() > 0, "the churner withdrew receives");
        }
        if (lost != null) {
            tx.close();
            final long stillPending = futures.stream().filter(f -> !f.isDone()).count();
            fail(lost + "; after the last sender closed, " + stillPending + " receive(s) still pending");
        }
    }
}
