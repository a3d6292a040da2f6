package dev.channels;

import dev.channels.MpscTestSupport.CapacityTest;
import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.fill;
import static dev.channels.MpscTestSupport.fork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interrupting a waiting operation: it throws {@link InterruptedException} with the interrupt
 * status cleared, and had no effect.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MpscInterruptionTest {

    /** What an interrupted forked operation saw. */
    private static final class Outcome {
        final Throwable thrown;
        final boolean interruptedAfter;

        Outcome(Throwable thrown, boolean interruptedAfter) {
            this.thrown = thrown;
            this.interruptedAfter = interruptedAfter;
        }
    }

    private static Forked<Outcome> forkExpectingInterrupt(String name, MpscTestSupport.VoidAction action) {
        return fork(name, () -> {
            try {
                action.run();
                return new Outcome(null, Thread.currentThread().isInterrupted());
            } catch (Exception e) {
                return new Outcome(e, Thread.currentThread().isInterrupted());
            }
        });
    }

    private static void assertInterruptedAndCleared(Outcome outcome) {
        assertInstanceOf(InterruptedException.class, outcome.thrown, "the operation threw InterruptedException");
        assertFalse(outcome.interruptedAfter, "the interrupt status was cleared");
    }

    // ------------------------------------------------------------------ interrupted while waiting

    @CapacityTest
    void aBlockingSendInterruptedWhileWaitingSendsNothing(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, capacity);
        final Forked<Outcome> sender = forkExpectingInterrupt("sender", () -> tx.send(-1));
        awaitParkedInChannel(sender.thread);
        sender.thread.interrupt();
        assertInterruptedAndCleared(sender.join());
        assertEquals(capacity, rx.len());
        // The slot freed next is free for anyone: the interrupted send left no waiter behind.
        assertEquals(0, rx.recv());
        assertEquals(TrySendResult.SENT, tx.trySend(capacity));
        assertEquals(IntStream.rangeClosed(1, capacity).boxed().collect(Collectors.toList()), drainNow(rx),
                "the interrupted value was never received");
    }

    @Test
    void aTimedSendInterruptedWhileWaitingSendsNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(0);
        final Forked<Outcome> sender = forkExpectingInterrupt("sender",
                () -> tx.send(-1, Duration.ofMinutes(5)));
        awaitParkedInChannel(sender.thread);
        sender.thread.interrupt();
        assertInterruptedAndCleared(sender.join());
        assertEquals(List.of(0), drainNow(rx));
        assertNull(rx.tryRecv());
    }

    @CapacityTest
    void aBlockingRecvInterruptedWhileWaitingTakesNothing(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Outcome> receiver = forkExpectingInterrupt("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInterruptedAndCleared(receiver.join());
        // The next message goes to the next receive.
        tx.send(1);
        assertEquals(1, rx.len());
        assertEquals(1, rx.recv());
        tx.send(2);
        final Forked<Integer> next = fork("receiver 2", rx::recv);
        assertEquals(2, next.join());
    }

    @Test
    void aTimedRecvInterruptedWhileWaitingTakesNothing() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Outcome> receiver = forkExpectingInterrupt("receiver", () -> rx.recv(Duration.ofMinutes(5)));
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInterruptedAndCleared(receiver.join());
        ch.sender().send(3);
        assertEquals(3, rx.recv());
    }

    @Test
    void anUnboundedRecvInterruptedWhileWaitingTakesNothing() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Outcome> receiver = forkExpectingInterrupt("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInterruptedAndCleared(receiver.join());
        ch.sender().send(4);
        assertEquals(4, rx.tryRecv());
    }

    @Test
    void aReserveInterruptedWhileWaitingReservesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 2);
        final Forked<Outcome> reserver = forkExpectingInterrupt("reserver", tx::reserve);
        awaitParkedInChannel(reserver.thread);
        reserver.thread.interrupt();
        assertInterruptedAndCleared(reserver.join());
        assertEquals(List.of(0, 1), drainNow(rx));
        assertEquals(2, tx.capacity(), "no slot is held by the interrupted reservation");
    }

    @Test
    void aReserveManyInterruptedAfterAPartialHandOffGivesItsSlotsBack() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 4);
        final Forked<Outcome> reserver = forkExpectingInterrupt("reserveMany", () -> tx.reserveMany(4));
        awaitParkedInChannel(reserver.thread);
        assertEquals(0, rx.recv());
        assertEquals(1, rx.recv());
        assertEquals(0, tx.capacity(), "two freed slots are held by the waiting batch");
        reserver.thread.interrupt();
        assertInterruptedAndCleared(reserver.join());
        assertEquals(2, tx.capacity(), "the partially assigned slots went back");
        assertEquals(TrySendResult.SENT, tx.trySend(4));
        assertEquals(TrySendResult.SENT, tx.trySend(5));
        assertEquals(List.of(2, 3, 4, 5), drainNow(rx));
    }

    @Test
    void recvManyInterruptedWhileWaitingTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final List<Integer> buffer = new ArrayList<>();
        final Forked<Outcome> receiver = forkExpectingInterrupt("recvMany", () -> rx.recvMany(buffer, 4));
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInterruptedAndCleared(receiver.join());
        assertTrue(buffer.isEmpty());
        ch.sender().send(1);
        assertEquals(1, rx.recv());
    }

    @Test
    void awaitClosedInterruptedThrows() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final AtomicBoolean started = new AtomicBoolean();
        final Forked<Outcome> waiter = forkExpectingInterrupt("awaitClosed", () -> {
            started.set(true);
            tx.awaitClosed();
        });
        // awaitClosed parks in CompletableFuture, not in the channel; interrupt until it ends.
        while (!waiter.isDone()) {
            if (started.get()) {
                waiter.thread.interrupt();
            }
            Thread.yield();
        }
        final Outcome outcome = waiter.join();
        assertInstanceOf(InterruptedException.class, outcome.thrown);
        assertFalse(tx.isClosed());
    }

    // ------------------------------------------------------------------ interrupted before the call

    @Test
    void anAlreadyInterruptedSendOnAFullChannelThrowsAtOnce() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 2);
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> tx.send(-1));
            assertFalse(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> tx.send(-1, Duration.ofMinutes(5)));
            assertFalse(Thread.currentThread().isInterrupted());
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, tx::reserve);
            assertFalse(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(0, 1), drainNow(rx));
        assertEquals(2, tx.capacity());
    }

    @Test
    void anAlreadyInterruptedRecvOnAnEmptyChannelThrows() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, rx::recv);
            assertFalse(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
        } finally {
            Thread.interrupted();
        }
        ch.sender().send(1);
        assertEquals(1, rx.recv());
    }

    @Test
    void anInterruptedThreadThatDoesNotHaveToWaitSucceedsAndKeepsItsInterrupt() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        Thread.currentThread().interrupt();
        try {
            tx.send(1);
            assertTrue(Thread.currentThread().isInterrupted(), "a send that did not wait keeps the interrupt");
            assertEquals(1, rx.recv());
            assertTrue(Thread.currentThread().isInterrupted(), "a receive that did not wait keeps the interrupt");
        } finally {
            Thread.interrupted();
        }
    }

    // ------------------------------------------------------------------ iterator and stream

    @Test
    void anInterruptedIteratorThrowsChannelInterruptedExceptionWithTheStatusSet() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Outcome> iterating = forkExpectingInterrupt("iterator", () -> {
            final Iterator<Integer> it = rx.iterator();
            it.hasNext();
        });
        awaitParkedInChannel(iterating.thread);
        iterating.thread.interrupt();
        final Outcome outcome = iterating.join();
        assertInstanceOf(ChannelInterruptedException.class, outcome.thrown);
        assertInstanceOf(InterruptedException.class, outcome.thrown.getCause());
        assertTrue(outcome.interruptedAfter, "the interrupt status is set again");
        ch.sender().send(5);
        assertEquals(5, rx.recv(), "the interrupted iterator took nothing");
    }

    @Test
    void anInterruptedStreamThrowsChannelInterruptedException() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        final Forked<Outcome> streaming = forkExpectingInterrupt("stream", () -> rx.stream().count());
        awaitParkedInChannel(streaming.thread);
        streaming.thread.interrupt();
        final Outcome outcome = streaming.join();
        assertInstanceOf(ChannelInterruptedException.class, outcome.thrown);
        assertTrue(outcome.interruptedAfter);
        ch.sender().send(2);
        assertEquals(2, rx.recv());
    }

    @Test
    void channelInterruptedExceptionKeepsItsCause() {
        final InterruptedException cause = new InterruptedException();
        final ChannelInterruptedException e = new ChannelInterruptedException(cause);
        assertSame(cause, e.getCause());
        assertTrue(e.getMessage().contains("interrupted"));
    }
}
