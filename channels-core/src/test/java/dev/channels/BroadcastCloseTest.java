package dev.channels;

import dev.channels.BroadcastTestSupport.CapacityTest;
import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.channels.BroadcastTestSupport.drainNow;
import static dev.channels.BroadcastTestSupport.expectEndOfStream;
import static dev.channels.BroadcastTestSupport.expectRange;
import static dev.channels.BroadcastTestSupport.rounded;
import static dev.channels.BroadcastTestSupport.sendRange;
import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.fork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing: end of stream after the last sender closes (only after the unread values), sends with
 * no receiver, {@code closed()} / {@code awaitClosed()}, reopening by subscribe, weak senders.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BroadcastCloseTest {

    // ------------------------------------------------------------------ end of stream

    @CapacityTest
    void endOfStreamComesOnlyAfterTheUnreadValues(int capacity) throws Exception {
        final int l = rounded(capacity);
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> viaRecv = ch.receiver();
        final Broadcast.Receiver<Integer> viaTry = tx.subscribe();
        final Broadcast.Receiver<Integer> viaTimed = tx.subscribe();
        final Broadcast.Receiver<Integer> viaAsync = tx.subscribe();
        sendRange(tx, 0, l, 4);
        assertFalse(viaRecv.isClosed());
        tx.close();
        for (Broadcast.Receiver<Integer> rx : List.of(viaRecv, viaTry, viaTimed, viaAsync)) {
            assertTrue(rx.isClosed(), "closed even with values left to read");
            assertEquals(l, rx.len());
            assertEquals(0, rx.senderStrongCount());
        }
        for (int i = 0; i < l; i++) {
            assertEquals(i, viaRecv.recv());
            assertEquals(i, viaTry.tryRecv());
            assertEquals(i, viaTimed.recv(Duration.ZERO));
            assertEquals(i, viaAsync.recvAsync().get(GUARD_SECONDS, TimeUnit.SECONDS));
        }
        assertNull(viaRecv.recv());
        assertThrows(ChannelClosedException.class, viaTry::tryRecv);
        assertNull(viaTimed.recv(Duration.ofMinutes(5)));
        final CompletableFuture<Integer> f = viaAsync.recvAsync();
        assertTrue(f.isDone(), "end of stream completes an async receive at once");
        assertNull(f.get());
        for (Broadcast.Receiver<Integer> rx : List.of(viaRecv, viaTry, viaTimed, viaAsync)) {
            expectEndOfStream(rx);
        }
    }

    @Test
    void endOfStreamOnlyWhenTheLastOfSeveralSendersCloses() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> a = ch.sender();
        final Broadcast.Sender<Integer> b = a.duplicate();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        assertEquals(2, a.strongCount());
        assertEquals(2, rx.senderStrongCount());
        a.send(1);
        a.close();
        assertFalse(rx.isClosed());
        assertEquals(1, rx.senderStrongCount());
        assertEquals(1, rx.recv());
        assertNull(rx.tryRecv(), "empty, not ended: a sender is open");
        assertThrows(java.util.concurrent.TimeoutException.class, () -> rx.recv(Duration.ZERO));
        b.send(2);
        b.close();
        assertTrue(rx.isClosed());
        assertEquals(2, rx.recv());
        expectEndOfStream(rx);
    }

    @Test
    void resubscribeOnAnEndedChannelEndsAtOnce() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        ch.sender().close();
        final Broadcast.Receiver<Integer> again = rx.resubscribe();
        assertTrue(again.isClosed());
        assertTrue(again.isEmpty());
        expectEndOfStream(again);
        assertEquals(1, rx.recv(), "the original still has its value");
        expectEndOfStream(rx);
    }

    // ------------------------------------------------------------------ no receivers

    @Test
    void aSenderWithoutReceiversFailsAndHandsTheValueBack() throws Exception {
        final Broadcast.Sender<String> tx = Broadcast.sender(4);
        assertEquals(0, tx.receiverCount());
        assertTrue(tx.isClosed());
        assertTrue(tx.closed().toCompletableFuture().isDone(), "closed() is complete at once");
        assertTrue(tx.awaitClosed(Duration.ZERO));
        tx.awaitClosed(); // returns at once
        final String lost = new String("lost"); // identity
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> tx.send(lost));
        assertSame(lost, e.value());
        assertTrue(e.hasValue());
        assertEquals(0, tx.len());
        final Broadcast.Receiver<String> rx = tx.subscribe();
        assertFalse(tx.isClosed(), "subscribe reopens the channel");
        assertEquals(1, tx.receiverCount());
        assertTrue(rx.isEmpty(), "the failed value was not stored");
        assertNull(rx.tryRecv());
        assertEquals(1, tx.send("kept"));
        assertEquals("kept", rx.recv());
        assertNull(rx.tryRecv());
    }

    @CapacityTest
    void sendAfterEveryReceiverClosedFailsAndLaterSubscribersDoNotSeeIt(int capacity) throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> extra = tx.subscribe();
        sendRange(tx, 0, 1, 2);
        ch.receiver().close();
        assertFalse(tx.isClosed());
        assertEquals(1, tx.send(1));
        extra.close();
        assertTrue(tx.isClosed());
        assertEquals(0, tx.receiverCount());
        for (int i = 2; i < 2 + rounded(capacity) + 1; i++) { // more than fills the ring
            final Integer v = i;
            final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> tx.send(v));
            assertSame(v, e.value());
        }
        final Broadcast.Receiver<Integer> late = tx.subscribe();
        assertNull(late.tryRecv(), "none of the failed values is visible");
        assertEquals(0, late.len());
        assertEquals(1, tx.send(100));
        assertEquals(100, late.recv());
        assertNull(late.tryRecv());
    }

    // ------------------------------------------------------------------ closed() and awaitClosed()

    @Test
    void closedCompletesWhenTheLastReceiverClosesAndSubscribeReopens() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> a = ch.receiver();
        final Broadcast.Receiver<Integer> b = tx.subscribe();
        final CompletableFuture<Void> closed = tx.closed().toCompletableFuture();
        final CompletableFuture<Void> closedToo = tx.closed().toCompletableFuture();
        assertFalse(closed.isDone());
        assertFalse(tx.isClosed());
        assertFalse(tx.awaitClosed(Duration.ZERO));
        a.close();
        assertFalse(closed.isDone(), "one receiver is left");
        assertFalse(tx.isClosed());
        b.close();
        assertNull(await(closed));
        assertNull(await(closedToo));
        assertTrue(tx.isClosed());
        assertTrue(tx.awaitClosed(Duration.ZERO));
        tx.awaitClosed();
        // reopen
        final Broadcast.Receiver<Integer> c = tx.subscribe();
        assertFalse(tx.isClosed());
        final CompletableFuture<Void> again = tx.closed().toCompletableFuture();
        assertFalse(again.isDone(), "a new closed() waits for the new receiver");
        assertFalse(tx.awaitClosed(Duration.ZERO));
        assertEquals(1, tx.send(5));
        assertEquals(5, c.recv());
        c.close();
        assertNull(await(again));
        assertTrue(tx.isClosed());
    }

    @Test
    void closedReturnsIndependentCopies() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final CompletionStage<Void> first = tx.closed();
        final CompletionStage<Void> second = tx.closed();
        assertTrue(first.toCompletableFuture().complete(null), "a user may complete their own copy");
        assertTrue(first.toCompletableFuture().isDone());
        assertFalse(second.toCompletableFuture().isDone(), "which does not complete the others");
        assertFalse(tx.closed().toCompletableFuture().isDone());
        assertFalse(tx.isClosed());
        ch.receiver().close();
        assertNull(await(second));
    }

    @Test
    void awaitClosedWaitsForTheLastReceiverOnAnotherThread() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final AtomicBoolean started = new AtomicBoolean();
        final Forked<Boolean> untimed = fork("awaitClosed", () -> {
            started.set(true);
            tx.awaitClosed();
            return tx.isClosed();
        });
        final Forked<Boolean> timed = fork("awaitClosed(timeout)", () -> tx.awaitClosed(Duration.ofMinutes(5)));
        while (!started.get()) {
            Thread.yield();
        }
        assertFalse(untimed.isDone() && !tx.isClosed(), "cannot finish while a receiver is open");
        rx.close();
        assertTrue(untimed.join());
        assertTrue(timed.join());
    }

    @Test
    void awaitClosedInterruptedThrowsInterruptedException() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final AtomicBoolean started = new AtomicBoolean();
        final Forked<Throwable> waiter = fork("awaitClosed", () -> {
            started.set(true);
            try {
                tx.awaitClosed();
                return null;
            } catch (InterruptedException e) {
                return e;
            }
        });
        // awaitClosed parks in CompletableFuture, not in the channel; interrupt until it ends
        while (!waiter.isDone()) {
            if (started.get()) {
                waiter.thread.interrupt();
            }
            Thread.yield();
        }
        assertInstanceOf(InterruptedException.class, waiter.join());
        assertFalse(tx.isClosed());
        assertEquals(1, tx.send(1), "the receiver is still there");
    }

    // ------------------------------------------------------------------ weak senders

    @Test
    void duplicateDowngradeUpgradeAndCounts() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        assertEquals(1, tx.strongCount());
        assertEquals(0, tx.weakCount());
        final Broadcast.Sender<Integer> tx2 = tx.duplicate();
        assertTrue(tx.sameChannel(tx2));
        assertEquals(2, tx.strongCount());
        assertEquals(2, rx.senderStrongCount());
        final Broadcast.WeakSender<Integer> weak = tx.downgrade();
        final Broadcast.WeakSender<Integer> weak2 = tx2.downgrade();
        assertEquals(2, tx.weakCount());
        assertEquals(2, weak.weakCount());
        assertEquals(2, rx.senderWeakCount());
        assertEquals(2, weak.strongCount(), "downgrade does not close the sender");
        final Broadcast.Sender<Integer> up = weak.upgrade();
        assertNotNull(up);
        assertTrue(up.sameChannel(tx));
        assertEquals(3, tx.strongCount());
        assertEquals(1, up.send(7));
        assertEquals(7, rx.recv());
        weak2.close();
        weak2.close(); // idempotent
        assertEquals(1, tx.weakCount());
        assertThrows(IllegalStateException.class, weak2::upgrade);
        up.close();
        tx2.close();
        assertEquals(1, weak.strongCount());
        assertFalse(rx.isClosed());
        weak.close();
        assertEquals(0, rx.senderWeakCount());
        tx.close();
        assertEquals(0, rx.senderStrongCount());
    }

    @Test
    void aWeakSenderDoesNotKeepTheChannelOpenAndCannotUpgradeAfterward() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Broadcast.WeakSender<Integer> weak = tx.downgrade();
        tx.send(1);
        tx.close();
        assertTrue(rx.isClosed(), "only a weak sender is left");
        assertEquals(0, weak.strongCount());
        assertEquals(1, weak.weakCount());
        assertNull(weak.upgrade(), "no strong sender left to upgrade from");
        assertNull(weak.upgrade(), "and never again");
        assertEquals(0, rx.senderStrongCount(), "a failed upgrade counts nothing");
        assertEquals(1, rx.recv());
        expectEndOfStream(rx);
    }

    @Test
    void anUpgradedSenderKeepsTheChannelOpen() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Broadcast.WeakSender<Integer> weak = tx.downgrade();
        final Broadcast.Sender<Integer> up = weak.upgrade();
        assertNotNull(up);
        tx.close();
        assertFalse(rx.isClosed(), "the upgraded sender is a strong one");
        assertEquals(1, up.send(1));
        up.close();
        assertTrue(rx.isClosed());
        assertNull(weak.upgrade());
        assertEquals(List.of(1), drainNow(rx));
        expectEndOfStream(rx);
    }

    @Test
    void closingTheLastSenderOfASenderOnlyChannelIsFine() throws Exception {
        final Broadcast.Sender<Integer> tx = Broadcast.sender(2);
        final Broadcast.Receiver<Integer> rx = tx.subscribe();
        assertEquals(1, tx.send(1));
        tx.close();
        assertTrue(rx.isClosed());
        expectRange(rx, 1, 2);
        expectEndOfStream(rx);
    }
}
