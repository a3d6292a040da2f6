package dev.channels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static dev.channels.BadInputSupport.LONGEST;
import static dev.channels.BadInputSupport.MOST_NEGATIVE;
import static dev.channels.BadInputSupport.assertIllegalState;
import static dev.channels.BadInputSupport.assertNpeNaming;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.WatchTestSupport.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Null arguments and use of closed handles get a clear exception at the call, and the channel is
 * unchanged: every test ends by checking the channel's state and that it still works.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchBadInputTest {

    private static final Executor DIRECT = Runnable::run;

    /**
     * The channel holds {@code value} at {@code version}, the receiver has seen it (if
     * {@code seen}), the counts are as given, and a send still reaches the receiver.
     */
    private static void assertUnchangedAndWorking(Watch.Sender<Integer> tx, Watch.Receiver<Integer> rx,
                                                  int value, long version, boolean seen,
                                                  int senders, int receivers) throws Exception {
        assertEquals(value, tx.borrow());
        assertEquals(value, rx.borrow());
        assertEquals(version, version(rx));
        assertEquals(!seen, rx.hasChanged());
        assertEquals(senders, tx.senderCount());
        assertEquals(receivers, tx.receiverCount());
        tx.send(4242);
        assertTrue(rx.changed());
        assertEquals(4242, rx.borrowAndUpdate());
    }

    // ------------------------------------------------------------------ null arguments

    @Covers({"Watch#channel(Object)", "Watch#sender(Object)"})
    @Test
    void aNullInitialValueIsRejected() {
        assertNpeNaming("initial", () -> Watch.channel(null));
        assertNpeNaming("initial", () -> Watch.sender(null));
    }

    @Covers({"Watch.Sender#send(Object)", "Watch.Sender#sendReplace(Object)", "Watch.Sender#sendModify(UnaryOperator)", "Watch.Sender#sendIfModified(UnaryOperator)"})
    @Test
    void nullValuesAreRejectedByEveryWrite() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertNpeNaming("value", () -> tx.send(null));
        assertNpeNaming("value", () -> tx.sendReplace(null));
        assertNpeNaming("modifier", () -> tx.sendModify(null));
        assertNpeNaming("modifier", () -> tx.sendIfModified(null));
        assertUnchangedAndWorking(tx, rx, 1, 1L, false, 1, 1);
    }

    @Covers({"Watch.Sender#send(Object)"})
    @Test
    void aNullValueIsRejectedBeforeTheNoReceiverCheck() {
        final Watch.Sender<Integer> tx = Watch.sender(0);
        assertNpeNaming("value", () -> tx.send(null));
        assertEquals(0, tx.borrow());
        assertEquals(0L, version(tx));
    }

    @Covers({"Watch.Receiver#changed(Duration)", "Watch.Receiver#waitFor(Predicate)", "Watch.Receiver#waitFor(Predicate,Duration)", "Watch.Receiver#waitForAsync(Predicate)", "Watch.Receiver#waitForAsync(Predicate,Executor)", "Watch.Sender#awaitClosed(Duration)"})
    @Test
    void nullArgumentsAreRejectedByEveryReceiverMethod() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1); // unseen: a method that did not check its argument first would mark it seen
        final Predicate<Integer> any = v -> true;
        assertNpeNaming("timeout", () -> rx.changed(null));
        assertNpeNaming("predicate", () -> rx.waitFor(null));
        assertNpeNaming("predicate", () -> rx.waitFor(null, Duration.ofSeconds(1)));
        assertNpeNaming("timeout", () -> rx.waitFor(any, null));
        assertNpeNaming("predicate", () -> rx.waitForAsync(null));
        assertNpeNaming("predicate", () -> rx.waitForAsync(null, DIRECT));
        assertNpeNaming("timeout", () -> tx.awaitClosed(null));
        assertUnchangedAndWorking(tx, rx, 1, 1L, false, 1, 1);
    }

    @Covers({"Watch.Receiver#changedAsync(Executor)", "Watch.Receiver#waitForAsync(Predicate,Executor)"})
    @Test
    void aNullExecutorMeansTheCompletingThread() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        assertTrue(await(rx.changedAsync(null)));
        assertEquals(1, await(rx.waitForAsync(v -> v == 1, null)));
    }

    // ------------------------------------------------------------------ closed handles

    @Covers({"Watch.Receiver#borrow()", "Watch.Receiver#borrowAndUpdate()", "Watch.Receiver#hasChanged()", "Watch.Receiver#changed()", "Watch.Receiver#changed(Duration)", "Watch.Receiver#changedAsync()", "Watch.Receiver#changedAsync(Executor)", "Watch.Receiver#waitFor(Predicate)", "Watch.Receiver#waitFor(Predicate,Duration)", "Watch.Receiver#waitForAsync(Predicate)", "Watch.Receiver#waitForAsync(Predicate,Executor)", "Watch.Receiver#markChanged()", "Watch.Receiver#markUnchanged()", "Watch.Receiver#duplicate()", "Watch.Receiver#close()", "Watch.Receiver#isClosed()", "Watch.Receiver#sameChannel(Watch.Receiver)"})
    @Test
    void aClosedReceiverHandleRejectsEveryUse() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Watch.Receiver<Integer> other = rx.duplicate();
        tx.send(1);
        rx.close();
        final Predicate<Integer> any = v -> true;
        final List<Executable> uses = List.of(
                rx::borrow,
                rx::borrowAndUpdate,
                rx::hasChanged,
                rx::changed,
                () -> rx.changed(Duration.ofSeconds(1)),
                rx::changedAsync,
                () -> rx.changedAsync(DIRECT),
                () -> rx.waitFor(any),
                () -> rx.waitFor(any, Duration.ofSeconds(1)),
                () -> rx.waitForAsync(any),
                () -> rx.waitForAsync(any, DIRECT),
                rx::markChanged,
                rx::markUnchanged,
                rx::duplicate);
        for (Executable use : uses) {
            assertIllegalState("closed", use);
        }
        rx.close(); // idempotent
        assertFalse(rx.isClosed(), "isClosed is about the senders, and may be asked of a closed handle");
        assertTrue(rx.sameChannel(other));
        assertNotNull(rx.toString());
        assertEquals(1, tx.receiverCount(), "no use of the closed handle added a receiver");
        assertUnchangedAndWorking(tx, other, 1, 1L, false, 1, 1);
    }

    @Covers({"Watch.Receiver#hasChanged()", "Watch.Receiver#changed()"})
    @Test
    void aClosedReceiverHandleOnAClosedChannelStillRejectsUse() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().close();
        rx.close();
        assertThrows(IllegalStateException.class, rx::hasChanged, "use of a closed handle comes first");
        assertThrows(IllegalStateException.class, rx::changed);
        assertTrue(rx.isClosed());
    }

    @Covers({"Watch.Sender#send(Object)", "Watch.Sender#sendReplace(Object)", "Watch.Sender#sendModify(UnaryOperator)", "Watch.Sender#sendIfModified(UnaryOperator)", "Watch.Sender#subscribe()", "Watch.Sender#duplicate()", "Watch.Sender#borrow()", "Watch.Sender#close()", "Watch.Sender#senderCount()", "Watch.Sender#receiverCount()", "Watch.Sender#isClosed()", "Watch.Sender#sameChannel(Watch.Sender)", "Watch.Sender#sameChannel(Watch.Receiver)", "Watch.Sender#closed()", "Watch.Sender#awaitClosed()", "Watch.Sender#awaitClosed(Duration)"})
    @Test
    void aClosedSenderHandleRejectsEveryUse() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Sender<Integer> other = tx.duplicate();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.close();
        final UnaryOperator<Integer> inc = x -> x + 1;
        final List<Executable> uses = List.of(
                () -> tx.send(2),
                () -> tx.sendReplace(2),
                () -> tx.sendModify(inc),
                () -> tx.sendIfModified(inc),
                tx::subscribe,
                tx::duplicate,
                tx::borrow);
        for (Executable use : uses) {
            assertIllegalState("closed", use);
        }
        tx.close(); // idempotent
        assertEquals(1, tx.senderCount(), "counts are readable from a closed handle; no use added a sender");
        assertEquals(1, tx.receiverCount(), "the failed subscribe added no receiver");
        assertFalse(tx.isClosed());
        assertFalse(rx.isClosed());
        assertTrue(tx.sameChannel(other));
        assertFalse(tx.sameChannel((Watch.Sender<?>) null));
        assertTrue(tx.sameChannel(rx));
        assertFalse(tx.sameChannel((Watch.Receiver<?>) null));
        assertFalse(tx.awaitClosed(Duration.ZERO));
        final CompletionStage<Void> closed = tx.closed();
        assertFalse(closed.toCompletableFuture().isDone());
        assertUnchangedAndWorking(other, rx, 1, 1L, false, 1, 1);
        rx.close();
        assertTrue(tx.isClosed(), "a closed handle still sees the last receiver close");
        assertTrue(closed.toCompletableFuture().isDone());
        tx.awaitClosed();
        assertTrue(tx.awaitClosed(Duration.ofSeconds(1)));
    }

    @Covers({"Watch.Sender#sendReplace(Object)", "Watch.Sender#duplicate()", "Watch.Sender#subscribe()"})
    @Test
    void theLastClosedSenderHandleRejectsUseToo() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.close();
        assertThrows(IllegalStateException.class, () -> tx.sendReplace(1));
        assertThrows(IllegalStateException.class, tx::duplicate);
        assertThrows(IllegalStateException.class, tx::subscribe);
        assertEquals(0, tx.senderCount());
        assertEquals(1, tx.receiverCount());
        assertEquals(0, rx.borrow());
        assertEquals(0L, version(rx));
    }

    @Covers({"Watch.Sender#send(Object)"})
    @Test
    void useOfAClosedSenderIsReportedBeforeTheMissingReceivers() {
        final Watch.Sender<Integer> tx = Watch.sender(0);
        final Watch.Sender<Integer> other = tx.duplicate();
        tx.close();
        assertThrows(IllegalStateException.class, () -> tx.send(1),
                "a closed handle is a programming error, whatever the channel's state");
        assertThrows(ChannelClosedException.class, () -> other.send(1));
        assertEquals(0, other.borrow());
    }

    @Covers({"Watch.Sender#sendReplace(Object)", "Watch.Sender#subscribe()", "Watch.Receiver#hasChanged()"})
    @Test
    void closingTheOtherKindOfHandleDoesNotCloseThisOne() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        rx.close();
        // the sender handle is open: it may still write (sendReplace stores) and subscribe
        assertEquals(0, tx.sendReplace(1));
        final Watch.Receiver<Integer> again = tx.subscribe();
        tx.close();
        // the new receiver handle is open on a closed channel
        assertEquals(1, again.borrow());
        assertFalse(again.changed());
        assertThrows(ChannelClosedException.class, again::hasChanged);
    }

    // ------------------------------------------------------------------ timeouts of every length

    @Test
    @Covers({"Watch.Receiver#changed(Duration)", "Watch.Receiver#waitFor(Predicate,Duration)",
            "Watch.Sender#awaitClosed(Duration)"})
    void zeroAndNegativeTimeoutsDoNotWaitAndHugeOnesDoNotOverflow() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Predicate<Integer> positive = v -> v > 0;
        for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), MOST_NEGATIVE)) {
            assertNotNull(assertThrows(TimeoutException.class, () -> rx.changed(d), d.toString()).getMessage());
            assertNotNull(assertThrows(TimeoutException.class, () -> rx.waitFor(positive, d), d.toString()).getMessage());
            assertFalse(tx.awaitClosed(d), d.toString());
        }
        assertUnchangedAndWorking(tx, rx, 0, 0L, true, 1, 1);
        tx.send(5);
        assertTrue(rx.changed(LONGEST), "a huge timeout that is not needed is not waited for");
        assertEquals(5, rx.waitFor(positive, LONGEST));
        rx.close();
        assertTrue(tx.awaitClosed(LONGEST));
        assertTrue(tx.awaitClosed(MOST_NEGATIVE));
        final Watch.Receiver<Integer> last = tx.subscribe();
        tx.close();
        assertFalse(last.changed(LONGEST), "closed, at once");
        assertFalse(last.changed(Duration.ZERO), "a closed channel is not a timeout");
    }

    // ------------------------------------------------------------------ modify functions that fail

    @Test
    @Covers({"Watch.Sender#sendModify(UnaryOperator)", "Watch.Sender#sendIfModified(UnaryOperator)"})
    void aModifierThatReturnsNullOrThrowsChangesNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        final UnaryOperator<Integer> toNull = x -> null;
        assertNpeNaming("returned null", () -> tx.sendModify(toNull));
        assertNpeNaming("returned null", () -> tx.sendIfModified(toNull));
        final IllegalArgumentException thrown = new IllegalArgumentException("the modifier's own");
        final UnaryOperator<Integer> throwing = x -> {
            throw thrown;
        };
        assertSame(thrown, assertThrows(IllegalArgumentException.class, () -> tx.sendModify(throwing)));
        assertSame(thrown, assertThrows(IllegalArgumentException.class, () -> tx.sendIfModified(throwing)));
        assertUnchangedAndWorking(tx, rx, 1, 1L, false, 1, 1);
        // Without receivers too: nothing is stored.
        final Watch.Sender<Integer> lonely = Watch.sender(0);
        assertNpeNaming("returned null", () -> lonely.sendModify(toNull));
        assertEquals(0, lonely.borrow());
        assertEquals(0L, version(lonely));
    }

    // ------------------------------------------------------------------ the channel record

    @Test
    @Covers({"Watch.Channel#new(Watch.Sender,Watch.Receiver)", "Watch.Channel#sender()", "Watch.Channel#receiver()"})
    void theChannelRecordRejectsNullHandles() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        assertNpeNaming("sender", () -> new Watch.Channel<>(null, ch.receiver()));
        assertNpeNaming("receiver", () -> new Watch.Channel<>(ch.sender(), null));
        final Watch.Channel<Integer> copy = new Watch.Channel<>(ch.sender(), ch.receiver());
        assertSame(ch.sender(), copy.sender());
        assertSame(ch.receiver(), copy.receiver());
        assertUnchangedAndWorking(copy.sender(), copy.receiver(), 0, 0L, true, 1, 1);
    }
}
