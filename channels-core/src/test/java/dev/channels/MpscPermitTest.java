package dev.channels;

import dev.channels.MpscTestSupport.CapacityTest;
import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.expectSequence;
import static dev.channels.MpscTestSupport.fill;
import static dev.channels.MpscTestSupport.fork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Permits: reserve, tryReserve, reserveMany, tryReserveMany, and how they hold capacity. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MpscPermitTest {

    @CapacityTest
    void aPermitHoldsItsSlotUntilTheMessageIsReceived(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> permit = tx.reserve();
        assertFalse(permit.isUsed());
        assertEquals(capacity - 1, tx.capacity());
        assertEquals(0, rx.len(), "a reservation is not a message");
        assertTrue(rx.isEmpty());
        permit.send(5);
        assertTrue(permit.isUsed());
        assertEquals(capacity - 1, tx.capacity(), "sending through the permit does not free the slot");
        assertEquals(1, rx.len());
        assertEquals(5, rx.recv());
        assertEquals(capacity, tx.capacity(), "receiving frees it");
    }

    @CapacityTest
    void reservationsCountAgainstCapacity(int capacity) {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final List<Mpsc.Permit<Integer>> permits = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            final Mpsc.Permit<Integer> p = tx.tryReserve();
            assertNotNull(p, "permit " + i);
            permits.add(p);
        }
        assertEquals(0, tx.capacity());
        assertNull(tx.tryReserve(), "full of reservations");
        assertEquals(TrySendResult.FULL, tx.trySend(-1));
        assertNull(tx.tryReserveMany(1));
        // Send through the permits in reverse order of reservation: the order of sends is what counts.
        for (int i = capacity - 1; i >= 0; i--) {
            permits.get(i).send(capacity - 1 - i);
        }
        expectSequence(rx, capacity);
        assertEquals(capacity, tx.capacity());
    }

    @CapacityTest
    void closingAnUnusedPermitGivesTheSlotBack(int capacity) {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, capacity - 1);
        final Mpsc.Permit<Integer> permit = tx.tryReserve();
        assertNotNull(permit);
        assertEquals(TrySendResult.FULL, tx.trySend(-1));
        permit.close();
        assertTrue(permit.isUsed());
        assertEquals(1, tx.capacity());
        permit.close(); // idempotent: gives back once
        assertEquals(1, tx.capacity());
        assertEquals(TrySendResult.SENT, tx.trySend(capacity - 1));
        assertEquals(0, tx.capacity());
        expectSequence(rx, capacity);
        assertNull(rx.tryRecv());
    }

    @Test
    void closingAUsedPermitChangesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        try (Mpsc.Permit<Integer> permit = tx.reserve()) {
            permit.send(1);
        }
        assertEquals(1, tx.capacity(), "the message still holds its slot");
        assertEquals(1, ch.receiver().recv());
        assertEquals(2, tx.capacity());
    }

    @CapacityTest
    void aPermitCanSendAfterTheReceiverClosedAndTheMessageIsReceived(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> permit = tx.reserve();
        rx.close();
        assertTrue(tx.isClosed());
        assertTrue(rx.isClosed());
        assertThrows(ChannelClosedException.class, tx::tryReserve);
        // No end of stream while the permit is outstanding, on any form of receive.
        assertNull(rx.tryRecv());
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofMillis(10)));
        final CompletableFuture<Integer> pending = rx.recvAsync().toCompletableFuture();
        assertFalse(pending.isDone());
        permit.send(11);
        assertEquals(11, await(pending));
        assertNull(rx.recv());
        assertThrows(ChannelClosedException.class, rx::tryRecv);
    }

    @Test
    void aWaitingRecvIsWokenWhenTheLastPermitIsSentAfterClose() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> permit = ch.sender().reserve();
        rx.close();
        final Forked<List<Integer>> receiver = fork("receiver", () -> {
            final List<Integer> got = new ArrayList<>();
            for (Integer e; (e = rx.recv()) != null; ) {
                got.add(e);
            }
            return got;
        });
        awaitParkedInChannel(receiver.thread);
        permit.send(4);
        assertEquals(List.of(4), receiver.join());
    }

    @Test
    void aWaitingRecvIsWokenWhenTheLastPermitIsClosedUnusedAfterClose() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> permit = ch.sender().reserve();
        rx.close();
        final Forked<Integer> receiver = fork("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        permit.close();
        assertNull(receiver.join());
    }

    @Test
    void anOutstandingPermitKeepsTheChannelOpenAfterTheLastSenderCloses() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(3);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> p1 = tx.reserve();
        final Mpsc.Permit<Integer> p2 = tx.reserve();
        tx.close();
        assertEquals(0, rx.senderStrongCount(), "permits are not sender handles");
        assertFalse(rx.isClosed(), "a permit counts as a sender for the receiver");
        assertNull(rx.tryRecv(), "empty, not closed");
        p1.send(1);
        assertEquals(1, rx.recv());
        assertFalse(rx.isClosed());
        final Forked<Integer> receiver = fork("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        p2.close();
        assertNull(receiver.join(), "the last permit going back ends the stream");
        assertTrue(rx.isClosed());
        assertThrows(ChannelClosedException.class, rx::tryRecv);
    }

    @Test
    void reserveWaitsForRoomThenHoldsTheSlot() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 2);
        final Forked<Mpsc.Permit<Integer>> reserver = fork("reserver", tx::reserve);
        awaitParkedInChannel(reserver.thread);
        assertEquals(0, rx.recv());
        assertEquals(TrySendResult.FULL, tx.trySend(-1), "the freed slot went to the waiting reservation");
        final Mpsc.Permit<Integer> permit = reserver.join();
        assertEquals(0, tx.capacity());
        permit.send(2);
        assertEquals(1, rx.recv());
        assertEquals(2, rx.recv());
        assertEquals(2, tx.capacity());
    }

    @Test
    void timedReserveReturnsNullOnTimeoutAndReservesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> first = tx.reserve(Duration.ofSeconds(10));
        assertNotNull(first);
        assertNull(tx.reserve(Duration.ofMillis(20)));
        assertNull(tx.reserve(Duration.ZERO));
        first.close();
        assertEquals(1, tx.capacity(), "the timed-out reservations hold nothing");
        assertEquals(TrySendResult.SENT, tx.trySend(1));
        assertEquals(1, rx.recv());
    }

    @Test
    void reservationsFailOnAClosedChannel() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        ch.receiver().close();
        assertThrows(ChannelClosedException.class, tx::reserve);
        assertThrows(ChannelClosedException.class, () -> tx.reserve(Duration.ofSeconds(1)));
        assertThrows(ChannelClosedException.class, tx::tryReserve);
        assertThrows(ChannelClosedException.class, () -> tx.reserveMany(1));
        assertThrows(ChannelClosedException.class, () -> tx.reserveMany(0));
        assertThrows(ChannelClosedException.class, () -> tx.tryReserveMany(2));
        assertThrows(ChannelClosedException.class, () -> tx.tryReserveMany(0));
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, tx::tryReserve);
        assertFalse(e.hasValue());
    }

    @Test
    void aReservationWaitingWhenTheReceiverClosesFails() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(0);
        final Forked<Mpsc.Permits<Integer>> reserver = fork("reserver", () -> tx.reserveMany(1));
        awaitParkedInChannel(reserver.thread);
        rx.close();
        final Throwable failure = assertThrows(ChannelClosedException.class, reserver::join);
        assertFalse(((ChannelClosedException) failure).hasValue());
        assertEquals(0, rx.recv());
        assertNull(rx.recv(), "nothing outstanding: end of stream");
    }

    @CapacityTest
    void reserveManyGivesExactlyNPermits(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permits<Integer> all = tx.reserveMany(capacity);
        assertEquals(capacity, all.remaining());
        assertTrue(all.hasNext());
        assertEquals(0, tx.capacity());
        assertNull(tx.tryReserve());
        assertNull(tx.tryReserveMany(1));
        all.send(0);
        assertEquals(capacity - 1, all.remaining());
        if (capacity > 1) {
            final Mpsc.Permit<Integer> one = all.next();
            assertFalse(one.isUsed());
            assertEquals(capacity - 2, all.remaining());
            one.send(1);
        }
        all.close();
        assertEquals(0, all.remaining());
        assertFalse(all.hasNext());
        final int sent = Math.min(capacity, 2);
        assertEquals(capacity - sent, tx.capacity(), "closing the batch gave back the rest");
        all.close(); // idempotent
        assertEquals(capacity - sent, tx.capacity());
        expectSequence(rx, sent);
        assertEquals(capacity, tx.capacity());
    }

    @CapacityTest
    void reserveManyZeroIsAnEmptyBatch(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        fill(tx, capacity);
        final Mpsc.Permits<Integer> none = tx.reserveMany(0);
        assertEquals(0, none.remaining());
        assertFalse(none.hasNext());
        final Mpsc.Permits<Integer> tryNone = tx.tryReserveMany(0);
        assertNotNull(tryNone);
        assertEquals(0, tryNone.remaining());
        none.close();
        tryNone.close();
        assertEquals(0, tx.capacity(), "closing empty batches gives nothing back");
    }

    @CapacityTest
    void tryReserveManyIsAllOrNothing(int capacity) {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertEquals(TrySendResult.SENT, tx.trySend(0));
        assertNull(tx.tryReserveMany(capacity), "one slot short");
        assertEquals(capacity - 1, tx.capacity(), "the failed attempt reserved nothing");
        final Mpsc.Permits<Integer> rest = tx.tryReserveMany(capacity - 1);
        assertNotNull(rest);
        assertEquals(capacity - 1, rest.remaining());
        assertEquals(0, tx.capacity());
        rest.close();
        assertEquals(capacity - 1, tx.capacity());
        assertEquals(0, rx.tryRecv());
    }

    @Test
    void permitsTakenFromABatchOutliveItsClose() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permits<Integer> batch = tx.reserveMany(3);
        final Mpsc.Permit<Integer> a = batch.next();
        final Mpsc.Permit<Integer> b = batch.next();
        batch.close();
        assertEquals(2, tx.capacity(), "only the untaken permit went back");
        a.send(1);
        b.close();
        assertEquals(3, tx.capacity());
        assertEquals(1, rx.recv());
        assertEquals(4, tx.capacity());
    }

    @Test
    void reserveManyTakesFreedSlotsInPartAndBlocksSmallerRequestsBehindIt() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 4);
        final Forked<Mpsc.Permits<Integer>> big = fork("reserveMany(3)", () -> tx.reserveMany(3));
        awaitParkedInChannel(big.thread);
        // A smaller request arrives later and queues behind the big one.
        final CompletableFuture<Void> small = tx.sendAsync(100).toCompletableFuture();
        assertFalse(small.isDone());

        assertEquals(0, rx.recv());
        assertEquals(0, tx.capacity(), "the freed slot is held by the waiting batch");
        assertFalse(small.isDone(), "the smaller request does not pass the head of the queue");
        assertNull(tx.tryReserve());
        assertEquals(TrySendResult.FULL, tx.trySend(-1));

        assertEquals(1, rx.recv());
        assertFalse(small.isDone());
        assertFalse(big.isDone());
        assertEquals(2, rx.recv());
        final Mpsc.Permits<Integer> permits = big.join();
        assertEquals(3, permits.remaining());
        assertFalse(small.isDone(), "the batch now holds 3 slots and message 3 the fourth");

        assertEquals(3, rx.recv());
        assertNull(await(small), "the next freed slot went to the smaller request");
        permits.send(200);
        permits.send(201);
        permits.close();
        assertEquals(List.of(100, 200, 201), drainNow(rx));
        assertEquals(4, tx.capacity());
    }

    @Test
    void aCancelledPartialReservationPassesItsSlotsOn() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(3);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 3);
        final Forked<Mpsc.Permits<Integer>> big = fork("reserveMany(3)",
                () -> tx.reserveMany(3));
        awaitParkedInChannel(big.thread);
        final CompletableFuture<Void> small = tx.sendAsync(100).toCompletableFuture();
        assertEquals(0, rx.recv());
        assertEquals(1, rx.recv());
        assertFalse(small.isDone(), "two slots held by the waiting batch");
        big.thread.interrupt();
        assertThrows(InterruptedException.class, big::join);
        // The batch's two slots passed to the next waiter (one) and back to the channel (one).
        assertNull(await(small));
        assertEquals(1, tx.capacity());
        assertEquals(TrySendResult.SENT, tx.trySend(101));
        assertEquals(List.of(2, 100, 101), drainNow(rx));
        assertEquals(3, tx.capacity());
    }

    @Test
    void receiverCloseRejectsAPartlyServedBatchAndFreesItsSlots() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(3);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 3);
        final Forked<Mpsc.Permits<Integer>> big = fork("reserveMany(3)", () -> tx.reserveMany(3));
        awaitParkedInChannel(big.thread);
        assertEquals(0, rx.recv());
        assertEquals(0, tx.capacity(), "one slot held by the waiting batch");
        rx.close();
        assertThrows(ChannelClosedException.class, big::join);
        assertEquals(1, rx.recv());
        assertEquals(2, rx.recv());
        assertNull(rx.recv(), "the rejected batch holds nothing: end of stream");
    }

    @Test
    void aPendingRecvAsyncEndsWhenTheLastPermitGoesBackAfterTheSendersClosed() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permits<Integer> batch = tx.reserveMany(2);
        tx.close();
        final CompletableFuture<Integer> first = rx.recvAsync().toCompletableFuture();
        assertFalse(first.isDone());
        batch.send(1);
        assertEquals(1, await(first));
        final CompletableFuture<Integer> second = rx.recvAsync().toCompletableFuture();
        assertFalse(second.isDone(), "one permit is still outstanding");
        batch.close();
        assertNull(await(second));
    }

    @Test
    void reservationsSucceedAgainOnceTheSenderQueueIsServed() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 2);
        final CompletableFuture<Void> waiting = tx.sendAsync(2).toCompletableFuture();
        assertNull(tx.tryReserve());
        assertEquals(0, rx.recv());
        assertNull(await(waiting));
        assertNull(tx.tryReserve(), "the freed slot went to the waiting send");
        assertEquals(1, rx.recv());
        final Mpsc.Permit<Integer> permit = tx.tryReserve();
        assertNotNull(permit, "no sender waits any more, and a slot is free");
        permit.send(3);
        assertEquals(List.of(2, 3), drainNow(rx));
    }
}
