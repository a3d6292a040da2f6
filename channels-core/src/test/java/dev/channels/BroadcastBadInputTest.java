package dev.channels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

import static dev.channels.BadInputSupport.LONGEST;
import static dev.channels.BadInputSupport.MOST_NEGATIVE;
import static dev.channels.BadInputSupport.assertIllegalArgument;
import static dev.channels.BadInputSupport.assertIllegalState;
import static dev.channels.BadInputSupport.assertNpeNaming;
import static dev.channels.BroadcastTestSupport.drainNow;
import static dev.channels.BroadcastTestSupport.expectEndOfStream;
import static dev.channels.MpscTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to a broadcast channel (null values and arguments, capacities out of range, closed
 * handles, a lag count out of range) gets its documented exception at the call, and the channel is
 * unchanged: every test ends by checking what the receivers hold and that a value still goes
 * through.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BroadcastBadInputTest {

    private static final Executor DIRECT = Runnable::run;

    /**
     * {@code rx} holds exactly {@code expected} now, the channel has {@code receivers} receivers, and
     * a value sent afterwards reaches {@code rx}.
     */
    private static void assertUnchangedAndWorking(Broadcast.Sender<Integer> tx, Broadcast.Receiver<Integer> rx,
                                                  List<Integer> expected, int receivers) throws Exception {
        assertEquals(receivers, tx.receiverCount());
        assertEquals(expected.size(), rx.len());
        assertEquals(expected, drainNow(rx));
        assertEquals(receivers, tx.send(4242));
        assertEquals(4242, rx.recv());
        assertTrue(rx.isEmpty());
    }

    // ------------------------------------------------------------------ capacities

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, -1, -16, Integer.MIN_VALUE, Broadcast.MAX_CAPACITY + 1, Integer.MAX_VALUE})
    @Covers({"Broadcast#channel(int)", "Broadcast#sender(int)"})
    void capacityOutOfRangeIsRejectedWithTheLimit(int capacity) throws Exception {
        assertIllegalArgument(String.valueOf(Broadcast.MAX_CAPACITY), () -> Broadcast.channel(capacity));
        assertIllegalArgument(String.valueOf(Broadcast.MAX_CAPACITY), () -> Broadcast.sender(capacity));
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);
        assertEquals(1, ch.sender().capacity());
        assertUnchangedAndWorking(ch.sender(), ch.receiver(), List.of(), 1);
        final Broadcast.Sender<Integer> lonely = Broadcast.sender(3);
        assertEquals(4, lonely.capacity(), "rounded up to a power of two");
        assertUnchangedAndWorking(lonely, lonely.subscribe(), List.of(), 1);
    }

    @Test
    void maxCapacityIsTwoToThe30() {
        // Not allocated here: it would be 2^30 slots.
        assertEquals(1 << 30, Broadcast.MAX_CAPACITY);
    }

    // ------------------------------------------------------------------ null arguments

    @Test
    @Covers({"Broadcast.Sender#send(Object)", "Broadcast.Sender#len()", "Broadcast.Sender#isEmpty()"})
    void aNullValueIsRejectedAndNothingIsStored() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.send(2); // full: a null that was stored would overwrite 1, and rx would lag
        assertNpeNaming("value", () -> tx.send(null));
        assertEquals(2, tx.len());
        assertFalse(tx.isEmpty());
        assertUnchangedAndWorking(tx, rx, List.of(1, 2), 1);
        assertTrue(tx.isEmpty());
        // The argument is checked before the missing receivers.
        final Broadcast.Sender<Integer> lonely = Broadcast.sender(2);
        assertNpeNaming("value", () -> lonely.send(null));
        assertEquals(0, lonely.len());
    }

    @Test
    @Covers({"Broadcast.Receiver#recv(Duration)", "Broadcast.Sender#awaitClosed(Duration)"})
    void aNullTimeoutIsRejectedAndTakesNothing() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertNpeNaming("timeout", () -> rx.recv(null));
        assertNpeNaming("timeout", () -> tx.awaitClosed(null));
        assertUnchangedAndWorking(tx, rx, List.of(1), 1);
    }

    @Test
    @Covers({"Broadcast.Receiver#recvAsync(Executor)", "Broadcast.Receiver#recvAsync()"})
    void aNullExecutorMeansTheSendingThread() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> pending = rx.recvAsync(null);
        final CompletableFuture<Thread> ranOn = pending.thenApply(v -> Thread.currentThread());
        tx.send(1);
        assertEquals(1, await(pending));
        assertSame(Thread.currentThread(), await(ranOn));
        tx.send(2);
        assertEquals(2, await(rx.recvAsync(null)));
        tx.send(3);
        assertEquals(3, await(rx.recvAsync()));
        assertUnchangedAndWorking(tx, rx, List.of(), 1);
    }

    // ------------------------------------------------------------------ timeouts of every length

    @Test
    @Covers({"Broadcast.Receiver#recv(Duration)", "Broadcast.Sender#awaitClosed(Duration)"})
    void zeroAndNegativeTimeoutsDoNotWaitAndHugeOnesDoNotOverflow() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), MOST_NEGATIVE)) {
            assertNotNull(assertThrows(TimeoutException.class, () -> rx.recv(d), d.toString()).getMessage());
            assertFalse(tx.awaitClosed(d), d.toString());
        }
        tx.send(1);
        assertEquals(1, rx.recv(LONGEST), "a huge timeout that is not needed is not waited for");
        assertUnchangedAndWorking(tx, rx, List.of(), 1);
        rx.close();
        assertTrue(tx.awaitClosed(LONGEST));
        assertTrue(tx.awaitClosed(MOST_NEGATIVE));
        final Broadcast.Receiver<Integer> last = tx.subscribe();
        tx.close();
        assertNull(last.recv(LONGEST), "end of stream, at once");
        assertNull(last.recv(Duration.ZERO), "end of stream is not a timeout");
    }

    // ------------------------------------------------------------------ closed handles

    @Test
    @Covers({"Broadcast.Sender#send(Object)", "Broadcast.Sender#subscribe()", "Broadcast.Sender#duplicate()",
            "Broadcast.Sender#downgrade()", "Broadcast.Sender#close()", "Broadcast.Sender#receiverCount()",
            "Broadcast.Sender#len()", "Broadcast.Sender#isEmpty()", "Broadcast.Sender#capacity()",
            "Broadcast.Sender#strongCount()", "Broadcast.Sender#weakCount()", "Broadcast.Sender#isClosed()",
            "Broadcast.Sender#closed()", "Broadcast.Sender#awaitClosed()", "Broadcast.Sender#awaitClosed(Duration)",
            "Broadcast.Sender#sameChannel(Broadcast.Sender)"})
    void aClosedSenderHandleRejectsEveryUse() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Sender<Integer> other = tx.duplicate();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.close();
        final List<Executable> uses = List.of(
                () -> tx.send(2),
                tx::subscribe,
                tx::duplicate,
                tx::downgrade);
        for (Executable use : uses) {
            assertIllegalState("closed", use);
        }
        tx.close(); // idempotent: the sender count goes down once
        // Queries still answer on a closed handle: they are about the channel.
        assertEquals(1, tx.strongCount(), "no use of the closed handle added a sender");
        assertEquals(0, tx.weakCount());
        assertEquals(1, tx.receiverCount(), "the failed subscribe added no receiver");
        assertEquals(1, tx.len());
        assertFalse(tx.isEmpty());
        assertEquals(4, tx.capacity());
        assertFalse(tx.isClosed());
        assertFalse(rx.isClosed(), "another sender is open");
        assertTrue(tx.sameChannel(other));
        assertFalse(tx.sameChannel(null));
        assertFalse(tx.awaitClosed(Duration.ZERO));
        final CompletionStage<Void> closed = tx.closed();
        assertFalse(closed.toCompletableFuture().isDone());
        assertUnchangedAndWorking(other, rx, List.of(1), 1);
        rx.close();
        assertTrue(tx.isClosed(), "a closed handle still sees the last receiver close");
        assertTrue(closed.toCompletableFuture().isDone());
        tx.awaitClosed();
        assertTrue(tx.awaitClosed(Duration.ofSeconds(1)));
    }

    @Test
    @Covers({"Broadcast.Receiver#recv()", "Broadcast.Receiver#recv(Duration)", "Broadcast.Receiver#tryRecv()",
            "Broadcast.Receiver#recvAsync()", "Broadcast.Receiver#recvAsync(Executor)", "Broadcast.Receiver#resubscribe()",
            "Broadcast.Receiver#close()", "Broadcast.Receiver#len()", "Broadcast.Receiver#isEmpty()",
            "Broadcast.Receiver#isClosed()", "Broadcast.Receiver#senderStrongCount()",
            "Broadcast.Receiver#senderWeakCount()", "Broadcast.Receiver#sameChannel(Broadcast.Receiver)"})
    void aClosedReceiverHandleRejectsEveryUse() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Broadcast.Receiver<Integer> other = tx.subscribe();
        tx.send(1);
        rx.close();
        rx.close(); // idempotent: the receiver count goes down once
        assertEquals(1, tx.receiverCount());
        final List<Executable> uses = List.of(
                rx::recv,
                () -> rx.recv(Duration.ZERO),
                () -> rx.recv(LONGEST),
                rx::tryRecv,
                rx::recvAsync,
                () -> rx.recvAsync(DIRECT),
                rx::resubscribe);
        for (Executable use : uses) {
            assertIllegalState("closed", use);
        }
        // Queries still answer on a closed handle.
        assertEquals(1, rx.senderStrongCount());
        assertEquals(0, rx.senderWeakCount());
        assertFalse(rx.isClosed());
        assertTrue(rx.sameChannel(other));
        assertFalse(rx.sameChannel(null));
        assertEquals(1, rx.len(), "what it had not read");
        assertFalse(rx.isEmpty());
        assertEquals(1, tx.receiverCount(), "the failed resubscribe added no receiver");
        assertUnchangedAndWorking(tx, other, List.of(1), 1);
    }

    @Test
    @Covers({"Broadcast.Sender#subscribe()", "Broadcast.Sender#send(Object)", "Broadcast.Sender#isClosed()",
            "Broadcast.Receiver#resubscribe()", "Broadcast.Receiver#isClosed()"})
    void subscribingToAChannelWithoutReceiversOrSendersIsNotMisuse() throws Exception {
        // No receiver: a send fails and hands the value back, stores nothing; subscribe reopens.
        final Broadcast.Sender<Integer> tx = Broadcast.sender(4);
        assertTrue(tx.isClosed());
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> tx.send(1));
        assertEquals(1, e.<Integer>value());
        assertNotNull(e.getMessage());
        final Broadcast.Receiver<Integer> rx = tx.subscribe();
        assertFalse(tx.isClosed());
        assertUnchangedAndWorking(tx, rx, List.of(), 1);
        // Every sender closed: a resubscribed receiver gets end of stream, nothing else.
        tx.send(2);
        tx.close();
        assertTrue(rx.isClosed());
        final Broadcast.Receiver<Integer> late = rx.resubscribe();
        assertTrue(late.isClosed());
        expectEndOfStream(late);
        assertEquals(List.of(2), drainNow(rx), "the first receiver still reads what was sent");
        expectEndOfStream(rx);
    }

    // ------------------------------------------------------------------ weak senders

    @Test
    @Covers({"Broadcast.WeakSender#close()", "Broadcast.WeakSender#upgrade()", "Broadcast.WeakSender#strongCount()",
            "Broadcast.WeakSender#weakCount()"})
    void aClosedWeakSenderCannotUpgrade() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        final Broadcast.WeakSender<Integer> weak = tx.downgrade();
        assertEquals(1, weak.weakCount());
        weak.close();
        weak.close(); // idempotent
        assertEquals(0, weak.weakCount());
        assertEquals(1, weak.strongCount(), "counts still answer on a closed weak handle");
        assertIllegalState("closed", weak::upgrade);
        assertEquals(1, tx.strongCount(), "the failed upgrade added no sender");
        assertUnchangedAndWorking(tx, rx, List.of(1), 1);
        // Upgrading once every sender is closed is not misuse: null, and the channel stays closed.
        final Broadcast.WeakSender<Integer> late = tx.downgrade();
        tx.close();
        assertNull(late.upgrade());
        assertEquals(0, late.strongCount());
        expectEndOfStream(rx);
    }

    // ------------------------------------------------------------------ the lag exception and the record

    @Test
    @Covers({"Broadcast.LaggedException#new(long)", "Broadcast.LaggedException#missed()",
            "Broadcast.LaggedException#getMessage()"})
    void aLagCountBelowOneIsRejected() {
        for (long missed : new long[] {0, -1, Long.MIN_VALUE}) {
            assertIllegalArgument(String.valueOf(missed), () -> new Broadcast.LaggedException(missed));
        }
        final Broadcast.LaggedException one = new Broadcast.LaggedException(1);
        assertEquals(1, one.missed());
        final Broadcast.LaggedException many = new Broadcast.LaggedException(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, many.missed());
        assertTrue(many.getMessage().contains(String.valueOf(Long.MAX_VALUE)), many.getMessage());
    }

    @Test
    @Covers({"Broadcast.Channel#new(Broadcast.Sender,Broadcast.Receiver)", "Broadcast.Channel#sender()",
            "Broadcast.Channel#receiver()"})
    void theChannelRecordRejectsNullHandles() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        assertNpeNaming("sender", () -> new Broadcast.Channel<>(null, ch.receiver()));
        assertNpeNaming("receiver", () -> new Broadcast.Channel<>(ch.sender(), null));
        final Broadcast.Channel<Integer> copy = new Broadcast.Channel<>(ch.sender(), ch.receiver());
        assertSame(ch.sender(), copy.sender());
        assertSame(ch.receiver(), copy.receiver());
        assertUnchangedAndWorking(copy.sender(), copy.receiver(), List.of(), 1);
    }
}
