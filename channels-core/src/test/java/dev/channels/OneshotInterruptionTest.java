package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.OneshotTestSupport.assertNothingYet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interrupting a waiting receive: it throws {@link InterruptedException} with the interrupt status
 * cleared and takes nothing; an interrupt that arrives together with the value loses nothing.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OneshotInterruptionTest {

    /** What a forked receive saw: its value or exception, and the interrupt status afterwards. */
    private static final class Outcome {
        final Object value;
        final Throwable thrown;
        final boolean interruptedAfter;

        Outcome(Object value, Throwable thrown, boolean interruptedAfter) {
            this.value = value;
            this.thrown = thrown;
            this.interruptedAfter = interruptedAfter;
        }
    }

    private static Forked<Outcome> forkReceive(String name, MpscTestSupport.Action<?> receive) {
        return fork(name, () -> {
            try {
                final Object v = receive.run();
                return new Outcome(v, null, Thread.currentThread().isInterrupted());
            } catch (Exception e) {
                return new Outcome(null, e, Thread.currentThread().isInterrupted());
            }
        });
    }

    private static void assertInterruptedAndCleared(Outcome outcome) {
        assertInstanceOf(InterruptedException.class, outcome.thrown, "the receive threw InterruptedException");
        assertFalse(outcome.interruptedAfter, "the interrupt status was cleared");
    }

    @Test
    void aBlockingRecvInterruptedWhileWaitingTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final Forked<Outcome> receiver = forkReceive("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInterruptedAndCleared(receiver.join());
        assertNothingYet(rx);
        assertFalse(ch.sender().isUsed());
        ch.sender().send(1);
        assertEquals(1, rx.recv(), "the interrupted receive left no waiter behind and took nothing");
    }

    @Test
    void aTimedRecvInterruptedWhileWaitingTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final Forked<Outcome> receiver = forkReceive("receiver", () -> rx.recv(Duration.ofMinutes(5)));
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInterruptedAndCleared(receiver.join());
        assertNothingYet(rx);
        // a later waiting receive (in another thread) gets the value
        final Forked<Integer> next = fork("receiver 2", rx::recv);
        awaitParkedInChannel(next.thread);
        ch.sender().send(2);
        assertEquals(2, next.join());
    }

    @Test
    void anInterruptedRecvLeavesTheChannelClosableAndSendable() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Outcome> receiver = forkReceive("receiver", ch.receiver()::recv);
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInterruptedAndCleared(receiver.join());
        ch.receiver().close();
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.sender().send(3));
        assertEquals(3, (Integer) e.value());
    }

    @Test
    void anAlreadyInterruptedRecvOnAnEmptyChannelThrowsAndTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, rx::recv);
            assertFalse(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> rx.recv(Duration.ofMinutes(5)));
            assertFalse(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
        } finally {
            Thread.interrupted();
        }
        assertNothingYet(rx);
        ch.sender().send(4);
        assertEquals(4, rx.recv());
    }

    @Test
    void anInterruptedThreadThatDoesNotHaveToWaitReceivesAndKeepsItsInterrupt() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(5);
        Thread.currentThread().interrupt();
        try {
            assertEquals(5, ch.receiver().recv());
            assertTrue(Thread.currentThread().isInterrupted(), "a receive that did not wait keeps the interrupt");
        } finally {
            Thread.interrupted();
        }
        final Oneshot.Channel<Integer> closed = Oneshot.channel();
        closed.sender().close();
        Thread.currentThread().interrupt();
        try {
            assertThrows(ChannelClosedException.class, closed.receiver()::recv,
                    "a closed channel is reported, not the interrupt");
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aZeroTimeoutRecvOfAnInterruptedThreadTimesOutWithoutTouchingTheInterrupt() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        Thread.currentThread().interrupt();
        try {
            assertThrows(java.util.concurrent.TimeoutException.class, () -> ch.receiver().recv(Duration.ZERO));
            assertTrue(Thread.currentThread().isInterrupted(), "a receive that did not wait keeps the interrupt");
        } finally {
            Thread.interrupted();
        }
        ch.sender().send(6);
        assertEquals(6, ch.receiver().tryRecv());
    }

    @Test
    void interruptingTheSenderDoesNotMatter() throws Exception {
        // send never waits, so an interrupted sender sends normally and keeps its interrupt
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        Thread.currentThread().interrupt();
        try {
            ch.sender().send(7);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(7, ch.receiver().recv());
    }

    @Test
    void awaitClosedInterruptedThrowsInterruptedException() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Sender<Integer> tx = ch.sender();
        final AtomicBoolean started = new AtomicBoolean();
        final Forked<Outcome> waiter = forkReceive("awaitClosed", () -> {
            started.set(true);
            tx.awaitClosed();
            return "returned";
        });
        // awaitClosed parks in CompletableFuture, not in the channel: interrupt until it ends.
        while (!waiter.isDone()) {
            if (started.get()) {
                waiter.thread.interrupt();
            }
            Thread.yield();
        }
        assertInstanceOf(InterruptedException.class, waiter.join().thrown);
        assertFalse(tx.isClosed());
        assertFalse(tx.isUsed(), "waiting for the close did not use the sender");
        tx.send(8);
        assertEquals(8, ch.receiver().recv());
    }

    @Test
    void aTimedAwaitClosedInterruptedThrowsInterruptedException() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Sender<Integer> tx = ch.sender();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> tx.awaitClosed(Duration.ofMinutes(5)));
        } finally {
            Thread.interrupted();
        }
        assertFalse(tx.isClosed());
    }

    /**
     * A waiting receive whose interrupt and value arrive together: it either returns the value
     * (perhaps with the interrupt status set) or throws InterruptedException having taken nothing,
     * in which case the value is still in the channel. The value is never lost or seen twice.
     */
    @Test
    void anInterruptArrivingWithTheValueLosesNothing() throws Exception {
        int gotValue = 0;
        int gotInterrupt = 0;
        int valueWithInterruptKept = 0;
        for (int round = 0; round < 2_000; round++) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final Oneshot.Receiver<Integer> rx = ch.receiver();
            final boolean timed = (round & 2) != 0;
            final Forked<Outcome> receiver = forkReceive("receiver " + round,
                    timed ? () -> rx.recv(Duration.ofMinutes(5)) : rx::recv);
            if ((round & 4) != 0) {
                awaitParkedInChannel(receiver.thread); // else the race may also hit the spin
            }
            if ((round & 1) == 0) {
                ch.sender().send(round);
                receiver.thread.interrupt();
            } else {
                receiver.thread.interrupt();
                ch.sender().send(round);
            }
            final Outcome outcome = receiver.join();
            if (outcome.thrown == null) {
                assertEquals(round, outcome.value, "round " + round);
                assertTrue(rx.isTerminated());
                assertThrows(IllegalStateException.class, rx::tryRecv, "round " + round + ": seen twice");
                gotValue++;
                if (outcome.interruptedAfter) {
                    valueWithInterruptKept++;
                }
            } else {
                assertInstanceOf(InterruptedException.class, outcome.thrown, "round " + round);
                assertFalse(outcome.interruptedAfter, "round " + round + ": the interrupt status was cleared");
                assertFalse(rx.isTerminated(), "round " + round);
                final Integer left = rx.tryRecv();
                if (left == null) {
                    fail("round " + round + ": the receive was interrupted and the value is gone");
                }
                assertEquals(round, left, "round " + round);
                gotInterrupt++;
            }
        }
        assertEquals(2_000, gotValue + gotInterrupt);
        // Not asserted (it depends on scheduling), but useful when reading a report.
        System.out.println("oneshot interrupt race: value " + gotValue + " (interrupt kept " + valueWithInterruptKept
                + "), interrupted " + gotInterrupt);
    }

    @Test
    void anInterruptedRecvAndATimedOutRecvCanBeFollowedByAnAsyncReceive() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final Forked<Outcome> receiver = forkReceive("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInterruptedAndCleared(receiver.join());
        assertThrows(java.util.concurrent.TimeoutException.class, () -> rx.recv(Duration.ofMillis(1)));
        final java.util.concurrent.CompletableFuture<Integer> f = rx.recvAsync();
        assertNull(f.getNow(null));
        ch.sender().send(9);
        assertEquals(9, MpscTestSupport.await(f));
    }
}
