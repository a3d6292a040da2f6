package dev.channels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import static dev.channels.BadInputSupport.LONGEST;
import static dev.channels.BadInputSupport.MOST_NEGATIVE;
import static dev.channels.BadInputSupport.assertIllegalState;
import static dev.channels.BadInputSupport.assertNpeNaming;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitFailure;
import static dev.channels.OneshotTestSupport.assertEveryReceiveIsClosed;
import static dev.channels.OneshotTestSupport.assertNothingYet;
import static dev.channels.OneshotTestSupport.unwrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to a oneshot channel (null values and arguments, a sender used twice, a value received
 * twice, a receive while another waits) gets its documented exception at the call, and the channel
 * is unchanged: the value, if one was sent, is still received exactly once.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OneshotBadInputTest {

    private static final Executor DIRECT = Runnable::run;

    /** Nothing was sent or taken: the receiver is empty and usable, and a send still reaches it. */
    private static void assertUnchangedAndWorking(Oneshot.Sender<Integer> tx, Oneshot.Receiver<Integer> rx)
            throws Exception {
        assertFalse(tx.isUsed());
        assertFalse(tx.isClosed());
        assertNothingYet(rx);
        tx.send(4242);
        assertTrue(tx.isUsed());
        assertEquals(4242, rx.recv());
        assertTrue(rx.isTerminated());
    }

    /** The value is there and untaken, and the next receive gets it. */
    private static void assertValueStillThere(Oneshot.Receiver<Integer> rx, int value) throws Exception {
        assertFalse(rx.isEmpty(), "the value is waiting");
        assertFalse(rx.isTerminated(), "the value was not taken");
        assertEquals(value, rx.recv());
        assertTrue(rx.isTerminated());
    }

    // ------------------------------------------------------------------ the sender

    @Test
    @Covers({"Oneshot.Sender#send(Object)", "Oneshot.Sender#isUsed()"})
    void aNullValueLeavesTheSenderUsable() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertNpeNaming("value", () -> ch.sender().send(null));
        assertNpeNaming("value", () -> ch.sender().send(null));
        assertUnchangedAndWorking(ch.sender(), ch.receiver());
    }

    @Test
    @Covers({"Oneshot.Sender#send(Object)", "Oneshot.Sender#isUsed()", "Oneshot.Sender#close()"})
    void aSenderUsedTwiceIsRejectedAndTheFirstValueStays() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Sender<Integer> tx = ch.sender();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertIllegalState("already used", () -> tx.send(2));
        assertNpeNaming("value", () -> tx.send(null)); // the argument is checked first
        tx.close(); // does nothing after a send
        tx.close();
        assertTrue(tx.isUsed());
        assertIllegalState("already used", () -> tx.send(3));
        assertValueStillThere(rx, 1);
        assertIllegalState("already used", () -> tx.send(4), "after the receive too");
    }

    @Test
    @Covers({"Oneshot.Sender#close()", "Oneshot.Sender#send(Object)", "Oneshot.Sender#isUsed()",
            "Oneshot.Sender#isClosed()"})
    void aClosedSenderCannotSend() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Sender<Integer> tx = ch.sender();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        tx.close();
        tx.close(); // idempotent
        assertTrue(tx.isUsed());
        assertFalse(tx.isClosed(), "isClosed is about the receiver");
        assertIllegalState("already used", () -> tx.send(1));
        assertEveryReceiveIsClosed(rx);
    }

    @Test
    @Covers({"Oneshot.Sender#send(Object)", "Oneshot.Sender#isClosed()", "Oneshot.Sender#closed()",
            "Oneshot.Sender#awaitClosed()", "Oneshot.Sender#awaitClosed(Duration)", "Oneshot.Receiver#close()"})
    void aSendAfterTheReceiverClosedHandsTheValueBackOnce() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Sender<Integer> tx = ch.sender();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final CompletionStage<Void> closed = tx.closed();
        rx.close();
        rx.close(); // idempotent
        assertTrue(tx.isClosed());
        assertTrue(closed.toCompletableFuture().isDone());
        assertTrue(tx.closed().toCompletableFuture().isDone());
        tx.awaitClosed();
        assertTrue(tx.awaitClosed(Duration.ZERO));
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> tx.send(7));
        assertEquals(7, e.<Integer>value(), "the value is handed back");
        assertNotNull(e.getMessage());
        assertIllegalState("already used", () -> tx.send(8), "the sender is used up by the failed send");
        assertEveryReceiveIsClosed(rx);
    }

    @Test
    @Covers({"Oneshot.Receiver#close()", "Oneshot.Receiver#isEmpty()", "Oneshot.Receiver#isTerminated()"})
    void closingTheReceiverAfterTheSendKeepsTheValue() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(1);
        ch.receiver().close();
        assertTrue(ch.sender().isClosed(), "the receiver did close");
        assertValueStillThere(ch.receiver(), 1);
        ch.receiver().close();
        assertTrue(ch.receiver().isTerminated());
        assertTrue(ch.receiver().isEmpty());
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    @Covers({"Oneshot.Receiver#recv(Duration)", "Oneshot.Sender#awaitClosed(Duration)"})
    void aNullTimeoutIsRejectedAndTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertNpeNaming("timeout", () -> ch.receiver().recv(null));
        assertNpeNaming("timeout", () -> ch.sender().awaitClosed(null));
        assertUnchangedAndWorking(ch.sender(), ch.receiver());
        final Oneshot.Channel<Integer> sent = Oneshot.channel();
        sent.sender().send(1);
        assertNpeNaming("timeout", () -> sent.receiver().recv(null));
        assertValueStillThere(sent.receiver(), 1);
    }

    @Test
    @Covers({"Oneshot.Receiver#recv(Duration)", "Oneshot.Sender#awaitClosed(Duration)"})
    void zeroAndNegativeTimeoutsDoNotWaitAndHugeOnesDoNotOverflow() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Sender<Integer> tx = ch.sender();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), MOST_NEGATIVE)) {
            assertNotNull(assertThrows(TimeoutException.class, () -> rx.recv(d), d.toString()).getMessage());
            assertFalse(tx.awaitClosed(d), d.toString());
            assertNothingYet(rx);
        }
        tx.send(1);
        assertEquals(1, rx.recv(LONGEST), "a huge timeout that is not needed is not waited for");
        rx.close();
        assertTrue(tx.awaitClosed(LONGEST));
        assertTrue(tx.awaitClosed(MOST_NEGATIVE));
    }

    // ------------------------------------------------------------------ the receiver, misused

    @Test
    @Covers({"Oneshot.Receiver#recv()", "Oneshot.Receiver#recv(Duration)", "Oneshot.Receiver#tryRecv()",
            "Oneshot.Receiver#recvAsync()", "Oneshot.Receiver#recvAsync(Executor)", "Oneshot.Receiver#toCompletableFuture()",
            "Oneshot.Receiver#isTerminated()", "Oneshot.Receiver#isEmpty()"})
    void aValueReceivedOnceCannotBeReceivedAgain() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        assertEquals(1, rx.recv());
        final List<Executable> receives = List.of(
                rx::recv,
                () -> rx.recv(Duration.ZERO),
                () -> rx.recv(LONGEST),
                rx::tryRecv,
                rx::recvAsync,
                () -> rx.recvAsync(DIRECT),
                () -> rx.recvAsync(null));
        for (Executable receive : receives) {
            assertIllegalState("already received", receive);
        }
        // The receiver as a stage reports the misuse through the stage.
        final Throwable stage = unwrap(awaitFailure(rx.toCompletableFuture()));
        assertInstanceOf(IllegalStateException.class, stage);
        assertTrue(stage.getMessage().contains("already received"), stage.getMessage());
        assertTrue(rx.isTerminated());
        assertTrue(rx.isEmpty());
        assertTrue(ch.sender().isUsed());
        assertFalse(ch.sender().isClosed(), "misuse of the receiver does not close it");
    }

    @Test
    @Covers({"Oneshot.Receiver#recv()", "Oneshot.Receiver#recv(Duration)", "Oneshot.Receiver#tryRecv()",
            "Oneshot.Receiver#recvAsync()", "Oneshot.Receiver#recvAsync(Executor)"})
    void aReceiveWhileAnotherWaitsIsRejectedAndTheWaitingOneGetsTheValue() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> waiting = rx.recvAsync();
        final List<Executable> receives = List.of(
                rx::recv,
                () -> rx.recv(Duration.ZERO),
                () -> rx.recv(LONGEST),
                rx::tryRecv,
                rx::recvAsync,
                () -> rx.recvAsync(DIRECT));
        for (Executable receive : receives) {
            assertIllegalState("another receive", receive);
        }
        assertFalse(waiting.isDone());
        ch.sender().send(1);
        assertEquals(1, await(waiting));
        assertTrue(rx.isTerminated());
        // Once the waiting receive is cancelled, the receiver is usable again.
        final Oneshot.Channel<Integer> again = Oneshot.channel();
        final CompletableFuture<Integer> cancelled = again.receiver().recvAsync(DIRECT);
        assertTrue(cancelled.cancel(false));
        assertUnchangedAndWorking(again.sender(), again.receiver());
    }

    @Test
    @Covers({"Oneshot.Receiver#recvAsync(Executor)", "Oneshot.Receiver#recvAsync()"})
    void aNullExecutorMeansTheCompletingThread() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> pending = ch.receiver().recvAsync(null);
        final Thread sender = Thread.currentThread();
        final CompletableFuture<Thread> ranOn = pending.thenApply(v -> Thread.currentThread());
        ch.sender().send(1);
        assertEquals(1, await(pending));
        assertSame(sender, await(ranOn));
        final Oneshot.Channel<Integer> ready = Oneshot.channel();
        ready.sender().send(2);
        assertEquals(2, await(ready.receiver().recvAsync(null)));
        final Oneshot.Channel<Integer> plain = Oneshot.channel();
        plain.sender().send(3);
        assertEquals(3, await(plain.receiver().recvAsync()));
    }

    // ------------------------------------------------------------------ the receiver as a stage

    /**
     * Every stage method called with each of its arguments null in turn (the others valid), keyed
     * by "method: the argument that is null".
     */
    private static Map<String, Executable> stageCallsWithANull(Oneshot.Receiver<Integer> rx) {
        final Function<Integer, Integer> fn = v -> v;
        final Consumer<Integer> action = v -> { };
        final Runnable run = () -> { };
        final BiFunction<Integer, Integer, Integer> bifn = (a, b) -> a;
        final BiConsumer<Integer, Integer> biaction = (a, b) -> { };
        final BiFunction<Integer, Throwable, Integer> handler = (v, t) -> v;
        final BiConsumer<Integer, Throwable> whenDone = (v, t) -> { };
        final Function<Throwable, Integer> recover = t -> 0;
        final Function<Throwable, CompletionStage<Integer>> recoverWith = t -> CompletableFuture.completedFuture(0);
        final CompletionStage<Integer> other = new CompletableFuture<>();
        final Executor ex = DIRECT;
        final Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("thenApply: fn", () -> rx.thenApply(null));
        calls.put("thenApplyAsync: fn", () -> rx.thenApplyAsync(null));
        calls.put("thenApplyAsync(ex): fn", () -> rx.thenApplyAsync(null, ex));
        calls.put("thenApplyAsync(ex): executor", () -> rx.thenApplyAsync(fn, null));
        calls.put("thenAccept: action", () -> rx.thenAccept(null));
        calls.put("thenAcceptAsync: action", () -> rx.thenAcceptAsync(null));
        calls.put("thenAcceptAsync(ex): action", () -> rx.thenAcceptAsync(null, ex));
        calls.put("thenAcceptAsync(ex): executor", () -> rx.thenAcceptAsync(action, null));
        calls.put("thenRun: action", () -> rx.thenRun(null));
        calls.put("thenRunAsync: action", () -> rx.thenRunAsync(null));
        calls.put("thenRunAsync(ex): action", () -> rx.thenRunAsync(null, ex));
        calls.put("thenRunAsync(ex): executor", () -> rx.thenRunAsync(run, null));
        calls.put("thenCombine: other", () -> rx.thenCombine(null, bifn));
        calls.put("thenCombine: fn", () -> rx.thenCombine(other, null));
        calls.put("thenCombineAsync: other", () -> rx.thenCombineAsync(null, bifn));
        calls.put("thenCombineAsync: fn", () -> rx.thenCombineAsync(other, null));
        calls.put("thenCombineAsync(ex): other", () -> rx.thenCombineAsync(null, bifn, ex));
        calls.put("thenCombineAsync(ex): fn", () -> rx.thenCombineAsync(other, null, ex));
        calls.put("thenCombineAsync(ex): executor", () -> rx.thenCombineAsync(other, bifn, null));
        calls.put("thenAcceptBoth: other", () -> rx.thenAcceptBoth(null, biaction));
        calls.put("thenAcceptBoth: action", () -> rx.thenAcceptBoth(other, null));
        calls.put("thenAcceptBothAsync: other", () -> rx.thenAcceptBothAsync(null, biaction));
        calls.put("thenAcceptBothAsync: action", () -> rx.thenAcceptBothAsync(other, null));
        calls.put("thenAcceptBothAsync(ex): other", () -> rx.thenAcceptBothAsync(null, biaction, ex));
        calls.put("thenAcceptBothAsync(ex): action", () -> rx.thenAcceptBothAsync(other, null, ex));
        calls.put("thenAcceptBothAsync(ex): executor", () -> rx.thenAcceptBothAsync(other, biaction, null));
        calls.put("runAfterBoth: other", () -> rx.runAfterBoth(null, run));
        calls.put("runAfterBoth: action", () -> rx.runAfterBoth(other, null));
        calls.put("runAfterBothAsync: other", () -> rx.runAfterBothAsync(null, run));
        calls.put("runAfterBothAsync: action", () -> rx.runAfterBothAsync(other, null));
        calls.put("runAfterBothAsync(ex): other", () -> rx.runAfterBothAsync(null, run, ex));
        calls.put("runAfterBothAsync(ex): action", () -> rx.runAfterBothAsync(other, null, ex));
        calls.put("runAfterBothAsync(ex): executor", () -> rx.runAfterBothAsync(other, run, null));
        calls.put("applyToEither: other", () -> rx.applyToEither(null, fn));
        calls.put("applyToEither: fn", () -> rx.applyToEither(other, null));
        calls.put("applyToEitherAsync: other", () -> rx.applyToEitherAsync(null, fn));
        calls.put("applyToEitherAsync: fn", () -> rx.applyToEitherAsync(other, null));
        calls.put("applyToEitherAsync(ex): other", () -> rx.applyToEitherAsync(null, fn, ex));
        calls.put("applyToEitherAsync(ex): fn", () -> rx.applyToEitherAsync(other, null, ex));
        calls.put("applyToEitherAsync(ex): executor", () -> rx.applyToEitherAsync(other, fn, null));
        calls.put("acceptEither: other", () -> rx.acceptEither(null, action));
        calls.put("acceptEither: action", () -> rx.acceptEither(other, null));
        calls.put("acceptEitherAsync: other", () -> rx.acceptEitherAsync(null, action));
        calls.put("acceptEitherAsync: action", () -> rx.acceptEitherAsync(other, null));
        calls.put("acceptEitherAsync(ex): other", () -> rx.acceptEitherAsync(null, action, ex));
        calls.put("acceptEitherAsync(ex): action", () -> rx.acceptEitherAsync(other, null, ex));
        calls.put("acceptEitherAsync(ex): executor", () -> rx.acceptEitherAsync(other, action, null));
        calls.put("runAfterEither: other", () -> rx.runAfterEither(null, run));
        calls.put("runAfterEither: action", () -> rx.runAfterEither(other, null));
        calls.put("runAfterEitherAsync: other", () -> rx.runAfterEitherAsync(null, run));
        calls.put("runAfterEitherAsync: action", () -> rx.runAfterEitherAsync(other, null));
        calls.put("runAfterEitherAsync(ex): other", () -> rx.runAfterEitherAsync(null, run, ex));
        calls.put("runAfterEitherAsync(ex): action", () -> rx.runAfterEitherAsync(other, null, ex));
        calls.put("runAfterEitherAsync(ex): executor", () -> rx.runAfterEitherAsync(other, run, null));
        calls.put("thenCompose: fn", () -> rx.thenCompose(null));
        calls.put("thenComposeAsync: fn", () -> rx.thenComposeAsync(null));
        calls.put("thenComposeAsync(ex): fn", () -> rx.thenComposeAsync(null, ex));
        calls.put("thenComposeAsync(ex): executor",
                () -> rx.thenComposeAsync(v -> CompletableFuture.completedFuture(v), null));
        calls.put("handle: fn", () -> rx.handle(null));
        calls.put("handleAsync: fn", () -> rx.handleAsync(null));
        calls.put("handleAsync(ex): fn", () -> rx.handleAsync(null, ex));
        calls.put("handleAsync(ex): executor", () -> rx.handleAsync(handler, null));
        calls.put("whenComplete: action", () -> rx.whenComplete(null));
        calls.put("whenCompleteAsync: action", () -> rx.whenCompleteAsync(null));
        calls.put("whenCompleteAsync(ex): action", () -> rx.whenCompleteAsync(null, ex));
        calls.put("whenCompleteAsync(ex): executor", () -> rx.whenCompleteAsync(whenDone, null));
        calls.put("exceptionally: fn", () -> rx.exceptionally(null));
        calls.put("exceptionallyAsync: fn", () -> rx.exceptionallyAsync(null));
        calls.put("exceptionallyAsync(ex): fn", () -> rx.exceptionallyAsync(null, ex));
        calls.put("exceptionallyAsync(ex): executor", () -> rx.exceptionallyAsync(recover, null));
        calls.put("exceptionallyCompose: fn", () -> rx.exceptionallyCompose(null));
        calls.put("exceptionallyComposeAsync: fn", () -> rx.exceptionallyComposeAsync(null));
        calls.put("exceptionallyComposeAsync(ex): fn", () -> rx.exceptionallyComposeAsync(null, ex));
        calls.put("exceptionallyComposeAsync(ex): executor", () -> rx.exceptionallyComposeAsync(recoverWith, null));
        return calls;
    }

    private static int stageMethodsCovered() {
        try {
            return OneshotBadInputTest.class.getDeclaredMethod("aStageMethodGivenANullStartsNoReceiveAndTakesNoValue")
                    .getAnnotation(Covers.class).value().length;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertEveryStageCallRejectsItsNull(Oneshot.Receiver<Integer> rx, Runnable unchanged) {
        final Map<String, Executable> calls = stageCallsWithANull(rx);
        assertEquals(stageMethodsCovered(), calls.keySet().stream().map(k -> k.substring(0, k.indexOf(':'))).distinct().count(),
                "calls for every stage method that the test claims to cover");
        calls.forEach((what, call) -> {
            final String argument = what.substring(what.indexOf(": ") + 2);
            final NullPointerException e = assertThrows(NullPointerException.class, call, what);
            assertEquals(argument, e.getMessage(), what + ": the exception names the argument");
            unchanged.run();
        });
    }

    @Test
    @Covers({"Oneshot.Receiver#thenApply(Function)", "Oneshot.Receiver#thenApplyAsync(Function)",
            "Oneshot.Receiver#thenApplyAsync(Function,Executor)", "Oneshot.Receiver#thenAccept(Consumer)",
            "Oneshot.Receiver#thenAcceptAsync(Consumer)", "Oneshot.Receiver#thenAcceptAsync(Consumer,Executor)",
            "Oneshot.Receiver#thenRun(Runnable)", "Oneshot.Receiver#thenRunAsync(Runnable)",
            "Oneshot.Receiver#thenRunAsync(Runnable,Executor)", "Oneshot.Receiver#thenCombine(CompletionStage,BiFunction)",
            "Oneshot.Receiver#thenCombineAsync(CompletionStage,BiFunction)",
            "Oneshot.Receiver#thenCombineAsync(CompletionStage,BiFunction,Executor)",
            "Oneshot.Receiver#thenAcceptBoth(CompletionStage,BiConsumer)",
            "Oneshot.Receiver#thenAcceptBothAsync(CompletionStage,BiConsumer)",
            "Oneshot.Receiver#thenAcceptBothAsync(CompletionStage,BiConsumer,Executor)",
            "Oneshot.Receiver#runAfterBoth(CompletionStage,Runnable)",
            "Oneshot.Receiver#runAfterBothAsync(CompletionStage,Runnable)",
            "Oneshot.Receiver#runAfterBothAsync(CompletionStage,Runnable,Executor)",
            "Oneshot.Receiver#applyToEither(CompletionStage,Function)",
            "Oneshot.Receiver#applyToEitherAsync(CompletionStage,Function)",
            "Oneshot.Receiver#applyToEitherAsync(CompletionStage,Function,Executor)",
            "Oneshot.Receiver#acceptEither(CompletionStage,Consumer)",
            "Oneshot.Receiver#acceptEitherAsync(CompletionStage,Consumer)",
            "Oneshot.Receiver#acceptEitherAsync(CompletionStage,Consumer,Executor)",
            "Oneshot.Receiver#runAfterEither(CompletionStage,Runnable)",
            "Oneshot.Receiver#runAfterEitherAsync(CompletionStage,Runnable)",
            "Oneshot.Receiver#runAfterEitherAsync(CompletionStage,Runnable,Executor)",
            "Oneshot.Receiver#thenCompose(Function)", "Oneshot.Receiver#thenComposeAsync(Function)",
            "Oneshot.Receiver#thenComposeAsync(Function,Executor)", "Oneshot.Receiver#handle(BiFunction)",
            "Oneshot.Receiver#handleAsync(BiFunction)", "Oneshot.Receiver#handleAsync(BiFunction,Executor)",
            "Oneshot.Receiver#whenComplete(BiConsumer)", "Oneshot.Receiver#whenCompleteAsync(BiConsumer)",
            "Oneshot.Receiver#whenCompleteAsync(BiConsumer,Executor)", "Oneshot.Receiver#exceptionally(Function)",
            "Oneshot.Receiver#exceptionallyAsync(Function)", "Oneshot.Receiver#exceptionallyAsync(Function,Executor)",
            "Oneshot.Receiver#exceptionallyCompose(Function)", "Oneshot.Receiver#exceptionallyComposeAsync(Function)",
            "Oneshot.Receiver#exceptionallyComposeAsync(Function,Executor)"})
    void aStageMethodGivenANullStartsNoReceiveAndTakesNoValue() throws Exception {
        // A value is waiting: a stage method that started its receive before checking would take it.
        final Oneshot.Channel<Integer> sent = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = sent.receiver();
        sent.sender().send(1);
        assertEveryStageCallRejectsItsNull(rx, () -> {
            assertFalse(rx.isTerminated(), "the value was not taken");
            assertFalse(rx.isEmpty());
        });
        assertValueStillThere(rx, 1);

        // Nothing sent yet: a stage method that started its receive before checking would leave a
        // waiting receive behind, and every later receive would be rejected as concurrent.
        final Oneshot.Channel<Integer> empty = Oneshot.channel();
        assertEveryStageCallRejectsItsNull(empty.receiver(), () -> assertNull(empty.receiver().tryRecv()));
        assertUnchangedAndWorking(empty.sender(), empty.receiver());

        // And the stage works after the rejected calls.
        final Oneshot.Channel<Integer> stage = Oneshot.channel();
        assertEveryStageCallRejectsItsNull(stage.receiver(), () -> assertNothingYet(stage.receiver()));
        final CompletionStage<Integer> plusOne = stage.receiver().thenApply(v -> v + 1);
        stage.sender().send(1);
        assertEquals(2, await(plusOne));
        assertEquals(1, await(stage.receiver().exceptionallyAsync(t -> 0, DIRECT)));
        assertEquals(1, await(stage.receiver().exceptionallyCompose(t -> CompletableFuture.completedFuture(0))));
    }

    @Test
    @Covers({"Oneshot.Receiver#exceptionallyAsync(Function)", "Oneshot.Receiver#exceptionallyAsync(Function,Executor)",
            "Oneshot.Receiver#exceptionallyCompose(Function)", "Oneshot.Receiver#exceptionallyComposeAsync(Function)",
            "Oneshot.Receiver#exceptionallyComposeAsync(Function,Executor)", "Oneshot.Receiver#toCompletableFuture()"})
    void theStageOfAChannelClosedWithoutAValueRecovers() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().close();
        assertEquals(-1, await(ch.receiver().exceptionallyAsync(t -> -1)));
        assertEquals(-2, await(ch.receiver().exceptionallyAsync(t -> -2, DIRECT)));
        assertEquals(-3, await(ch.receiver().exceptionallyCompose(t -> CompletableFuture.completedFuture(-3))));
        assertEquals(-4, await(ch.receiver().exceptionallyComposeAsync(t -> CompletableFuture.completedFuture(-4))));
        assertEquals(-5, await(ch.receiver().exceptionallyComposeAsync(t -> CompletableFuture.completedFuture(-5), DIRECT)));
        assertInstanceOf(ChannelClosedException.class, unwrap(awaitFailure(ch.receiver().toCompletableFuture())));
    }

    // ------------------------------------------------------------------ the channel record

    @Test
    @Covers({"Oneshot.Channel#new(Oneshot.Sender,Oneshot.Receiver)", "Oneshot.Channel#sender()",
            "Oneshot.Channel#receiver()"})
    void theChannelRecordRejectsNullHandles() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertNpeNaming("sender", () -> new Oneshot.Channel<>(null, ch.receiver()));
        assertNpeNaming("receiver", () -> new Oneshot.Channel<>(ch.sender(), null));
        final Oneshot.Channel<Integer> copy = new Oneshot.Channel<>(ch.sender(), ch.receiver());
        assertSame(ch.sender(), copy.sender());
        assertSame(ch.receiver(), copy.receiver());
        assertUnchangedAndWorking(copy.sender(), copy.receiver());
    }
}
