package dev.channels;

import dev.channels.OneshotTestSupport.Racer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two-party races on one channel, repeated many times: whatever the interleaving, the value is
 * owned by exactly one side (received once, or handed back, or still receivable), never lost and
 * never duplicated. No assertion depends on timing.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OneshotRaceTest {
    private static final int ROUNDS = 20_000;

    /** What a send in a race did. */
    private enum SendOutcome { SENT, HANDED_BACK }

    private static SendOutcome sendExpectingRace(Oneshot.Sender<Integer> tx, Integer value) {
        try {
            tx.send(value);
            return SendOutcome.SENT;
        } catch (ChannelClosedException e) {
            assertSame(value, e.value(), "the exception hands back the very value");
            return SendOutcome.HANDED_BACK;
        }
    }

    // ------------------------------------------------------------------ cancel vs send

    @Test
    void cancelRacingSendNeverLosesOrDuplicatesTheValue() throws Exception {
        int cancelled = 0;
        int delivered = 0;
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Oneshot.Receiver<Integer> rx = ch.receiver();
                final CompletableFuture<Integer> f = rx.recvAsync();
                final Integer value = round;
                final boolean[] cancel = new boolean[1];
                racer.race(() -> {
                    ch.sender().send(value);
                    return null;
                }, () -> cancel[0] = f.cancel(false));
                if (cancel[0]) {
                    assertTrue(f.isCancelled(), "round " + round);
                    assertFalse(rx.isTerminated(), "round " + round + ": a true cancel took nothing");
                    // the value is still receivable, by a new receive of any kind
                    final Integer left = (round & 1) == 0 ? rx.tryRecv() : await(rx.recvAsync());
                    if (left == null) {
                        fail("round " + round + ": the receive was cancelled and the value is gone");
                    }
                    assertSame(value, left, "round " + round);
                    cancelled++;
                } else {
                    assertSame(value, f.get(GUARD_SECONDS, TimeUnit.SECONDS), "round " + round);
                    assertTrue(rx.isTerminated(), "round " + round);
                    assertThrows(IllegalStateException.class, rx::tryRecv, "round " + round + ": received twice");
                    delivered++;
                }
            }
        }
        assertEquals(ROUNDS, cancelled + delivered);
        System.out.println("oneshot cancel/send race: cancelled " + cancelled + ", delivered " + delivered);
    }

    @Test
    void cancelOfAStageRacingSendNeverLosesOrDuplicatesTheValue() throws Exception {
        int cancelled = 0;
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS / 4; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Oneshot.Receiver<Integer> rx = ch.receiver();
                final CompletableFuture<Integer> stage = rx.toCompletableFuture();
                final Integer value = round;
                final boolean[] cancel = new boolean[1];
                racer.race(() -> {
                    ch.sender().send(value);
                    return null;
                }, () -> cancel[0] = stage.cancel(true));
                if (cancel[0]) {
                    assertSame(value, rx.recv(), "round " + round + ": the cancelled stage took nothing");
                    cancelled++;
                } else {
                    assertSame(value, await(rx), "round " + round);
                    assertThrows(IllegalStateException.class, rx::tryRecv, "round " + round);
                }
            }
        }
        System.out.println("oneshot stage cancel/send race: cancelled " + cancelled + " of " + ROUNDS / 4);
    }

    @Test
    void orTimeoutRacingSendNeverLosesOrDuplicatesTheValue() throws Exception {
        int timedOut = 0;
        for (int round = 0; round < 2_000; round++) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final Oneshot.Receiver<Integer> rx = ch.receiver();
            final CompletableFuture<Integer> f = rx.recvAsync().orTimeout(50_000, TimeUnit.NANOSECONDS);
            final Integer value = round;
            // spin a little so that the send lands around the timeout
            for (long until = System.nanoTime() + (round % 100) * 1_000L; System.nanoTime() - until < 0; ) {
                Thread.onSpinWait();
            }
            ch.sender().send(value);
            try {
                assertSame(value, f.get(GUARD_SECONDS, TimeUnit.SECONDS), "round " + round);
                assertThrows(IllegalStateException.class, rx::tryRecv, "round " + round + ": received twice");
            } catch (ExecutionException e) {
                assertInstanceOf(TimeoutException.class, e.getCause(), "round " + round);
                assertSame(value, rx.tryRecv(), "round " + round + ": timed out, so the value must still be there");
                timedOut++;
            }
        }
        System.out.println("oneshot orTimeout/send race: timed out " + timedOut + " of 2000");
    }

    // ------------------------------------------------------------------ timed receive vs send

    @Test
    void aTimedRecvRacingSendNeverLosesOrDuplicatesTheValue() throws Exception {
        int timedOut = 0;
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS / 4; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Oneshot.Receiver<Integer> rx = ch.receiver();
                final Integer value = round;
                final long timeoutNanos = 1_000L * (round % 50);
                final Object got = racer.race(() -> {
                    try {
                        return rx.recv(Duration.ofNanos(timeoutNanos));
                    } catch (TimeoutException e) {
                        return e;
                    }
                }, () -> ch.sender().send(value));
                if (got instanceof TimeoutException) {
                    assertSame(value, rx.tryRecv(), "round " + round + ": timed out, so the value must still be there");
                    timedOut++;
                } else {
                    assertSame(value, got, "round " + round);
                    assertThrows(IllegalStateException.class, rx::tryRecv, "round " + round + ": received twice");
                }
            }
        }
        System.out.println("oneshot timed recv/send race: timed out " + timedOut + " of " + ROUNDS / 4);
    }

    // ------------------------------------------------------------------ receiver close vs send

    @Test
    void sendRacingReceiverCloseGivesTheValueToExactlyOneSide() throws Exception {
        int sent = 0;
        int handedBack = 0;
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Oneshot.Receiver<Integer> rx = ch.receiver();
                final Integer value = round;
                final SendOutcome outcome = racer.race(() -> sendExpectingRace(ch.sender(), value), rx::close);
                assertTrue(ch.sender().isClosed(), "round " + round);
                assertTrue(ch.sender().isUsed(), "round " + round);
                if (outcome == SendOutcome.SENT) {
                    // sent before the close: still delivered
                    assertFalse(rx.isEmpty(), "round " + round);
                    assertSame(value, rx.tryRecv(), "round " + round + ": a sent value must be received");
                    sent++;
                } else {
                    assertTrue(rx.isEmpty(), "round " + round);
                    assertThrows(ChannelClosedException.class, rx::tryRecv,
                            "round " + round + ": a handed-back value must not be received too");
                    handedBack++;
                }
            }
        }
        assertEquals(ROUNDS, sent + handedBack);
        System.out.println("oneshot send/close race: received " + sent + ", handed back " + handedBack);
    }

    @Test
    void sendRacingReceiverCloseWithAWaitingAsyncReceive() throws Exception {
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS / 2; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Oneshot.Receiver<Integer> rx = ch.receiver();
                final CompletableFuture<Integer> f = rx.recvAsync();
                final Integer value = round;
                final SendOutcome outcome = racer.race(() -> sendExpectingRace(ch.sender(), value), rx::close);
                if (outcome == SendOutcome.SENT) {
                    assertSame(value, f.get(GUARD_SECONDS, TimeUnit.SECONDS), "round " + round);
                } else {
                    assertInstanceOf(ChannelClosedException.class, awaitFailure(f), "round " + round);
                    assertFalse(rx.isTerminated(), "round " + round);
                }
            }
        }
    }

    @Test
    void sendRacingReceiverCloseWithAWaitingBlockingReceive() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final Oneshot.Receiver<Integer> rx = ch.receiver();
            final MpscTestSupport.Forked<Object> receiver = MpscTestSupport.fork("receiver", () -> {
                try {
                    return rx.recv();
                } catch (ChannelClosedException e) {
                    return e;
                }
            });
            if ((round & 1) == 0) {
                MpscTestSupport.awaitParkedInChannel(receiver.thread);
            }
            final Integer value = round;
            final MpscTestSupport.Forked<SendOutcome> sender =
                    MpscTestSupport.fork("sender", () -> sendExpectingRace(ch.sender(), value));
            rx.close();
            final SendOutcome outcome = sender.join();
            final Object got = receiver.join();
            if (outcome == SendOutcome.SENT) {
                assertSame(value, got, "round " + round + ": a sent value must be received");
            } else {
                assertInstanceOf(ChannelClosedException.class, got, "round " + round);
            }
        }
    }

    @Test
    void sendRacingSenderOwnCloseFromAnotherThreadIsOneOrTheOther() throws Exception {
        // Misuse (a sender shared by two threads), but the outcome must still be consistent.
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS / 4; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Integer value = round;
                final Boolean sent = racer.race(() -> {
                    try {
                        ch.sender().send(value);
                        return true;
                    } catch (IllegalStateException closedFirst) {
                        return false;
                    }
                }, ch.sender()::close);
                if (sent) {
                    assertSame(value, ch.receiver().tryRecv(), "round " + round);
                } else {
                    assertThrows(ChannelClosedException.class, ch.receiver()::tryRecv, "round " + round);
                }
            }
        }
    }

    @Test
    void twoRacingSendsThroughOneSenderStoreExactlyOneValue() throws Exception {
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS / 4; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Integer a = 2 * round;
                final Integer b = 2 * round + 1;
                final boolean[] mine = new boolean[1];
                final Boolean theirs = racer.race(() -> {
                    try {
                        ch.sender().send(a);
                        return true;
                    } catch (IllegalStateException used) {
                        return false;
                    }
                }, () -> {
                    try {
                        ch.sender().send(b);
                        mine[0] = true;
                    } catch (IllegalStateException used) {
                        mine[0] = false;
                    }
                });
                assertTrue(theirs ^ mine[0], "round " + round + ": exactly one send succeeds");
                assertSame(theirs ? a : b, ch.receiver().tryRecv(), "round " + round);
            }
        }
    }

    // ------------------------------------------------------------------ the sender's view of a close

    /**
     * {@link Oneshot.Sender#isClosed()}: "Whether the receiver has closed: a send would fail. Once
     * true, stays true." (Tokio: "Once true, send always fails".) So a send that starts after
     * {@code isClosed()} returned true must fail, and hand the value back.
     *
     * <p>One thread closes receivers one after another; the other follows it, spinning on each
     * sender's {@code isClosed()} and sending as soon as it is true. A per-channel hand-shake keeps
     * the two in step, so that every channel is a fresh race (cheap enough for many rounds).
     */
    @Test
    void onceIsClosedReturnsTrueASendFails() throws Exception {
        // The race window is narrow: a few passes, stopping at the first violation. On a loaded
        // machine (both threads sharing one core) a pass may find nothing even if the bug is there.
        final int passes = 6;
        final int channels = 100_000;
        String violation = null;
        int violations = 0;
        int pass = 0;
        while (pass < passes && violations == 0) {
            pass++;
            final List<Oneshot.Channel<Integer>> chs = new ArrayList<>(channels);
            for (int i = 0; i < channels; i++) {
                chs.add(Oneshot.channel());
            }
            final AtomicInteger done = new AtomicInteger();
            final MpscTestSupport.Forked<Void> closer = MpscTestSupport.fork("closer", () -> {
                for (int i = 0; i < channels; i++) {
                    spinUntil(done, i);
                    chs.get(i).receiver().close();
                }
                return null;
            });
            for (int i = 0; i < channels; i++) {
                final Oneshot.Sender<Integer> tx = chs.get(i).sender();
                for (int spin = 0; !tx.isClosed(); spin++) {
                    if ((spin & 63) == 63) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                }
                final Integer value = i;
                final SendOutcome outcome = sendExpectingRace(tx, value);
                done.set(i + 1);
                if (outcome == SendOutcome.SENT) {
                    violations++;
                    if (violation == null) {
                        violation = "pass " + pass + ", channel " + i + ": isClosed() was true, then send(" + value
                                + ") succeeded; the receiver then got " + chs.get(i).receiver().tryRecv();
                    }
                }
            }
            closer.join();
        }
        assertEquals(0, violations, "sends that succeeded after isClosed() had returned true, in pass " + pass
                + " of " + channels + " channels; first: " + violation);
    }

    private static void spinUntil(AtomicInteger counter, int value) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        for (int spin = 0; counter.get() < value; spin++) {
            if ((spin & 63) == 63) {
                Thread.yield();
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("hang guard: the sending thread stopped");
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** As above, for the closed() stage: once it completed, a send must fail. */
    @Test
    void onceClosedCompletedASendFails() throws Exception {
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS / 2; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Oneshot.Sender<Integer> tx = ch.sender();
                final CompletableFuture<Void> closed = tx.closed().toCompletableFuture();
                final Integer value = round;
                final SendOutcome outcome = racer.race(() -> {
                    while (!closed.isDone()) {
                        Thread.onSpinWait();
                    }
                    return sendExpectingRace(tx, value);
                }, ch.receiver()::close);
                assertEquals(SendOutcome.HANDED_BACK, outcome, "round " + round + ": closed() had completed");
            }
        }
    }

    @Test
    void closedStageRequestedWhileTheReceiverClosesAlwaysCompletes() throws Exception {
        // The lazily created closed future against a concurrent close (a Dekker hand-shake).
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final CompletableFuture<Void> closed = racer.race(
                        () -> ch.sender().closed().toCompletableFuture(), ch.receiver()::close);
                assertNull(closed.get(GUARD_SECONDS, TimeUnit.SECONDS), "round " + round);
                assertTrue(ch.sender().awaitClosed(Duration.ofSeconds(GUARD_SECONDS)), "round " + round);
            }
        }
    }

    @Test
    void senderCloseRacingReceiverCloseLeavesBothSidesClosed() throws Exception {
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS / 4; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final CompletableFuture<Void> closed = ch.sender().closed().toCompletableFuture();
                racer.race(() -> {
                    ch.sender().close();
                    return null;
                }, ch.receiver()::close);
                assertTrue(ch.sender().isClosed(), "round " + round);
                assertTrue(ch.sender().isUsed(), "round " + round);
                assertNull(closed.get(GUARD_SECONDS, TimeUnit.SECONDS), "round " + round);
                assertThrows(ChannelClosedException.class, ch.receiver()::tryRecv, "round " + round);
                assertThrows(IllegalStateException.class, () -> ch.sender().send(1), "round " + round);
                assertFalse(ch.receiver().isTerminated(), "round " + round);
            }
        }
    }

    // ------------------------------------------------------------------ sender close vs receive

    @Test
    void senderCloseRacingAWaitingReceiveAlwaysWakesIt() throws Exception {
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS / 4; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Oneshot.Receiver<Integer> rx = ch.receiver();
                final Object got = racer.race(() -> {
                    try {
                        return rx.recv();
                    } catch (ChannelClosedException e) {
                        return e;
                    }
                }, ch.sender()::close);
                assertInstanceOf(ChannelClosedException.class, got, "round " + round);
                assertNotNull(got);
            }
        }
    }

    @Test
    void sendRacingABlockingReceiveIsAlwaysDelivered() throws Exception {
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Integer value = round;
                final Integer got = racer.race(ch.receiver()::recv, () -> ch.sender().send(value));
                assertSame(value, got, "round " + round);
            }
        }
    }

    @Test
    void sendRacingTheStartOfAnAsyncReceiveIsAlwaysDelivered() throws Exception {
        try (Racer racer = new Racer()) {
            for (int round = 0; round < ROUNDS; round++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                final Integer value = round;
                final CompletableFuture<Integer> f = racer.race(ch.receiver()::recvAsync, () -> ch.sender().send(value));
                assertSame(value, f.get(GUARD_SECONDS, TimeUnit.SECONDS), "round " + round);
            }
        }
    }
}
