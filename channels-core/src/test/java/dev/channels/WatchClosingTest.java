package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.MpscTestSupport.forkVoid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing: the last sender closes the channel for the receivers (who still get an unseen value);
 * the last receiver's close is reported to the senders, and a subscribe reopens.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchClosingTest {

    // ------------------------------------------------------------------ receivers after the last sender

    @Test
    void changedReportsAnUnseenValueAfterCloseThenFalse() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.close();
        assertTrue(rx.isClosed());
        assertTrue(rx.changed(), "the unseen value comes first, even though the channel is closed");
        assertEquals(1, rx.borrowAndUpdate());
        assertFalse(rx.changed(), "then the end");
        assertFalse(rx.changed(), "and the end again");
        assertEquals(1, rx.borrow(), "the last value stays readable");
    }

    @Test
    void theTimedAndAsyncChangedAlsoReportAnUnseenValueAfterClose() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> timed = ch.receiver();
        final Watch.Receiver<Integer> async = timed.duplicate();
        tx.send(1);
        tx.close();
        assertTrue(timed.changed(Duration.ZERO));
        assertFalse(timed.changed(Duration.ZERO), "closed and seen: false, not a timeout");
        assertFalse(timed.changed(Duration.ofMinutes(5)));
        final CompletableFuture<Boolean> first = async.changedAsync();
        assertTrue(first.isDone());
        assertTrue(await(first));
        final CompletableFuture<Boolean> second = async.changedAsync();
        assertTrue(second.isDone());
        assertFalse(await(second));
    }

    @Test
    void changedAfterCloseWithTheInitialValueSeenIsFalse() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        ch.sender().close();
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertFalse(rx.changed());
        assertEquals(0, rx.borrow());
    }

    @Test
    void markChangedAfterCloseDeliversTheValueOnceMore() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().close();
        assertFalse(rx.changed());
        rx.markChanged();
        assertTrue(rx.changed());
        assertFalse(rx.changed());
    }

    @Test
    void hasChangedThrowsOnceClosedEvenWithAnUnseenValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertTrue(rx.hasChanged());
        tx.close();
        assertThrows(ChannelClosedException.class, rx::hasChanged);
        assertThrows(ChannelClosedException.class, rx::hasChanged, "and again: it marks nothing");
        assertTrue(rx.changed(), "the value hasChanged refused to report is still unseen");
        assertEquals(1, rx.borrowAndUpdate());
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, rx::hasChanged);
        assertFalse(e.hasValue());
    }

    @Test
    void hasChangedThrowsOnceClosedWithTheValueSeen() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().close();
        assertThrows(ChannelClosedException.class, rx::hasChanged);
    }

    @Test
    void aValueSentJustBeforeTheCloseIsDeliveredToAWaitingReceiver() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<List<Integer>> reader = fork("reader", () -> {
            final List<Integer> got = new ArrayList<>();
            while (rx.changed()) {
                got.add(rx.borrowAndUpdate());
            }
            return got;
        });
        awaitParkedInChannel(reader.thread);
        tx.send(1);
        tx.close();
        final List<Integer> got = reader.join();
        assertFalse(got.isEmpty());
        assertEquals(1, got.get(got.size() - 1), "the last value is seen before the end");
    }

    @Test
    void theLastSendersCloseWakesEveryBlockedReceiverWithFalse() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Sender<Integer> tx2 = tx.duplicate();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Forked<Boolean>> readers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            final Watch.Receiver<Integer> mine = rx.duplicate();
            readers.add(i % 2 == 0
                    ? fork("reader " + i, mine::changed)
                    : fork("timed reader " + i, () -> mine.changed(Duration.ofMinutes(5))));
        }
        for (Forked<Boolean> r : readers) {
            awaitParkedInChannel(r.thread);
        }
        tx.close();
        assertFalse(rx.isClosed(), "another sender is open");
        assertEquals(1, tx2.senderCount());
        for (Forked<Boolean> r : readers) {
            assertFalse(r.isDone(), "closing one of two senders wakes nobody for good");
        }
        tx2.close();
        assertTrue(rx.isClosed());
        for (Forked<Boolean> r : readers) {
            assertFalse(r.join(), r.thread.getName() + ": closed with the value seen");
        }
    }

    @Test
    void theLastSendersCloseCompletesPendingAsyncWaits() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Watch.Receiver<Integer> rx2 = rx.duplicate();
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CompletableFuture<Boolean> changed = rx.changedAsync();
        final CompletableFuture<Boolean> observed = changed.thenApply(b -> {
            ranOn.set(Thread.currentThread());
            return b;
        });
        final CompletableFuture<Integer> waitFor = rx2.waitForAsync(v -> v > 10);
        assertFalse(changed.isDone());
        assertFalse(waitFor.isDone());
        final Forked<Thread> closer = fork("closer", () -> {
            tx.close();
            return Thread.currentThread();
        });
        final Thread closerThread = closer.join();
        assertFalse(await(observed));
        assertSame(closerThread, ranOn.get(), "continuations of a wait run on the closing thread");
        assertTrue(waitFor.isCompletedExceptionally());
        final Throwable failure = MpscTestSupport.awaitFailure(waitFor);
        assertTrue(failure instanceof ChannelClosedException, "failed with " + failure);
    }

    @Test
    void blockedWaitForThrowsWhenTheLastSenderCloses() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> waiter = fork("waitFor", () -> rx.waitFor(v -> v > 10));
        awaitParkedInChannel(waiter.thread);
        ch.sender().close();
        final Throwable t = waiter.joinFailure();
        assertTrue(t instanceof ChannelClosedException, "failed with " + t);
    }

    @Test
    void closingASenderTwiceCountsOnce() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Sender<Integer> tx2 = tx.duplicate();
        assertEquals(2, tx.senderCount());
        tx.close();
        tx.close();
        assertEquals(1, tx2.senderCount());
        assertFalse(ch.receiver().isClosed());
        tx2.send(1);
        tx2.close();
        assertEquals(0, tx2.senderCount());
        assertEquals(0, tx.senderCount(), "counts are readable from a closed handle");
        assertTrue(ch.receiver().isClosed());
    }

    @Test
    void aDuplicateSenderKeepsTheChannelOpen() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Watch.Sender<Integer> dup = tx.duplicate();
        assertTrue(tx.sameChannel(dup));
        assertEquals(2, tx.senderCount());
        tx.close();
        assertFalse(rx.isClosed());
        assertFalse(rx.hasChanged(), "still open: hasChanged answers");
        dup.send(5);
        assertTrue(rx.changed());
        assertEquals(5, rx.borrowAndUpdate());
        final Watch.Sender<Integer> dup2 = dup.duplicate();
        dup.close();
        assertEquals(1, dup2.senderCount());
        dup2.close();
        assertFalse(rx.changed());
    }

    @Test
    void receiversCreatedAfterTheCloseSeeItToo() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Watch.Receiver<Integer> sub = tx.subscribe();
        tx.send(1);
        tx.close();
        final Watch.Receiver<Integer> dup = rx.duplicate();
        assertTrue(dup.isClosed());
        assertTrue(dup.changed(), "the duplicate copied the unseen state");
        assertFalse(dup.changed());
        assertTrue(sub.changed());
        assertFalse(sub.changed());
    }

    // ------------------------------------------------------------------ senders after the last receiver

    @Test
    void closingReceiversNeverClosesTheChannelForReceivers() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Watch.Receiver<Integer> other = rx.duplicate();
        other.close();
        assertFalse(rx.isClosed());
        assertFalse(tx.isClosed());
        tx.send(1);
        assertTrue(rx.changed());
    }

    @Test
    void senderClosedCompletesWhenTheLastReceiverCloses() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Watch.Receiver<Integer> dup = rx.duplicate();
        final Watch.Receiver<Integer> sub = tx.subscribe();
        assertEquals(3, tx.receiverCount());
        final CompletableFuture<Void> closed = tx.closed().toCompletableFuture();
        assertFalse(closed.isDone());
        assertFalse(tx.isClosed());
        rx.close();
        rx.close(); // idempotent
        assertEquals(2, tx.receiverCount());
        sub.close();
        assertEquals(1, tx.receiverCount());
        assertFalse(closed.isDone());
        assertFalse(tx.isClosed());
        dup.close();
        assertEquals(0, tx.receiverCount());
        assertTrue(tx.isClosed());
        assertNull(await(closed));
        assertTrue(tx.closed().toCompletableFuture().isDone(), "already complete when no receiver is open");
        assertTrue(tx.awaitClosed(Duration.ZERO));
        tx.awaitClosed();
    }

    @Test
    void awaitClosedReturnsWhenTheLastReceiverCloses() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        assertFalse(tx.awaitClosed(Duration.ofMillis(10)), "a receiver is open");
        assertFalse(tx.awaitClosed(Duration.ZERO));
        final Forked<Void> untimed = forkVoid("awaitClosed", tx::awaitClosed);
        final Forked<Boolean> timed = fork("awaitClosed(timeout)", () -> tx.awaitClosed(Duration.ofMinutes(5)));
        assertFalse(untimed.isDone());
        rx.close();
        untimed.join();
        assertTrue(timed.join());
    }

    @Test
    void aSenderWithoutReceiversIsClosedFromTheStart() throws Exception {
        final Watch.Sender<Integer> tx = Watch.sender(0);
        assertTrue(tx.isClosed());
        assertEquals(0, tx.receiverCount());
        assertEquals(1, tx.senderCount());
        assertTrue(tx.closed().toCompletableFuture().isDone());
        assertTrue(tx.awaitClosed(Duration.ZERO));
    }

    @Test
    void subscribeReopensAndClosedWaitsForTheNextLastReceiver() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final CompletableFuture<Void> firstClose = tx.closed().toCompletableFuture();
        ch.receiver().close();
        assertNull(await(firstClose));
        assertTrue(tx.isClosed());

        final Watch.Receiver<Integer> again = tx.subscribe();
        assertFalse(tx.isClosed(), "subscribe reopened the channel");
        assertEquals(1, tx.receiverCount());
        final CompletableFuture<Void> secondClose = tx.closed().toCompletableFuture();
        assertFalse(secondClose.isDone(), "the next close is a new event");
        tx.send(1);
        assertTrue(again.changed());
        again.close();
        assertNull(await(secondClose));
        assertTrue(tx.isClosed());
        assertThrows(ChannelClosedException.class, () -> tx.send(2));
    }

    @Test
    void eachClosedStageIsIndependent() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final CompletableFuture<Void> a = tx.closed().toCompletableFuture();
        final CompletableFuture<Void> b = tx.closed().toCompletableFuture();
        assertTrue(a.cancel(false));
        assertTrue(a.isCancelled());
        assertFalse(b.isDone(), "cancelling one stage does not complete another");
        assertTrue(b.complete(null));
        final CompletableFuture<Void> c = tx.closed().toCompletableFuture();
        assertFalse(c.isDone(), "completing a stage from outside does not complete the channel's");
        assertFalse(tx.awaitClosed(Duration.ZERO));
        assertFalse(tx.isClosed());
        ch.receiver().close();
        assertNull(await(c));
        assertTrue(tx.isClosed());
    }

    @Test
    void closedStagesFromDuplicateSendersAllComplete() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Sender<Integer> dup = tx.duplicate();
        final CompletableFuture<Void> a = tx.closed().toCompletableFuture();
        final CompletableFuture<Void> b = dup.closed().toCompletableFuture();
        ch.receiver().close();
        assertNull(await(a));
        assertNull(await(b));
        assertTrue(dup.isClosed());
    }

    @Test
    void closingTheLastSenderDoesNotCompleteClosed() {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Sender<Integer> dup = tx.duplicate();
        final CompletableFuture<Void> closed = dup.closed().toCompletableFuture();
        tx.close();
        dup.close();
        assertFalse(closed.isDone(), "closed() is about receivers");
        assertEquals(1, dup.receiverCount());
        ch.receiver().close();
        assertTrue(closed.isDone());
    }
}
