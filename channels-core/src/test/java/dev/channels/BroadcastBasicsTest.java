package dev.channels;

import dev.channels.BroadcastTestSupport.CapacityTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static dev.channels.BroadcastTestSupport.drainNow;
import static dev.channels.BroadcastTestSupport.expectRange;
import static dev.channels.BroadcastTestSupport.rounded;
import static dev.channels.BroadcastTestSupport.sendRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Construction, capacity, fan-out in order, subscribe and resubscribe, counts. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BroadcastBasicsTest {

    // ------------------------------------------------------------------ capacity

    @ParameterizedTest(name = "requested {0} keeps {1}")
    @CsvSource({"1, 1", "2, 2", "3, 4", "4, 4", "5, 8", "7, 8", "8, 8", "9, 16", "16, 16", "17, 32",
            "1000, 1024", "65536, 65536", "65537, 131072"})
    void capacityIsRoundedUpToAPowerOfTwo(int requested, int kept) {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(requested);
        assertEquals(kept, ch.sender().capacity());
        final Broadcast.Sender<Integer> alone = Broadcast.sender(requested);
        assertEquals(kept, alone.capacity());
        assertEquals(kept, alone.duplicate().capacity());
    }

    @Test
    void maxCapacityIsTwoToTheThirtieth() {
        assertEquals(1 << 30, Broadcast.MAX_CAPACITY);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, -1, -16, Integer.MIN_VALUE, Broadcast.MAX_CAPACITY + 1, Integer.MAX_VALUE})
    void capacityOutOfRangeIsRejectedNamingTheLimit(int capacity) {
        final IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> Broadcast.channel(capacity));
        assertTrue(a.getMessage().contains(String.valueOf(Broadcast.MAX_CAPACITY)), a.getMessage());
        assertTrue(a.getMessage().contains(String.valueOf(capacity)), "names the bad value: " + a.getMessage());
        final IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> Broadcast.sender(capacity));
        assertTrue(b.getMessage().contains(String.valueOf(Broadcast.MAX_CAPACITY)), b.getMessage());
    }

    // ------------------------------------------------------------------ fan-out

    @CapacityTest
    void everyReceiverGetsEveryValueInOrderAsTheSameReference(int capacity) throws Exception {
        final Broadcast.Channel<Object> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Object> tx = ch.sender();
        final List<Broadcast.Receiver<Object>> rxs = new ArrayList<>();
        rxs.add(ch.receiver());
        rxs.add(tx.subscribe());
        rxs.add(ch.receiver().resubscribe());
        final int n = rounded(capacity);
        final List<Object> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final Object v = new StringBuilder("value ").append(i); // identity, not equality
            sent.add(v);
            assertEquals(3, tx.send(v));
        }
        for (Broadcast.Receiver<Object> rx : rxs) {
            assertEquals(n, rx.len());
            for (int i = 0; i < n; i++) {
                assertSame(sent.get(i), rx.recv(), "value " + i);
            }
            assertTrue(rx.isEmpty());
            assertNull(rx.tryRecv(), "empty, not closed");
        }
    }

    @CapacityTest
    void receiversReadIndependentlyInterleaved(int capacity) throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> a = ch.receiver();
        final Broadcast.Receiver<Integer> b = tx.subscribe();
        final int n = rounded(capacity);
        // a reads each value as it comes; b reads them in windows of the capacity: neither lags
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < n; i++) {
                final int v = round * n + i;
                assertEquals(2, tx.send(v));
                assertEquals(v, a.recv());
            }
            assertEquals(n, b.len());
            expectRange(b, round * n, (round + 1) * n);
            assertNull(b.tryRecv());
        }
        assertTrue(a.isEmpty());
        assertTrue(b.isEmpty());
    }

    @Test
    void sendReturnsTheCurrentReceiverCount() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        assertEquals(1, tx.receiverCount());
        assertEquals(1, tx.send(1));
        final Broadcast.Receiver<Integer> b = tx.subscribe();
        assertEquals(2, tx.receiverCount());
        assertEquals(2, tx.send(2));
        final Broadcast.Receiver<Integer> c = b.resubscribe();
        assertEquals(3, tx.receiverCount());
        assertEquals(3, tx.send(3));
        b.close();
        b.close(); // idempotent
        assertEquals(2, tx.receiverCount());
        assertEquals(2, tx.send(4));
        assertEquals(List.of(1, 2, 3, 4), drainNow(ch.receiver()));
        assertEquals(List.of(3, 4), drainNow(c), "c subscribed before 3 was sent");
    }

    // ------------------------------------------------------------------ subscribe and resubscribe

    @CapacityTest
    void subscribeStartsAtTheTail(int capacity) throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final int n = rounded(capacity);
        sendRange(tx, 0, n, 1); // fills the channel
        final Broadcast.Receiver<Integer> late = tx.subscribe();
        assertEquals(0, late.len());
        assertTrue(late.isEmpty());
        assertNull(late.tryRecv(), "a new receiver does not see earlier values");
        sendRange(tx, n, n + 1, 2);
        assertEquals(1, late.len());
        assertEquals(n, late.recv());
        assertNull(late.tryRecv());
        // the first receiver keeps its own position: n + 1 sent into n slots, so it lagged by 1
        final Broadcast.Receiver<Integer> first = ch.receiver();
        assertEquals(n + 1, first.len());
        final Broadcast.LaggedException lagged = assertThrows(Broadcast.LaggedException.class, first::recv);
        assertEquals(1, lagged.missed());
        expectRange(first, 1, n + 1);
    }

    @CapacityTest
    void subscribeAfterManyWrapsDoesNotLag(int capacity) throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final int n = rounded(capacity);
        sendRange(tx, 0, 3 * n + 1, 1);
        final Broadcast.Receiver<Integer> late = tx.subscribe();
        sendRange(tx, 3 * n + 1, 4 * n + 1, 2);
        assertEquals(n, late.len());
        expectRange(late, 3 * n + 1, 4 * n + 1); // exactly the capacity behind: no lag
        assertNull(late.tryRecv());
    }

    @CapacityTest
    void resubscribeStartsAtTheTailNotAtTheOriginalsPosition(int capacity) throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final int n = rounded(capacity);
        sendRange(tx, 0, n, 1);
        assertEquals(0, rx.recv());
        final Broadcast.Receiver<Integer> again = rx.resubscribe();
        assertNotSame(rx, again);
        assertTrue(rx.sameChannel(again));
        assertEquals(2, tx.receiverCount());
        assertEquals(0, again.len());
        assertNull(again.tryRecv(), "does not get the values the original has not read");
        assertEquals(n - 1, rx.len(), "the original keeps its position");
        sendRange(tx, n, n + 1, 2);
        assertEquals(n, again.recv());
        assertNull(again.tryRecv());
        if (n > 1) {
            expectRange(rx, 1, n + 1);
        } else {
            assertEquals(n, rx.recv()); // capacity 1: the one kept value is the newest
        }
    }

    @Test
    void sameChannelTellsChannelsApart() {
        final Broadcast.Channel<Integer> a = Broadcast.channel(2);
        final Broadcast.Channel<Integer> b = Broadcast.channel(2);
        assertTrue(a.sender().sameChannel(a.sender().duplicate()));
        assertFalse(a.sender().sameChannel(b.sender()));
        assertFalse(a.sender().sameChannel(null));
        assertTrue(a.receiver().sameChannel(a.sender().subscribe()));
        assertTrue(a.receiver().sameChannel(a.receiver().resubscribe()));
        assertFalse(a.receiver().sameChannel(b.receiver()));
        assertFalse(a.receiver().sameChannel(null));
    }

    // ------------------------------------------------------------------ null values

    @Test
    void aNullValueIsRejectedAndChangesNothing() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertThrows(NullPointerException.class, () -> tx.send(null));
        assertEquals(1, rx.len());
        assertEquals(1, tx.len());
        assertEquals(1, rx.recv());
        assertTrue(rx.isEmpty());
        assertNull(rx.tryRecv());
        assertThrows(NullPointerException.class, () -> tx.send(null));
        assertTrue(tx.isEmpty());
        assertTrue(rx.isEmpty());
        tx.send(2);
        assertEquals(2, rx.recv());
        // with no receiver, a null is still a NullPointerException (not a closed channel)
        final Broadcast.Sender<Integer> lonely = Broadcast.sender(2);
        assertThrows(NullPointerException.class, () -> lonely.send(null));
    }

    @Test
    void aNullTimeoutIsRejectedAndTakesNothing() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        assertThrows(NullPointerException.class, () -> rx.recv(null));
        assertEquals(1, rx.tryRecv());
        assertThrows(NullPointerException.class, () -> ch.sender().awaitClosed(null));
    }

    // ------------------------------------------------------------------ use after close

    @Test
    void aClosedSenderHandleThrowsIllegalStateException() {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Sender<Integer> other = tx.duplicate();
        tx.close();
        tx.close(); // idempotent
        assertEquals(1, other.strongCount(), "closing twice counted once");
        assertThrows(IllegalStateException.class, () -> tx.send(1));
        assertThrows(IllegalStateException.class, tx::subscribe);
        assertThrows(IllegalStateException.class, tx::duplicate);
        assertThrows(IllegalStateException.class, tx::downgrade);
        // the channel itself is fine
        assertEquals(1, other.send(2));
        assertEquals(List.of(2), drainNowUnchecked(ch.receiver()));
        // read-only queries still answer on a closed handle
        assertEquals(1, tx.receiverCount());
        assertEquals(2, tx.capacity());
        assertEquals(1, tx.strongCount());
    }

    @Test
    void aClosedReceiverThrowsIllegalStateException() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Broadcast.Receiver<Integer> other = tx.subscribe();
        tx.send(1);
        rx.close();
        rx.close(); // idempotent
        assertEquals(1, tx.receiverCount(), "closing twice counted once");
        assertThrows(IllegalStateException.class, rx::recv);
        assertThrows(IllegalStateException.class, () -> rx.recv(java.time.Duration.ZERO));
        assertThrows(IllegalStateException.class, rx::tryRecv);
        assertThrows(IllegalStateException.class, rx::recvAsync);
        assertThrows(IllegalStateException.class, () -> rx.recvAsync(Runnable::run));
        assertThrows(IllegalStateException.class, rx::resubscribe);
        assertEquals(1, other.recv());
        assertEquals(1, tx.send(2), "the closed receiver no longer counts");
    }

    private static <T> List<T> drainNowUnchecked(Broadcast.Receiver<T> rx) {
        try {
            return drainNow(rx);
        } catch (Broadcast.LaggedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void laggedExceptionCarriesTheCountAndNoStackTrace() {
        final Broadcast.LaggedException e = new Broadcast.LaggedException(7);
        assertEquals(7, e.missed());
        assertTrue(e.getMessage().contains("7"), e.getMessage());
        assertEquals(0, e.getStackTrace().length, "created without a stack trace");
        assertNull(e.getCause());
    }

    @Test
    void toStringsDescribeTheHandles() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(3);
        ch.sender().send(1);
        assertTrue(ch.sender().toString().contains("capacity=4"), ch.sender().toString());
        assertTrue(ch.sender().toString().contains("receivers=1"), ch.sender().toString());
        assertTrue(ch.receiver().toString().contains("len=1"), ch.receiver().toString());
    }
}
