package dev.channels;

import dev.channels.MpscTestSupport.CapacityTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static dev.channels.BadInputSupport.LONGEST;
import static dev.channels.BadInputSupport.MOST_NEGATIVE;
import static dev.channels.BadInputSupport.assertIllegalState;
import static dev.channels.BadInputSupport.assertNpeNaming;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.drainNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bad input gets a clear exception at the call, and the channel is unchanged: every test ends by
 * checking the channel's state and that it still sends and receives.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MpscBadInputTest {

    private static final Executor DIRECT = Runnable::run;

    /** Asserts that the channel holds exactly {@code expected} now, then that a message goes through. */
    private static void assertUnchangedAndWorking(Mpsc.Sender<Integer> tx, Mpsc.Receiver<Integer> rx,
                                                  List<Integer> expected) throws Exception {
        assertEquals(expected.size(), rx.len());
        assertEquals(tx.maxCapacity() - expected.size(), tx.capacity());
        assertEquals(expected, drainNow(rx));
        tx.send(4242);
        assertEquals(4242, rx.recv());
        assertEquals(tx.maxCapacity(), tx.capacity());
    }

    private static void assertUnchangedAndWorking(Mpsc.UnboundedSender<Integer> tx, Mpsc.Receiver<Integer> rx,
                                                  List<Integer> expected) throws Exception {
        assertEquals(expected, drainNow(rx));
        tx.send(4242);
        assertEquals(4242, rx.recv());
    }

    private static void assertNamesValue(Executable call) {
        assertNpeNaming("value", call);
    }

    // ------------------------------------------------------------------ null values

    @Covers({"Mpsc.Sender#send(Object)", "Mpsc.Sender#send(Object,Duration)", "Mpsc.Sender#trySend(Object)", "Mpsc.Sender#sendAsync(Object)", "Mpsc.Sender#sendAsync(Object,Executor)"})
    @CapacityTest
    void nullValuesAreRejectedByEverySend(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertNamesValue(() -> tx.send(null));
        assertNamesValue(() -> tx.send(null, Duration.ofSeconds(1)));
        assertNamesValue(() -> tx.trySend(null));
        assertNamesValue(() -> tx.sendAsync(null));
        assertNamesValue(() -> tx.sendAsync(null, DIRECT));
        assertUnchangedAndWorking(tx, rx, List.of(1));
    }

    @Covers({"Mpsc.Sender#send(Object)", "Mpsc.Sender#sendAsync(Object)"})
    @CapacityTest
    void nullValuesAreRejectedByEverySendEvenWhenFull(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            tx.send(i);
            sent.add(i);
        }
        // Must not wait: the argument is checked before anything else.
        assertNamesValue(() -> tx.send(null));
        assertNamesValue(() -> tx.sendAsync(null));
        assertUnchangedAndWorking(tx, rx, sent);
    }

    @Covers({"Mpsc.Permit#send(Object)", "Mpsc.Permit#isUsed()", "Mpsc.Permits#send(Object)", "Mpsc.Permits#remaining()"})
    @Test
    void aNullValueLeavesThePermitUsable() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> permit = tx.reserve();
        assertNamesValue(() -> permit.send(null));
        assertFalse(permit.isUsed());
        assertEquals(1, tx.capacity());
        permit.send(7);
        final Mpsc.Permits<Integer> batch = tx.reserveMany(1);
        assertNamesValue(() -> batch.send(null));
        assertEquals(1, batch.remaining(), "the batch lost no permit to the null");
        batch.send(8);
        assertEquals(List.of(7, 8), drainNow(rx));
        assertUnchangedAndWorking(tx, rx, List.of());
    }

    @Covers({"Mpsc.UnboundedSender#send(Object)", "Mpsc.UnboundedSender#trySend(Object)"})
    @Test
    void nullValuesAreRejectedByTheUnboundedSender() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertNamesValue(() -> tx.send(null));
        assertNamesValue(() -> tx.trySend(null));
        assertEquals(1, rx.len());
        assertUnchangedAndWorking(tx, rx, List.of(1));
    }

    @Covers({"Mpsc.Sender#send(Object,Duration)", "Mpsc.Sender#reserve(Duration)", "Mpsc.Sender#awaitClosed(Duration)", "Mpsc.UnboundedSender#awaitClosed(Duration)", "Mpsc.Receiver#recv(Duration)", "Mpsc.Receiver#recvMany(Collection,int)"})
    @Test
    void nullArgumentsOtherThanValues() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertNpeNaming("timeout", () -> tx.send(2, null));
        assertNpeNaming("value", () -> tx.send(null, null));
        assertNpeNaming("timeout", () -> tx.reserve(null));
        assertNpeNaming("timeout", () -> tx.awaitClosed(null));
        assertNpeNaming("timeout", () -> rx.recv(null));
        assertNpeNaming("buffer", () -> rx.recvMany(null, 1));
        assertNpeNaming("buffer", () -> rx.recvMany(null, 0));
        assertNpeNaming("buffer", () -> rx.recvMany(null, -1));
        final Mpsc.UnboundedChannel<Integer> u = Mpsc.unbounded();
        assertNpeNaming("timeout", () -> u.sender().awaitClosed(null));
        assertUnchangedAndWorking(u.sender(), u.receiver(), List.of());
        assertUnchangedAndWorking(tx, rx, List.of(1));
    }

    // ------------------------------------------------------------------ capacities

    @Covers({"Mpsc#bounded(int)"})
    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, -1, -16, Integer.MIN_VALUE, Mpsc.MAX_CAPACITY + 1, Integer.MAX_VALUE})
    void capacityOutOfRangeIsRejectedWithTheLimit(int capacity) throws Exception {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Mpsc.bounded(capacity));
        assertTrue(e.getMessage().contains(String.valueOf(Mpsc.MAX_CAPACITY)),
                "the message gives the limit: " + e.getMessage());
        // Creating channels still works.
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        assertUnchangedAndWorking(ch.sender(), ch.receiver(), List.of());
    }

    @Test
    void maxCapacityIsTwoToThe28() {
        // Not allocated here: it would be 2^28 slots.
        assertEquals(1 << 28, Mpsc.MAX_CAPACITY);
    }

    // ------------------------------------------------------------------ batch sizes

    @Covers({"Mpsc.Sender#reserveMany(int)", "Mpsc.Sender#tryReserveMany(int)"})
    @CapacityTest
    void batchSizesOutOfRangeAreRejected(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(0);
        for (int n : new int[] {-1, capacity + 1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            final IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
                    () -> tx.reserveMany(n), "reserveMany(" + n + ")");
            assertTrue(many.getMessage().contains(String.valueOf(capacity)), many.getMessage());
            assertThrows(IllegalArgumentException.class, () -> tx.tryReserveMany(n), "tryReserveMany(" + n + ")");
        }
        assertUnchangedAndWorking(tx, rx, List.of(0));
    }

    @Covers({"Mpsc.Sender#reserveMany(int)", "Mpsc.Sender#tryReserveMany(int)"})
    @Test
    void anOversizedBatchIsRejectedEvenWhenTheChannelIsClosed() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        rx.close();
        assertThrows(IllegalArgumentException.class, () -> tx.reserveMany(3));
        assertThrows(IllegalArgumentException.class, () -> tx.tryReserveMany(3));
        assertThrows(IllegalArgumentException.class, () -> tx.reserveMany(-1));
        assertEquals(1, rx.recv());
        assertEquals(null, rx.recv());
    }

    @Covers({"Mpsc.Receiver#recvMany(Collection,int)"})
    @Test
    void negativeRecvManyLimitIsRejectedAndTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        final List<Integer> buffer = new ArrayList<>();
        assertThrows(IllegalArgumentException.class, () -> rx.recvMany(buffer, -1));
        assertTrue(buffer.isEmpty());
        assertUnchangedAndWorking(tx, rx, List.of(1));
    }

    // ------------------------------------------------------------------ closed handles

    @Covers({"Mpsc.Sender#send(Object)", "Mpsc.Sender#send(Object,Duration)", "Mpsc.Sender#trySend(Object)", "Mpsc.Sender#sendAsync(Object)", "Mpsc.Sender#sendAsync(Object,Executor)", "Mpsc.Sender#reserve()", "Mpsc.Sender#reserve(Duration)", "Mpsc.Sender#tryReserve()", "Mpsc.Sender#reserveMany(int)", "Mpsc.Sender#tryReserveMany(int)", "Mpsc.Sender#duplicate()", "Mpsc.Sender#downgrade()", "Mpsc.Sender#close()", "Mpsc.Sender#isClosed()", "Mpsc.Sender#strongCount()", "Mpsc.Sender#weakCount()", "Mpsc.Sender#capacity()", "Mpsc.Sender#maxCapacity()", "Mpsc.Sender#sameChannel(Mpsc.SenderHandle)", "Mpsc.Sender#closed()", "Mpsc.Sender#awaitClosed()", "Mpsc.Sender#awaitClosed(Duration)"})
    @Test
    void aClosedBoundedSenderHandleRejectsEveryUse() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Sender<Integer> other = tx.duplicate();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.close();
        final List<Executable> uses = List.of(
                () -> tx.send(2),
                () -> tx.send(2, Duration.ofSeconds(1)),
                () -> tx.trySend(2),
                () -> tx.sendAsync(2),
                () -> tx.sendAsync(2, DIRECT),
                tx::reserve,
                () -> tx.reserve(Duration.ofSeconds(1)),
                tx::tryReserve,
                () -> tx.reserveMany(1),
                () -> tx.tryReserveMany(1),
                tx::duplicate,
                tx::downgrade);
        for (Executable use : uses) {
            assertIllegalState("closed", use);
        }
        assertEquals(1, rx.senderStrongCount(), "no use of the closed handle added a sender");
        assertEquals(0, rx.senderWeakCount());
        assertFalse(rx.isClosed());
        assertEquals(1, rx.len(), "no use of the closed handle sent or reserved");
        // Queries still answer on a closed handle: they are about the channel, not the handle.
        tx.close(); // idempotent: the count of senders is not decremented again
        assertEquals(1, tx.strongCount());
        assertEquals(0, tx.weakCount());
        assertFalse(tx.isClosed());
        assertEquals(3, tx.capacity());
        assertEquals(4, tx.maxCapacity());
        assertTrue(tx.sameChannel(other));
        assertFalse(tx.sameChannel(null));
        assertFalse(tx.awaitClosed(Duration.ZERO));
        final CompletionStage<Void> closed = tx.closed();
        assertFalse(closed.toCompletableFuture().isDone());
        assertUnchangedAndWorking(other, rx, List.of(1));
        rx.close();
        assertTrue(tx.isClosed(), "a closed handle still sees the receiver close");
        assertTrue(closed.toCompletableFuture().isDone());
        tx.awaitClosed();
        assertTrue(tx.awaitClosed(Duration.ofSeconds(1)));
    }

    @Covers({"Mpsc.UnboundedSender#send(Object)", "Mpsc.UnboundedSender#trySend(Object)", "Mpsc.UnboundedSender#duplicate()", "Mpsc.UnboundedSender#downgrade()", "Mpsc.UnboundedSender#close()", "Mpsc.UnboundedSender#isClosed()", "Mpsc.UnboundedSender#strongCount()", "Mpsc.UnboundedSender#weakCount()", "Mpsc.UnboundedSender#sameChannel(Mpsc.SenderHandle)", "Mpsc.UnboundedSender#closed()", "Mpsc.UnboundedSender#awaitClosed()", "Mpsc.UnboundedSender#awaitClosed(Duration)"})
    @Test
    void aClosedUnboundedSenderHandleRejectsEveryUse() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.UnboundedSender<Integer> other = tx.duplicate();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.close();
        assertIllegalState("closed", () -> tx.send(2));
        assertIllegalState("closed", () -> tx.trySend(2));
        assertIllegalState("closed", tx::duplicate);
        assertIllegalState("closed", tx::downgrade);
        assertEquals(1, rx.senderStrongCount());
        assertEquals(0, rx.senderWeakCount());
        assertEquals(1, rx.len());
        tx.close(); // idempotent
        assertEquals(1, tx.strongCount());
        assertEquals(0, tx.weakCount());
        assertFalse(tx.isClosed());
        assertTrue(tx.sameChannel(other));
        assertFalse(tx.sameChannel(null));
        assertFalse(tx.awaitClosed(Duration.ZERO));
        final CompletionStage<Void> closed = tx.closed();
        assertUnchangedAndWorking(other, rx, List.of(1));
        rx.close();
        assertTrue(tx.isClosed());
        assertTrue(closed.toCompletableFuture().isDone());
        tx.awaitClosed();
        assertTrue(tx.awaitClosed(Duration.ofSeconds(1)));
    }

    // ------------------------------------------------------------------ permits used wrongly

    @Covers({"Mpsc.Permit#send(Object)"})
    @Test
    void aPermitUsedTwiceIsRejected() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(3);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> permit = tx.reserve();
        permit.send(1);
        assertThrows(IllegalStateException.class, () -> permit.send(2));
        assertEquals(1, rx.len(), "the second value was not sent");
        assertUnchangedAndWorking(tx, rx, List.of(1));
    }

    @Covers({"Mpsc.Permit#send(Object)", "Mpsc.Permit#close()"})
    @Test
    void aClosedPermitCannotSend() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(3);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> permit = tx.reserve();
        permit.close();
        assertThrows(IllegalStateException.class, () -> permit.send(2));
        assertEquals(3, tx.capacity(), "the slot went back once, and the failed send took none");
        assertUnchangedAndWorking(tx, rx, List.of());
    }

    @Covers({"Mpsc.Permits#send(Object)", "Mpsc.Permits#next()", "Mpsc.Permits#close()", "Mpsc.Permits#hasNext()"})
    @Test
    void aBatchWithNoPermitLeftRejectsSendAndNext() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(3);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permits<Integer> batch = tx.reserveMany(2);
        batch.send(1);
        batch.next().send(2);
        assertEquals(0, batch.remaining());
        assertThrows(IllegalStateException.class, () -> batch.send(3));
        assertThrows(NoSuchElementException.class, batch::next);
        final Mpsc.Permits<Integer> closed = tx.reserveMany(1);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.send(4));
        assertThrows(NoSuchElementException.class, closed::next);
        final Mpsc.Permits<Integer> empty = tx.reserveMany(0);
        assertThrows(IllegalStateException.class, () -> empty.send(5));
        assertUnchangedAndWorking(tx, rx, List.of(1, 2));
    }

    // ------------------------------------------------------------------ timeouts of every length

    @Test
    @Covers({"Mpsc.Sender#send(Object,Duration)", "Mpsc.Sender#reserve(Duration)", "Mpsc.Receiver#recv(Duration)",
            "Mpsc.Sender#awaitClosed(Duration)", "Mpsc.UnboundedSender#awaitClosed(Duration)"})
    void zeroAndNegativeTimeoutsDoNotWaitAndHugeOnesDoNotOverflow() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        // Empty: a receive with no time to wait times out, and takes nothing.
        for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), MOST_NEGATIVE)) {
            final TimeoutException e = assertThrows(TimeoutException.class, () -> rx.recv(d), d.toString());
            assertNotNull(e.getMessage());
        }
        // A huge timeout that is not needed is not waited for, and does not overflow a deadline.
        assertTrue(tx.send(1, LONGEST));
        // Full: a send or a reservation with no time to wait fails at once, and changes nothing.
        for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), MOST_NEGATIVE)) {
            assertFalse(tx.send(2, d), d.toString());
            assertNull(tx.reserve(d), d.toString());
            assertFalse(tx.awaitClosed(d), d.toString());
        }
        assertEquals(1, rx.len());
        assertEquals(0, tx.capacity());
        assertEquals(1, rx.recv(LONGEST));
        try (Mpsc.Permit<Integer> permit = tx.reserve(LONGEST)) {
            assertNotNull(permit);
            assertEquals(0, tx.capacity());
        }
        assertUnchangedAndWorking(tx, rx, List.of());
        // Waits that can end at once end at once, however long they were allowed to be.
        tx.send(3);
        rx.close();
        assertTrue(tx.awaitClosed(LONGEST));
        assertTrue(tx.awaitClosed(Duration.ZERO));
        assertTrue(tx.awaitClosed(MOST_NEGATIVE));
        assertEquals(3, rx.recv(LONGEST));
        assertNull(rx.recv(LONGEST), "end of stream");
        assertNull(rx.recv(Duration.ZERO), "end of stream is not a timeout");

        final Mpsc.UnboundedChannel<Integer> u = Mpsc.unbounded();
        assertFalse(u.sender().awaitClosed(Duration.ZERO));
        assertFalse(u.sender().awaitClosed(MOST_NEGATIVE));
        u.receiver().close();
        assertTrue(u.sender().awaitClosed(LONGEST));
    }

    // ------------------------------------------------------------------ executors

    @Test
    @Covers({"Mpsc.Sender#sendAsync(Object,Executor)", "Mpsc.Receiver#recvAsync(Executor)", "Mpsc.Receiver#recvAsync()"})
    void aNullExecutorMeansTheCompletingThread() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertNull(await(tx.sendAsync(1, null)), "sent at once");
        final CompletableFuture<Void> waiting = tx.sendAsync(2, null).toCompletableFuture();
        assertFalse(waiting.isDone());
        assertEquals(1, await(rx.recvAsync(null)));
        assertNull(await(waiting), "completed by the receiving thread");
        assertEquals(2, await(rx.recvAsync()));
        final CompletableFuture<Integer> pending = rx.recvAsync(null).toCompletableFuture();
        tx.send(3);
        assertEquals(3, await(pending));
        assertUnchangedAndWorking(tx, rx, List.of());
    }

    // ------------------------------------------------------------------ recvMany's buffer

    @Test
    @Covers("Mpsc.Receiver#recvMany(Collection,int)")
    void aBufferThatRejectsTheMessageTakesNothingAndExtremeLimits() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.send(2);
        assertThrows(UnsupportedOperationException.class, () -> rx.recvMany(List.of(), 2),
                "the buffer's exception propagates");
        final List<Integer> buffer = new ArrayList<>(List.of(0));
        assertEquals(0, rx.recvMany(buffer, 0), "limit 0 returns at once");
        for (int limit : new int[] {-1, Integer.MIN_VALUE}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rx.recvMany(buffer, limit));
            assertTrue(e.getMessage().contains(String.valueOf(limit)), e.getMessage());
        }
        assertEquals(List.of(0), buffer, "the buffer's contents are left as they were");
        assertEquals(2, rx.len());
        assertEquals(2, rx.recvMany(buffer, Integer.MAX_VALUE), "a huge limit takes what is there");
        assertEquals(List.of(0, 1, 2), buffer);
        assertUnchangedAndWorking(tx, rx, List.of());
    }

    // ------------------------------------------------------------------ permits after use

    @Test
    @Covers({"Mpsc.Permit#close()", "Mpsc.Permit#send(Object)", "Mpsc.Permit#isUsed()"})
    void closingAPermitAfterItsSendGivesNothingBack() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> permit = tx.reserve();
        permit.send(1);
        assertTrue(permit.isUsed());
        permit.close();
        permit.close();
        assertEquals(1, tx.capacity(), "the slot stays taken until the message is received");
        final Mpsc.Permit<Integer> unused = tx.reserve();
        unused.close();
        unused.close();
        assertTrue(unused.isUsed());
        assertEquals(1, tx.capacity(), "an unused permit gives its slot back once");
        assertIllegalState("already used", () -> unused.send(2));
        assertEquals(1, tx.capacity(), "and the failed send took no slot");
        assertUnchangedAndWorking(tx, rx, List.of(1));
    }

    @Test
    @Covers({"Mpsc.Permit#send(Object)", "Mpsc.Permits#send(Object)", "Mpsc.Permits#next()", "Mpsc.Permits#close()",
            "Mpsc.Permits#remaining()", "Mpsc.Permits#hasNext()"})
    void permitsOutliveTheirSenderHandleAndTheirBatch() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Sender<Integer> other = tx.duplicate();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permit<Integer> single = tx.reserve();
        final Mpsc.Permits<Integer> batch = tx.reserveMany(3);
        final Mpsc.Permit<Integer> taken = batch.next();
        tx.close();
        batch.close();
        batch.close();
        assertEquals(0, batch.remaining());
        assertFalse(batch.hasNext());
        assertIllegalState("no permit left", () -> batch.send(9));
        assertEquals(2, tx.capacity(), "the batch gave back the two permits not taken, once");
        // A permit taken from the batch, and one reserved through the now closed handle, still send.
        taken.send(1);
        single.send(2);
        assertEquals(List.of(1, 2), drainNow(rx));
        assertUnchangedAndWorking(other, rx, List.of());
    }

    @Test
    @Covers({"Mpsc.Permits#remove()", "Mpsc.Permits#forEachRemaining(Consumer)"})
    void aBatchCannotRemoveAndRejectsANullAction() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Mpsc.Permits<Integer> batch = tx.reserveMany(2);
        assertThrows(UnsupportedOperationException.class, batch::remove);
        assertThrows(NullPointerException.class, () -> batch.forEachRemaining(null));
        assertEquals(2, batch.remaining(), "no permit was taken");
        batch.forEachRemaining(p -> p.send(7));
        assertEquals(0, batch.remaining());
        assertEquals(List.of(7, 7), drainNow(rx));
        assertUnchangedAndWorking(tx, rx, List.of());
    }

    // ------------------------------------------------------------------ the receiver after its close

    @Test
    @Covers({"Mpsc.Receiver#close()", "Mpsc.Receiver#recv()", "Mpsc.Receiver#recv(Duration)", "Mpsc.Receiver#tryRecv()",
            "Mpsc.Receiver#recvAsync()", "Mpsc.Receiver#recvAsync(Executor)", "Mpsc.Receiver#recvMany(Collection,int)",
            "Mpsc.Receiver#iterator()", "Mpsc.Receiver#stream()", "Mpsc.Receiver#forEach(Consumer)",
            "Mpsc.Receiver#spliterator()", "Mpsc.Receiver#len()", "Mpsc.Receiver#isEmpty()", "Mpsc.Receiver#isClosed()",
            "Mpsc.Receiver#senderStrongCount()", "Mpsc.Receiver#senderWeakCount()"})
    void aClosedReceiverStillDrainsThenEndsInEveryForm() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(16);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        for (int i = 1; i <= 10; i++) {
            tx.send(i);
        }
        rx.close();
        rx.close(); // idempotent
        assertTrue(rx.isClosed());
        assertEquals(10, rx.len());
        assertFalse(rx.isEmpty());
        assertEquals(1, rx.senderStrongCount(), "closing the receiver closes no sender handle");
        assertEquals(0, rx.senderWeakCount());
        // Closing the receiver is not misuse: every form still receives what is buffered, in order.
        assertEquals(1, rx.recv());
        assertEquals(2, rx.recv(Duration.ZERO));
        assertEquals(3, rx.tryRecv());
        assertEquals(4, await(rx.recvAsync()));
        assertEquals(5, await(rx.recvAsync(DIRECT)));
        final List<Integer> buffer = new ArrayList<>();
        assertEquals(2, rx.recvMany(buffer, 2));
        assertEquals(List.of(6, 7), buffer);
        final Iterator<Integer> it = rx.iterator();
        assertEquals(8, it.next());
        final Spliterator<Integer> split = rx.spliterator();
        assertTrue(split.tryAdvance(v -> assertEquals(9, v)));
        assertEquals(List.of(10), rx.stream().collect(Collectors.toList()));
        // Then end of stream, in every form.
        assertNull(rx.recv());
        assertNull(rx.recv(Duration.ofSeconds(1)));
        assertNotNull(assertThrows(ChannelClosedException.class, rx::tryRecv).getMessage());
        assertNull(await(rx.recvAsync()));
        assertNull(await(rx.recvAsync(DIRECT)));
        assertEquals(0, rx.recvMany(buffer, 5));
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        assertFalse(split.tryAdvance(v -> fail("nothing is left")));
        rx.forEach(v -> fail("nothing is left"));
        assertEquals(0, rx.stream().count());
        assertEquals(0, rx.len());
        assertTrue(rx.isEmpty());
        // The sender gets its values back.
        assertEquals(5, assertThrows(ChannelClosedException.class, () -> tx.send(5)).<Integer>value());
        assertEquals(TrySendResult.CLOSED, tx.trySend(5));
        assertEquals(1, rx.senderStrongCount());
    }

    @Test
    @Covers("Mpsc.Receiver#forEach(Consumer)")
    void forEachRejectsANullActionAndTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertThrows(NullPointerException.class, () -> rx.forEach(null));
        assertUnchangedAndWorking(tx, rx, List.of(1));
        tx.send(2);
        tx.close();
        final List<Integer> seen = new ArrayList<>();
        rx.forEach(seen::add);
        assertEquals(List.of(2), seen);
    }

    // ------------------------------------------------------------------ weak handles

    @Test
    @Covers({"Mpsc.WeakSender#release()", "Mpsc.WeakSender#upgrade()", "Mpsc.WeakSender#strongCount()",
            "Mpsc.WeakSender#weakCount()"})
    void aReleasedWeakSenderCannotUpgrade() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        final Mpsc.WeakSender<Integer> weak = tx.downgrade();
        assertEquals(1, weak.weakCount());
        weak.release();
        weak.release(); // idempotent: counted down once
        assertEquals(0, weak.weakCount());
        assertEquals(1, weak.strongCount(), "counts still answer on a released handle");
        assertIllegalState("released", weak::upgrade);
        assertEquals(1, rx.senderStrongCount(), "the failed upgrade added no sender");
        assertUnchangedAndWorking(tx, rx, List.of(1));
        // Upgrading once every sender is closed is not misuse: it returns null and reopens nothing.
        final Mpsc.WeakSender<Integer> late = tx.downgrade();
        tx.close();
        assertNull(late.upgrade());
        assertEquals(0, late.strongCount());
        assertTrue(rx.isClosed());
        assertNull(rx.recv());
    }

    @Test
    @Covers({"Mpsc.WeakUnboundedSender#release()", "Mpsc.WeakUnboundedSender#upgrade()",
            "Mpsc.WeakUnboundedSender#strongCount()", "Mpsc.WeakUnboundedSender#weakCount()"})
    void aReleasedWeakUnboundedSenderCannotUpgrade() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        final Mpsc.WeakUnboundedSender<Integer> weak = tx.downgrade();
        weak.release();
        weak.release();
        assertEquals(0, weak.weakCount());
        assertEquals(1, weak.strongCount());
        assertIllegalState("released", weak::upgrade);
        assertEquals(1, rx.senderStrongCount());
        assertUnchangedAndWorking(tx, rx, List.of(1));
        final Mpsc.WeakUnboundedSender<Integer> late = tx.downgrade();
        tx.close();
        assertNull(late.upgrade());
        assertEquals(0, late.strongCount());
        assertNull(rx.recv());
    }

    // ------------------------------------------------------------------ the channel records

    @Test
    @Covers({"Mpsc.Channel#new(Mpsc.Sender,Mpsc.Receiver)", "Mpsc.Channel#sender()", "Mpsc.Channel#receiver()",
            "Mpsc.UnboundedChannel#new(Mpsc.UnboundedSender,Mpsc.Receiver)", "Mpsc.UnboundedChannel#sender()",
            "Mpsc.UnboundedChannel#receiver()"})
    void theChannelRecordsRejectNullHandles() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        assertNpeNaming("sender", () -> new Mpsc.Channel<>(null, ch.receiver()));
        assertNpeNaming("receiver", () -> new Mpsc.Channel<>(ch.sender(), null));
        final Mpsc.Channel<Integer> copy = new Mpsc.Channel<>(ch.sender(), ch.receiver());
        assertSame(ch.sender(), copy.sender());
        assertSame(ch.receiver(), copy.receiver());
        assertUnchangedAndWorking(copy.sender(), copy.receiver(), List.of());
        final Mpsc.UnboundedChannel<Integer> u = Mpsc.unbounded();
        assertNpeNaming("sender", () -> new Mpsc.UnboundedChannel<>(null, u.receiver()));
        assertNpeNaming("receiver", () -> new Mpsc.UnboundedChannel<>(u.sender(), null));
        final Mpsc.UnboundedChannel<Integer> ucopy = new Mpsc.UnboundedChannel<>(u.sender(), u.receiver());
        assertSame(u.sender(), ucopy.sender());
        assertSame(u.receiver(), ucopy.receiver());
        assertUnchangedAndWorking(ucopy.sender(), ucopy.receiver(), List.of());
    }

    // ------------------------------------------------------------------ the exception and result types

    @Test
    @Covers({"ChannelClosedException#new(String)", "ChannelClosedException#new(String,Object)",
            "ChannelClosedException#value()", "ChannelClosedException#hasValue()",
            "ChannelInterruptedException#new(InterruptedException)", "TrySendResult#valueOf(String)"})
    void theExceptionAndResultTypes() {
        // Exceptions take any message and value, as the JDK's do; null means "none".
        final ChannelClosedException none = new ChannelClosedException(null);
        assertFalse(none.hasValue());
        assertNull(none.value());
        final ChannelClosedException nullValue = new ChannelClosedException("closed", null);
        assertFalse(nullValue.hasValue());
        final ChannelClosedException carrying = new ChannelClosedException("closed", 7);
        assertTrue(carrying.hasValue());
        assertEquals(7, carrying.<Integer>value());
        assertEquals("closed", carrying.getMessage());
        final ChannelInterruptedException noCause = new ChannelInterruptedException(null);
        assertNull(noCause.getCause());
        assertNotNull(noCause.getMessage());
        // valueOf is Enum's: a name that is not a constant, or null, is rejected.
        assertThrows(IllegalArgumentException.class, () -> TrySendResult.valueOf("EMPTY"));
        assertThrows(NullPointerException.class, () -> TrySendResult.valueOf(null));
        assertSame(TrySendResult.SENT, TrySendResult.valueOf("SENT"));
    }
}
