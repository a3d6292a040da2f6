package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.OneshotTestSupport.assertEveryReceiveIsClosed;
import static dev.channels.OneshotTestSupport.assertNothingYet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The single-threaded contract of {@link Oneshot}: each form of send and receive, closing either
 * side, misuse, and the state queries in every state.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OneshotBasicTest {

    // ------------------------------------------------------------------ send, then receive

    @Test
    void sendThenRecv() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        ch.sender().send("hello");
        assertEquals("hello", ch.receiver().recv());
    }

    @Test
    void sendThenTimedRecv() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        ch.sender().send("hello");
        assertEquals("hello", ch.receiver().recv(Duration.ofMinutes(5)));
    }

    @Test
    void sendThenTimedRecvWithZeroOrNegativeTimeoutTakesAReadyValue() throws Exception {
        final Oneshot.Channel<String> a = Oneshot.channel();
        a.sender().send("a");
        assertEquals("a", a.receiver().recv(Duration.ZERO));
        final Oneshot.Channel<String> b = Oneshot.channel();
        b.sender().send("b");
        assertEquals("b", b.receiver().recv(Duration.ofSeconds(-1)));
    }

    @Test
    void sendThenTryRecv() {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        ch.sender().send("hello");
        assertEquals("hello", ch.receiver().tryRecv());
    }

    @Test
    void sendThenRecvAsyncIsAlreadyComplete() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        ch.sender().send("hello");
        final CompletableFuture<String> f = ch.receiver().recvAsync();
        assertTrue(f.isDone(), "the value was there: no need to wait");
        assertEquals("hello", f.getNow(null));
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void sendThenRecvAsyncWithExecutor() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        ch.sender().send("hello");
        assertEquals("hello", await(ch.receiver().recvAsync(Runnable::run)));
    }

    @Test
    void sendThenReceiverAsStage() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        ch.sender().send("hello");
        assertEquals(5, await(ch.receiver().thenApply(String::length)));
        assertEquals("hello", await(ch.receiver()), "the receiver itself completes with the value");
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void theValueIsTheSameObject() throws Exception {
        final Oneshot.Channel<List<Integer>> ch = Oneshot.channel();
        final List<Integer> sent = new ArrayList<>(List.of(1, 2, 3));
        ch.sender().send(sent);
        assertSame(sent, ch.receiver().recv());
    }

    @Test
    void aBlockingRecvWaitsForASendFromAnotherThread() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Integer> receiver = fork("receiver", ch.receiver()::recv);
        awaitParkedInChannel(receiver.thread);
        assertFalse(receiver.isDone());
        ch.sender().send(42);
        assertEquals(42, receiver.join());
        assertTrue(ch.receiver().isTerminated());
        assertTrue(ch.sender().isUsed());
    }

    @Test
    void aTimedRecvWaitsForASendFromAnotherThread() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Integer> receiver = fork("receiver", () -> ch.receiver().recv(Duration.ofMinutes(5)));
        awaitParkedInChannel(receiver.thread);
        ch.sender().send(42);
        assertEquals(42, receiver.join());
    }

    @Test
    void aSendFromAnotherThreadWhileTheReceiverWaits() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Void> sender = fork("sender", () -> {
            ch.sender().send(7);
            return null;
        });
        assertEquals(7, ch.receiver().recv());
        sender.join();
    }

    // ------------------------------------------------------------------ sender closes without sending

    @Test
    void senderCloseWithoutSendingClosesEveryFormOfReceive() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().close();
        assertTrue(ch.sender().isUsed());
        assertFalse(ch.sender().isClosed(), "the receiver did not close");
        assertEveryReceiveIsClosed(ch.receiver());
        // and it stays so
        assertThrows(ChannelClosedException.class, ch.receiver()::tryRecv);
    }

    @Test
    void theReceiveExceptionCarriesNoValue() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().close();
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, ch.receiver()::recv);
        assertFalse(e.hasValue());
        assertNull(e.value());
    }

    @Test
    void senderCloseWakesAWaitingBlockingRecv() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Integer> receiver = fork("receiver", ch.receiver()::recv);
        awaitParkedInChannel(receiver.thread);
        ch.sender().close();
        assertTrue(receiver.joinFailure() instanceof ChannelClosedException);
        assertFalse(ch.receiver().isTerminated());
    }

    @Test
    void senderCloseWakesAWaitingTimedRecv() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Integer> receiver = fork("receiver", () -> ch.receiver().recv(Duration.ofMinutes(5)));
        awaitParkedInChannel(receiver.thread);
        ch.sender().close();
        assertTrue(receiver.joinFailure() instanceof ChannelClosedException);
    }

    @Test
    void senderCloseFailsAWaitingRecvAsync() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        assertFalse(f.isDone());
        ch.sender().close();
        assertTrue(MpscTestSupport.awaitFailure(f) instanceof ChannelClosedException);
    }

    @Test
    void senderCloseIsIdempotentAndDoesNothingAfterASend() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(1);
        ch.sender().close();
        ch.sender().close();
        assertEquals(1, ch.receiver().recv(), "a close after the send does not withdraw the value");

        final Oneshot.Channel<Integer> other = Oneshot.channel();
        other.sender().close();
        other.sender().close();
        assertThrows(ChannelClosedException.class, other.receiver()::tryRecv);
    }

    @Test
    void senderWorksWithTryWithResources() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        try (Oneshot.Sender<Integer> tx = ch.sender()) {
            tx.send(3);
        }
        assertEquals(3, ch.receiver().recv());

        final Oneshot.Channel<Integer> abandoned = Oneshot.channel();
        try (Oneshot.Sender<Integer> tx = abandoned.sender()) {
            assertFalse(tx.isUsed());
        }
        assertThrows(ChannelClosedException.class, abandoned.receiver()::recv);
    }

    // ------------------------------------------------------------------ receiver closes

    @Test
    void receiverCloseMakesALaterSendFailAndHandsTheValueBack() {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        ch.receiver().close();
        assertTrue(ch.sender().isClosed());
        assertFalse(ch.sender().isUsed(), "the sender has not tried yet");
        final String value = "not wanted";
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.sender().send(value));
        assertTrue(e.hasValue());
        final String back = e.value();
        assertSame(value, back);
        assertTrue(ch.sender().isUsed(), "a failed send uses the sender up");
        assertTrue(ch.sender().isClosed());
    }

    @Test
    void receiverCloseCompletesTheSendersClosedSignals() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final Oneshot.Sender<String> tx = ch.sender();
        final CompletableFuture<Void> before = tx.closed().toCompletableFuture();
        assertFalse(tx.isClosed());
        assertFalse(before.isDone());
        assertFalse(tx.awaitClosed(Duration.ZERO), "not closed yet");
        assertFalse(tx.awaitClosed(Duration.ofMillis(1)), "not closed yet");
        final Forked<Void> waiter = fork("awaitClosed", () -> {
            tx.awaitClosed();
            return null;
        });
        final Forked<Boolean> timedWaiter = fork("awaitClosed(timeout)", () -> tx.awaitClosed(Duration.ofMinutes(5)));
        ch.receiver().close();
        assertTrue(tx.isClosed());
        assertNull(before.get(GUARD_SECONDS, TimeUnit.SECONDS));
        waiter.join();
        assertTrue(timedWaiter.join());
        assertTrue(tx.closed().toCompletableFuture().isDone(), "a stage asked for after the close is complete");
        assertTrue(tx.awaitClosed(Duration.ZERO));
        tx.awaitClosed(); // returns at once
    }

    @Test
    void closedStagesAreIndependentCopies() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final Oneshot.Sender<String> tx = ch.sender();
        final CompletableFuture<Void> cancelled = tx.closed().toCompletableFuture();
        final CompletableFuture<Void> kept = tx.closed().toCompletableFuture();
        assertTrue(cancelled.cancel(true));
        assertFalse(kept.isDone(), "cancelling one stage affects no one else");
        ch.receiver().close();
        assertNull(kept.get(GUARD_SECONDS, TimeUnit.SECONDS));
        assertTrue(tx.awaitClosed(Duration.ZERO));
    }

    @Test
    void closedContinuationsRunOnTheClosingThread() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final CompletableFuture<Thread> ranOn = ch.sender().closed()
                .thenApply(ignored -> Thread.currentThread()).toCompletableFuture();
        final Forked<Thread> closer = fork("closer", () -> {
            ch.receiver().close();
            return Thread.currentThread();
        });
        assertSame(closer.join(), ranOn.get(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void aValueSentBeforeTheReceiverClosesIsStillReceived() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(5);
        ch.receiver().close();
        assertTrue(ch.sender().isClosed());
        assertFalse(ch.receiver().isEmpty(), "the value is still there");
        assertEquals(5, ch.receiver().recv());
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void aValueSentBeforeTheReceiverClosesIsStillReceivedByEveryForm() throws Exception {
        final Oneshot.Channel<Integer> a = Oneshot.channel();
        a.sender().send(1);
        a.receiver().close();
        assertEquals(1, a.receiver().tryRecv());

        final Oneshot.Channel<Integer> b = Oneshot.channel();
        b.sender().send(2);
        b.receiver().close();
        assertEquals(2, b.receiver().recv(Duration.ZERO));

        final Oneshot.Channel<Integer> c = Oneshot.channel();
        c.sender().send(3);
        c.receiver().close();
        assertEquals(3, await(c.receiver().recvAsync()));

        final Oneshot.Channel<Integer> d = Oneshot.channel();
        d.sender().send(4);
        d.receiver().close();
        assertEquals(5, (int) await(d.receiver().thenApply(v -> v + 1)));
    }

    @Test
    void receiverCloseWithoutAValueClosesEveryFormOfReceive() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.receiver().close();
        assertEveryReceiveIsClosed(ch.receiver());
    }

    @Test
    void receiverCloseWakesAWaitingRecvWithChannelClosed() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Integer> receiver = fork("receiver", ch.receiver()::recv);
        awaitParkedInChannel(receiver.thread);
        ch.receiver().close(); // from another thread than the one receiving
        assertTrue(receiver.joinFailure() instanceof ChannelClosedException);
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.sender().send(9));
        assertEquals(9, (Integer) e.value());
    }

    @Test
    void receiverCloseFailsAWaitingRecvAsync() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        ch.receiver().close();
        assertTrue(MpscTestSupport.awaitFailure(f) instanceof ChannelClosedException);
        assertThrows(ChannelClosedException.class, () -> ch.sender().send(9));
    }

    @Test
    void receiverCloseIsIdempotent() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.receiver().close();
        ch.receiver().close();
        assertTrue(ch.sender().isClosed());
        assertThrows(ChannelClosedException.class, () -> ch.sender().send(1));
        ch.receiver().close();
        assertThrows(ChannelClosedException.class, ch.receiver()::tryRecv);
    }

    @Test
    void receiverCloseAfterTheValueWasReceivedChangesNothingForTheReceiver() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(1);
        assertEquals(1, ch.receiver().recv());
        ch.receiver().close();
        assertTrue(ch.receiver().isTerminated());
        assertThrows(IllegalStateException.class, ch.receiver()::tryRecv, "still 'already received'");
    }

    @Test
    void receiverCloseAfterTheSenderClosedKeepsTheChannelClosed() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().close();
        ch.receiver().close();
        assertTrue(ch.sender().isClosed());
        assertTrue(ch.sender().awaitClosed(Duration.ZERO));
        assertThrows(ChannelClosedException.class, ch.receiver()::recv);
        assertThrows(IllegalStateException.class, () -> ch.sender().send(1), "the sender was closed: used");
    }

    @Test
    void receiverWorksWithTryWithResources() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        try (Oneshot.Receiver<Integer> rx = ch.receiver()) {
            assertNull(rx.tryRecv());
        }
        assertThrows(ChannelClosedException.class, () -> ch.sender().send(1));
    }

    // ------------------------------------------------------------------ misuse of the sender

    @Test
    void aSecondSendAfterASuccessThrowsIllegalState() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(1);
        assertThrows(IllegalStateException.class, () -> ch.sender().send(2));
        assertEquals(1, ch.receiver().recv(), "the second value did not replace the first");
        assertThrows(IllegalStateException.class, () -> ch.sender().send(3), "also after the value was taken");
    }

    @Test
    void aSecondSendAfterAFailureThrowsIllegalState() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.receiver().close();
        assertThrows(ChannelClosedException.class, () -> ch.sender().send(1));
        assertThrows(IllegalStateException.class, () -> ch.sender().send(2));
    }

    @Test
    void aSendAfterTheSendersCloseThrowsIllegalState() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().close();
        assertThrows(IllegalStateException.class, () -> ch.sender().send(1));
        assertThrows(ChannelClosedException.class, ch.receiver()::tryRecv, "no value went through");
    }

    @Test
    void aSendAfterTheSendersCloseThrowsIllegalStateEvenIfTheReceiverClosedToo() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.receiver().close();
        ch.sender().close();
        assertThrows(IllegalStateException.class, () -> ch.sender().send(1),
                "a closed sender is used up, whatever the receiver did");
    }

    @Test
    void aNullValueThrowsNullPointerAndTheSenderStaysUsable() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertThrows(NullPointerException.class, () -> ch.sender().send(null));
        assertFalse(ch.sender().isUsed());
        assertNothingYet(ch.receiver());
        ch.sender().send(8);
        assertEquals(8, ch.receiver().recv());
    }

    @Test
    void aNullValueThrowsNullPointerEvenWhenTheReceiverClosed() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.receiver().close();
        assertThrows(NullPointerException.class, () -> ch.sender().send(null));
        assertFalse(ch.sender().isUsed());
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.sender().send(8));
        assertEquals(8, (Integer) e.value());
    }

    @Test
    void aNullValueDoesNotWakeAWaitingReceiver() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        assertThrows(NullPointerException.class, () -> ch.sender().send(null));
        assertFalse(f.isDone());
        ch.sender().send(8);
        assertEquals(8, await(f));
    }

    // ------------------------------------------------------------------ misuse of the receiver

    @Test
    void tryRecvOnAnEmptyChannelReturnsNullAndTheReceiverStaysUsable() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertNull(ch.receiver().tryRecv());
        assertNull(ch.receiver().tryRecv());
        assertFalse(ch.receiver().isTerminated());
        ch.sender().send(1);
        assertEquals(1, ch.receiver().tryRecv());
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void everyReceiveAfterTheValueWasTakenThrowsIllegalState() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        assertEquals(1, rx.tryRecv());
        assertThrows(IllegalStateException.class, rx::tryRecv);
        assertThrows(IllegalStateException.class, rx::recv);
        assertThrows(IllegalStateException.class, () -> rx.recv(Duration.ofMinutes(5)));
        assertThrows(IllegalStateException.class, () -> rx.recv(Duration.ZERO));
        assertThrows(IllegalStateException.class, rx::recvAsync);
        assertThrows(IllegalStateException.class, () -> rx.recvAsync(Runnable::run));
        // The receiver as a stage starts its receive now: it fails the same way.
        final Throwable stageFailure = MpscTestSupport.awaitFailure(rx.thenApply(v -> v));
        assertTrue(OneshotTestSupport.unwrap(stageFailure) instanceof IllegalStateException, stageFailure.toString());
        assertTrue(rx.isTerminated());
    }

    @Test
    void aSecondReceiveAfterEachFormOfReceiveThrowsIllegalState() throws Exception {
        final Oneshot.Channel<Integer> a = Oneshot.channel();
        a.sender().send(1);
        assertEquals(1, a.receiver().recv());
        assertThrows(IllegalStateException.class, a.receiver()::recv);

        final Oneshot.Channel<Integer> b = Oneshot.channel();
        b.sender().send(1);
        assertEquals(1, b.receiver().recv(Duration.ofMinutes(5)));
        assertThrows(IllegalStateException.class, b.receiver()::recv);

        final Oneshot.Channel<Integer> c = Oneshot.channel();
        final CompletableFuture<Integer> pending = c.receiver().recvAsync();
        c.sender().send(1);
        assertEquals(1, await(pending));
        assertThrows(IllegalStateException.class, c.receiver()::recv);

        final Oneshot.Channel<Integer> d = Oneshot.channel();
        final CompletableFuture<Integer> stage = d.receiver().toCompletableFuture();
        d.sender().send(1);
        assertEquals(1, await(stage));
        assertThrows(IllegalStateException.class, d.receiver()::tryRecv);
        assertThrows(IllegalStateException.class, d.receiver()::recvAsync);
    }

    @Test
    void aReceiveOnAClosedChannelCanBeRepeated() throws Exception {
        // Unlike a taken value, a closure is reported again and again (it is a run-time state).
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().close();
        for (int i = 0; i < 3; i++) {
            assertThrows(ChannelClosedException.class, ch.receiver()::recv);
            assertThrows(ChannelClosedException.class, ch.receiver()::tryRecv);
        }
    }

    @Test
    void aTimedRecvRejectsANullTimeout() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertThrows(NullPointerException.class, () -> ch.receiver().recv(null));
        ch.sender().send(1);
        assertEquals(1, ch.receiver().tryRecv(), "the failed call took nothing");
    }

    @Test
    void awaitClosedRejectsANullTimeout() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertThrows(NullPointerException.class, () -> ch.sender().awaitClosed(null));
    }

    // ------------------------------------------------------------------ timed receive

    @Test
    void aTimedRecvThatTimesOutTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofMillis(20)));
        assertNothingYet(rx);
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ZERO));
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofSeconds(-5)));
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofNanos(1)));
        assertNothingYet(rx);
        assertFalse(ch.sender().isUsed());
        ch.sender().send(4);
        assertEquals(4, rx.recv(Duration.ofMinutes(5)), "the receiver is still usable");
    }

    @Test
    void aTimedRecvThatTimedOutLeavesNoWaiterBehind() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofMillis(5)));
        // A waiter left behind would make the next receive a "concurrent" one.
        final CompletableFuture<Integer> f = rx.recvAsync();
        ch.sender().send(4);
        assertEquals(4, await(f));
    }

    @Test
    void aHugeTimeoutIsAccepted() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Integer> receiver = fork("receiver", () -> ch.receiver().recv(Duration.ofSeconds(Long.MAX_VALUE)));
        awaitParkedInChannel(receiver.thread);
        ch.sender().send(1);
        assertEquals(1, receiver.join());
    }

    // ------------------------------------------------------------------ state queries

    @Test
    void statesOfAFreshChannel() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertTrue(ch.receiver().isEmpty());
        assertFalse(ch.receiver().isTerminated());
        assertFalse(ch.sender().isUsed());
        assertFalse(ch.sender().isClosed());
    }

    @Test
    void statesWithAValueWaiting() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(1);
        assertFalse(ch.receiver().isEmpty());
        assertFalse(ch.receiver().isTerminated());
        assertTrue(ch.sender().isUsed());
        assertFalse(ch.sender().isClosed());
    }

    @Test
    void statesAfterTheValueWasReceived() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(1);
        assertEquals(1, ch.receiver().tryRecv());
        assertTrue(ch.receiver().isEmpty());
        assertTrue(ch.receiver().isTerminated());
        assertTrue(ch.sender().isUsed());
        assertFalse(ch.sender().isClosed());
    }

    @Test
    void statesAfterTheSenderClosed() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().close();
        assertTrue(ch.receiver().isEmpty());
        assertFalse(ch.receiver().isTerminated(), "as in Tokio: a closure alone does not terminate");
        assertTrue(ch.sender().isUsed());
        assertFalse(ch.sender().isClosed());
        assertThrows(ChannelClosedException.class, ch.receiver()::tryRecv);
        assertFalse(ch.receiver().isTerminated(), "the javadoc: terminated means the value was received");
    }

    @Test
    void statesAfterTheReceiverClosedWithoutAValue() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.receiver().close();
        assertTrue(ch.receiver().isEmpty());
        assertFalse(ch.receiver().isTerminated());
        assertFalse(ch.sender().isUsed());
        assertTrue(ch.sender().isClosed());
    }

    @Test
    void statesAfterTheReceiverClosedWithAValueWaiting() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(1);
        ch.receiver().close();
        assertFalse(ch.receiver().isEmpty());
        assertFalse(ch.receiver().isTerminated());
        assertTrue(ch.sender().isUsed());
        assertTrue(ch.sender().isClosed());
    }

    @Test
    void statesAfterAFailedSend() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.receiver().close();
        assertThrows(ChannelClosedException.class, () -> ch.sender().send(1));
        assertTrue(ch.receiver().isEmpty());
        assertFalse(ch.receiver().isTerminated());
        assertTrue(ch.sender().isUsed());
        assertTrue(ch.sender().isClosed());
    }

    @Test
    void statesWhileAReceiveWaits() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        assertTrue(ch.receiver().isEmpty());
        assertFalse(ch.receiver().isTerminated());
        assertFalse(ch.sender().isUsed());
        assertFalse(ch.sender().isClosed());

        final Oneshot.Channel<Integer> blocking = Oneshot.channel();
        final Forked<Integer> receiver = fork("receiver", blocking.receiver()::recv);
        awaitParkedInChannel(receiver.thread);
        assertTrue(blocking.receiver().isEmpty());
        assertFalse(blocking.receiver().isTerminated());
        assertFalse(blocking.sender().isUsed());
        assertFalse(blocking.sender().isClosed());

        ch.sender().send(1);
        blocking.sender().send(2);
        assertEquals(1, await(f));
        assertEquals(2, receiver.join());
    }

    @Test
    void toStringsDescribeTheState() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertNotNull(ch.sender().toString());
        final String empty = ch.receiver().toString();
        ch.sender().send(1);
        final String ready = ch.receiver().toString();
        assertEquals(1, ch.receiver().tryRecv());
        final String received = ch.receiver().toString();
        assertTrue(empty.contains("empty"), empty);
        assertTrue(ready.contains("ready"), ready);
        assertTrue(received.contains("received"), received);
        assertTrue(ch.sender().toString().contains("used=true"), ch.sender().toString());
    }

    @Test
    void channelRecordHoldsBothEnds() {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertNotNull(ch.sender());
        assertNotNull(ch.receiver());
        assertEquals(ch, new Oneshot.Channel<>(ch.sender(), ch.receiver()));
        final Oneshot.Channel<Integer> other = Oneshot.channel();
        assertFalse(ch.receiver() == other.receiver());
        other.sender().send(2);
        assertNull(ch.receiver().tryRecv(), "channels are independent");
    }

    // ------------------------------------------------------------------ memory consistency

    /** A value with plain fields: written before the send, read after the receive. */
    private static final class Plain {
        int a;
        long b;
        String c;
    }

    @Test
    void writesBeforeTheSendAreVisibleAfterTheReceive() throws Exception {
        for (int round = 0; round < 200; round++) {
            final Oneshot.Channel<Plain> ch = Oneshot.channel();
            final int r = round;
            final Forked<Void> sender = fork("sender", () -> {
                final Plain p = new Plain();
                p.a = r;
                p.b = r * 3L;
                p.c = "v" + r;
                ch.sender().send(p);
                return null;
            });
            final Plain got = ch.receiver().recv();
            assertEquals(r, got.a);
            assertEquals(r * 3L, got.b);
            assertEquals("v" + r, got.c);
            sender.join();
        }
    }
}
