package dev.channels;

import dev.channels.BroadcastTestSupport.CapacityTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.channels.BroadcastTestSupport.asyncLag;
import static dev.channels.BroadcastTestSupport.expectEndOfStream;
import static dev.channels.BroadcastTestSupport.expectLag;
import static dev.channels.BroadcastTestSupport.expectRange;
import static dev.channels.BroadcastTestSupport.rounded;
import static dev.channels.BroadcastTestSupport.sendRange;
import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact lag rule (reference §3.4 and §7 point 7): after {@code k > L} unread sends a receiver
 * reports {@code k - L} missed, jumps to the oldest kept value, and may lag again; lag comes before
 * the kept values, and those before end of stream. Also the two {@code len()}s.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BroadcastLagTest {

    @CapacityTest
    void sendingExactlyTheCapacityDoesNotLag(int capacity) throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final int l = rounded(capacity);
        sendRange(ch.sender(), 0, l, 1);
        assertEquals(l, rx.len());
        expectRange(rx, 0, l);
        assertNull(rx.tryRecv());
    }

    @CapacityTest
    void oneMoreThanTheCapacityLagsByOne(int capacity) throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final int l = rounded(capacity);
        sendRange(ch.sender(), 0, l + 1, 1);
        assertEquals(l + 1, rx.len());
        final Broadcast.LaggedException lagged = assertThrows(Broadcast.LaggedException.class, rx::recv);
        assertEquals(1, lagged.missed());
        assertEquals(l, rx.len(), "the cursor jumped to the oldest kept value");
        expectRange(rx, 1, l + 1);
        assertNull(rx.tryRecv());
    }

    /** For several overshoots k - L: lag k - L, then exactly the L kept values, then end of stream. */
    @ParameterizedTest(name = "capacity {0}, {1} sends")
    @CsvSource({"1, 2", "1, 3", "1, 100", "2, 3", "2, 5", "2, 1000", "3, 5", "3, 7", "3, 8", "3, 9", "3, 13",
            "16, 17", "16, 31", "16, 32", "16, 33", "16, 1000", "65536, 65537", "65536, 200000"})
    void lagIsSentMinusCapacityThenTheKeptValuesThenEndOfStream(int capacity, int sent) throws Exception {
        final int l = rounded(capacity);
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        sendRange(tx, 0, sent, 1);
        tx.close();
        assertTrue(rx.isClosed());
        assertEquals(sent, rx.len(), "Receiver.len() counts overwritten values");
        assertTrue(rx.len() > l, "len > capacity means the next receive lags");
        final Broadcast.LaggedException lagged = assertThrows(Broadcast.LaggedException.class, rx::recv,
                "lag comes first, even on a closed channel");
        assertEquals(sent - l, lagged.missed());
        for (int i = sent - l; i < sent; i++) {
            assertEquals(i, rx.recv(), "kept value " + i + " before end of stream");
        }
        expectEndOfStream(rx);
    }

    @CapacityTest
    void everyReceiveFormReportsTheSameLag(int capacity) throws Exception {
        final int l = rounded(capacity);
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> viaRecv = ch.receiver();
        final Broadcast.Receiver<Integer> viaTry = tx.subscribe();
        final Broadcast.Receiver<Integer> viaTimed = tx.subscribe();
        final Broadcast.Receiver<Integer> viaAsync = tx.subscribe();
        final Broadcast.Receiver<Integer> viaAsyncExecutor = tx.subscribe();
        sendRange(tx, 0, l + 5, 5);
        assertEquals(5, assertThrows(Broadcast.LaggedException.class, viaRecv::recv).missed());
        assertEquals(5, assertThrows(Broadcast.LaggedException.class, viaTry::tryRecv).missed());
        assertEquals(5, assertThrows(Broadcast.LaggedException.class,
                () -> viaTimed.recv(Duration.ofMinutes(5))).missed());
        final CompletableFuture<Integer> f = viaAsync.recvAsync();
        assertTrue(f.isCompletedExceptionally(), "an async receive that lags completes at once, exceptionally");
        assertEquals(5, asyncLag(f));
        assertEquals(5, asyncLag(viaAsyncExecutor.recvAsync(Runnable::run)));
        for (Broadcast.Receiver<Integer> rx : java.util.List.of(viaRecv, viaTry, viaTimed, viaAsync, viaAsyncExecutor)) {
            assertEquals(5, rx.recv(), "then the oldest kept value");
            assertEquals(l - 1, rx.len());
        }
        assertEquals(5, tx.send(l + 5));
        assertEquals(6, viaAsync.recvAsync().get(GUARD_SECONDS, TimeUnit.SECONDS),
                "async receives go on from there (value 6 is kept, or just sent if the capacity is 1)");
    }

    @CapacityTest
    void lagAgainBeforeReadingCountsOnlyTheNewGap(int capacity) throws Exception {
        final int l = rounded(capacity);
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        sendRange(tx, 0, l + 3, 1); // tail = L + 3
        expectLag(rx, 3); // cursor = 3
        sendRange(tx, l + 3, 2 * l + 5, 1); // tail = 2L + 5: cursor 3 < tail - L = L + 5
        assertEquals(2 * l + 2, rx.len());
        expectLag(rx, l + 2); // only the new gap: (2L + 5 - L) - 3
        expectRange(rx, l + 5, 2 * l + 5);
        assertNull(rx.tryRecv());
        // and once more, this time after reading part of the kept values
        sendRange(tx, 2 * l + 5, 3 * l + 5, 1); // exactly L more: no lag
        assertEquals(l, rx.len());
        assertEquals(2 * l + 5, rx.recv());
        sendRange(tx, 3 * l + 5, 3 * l + 7, 1); // 2 more: cursor 2L + 6 < tail - L = 2L + 7
        expectLag(rx, 1);
        expectRange(rx, 2 * l + 7, 3 * l + 7);
        tx.close();
        expectEndOfStream(rx);
    }

    @CapacityTest
    void aLaggedReceiverDoesNotDisturbTheOthers(int capacity) throws Exception {
        final int l = rounded(capacity);
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> slow = ch.receiver();
        final Broadcast.Receiver<Integer> fast = tx.subscribe();
        for (int i = 0; i < 3 * l + 1; i++) {
            assertEquals(2, tx.send(i));
            assertEquals(i, fast.recv(), "the fast receiver never lags");
        }
        expectLag(slow, 2 * l + 1);
        expectRange(slow, 2 * l + 1, 3 * l + 1);
        assertTrue(fast.isEmpty());
        assertTrue(slow.isEmpty());
    }

    @Test
    void capacityThreeLagsOnlyAfterFourUnreadValues() throws Exception {
        // the reference's own example: channel(3) keeps 4
        final Broadcast.Channel<String> ch = Broadcast.channel(3);
        final Broadcast.Sender<String> tx = ch.sender();
        final Broadcast.Receiver<String> rx = ch.receiver();
        assertEquals(4, tx.capacity());
        for (String s : new String[] {"a", "b", "c", "d"}) {
            tx.send(s);
        }
        assertEquals("a", rx.recv(), "four unread values fit");
        tx.send("e");
        tx.send("f");
        // tail 6, cursor 1, kept c..f: lag 1
        assertEquals(1, assertThrows(Broadcast.LaggedException.class, rx::recv).missed());
        assertEquals("c", rx.recv());
        assertEquals("d", rx.recv());
        assertEquals("e", rx.recv());
        assertEquals("f", rx.recv());
        assertNull(rx.tryRecv());
    }

    // ------------------------------------------------------------------ len and isEmpty

    @CapacityTest
    void senderLenExcludesOverwrittenValuesAndFollowsTheSlowestReceiver(int capacity) throws Exception {
        final int l = rounded(capacity);
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> slow = ch.receiver();
        final Broadcast.Receiver<Integer> fast = tx.subscribe();
        assertEquals(0, tx.len());
        assertTrue(tx.isEmpty());
        sendRange(tx, 0, l, 2);
        assertEquals(l, tx.len());
        assertFalse(tx.isEmpty());
        expectRange(fast, 0, l);
        assertTrue(fast.isEmpty());
        assertEquals(l, tx.len(), "the slow receiver has read nothing");
        assertFalse(tx.isEmpty());
        assertEquals(0, slow.recv());
        assertEquals(l - 1, tx.len());
        sendRange(tx, l, 3 * l + 2, 2); // the slow receiver falls far behind
        assertEquals(3 * l + 1, slow.len(), "Receiver.len() counts overwritten values");
        assertEquals(2 * l + 2, fast.len(), "more than the capacity: overwritten ones too");
        assertEquals(l, tx.len(), "Sender.len() never counts overwritten values");
        assertEquals(l, tx.len(), "at most the capacity");
        expectLag(fast, l + 2);
        expectRange(fast, 2 * l + 2, 3 * l + 2);
        assertEquals(l, tx.len(), "the slow receiver still has every kept value to read");
        slow.close();
        assertEquals(0, tx.len(), "a closed receiver no longer counts");
        assertTrue(tx.isEmpty());
    }

    @CapacityTest
    void senderLenIsZeroWithNoReceivers(int capacity) throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> tx = ch.sender();
        sendRange(tx, 0, rounded(capacity), 1);
        assertEquals(rounded(capacity), tx.len());
        ch.receiver().close();
        assertEquals(0, tx.len());
        assertTrue(tx.isEmpty());
        final Broadcast.Receiver<Integer> late = tx.subscribe();
        assertEquals(0, tx.len(), "a new receiver has nothing to read");
        assertTrue(tx.isEmpty());
        assertEquals(1, tx.send(9));
        assertEquals(1, tx.len());
        assertEquals(9, late.recv());
        assertTrue(tx.isEmpty());
    }

    @Test
    void receiverLenCountsEverythingSinceItsCursor() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        assertEquals(0, rx.len());
        assertTrue(rx.isEmpty());
        sendRange(tx, 0, 10, 1);
        assertEquals(10, rx.len());
        assertFalse(rx.isEmpty());
        expectLag(rx, 8);
        assertEquals(2, rx.len());
        assertEquals(8, rx.recv());
        assertEquals(1, rx.len());
        assertEquals(9, rx.recv());
        assertEquals(0, rx.len());
        assertTrue(rx.isEmpty());
        tx.close();
        assertEquals(0, rx.len(), "closing adds nothing to read");
        assertTrue(rx.isEmpty());
    }
}
