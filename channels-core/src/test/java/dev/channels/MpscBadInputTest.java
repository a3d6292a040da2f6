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
import java.util.NoSuchElementException;
import java.util.concurrent.Executor;

import static dev.channels.MpscTestSupport.drainNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        final NullPointerException e = assertThrows(NullPointerException.class, call);
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains("value"), "message names the argument: " + e.getMessage());
    }

    // ------------------------------------------------------------------ null values

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

    @Test
    void nullArgumentsOtherThanValues() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertThrows(NullPointerException.class, () -> tx.send(2, null));
        assertThrows(NullPointerException.class, () -> tx.reserve(null));
        assertThrows(NullPointerException.class, () -> tx.awaitClosed(null));
        assertThrows(NullPointerException.class, () -> rx.recv(null));
        assertThrows(NullPointerException.class, () -> rx.recvMany(null, 1));
        assertUnchangedAndWorking(tx, rx, List.of(1));
    }

    // ------------------------------------------------------------------ capacities

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
            assertThrows(IllegalStateException.class, use);
        }
        assertEquals(1, rx.senderStrongCount(), "no use of the closed handle added a sender");
        assertEquals(0, rx.senderWeakCount());
        assertFalse(rx.isClosed());
        assertUnchangedAndWorking(other, rx, List.of(1));
    }

    @Test
    void aClosedUnboundedSenderHandleRejectsEveryUse() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.UnboundedSender<Integer> other = tx.duplicate();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.close();
        assertThrows(IllegalStateException.class, () -> tx.send(2));
        assertThrows(IllegalStateException.class, () -> tx.trySend(2));
        assertThrows(IllegalStateException.class, tx::duplicate);
        assertThrows(IllegalStateException.class, tx::downgrade);
        assertEquals(1, rx.senderStrongCount());
        assertEquals(0, rx.senderWeakCount());
        assertUnchangedAndWorking(other, rx, List.of(1));
    }

    // ------------------------------------------------------------------ permits used wrongly

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
}
