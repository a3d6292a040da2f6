package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.WatchTestSupport.garbageLimit;
import static dev.channels.WatchTestSupport.version;
import static dev.channels.WatchTestSupport.waitListLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many threads at once: readers never go backwards and never miss the last update, concurrent
 * modifications are all applied, and cancelled waits do not break or clog the channel.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchConcurrencyTest {

    /** How a reader waits for the next value. */
    private enum Style { CHANGED, TIMED, ASYNC, CANCELLING_ASYNC, WAIT_FOR }

    /**
     * Reads until the channel is closed and the last value seen, checking that the values never
     * go backwards; returns the last value read.
     */
    private static int readUntilClosed(Watch.Receiver<Integer> rx, Style style) throws Exception {
        int last = rx.borrowAndUpdate();
        for (;;) {
            final boolean more;
            switch (style) {
                case CHANGED:
                    more = rx.changed();
                    break;
                case TIMED: {
                    Boolean r = null;
                    while (r == null) {
                        try {
                            r = rx.changed(Duration.ofNanos(20_000));
                        } catch (TimeoutException e) {
                            // marked nothing: wait again
                        }
                    }
                    more = r;
                    break;
                }
                case ASYNC:
                    more = rx.changedAsync().get(GUARD_SECONDS, TimeUnit.SECONDS);
                    break;
                case CANCELLING_ASYNC: {
                    final CompletableFuture<Boolean> f = rx.changedAsync();
                    if (!f.isDone() && f.cancel(false)) {
                        Thread.yield();
                        continue; // withdrawn, marked nothing
                    }
                    more = f.get(GUARD_SECONDS, TimeUnit.SECONDS);
                    break;
                }
                default: {
                    more = waitForGreater(rx, last);
                    break;
                }
            }
            if (!more) {
                return last;
            }
            final int v = rx.borrowAndUpdate();
            if (v < last) {
                fail(style + " reader went backwards: " + last + " then " + v);
            }
            last = v;
        }
    }

    /**
     * Now and then lets the readers run, so that they interleave with the writer instead of
     * finding it finished (on a small machine the writer can otherwise outrun them). Pacing only:
     * nothing depends on how long it takes.
     */
    private static void pace(int i) {
        if ((i & 255) == 0) {
            Thread.yield();
        }
        if ((i & 4095) == 0) {
            LockSupport.parkNanos(100_000L);
        }
    }

    /** {@code waitFor} a value above {@code last}: true when one came, false when closed. */
    private static boolean waitForGreater(Watch.Receiver<Integer> rx, int last) throws InterruptedException {
        try {
            rx.waitFor(v -> v > last);
            return true;
        } catch (ChannelClosedException closed) {
            return false;
        }
    }

    @Test
    void readersSeeANonDecreasingSequenceEndingWithTheFinalValue() throws Exception {
        final int n = 200_000;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Forked<Integer>> readers = new ArrayList<>();
        for (Style style : Style.values()) {
            for (int copy = 0; copy < 2; copy++) {
                final Watch.Receiver<Integer> mine = rx.duplicate();
                readers.add(fork(style + " reader " + copy, () -> readUntilClosed(mine, style)));
            }
        }
        final Forked<Void> writer = fork("writer", () -> {
            try (tx) {
                for (int i = 1; i <= n; i++) {
                    tx.send(i);
                    pace(i);
                }
            }
            return null;
        });
        writer.join();
        for (Forked<Integer> r : readers) {
            assertEquals(n, r.join(), r.thread.getName() + " ended without the final value");
        }
    }

    @Test
    void readersSeeTheLastUpdateWithoutAClose() throws Exception {
        final int n = 100_000;
        final int rounds = 20;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        for (int round = 0; round < rounds; round++) {
            final int target = (round + 1) * (n / rounds);
            final int from = round * (n / rounds) + 1;
            final List<Forked<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                final Watch.Receiver<Integer> mine = rx.duplicate();
                readers.add(fork("reader " + r, () -> {
                    try (mine) {
                        int last = mine.borrowAndUpdate();
                        while (last != target) {
                            // a missed last update hangs here, until the hang guard
                            if (!mine.changed()) {
                                fail("closed unexpectedly");
                            }
                            final int v = mine.borrowAndUpdate();
                            if (v < last) {
                                fail("went backwards: " + last + " then " + v);
                            }
                            last = v;
                        }
                        return last;
                    }
                }));
            }
            final Forked<Void> writer = fork("writer", () -> {
                for (int i = from; i <= target; i++) {
                    tx.send(i);
                    pace(i);
                }
                return null;
            });
            writer.join();
            for (Forked<Integer> r : readers) {
                assertEquals(target, r.join());
            }
        }
        assertEquals(1, tx.receiverCount(), "every reader's duplicate was closed");
    }

    /** A value with plain (not final, not volatile) fields: only the channel publishes them. */
    private static final class Plain {
        int a;
        int b;
        int[] items;
    }

    @Test
    void plainFieldsWrittenBeforeASendAreVisibleToTheReader() throws Exception {
        final int n = 50_000;
        final Plain initial = new Plain();
        initial.items = new int[4];
        final Watch.Channel<Plain> ch = Watch.channel(initial);
        final Watch.Sender<Plain> tx = ch.sender();
        final List<Forked<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            final Watch.Receiver<Plain> mine = ch.receiver().duplicate();
            readers.add(fork("reader " + r, () -> {
                int last = 0;
                while (mine.changed()) {
                    final Plain p = mine.borrowAndUpdate();
                    if (p.a != p.b || p.items == null || p.items.length != 4
                            || p.items[0] != p.a || p.items[3] != p.a) {
                        fail("a value read before its fields: a=" + p.a + " b=" + p.b);
                    }
                    if (p.a < last) {
                        fail("went backwards: " + last + " then " + p.a);
                    }
                    last = p.a;
                }
                return last;
            }));
        }
        final Forked<Void> writer = fork("writer", () -> {
            try (tx) {
                for (int i = 1; i <= n; i++) {
                    final Plain p = new Plain();
                    p.a = i;
                    p.items = new int[] {i, i, i, i};
                    p.b = i;
                    if ((i & 1) == 0) {
                        tx.send(p);
                    } else {
                        tx.sendModify(old -> p);
                    }
                    pace(i);
                }
            }
            return null;
        });
        writer.join();
        for (Forked<Integer> r : readers) {
            assertEquals(n, r.join());
        }
    }

    @Test
    void concurrentSendModifyLosesNoUpdate() throws Exception {
        final int threads = 4;
        final int perThread = 10_000;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicBoolean done = new AtomicBoolean();
        final Watch.Receiver<Integer> watcher = rx.duplicate();
        final Forked<Integer> reader = fork("reader", () -> {
            int last = 0;
            while (!done.get() || watcher.hasChanged()) {
                try {
                    watcher.changed(Duration.ofMillis(1));
                } catch (TimeoutException e) {
                    continue;
                }
                final int v = watcher.borrowAndUpdate();
                if (v < last) {
                    fail("went backwards: " + last + " then " + v);
                }
                last = v;
            }
            return last;
        });
        final List<Forked<Void>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final Watch.Sender<Integer> mine = tx.duplicate();
            writers.add(fork("modifier " + t, () -> {
                assertTrue(start.await(GUARD_SECONDS, TimeUnit.SECONDS));
                try (mine) {
                    for (int i = 0; i < perThread; i++) {
                        mine.sendModify(x -> x + 1);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Forked<Void> w : writers) {
            w.join();
        }
        done.set(true);
        assertEquals(threads * perThread, tx.borrow(), "every increment was applied");
        assertEquals((long) threads * perThread, version(rx), "one version per modification");
        assertEquals(threads * perThread, reader.join(), "the reader saw the final count");
        assertTrue(rx.changed());
        assertEquals(threads * perThread, rx.borrowAndUpdate());
    }

    private static final int LIMIT = 20_000;

    /**
     * Adds one below {@link #LIMIT}, else returns its argument itself (not re-boxed: a
     * conditional {@code x < LIMIT ? x + 1 : x} would be an int, and a new Integer).
     */
    private static Integer incrementBelowLimit(Integer x) {
        if (x < LIMIT) {
            return x + 1;
        }
        return x;
    }

    @Test
    void concurrentSendIfModifiedCountsEachModificationOnce() throws Exception {
        final int threads = 4;
        final int perThread = 10_000;
        final int limit = LIMIT;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Forked<Integer>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            writers.add(fork("modifier " + t, () -> {
                assertTrue(start.await(GUARD_SECONDS, TimeUnit.SECONDS));
                int modified = 0;
                for (int i = 0; i < perThread; i++) {
                    if (tx.sendIfModified(WatchConcurrencyTest::incrementBelowLimit)) {
                        modified++;
                    }
                }
                return modified;
            }));
        }
        start.countDown();
        int total = 0;
        for (Forked<Integer> w : writers) {
            total += w.join();
        }
        assertEquals(limit, total, "true exactly once per stored increment");
        assertEquals(limit, tx.borrow());
        assertEquals(limit, version(ch.receiver()));
    }

    @Test
    void mixedConcurrentWritesAllLand() throws Exception {
        final int perThread = 5_000;
        final Watch.Channel<Long> ch = Watch.channel(0L);
        final Watch.Sender<Long> tx = ch.sender();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Forked<Void>> writers = new ArrayList<>();
        // two threads add 1 with sendModify, one adds 1_000_000 with sendIfModified
        for (int t = 0; t < 3; t++) {
            final boolean big = t == 2;
            writers.add(fork("writer " + t, () -> {
                assertTrue(start.await(GUARD_SECONDS, TimeUnit.SECONDS));
                for (int i = 0; i < perThread; i++) {
                    if (big) {
                        assertTrue(tx.sendIfModified(x -> x + 1_000_000L));
                    } else {
                        tx.sendModify(x -> x + 1);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Forked<Void> w : writers) {
            w.join();
        }
        assertEquals(perThread * 1_000_000L + 2L * perThread, tx.borrow());
        assertEquals(3L * perThread, version(ch.receiver()));
    }

    // ------------------------------------------------------------------ cancelled waits

    private static void assertChannelWakesAFreshWaiter(Watch.Sender<Integer> tx, Watch.Receiver<Integer> rx,
                                                       int value) throws Exception {
        final Watch.Receiver<Integer> fresh = rx.duplicate();
        final Forked<Integer> reader = fork("fresh reader", () -> {
            assertTrue(fresh.changed());
            return fresh.borrowAndUpdate();
        });
        awaitParkedInChannel(reader.thread);
        final CompletableFuture<Boolean> async = rx.changedAsync();
        assertFalse(async.isDone());
        tx.send(value);
        assertEquals(value, reader.join());
        assertTrue(await(async));
        assertEquals(value, rx.borrow());
    }

    @Test
    void manyChangedAsyncCancelledOneByOneLeaveTheChannelWorking() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        for (int i = 0; i < 100_000; i++) {
            final CompletableFuture<Boolean> f = rx.changedAsync();
            if (!f.cancel(false)) {
                fail("wait " + i + " could not be cancelled: " + f);
            }
        }
        assertEquals(0, waitListLength(rx), "each cancelled wait left the wait list");
        assertFalse(rx.hasChanged());
        assertChannelWakesAFreshWaiter(ch.sender(), rx, 1);
    }

    @Test
    void manyPendingChangedAsyncCancelledTogetherLeaveTheChannelWorking() throws Exception {
        final int n = 100_000;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<CompletableFuture<Boolean>> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pending.add(rx.changedAsync());
        }
        // oldest first: most are not at the top of the wait list, so the list sweeps its garbage
        for (int i = 0; i < n; i++) {
            if (!pending.get(i).cancel(false)) {
                fail("wait " + i + " could not be cancelled: " + pending.get(i));
            }
        }
        final int left = waitListLength(rx);
        assertTrue(left <= garbageLimit(), "withdrawn nodes are bounded, but " + left + " are left");
        assertFalse(rx.hasChanged(), "no cancelled wait marked anything");
        for (CompletableFuture<Boolean> f : pending) {
            assertTrue(f.isCancelled());
        }
        assertChannelWakesAFreshWaiter(ch.sender(), rx, 1);
    }

    @Test
    void cancelledWaitsAmongLiveOnesDoNotPileUp() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        // a live wait at the bottom of the list, and another receiver's blocked thread
        final Watch.Receiver<Integer> live = rx.duplicate();
        final CompletableFuture<Boolean> liveWait = live.changedAsync();
        final Watch.Receiver<Integer> blocked = rx.duplicate();
        final Forked<Boolean> reader = fork("blocked reader", blocked::changed);
        awaitParkedInChannel(reader.thread);
        // two receivers alternate: one's cancelled node is never at the top when it withdraws
        final Watch.Receiver<Integer> a = rx.duplicate();
        final Watch.Receiver<Integer> b = rx.duplicate();
        int maxLength = 0;
        for (int i = 0; i < 50_000; i++) {
            final CompletableFuture<Boolean> fa = a.changedAsync();
            final CompletableFuture<Boolean> fb = b.changedAsync();
            assertTrue(fa.cancel(false));
            assertTrue(fb.cancel(false));
            maxLength = Math.max(maxLength, waitListLength(rx));
        }
        assertTrue(maxLength <= garbageLimit() + 4, "the wait list grew to " + maxLength);
        assertFalse(liveWait.isDone(), "the sweeps' wake-ups were spurious for the live wait");
        assertFalse(reader.isDone());
        ch.sender().send(1);
        assertTrue(await(liveWait));
        assertTrue(reader.join());
    }

    @Test
    void pendingChangedAsyncCancelledInRandomOrderLeaveTheChannelWorking() throws Exception {
        final int n = 20_000;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<CompletableFuture<Boolean>> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pending.add(rx.changedAsync());
        }
        final List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(42));
        // keep one wait (in the middle) alive through all the sweeps of the others
        final int survivor = order.remove(order.size() / 2);
        for (int i : order) {
            if (!pending.get(i).cancel(false)) {
                fail("wait " + i + " could not be cancelled: " + pending.get(i));
            }
        }
        final int left = waitListLength(rx);
        assertTrue(left <= garbageLimit() + 1, "withdrawn nodes are bounded, but " + left + " are left");
        assertFalse(pending.get(survivor).isDone(), "the sweeps' wake-ups were spurious");
        ch.sender().send(1);
        assertTrue(await(pending.get(survivor)), "the surviving wait was completed by the send");
        assertFalse(rx.hasChanged());
    }

    /**
     * Other threads' async waits, each cancelled at once, on two receivers per thread in turn so
     * that most withdrawn nodes are not on top of the wait list: the list is swept often, by
     * several threads at once. Nothing is written. Returns the waits whose cancel returned false
     * (each on a receiver then left alone, since its wait is still pending).
     */
    private static List<CompletableFuture<Boolean>> sweepStorm(Watch.Receiver<Integer> rx, int threads,
                                                               int perThread) throws Exception {
        final CountDownLatch start = new CountDownLatch(1);
        final List<Forked<List<CompletableFuture<Boolean>>>> cancellers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final Watch.Receiver<Integer> first = rx.duplicate();
            final Watch.Receiver<Integer> second = rx.duplicate();
            cancellers.add(fork("canceller " + t, () -> {
                assertTrue(start.await(GUARD_SECONDS, TimeUnit.SECONDS));
                final List<CompletableFuture<Boolean>> notCancelled = new ArrayList<>();
                Watch.Receiver<Integer> a = first;
                Watch.Receiver<Integer> b = second;
                for (int i = 0; i < perThread; i++) {
                    final CompletableFuture<Boolean> fa = a.changedAsync();
                    final CompletableFuture<Boolean> fb = b.changedAsync();
                    if (!fa.cancel(false)) {
                        notCancelled.add(fa);
                        a = rx.duplicate();
                    }
                    if (!fb.cancel(false)) {
                        notCancelled.add(fb);
                        b = rx.duplicate();
                    }
                }
                return notCancelled;
            }));
        }
        start.countDown();
        final List<CompletableFuture<Boolean>> notCancelled = new ArrayList<>();
        for (Forked<List<CompletableFuture<Boolean>>> c : cancellers) {
            notCancelled.addAll(c.join());
        }
        return notCancelled;
    }

    /**
     * Live async waits of many receivers during a {@link #sweepStorm}. A sweep wakes the live
     * waits spuriously and each registers again; none may be lost: one send completes them all.
     */
    @Test
    void liveAsyncWaitsSurviveConcurrentSweeps() throws Exception {
        final int live = 2_000;
        for (int round = 0; round < 5; round++) {
            final Watch.Channel<Integer> ch = Watch.channel(0);
            final Watch.Receiver<Integer> rx = ch.receiver();
            final List<CompletableFuture<Boolean>> waits = new ArrayList<>(live);
            for (int i = 0; i < live; i++) {
                waits.add(rx.duplicate().changedAsync());
            }
            waits.addAll(sweepStorm(rx, 4, 5_000)); // their cancel failed: they are live too
            for (CompletableFuture<Boolean> f : waits) {
                assertFalse(f.isDone(), "nothing was written yet");
            }
            ch.sender().send(1);
            int lost = 0;
            for (CompletableFuture<Boolean> f : waits) {
                if (!f.isDone()) {
                    lost++;
                }
            }
            assertEquals(0, lost, "round " + round + ": live async waits that the send did not complete"
                    + " (lost wake-ups)");
            for (CompletableFuture<Boolean> f : waits) {
                assertTrue(f.getNow(false));
            }
        }
    }

    /**
     * With nothing written, nothing can complete an async wait, so cancelling it must succeed (a
     * false from {@code cancel} means the wait has completed or is completing: the
     * {@link java.util.concurrent.Future#cancel} contract says {@code isDone()} is true after it).
     */
    @Test
    void withNothingWrittenCancellingAnAsyncWaitAlwaysSucceeds() throws Exception {
        final int live = 2_000;
        for (int round = 0; round < 25; round++) {
            final Watch.Channel<Integer> ch = Watch.channel(0);
            final Watch.Receiver<Integer> rx = ch.receiver();
            for (int i = 0; i < live; i++) {
                rx.duplicate().changedAsync();
            }
            final List<CompletableFuture<Boolean>> notCancelled = sweepStorm(rx, 4, 5_000);
            int stillPending = 0;
            for (CompletableFuture<Boolean> f : notCancelled) {
                if (!f.isDone()) {
                    stillPending++;
                }
            }
            assertEquals(0, notCancelled.size(), "round " + round + ": cancel() returned false with nothing"
                    + " written, for " + notCancelled.size() + " waits, of which " + stillPending
                    + " are still pending");
        }
    }

    @Test
    void blockedReadersSurviveConcurrentSweeps() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Forked<Boolean>> readers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            readers.add(fork("blocked reader " + i, rx.duplicate()::changed));
        }
        for (Forked<Boolean> r : readers) {
            awaitParkedInChannel(r.thread);
        }
        sweepStorm(rx, 2, 20_000); // (its failed cancels are another test's business)
        for (Forked<Boolean> r : readers) {
            assertFalse(r.isDone(), "spurious wake-ups only: nothing changed");
        }
        ch.sender().send(1);
        for (Forked<Boolean> r : readers) {
            assertTrue(r.join());
        }
    }

    @Test
    void cancellationsRacingWithWritesLoseNothing() throws Exception {
        final int n = 50_000;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Forked<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            final Watch.Receiver<Integer> mine = rx.duplicate();
            readers.add(fork("cancelling reader " + r, () -> {
                int last = 0;
                int cancelled = 0;
                for (;;) {
                    final CompletableFuture<Boolean> f = mine.changedAsync();
                    if (f.cancel(false)) {
                        // withdrawn before any write claimed it: marked nothing
                        if (++cancelled % 16 == 0) {
                            Thread.yield();
                        }
                        continue;
                    }
                    if (!f.get(GUARD_SECONDS, TimeUnit.SECONDS)) {
                        return last;
                    }
                    final int v = mine.borrowAndUpdate();
                    if (v < last) {
                        fail("went backwards: " + last + " then " + v);
                    }
                    last = v;
                }
            }));
        }
        final Forked<Void> writer = fork("writer", () -> {
            try (tx) {
                for (int i = 1; i <= n; i++) {
                    tx.send(i);
                    pace(i);
                }
            }
            return null;
        });
        writer.join();
        for (Forked<Integer> r : readers) {
            assertEquals(n, r.join());
        }
        assertTrue(waitListLength(rx) <= garbageLimit() + readers.size());
    }
}
