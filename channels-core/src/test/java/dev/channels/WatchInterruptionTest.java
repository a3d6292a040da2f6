package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.WatchTestSupport.assertNothingUnseen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interrupting a waiting {@code changed} or {@code waitFor}: it throws {@link InterruptedException}
 * with the interrupt status cleared, and marked nothing.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchInterruptionTest {

    /** What an interrupted forked operation saw. */
    private static final class Outcome {
        final Object returned;
        final Throwable thrown;
        final boolean interruptedAfter;

        Outcome(Object returned, Throwable thrown, boolean interruptedAfter) {
            this.returned = returned;
            this.thrown = thrown;
            this.interruptedAfter = interruptedAfter;
        }
    }

    private static Forked<Outcome> forkOutcome(String name, MpscTestSupport.Action<?> action) {
        return fork(name, () -> {
            try {
                final Object r = action.run();
                return new Outcome(r, null, Thread.currentThread().isInterrupted());
            } catch (Exception e) {
                return new Outcome(null, e, Thread.currentThread().isInterrupted());
            }
        });
    }

    private static void assertInterruptedAndCleared(Outcome outcome) {
        assertInstanceOf(InterruptedException.class, outcome.thrown, "the operation threw InterruptedException");
        assertFalse(outcome.interruptedAfter, "the interrupt status was cleared");
    }

    /** Interrupts a receiver parked in {@code action}, then checks that it marked nothing. */
    private static void interruptWhileWaiting(String name, Watch.Channel<Integer> ch,
                                              MpscTestSupport.Action<?> action) throws Exception {
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Outcome> waiter = forkOutcome(name, action);
        awaitParkedInChannel(waiter.thread);
        waiter.thread.interrupt();
        assertInterruptedAndCleared(waiter.join());
        assertFalse(rx.hasChanged());
        assertNothingUnseen(rx);
        // The receiver works as before: the next value is unseen, and a new wait sees the one after.
        ch.sender().send(1);
        assertTrue(rx.hasChanged());
        assertTrue(rx.changed());
        final Forked<Boolean> next = fork(name + " again", rx::changed);
        awaitParkedInChannel(next.thread);
        ch.sender().send(2);
        assertTrue(next.join());
        assertEquals(2, rx.borrow());
    }

    @Test
    void anInterruptedChangedThrowsAndMarksNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        interruptWhileWaiting("changed", ch, ch.receiver()::changed);
    }

    @Test
    void anInterruptedTimedChangedThrowsAndMarksNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        interruptWhileWaiting("timed changed", ch, () -> ch.receiver().changed(Duration.ofMinutes(5)));
    }

    @Test
    void anInterruptedWaitForThrows() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        interruptWhileWaiting("waitFor", ch, () -> ch.receiver().waitFor(v -> v < 0));
    }

    @Test
    void anInterruptedTimedWaitForThrows() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        interruptWhileWaiting("timed waitFor", ch, () -> ch.receiver().waitFor(v -> v < 0, Duration.ofMinutes(5)));
    }

    @Test
    void anAlreadyInterruptedChangedWithNothingUnseenThrows() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, rx::changed);
            assertFalse(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> rx.changed(Duration.ofMinutes(5)));
            assertFalse(Thread.currentThread().isInterrupted());
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> rx.waitFor(v -> v == 1));
            assertFalse(Thread.currentThread().isInterrupted());
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> rx.waitFor(v -> v == 1, Duration.ofMinutes(5)));
            assertFalse(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        ch.sender().send(1);
        assertTrue(rx.changed());
    }

    @Test
    void anInterruptedThreadThatNeedNotWaitSucceedsAndKeepsItsInterrupt() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        Thread.currentThread().interrupt();
        try {
            assertTrue(rx.changed());
            assertTrue(Thread.currentThread().isInterrupted(), "a changed() that did not wait keeps the interrupt");
            assertEquals(1, rx.waitFor(v -> v == 1));
            assertTrue(Thread.currentThread().isInterrupted(), "a waitFor that did not wait keeps the interrupt");
            ch.sender().close();
            assertFalse(rx.changed(), "closed and seen: no wait, no InterruptedException");
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anInterruptRacingWithASendEitherMarksTheValueOrNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        int interrupted = 0;
        int changed = 0;
        for (int round = 1; round <= 300; round++) {
            final CountDownLatch go = new CountDownLatch(1);
            final Forked<Outcome> waiter = forkOutcome("changed " + round, () -> {
                go.countDown();
                return rx.changed();
            });
            assertTrue(go.await(GUARD_SECONDS, TimeUnit.SECONDS));
            // no wait for the park: the interrupt and the send race with the spin, the
            // registration and the park
            if (round % 2 == 0) {
                waiter.thread.interrupt();
                tx.send(round);
            } else {
                tx.send(round);
                waiter.thread.interrupt();
            }
            final Outcome outcome = waiter.join();
            if (outcome.thrown != null) {
                assertInterruptedAndCleared(outcome);
                assertTrue(rx.hasChanged(), "round " + round + ": interrupted, so the new value is still unseen");
                interrupted++;
            } else {
                assertEquals(Boolean.TRUE, outcome.returned);
                assertFalse(rx.hasChanged(), "round " + round + ": changed() returned, so the value is seen");
                changed++;
            }
            rx.markUnchanged();
            assertEquals(round, rx.borrow());
        }
        assertEquals(300, interrupted + changed);
    }

    @Test
    void anInterruptedAwaitClosedThrowsAndTheChannelStaysOpen() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final AtomicBoolean started = new AtomicBoolean();
        final Forked<Outcome> waiter = forkOutcome("awaitClosed", () -> {
            started.set(true);
            tx.awaitClosed();
            return null;
        });
        // awaitClosed parks in CompletableFuture, not in the channel: interrupt until it ends
        while (!waiter.isDone()) {
            if (started.get()) {
                waiter.thread.interrupt();
            }
            Thread.yield();
        }
        assertInstanceOf(InterruptedException.class, waiter.join().thrown);
        assertFalse(tx.isClosed());
        assertEquals(1, tx.receiverCount());
    }
}
