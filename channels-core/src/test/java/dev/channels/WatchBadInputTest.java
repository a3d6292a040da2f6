package dev.channels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static dev.channels.MpscTestSupport.await;
import static dev.channels.WatchTestSupport.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Null arguments and use of closed handles get a clear exception at the call, and the channel is
 * unchanged: every test ends by checking the channel's state and that it still works.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchBadInputTest {

    private static final Executor DIRECT = Runnable::run;

    private static void assertNpeNaming(String argument, Executable call) {
        final NullPointerException e = assertThrows(NullPointerException.class, call);
        assertNotNull(e.getMessage(), "the exception names the argument");
        assertTrue(e.getMessage().contains(argument), "message names " + argument + ": " + e.getMessage());
    }

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

    @Test
    void aNullInitialValueIsRejected() {
        assertNpeNaming("initial", () -> Watch.channel(null));
        assertNpeNaming("initial", () -> Watch.sender(null));
    }

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

    @Test
    void aNullValueIsRejectedBeforeTheNoReceiverCheck() {
        final Watch.Sender<Integer> tx = Watch.sender(0);
        assertNpeNaming("value", () -> tx.send(null));
        assertEquals(0, tx.borrow());
        assertEquals(0L, version(tx));
    }

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

    @Test
    void aNullExecutorMeansTheCompletingThread() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        assertTrue(await(rx.changedAsync(null)));
        assertEquals(1, await(rx.waitForAsync(v -> v == 1, null)));
    }

    // ------------------------------------------------------------------ closed handles

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
            assertThrows(IllegalStateException.class, use);
        }
        rx.close(); // idempotent
        assertFalse(rx.isClosed(), "isClosed is about the senders, and may be asked of a closed handle");
        assertTrue(rx.sameChannel(other));
        assertNotNull(rx.toString());
        assertEquals(1, tx.receiverCount(), "no use of the closed handle added a receiver");
        assertUnchangedAndWorking(tx, other, 1, 1L, false, 1, 1);
    }

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
                tx::duplicate);
        for (Executable use : uses) {
            assertThrows(IllegalStateException.class, use);
        }
        tx.close(); // idempotent
        assertEquals(1, tx.senderCount(), "counts are readable from a closed handle; no use added a sender");
        assertEquals(1, tx.receiverCount(), "the failed subscribe added no receiver");
        assertFalse(tx.isClosed());
        assertFalse(rx.isClosed());
        assertTrue(tx.sameChannel(other));
        assertUnchangedAndWorking(other, rx, 1, 1L, false, 1, 1);
    }

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
}
