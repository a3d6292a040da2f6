package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitFailure;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.OneshotTestSupport.assertNothingYet;
import static dev.channels.OneshotTestSupport.unwrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The asynchronous receive ({@link Oneshot.Receiver#recvAsync()}) and the receiver used as a
 * {@link CompletionStage}: completion, failure, cancellation, external completion, executors.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OneshotStageTest {

    // ------------------------------------------------------------------ recvAsync

    @Test
    void recvAsyncWaitsForTheSend() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        assertFalse(f.isDone());
        assertFalse(ch.receiver().isTerminated());
        ch.sender().send(11);
        assertEquals(11, await(f));
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void recvAsyncCompletedByASendFromAnotherThread() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        final Forked<Void> sender = fork("sender", () -> {
            ch.sender().send(12);
            return null;
        });
        sender.join();
        assertEquals(12, await(f));
    }

    @Test
    void continuationsOfAWaitingRecvAsyncRunOnTheSendingThread() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        final CompletableFuture<Thread> ranOn = f.thenApply(v -> Thread.currentThread());
        final Forked<Thread> sender = fork("sender", () -> {
            ch.sender().send(1);
            return Thread.currentThread();
        });
        assertSame(sender.join(), ranOn.get(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void cancellingAWaitingRecvAsyncTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync();
        assertTrue(f.cancel(false), "a waiting receive can be withdrawn");
        assertTrue(f.isCancelled());
        assertThrows(CancellationException.class, f::join);
        assertNothingYet(rx);
        assertFalse(ch.sender().isUsed());
        // The withdrawn receive is no longer registered: a new one is not "concurrent".
        final CompletableFuture<Integer> g = rx.recvAsync();
        ch.sender().send(13);
        assertEquals(13, await(g));
        assertTrue(f.isCancelled(), "the cancelled future stays cancelled");
    }

    @Test
    void cancellingAWaitingRecvAsyncWithMayInterruptTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        assertTrue(f.cancel(true));
        ch.sender().send(14);
        assertEquals(14, ch.receiver().recv());
    }

    @Test
    void cancellingACompletedRecvAsyncReturnsFalse() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        ch.sender().send(15);
        assertFalse(f.cancel(true), "the value was already received: too late to withdraw");
        assertEquals(15, await(f));
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void cancellingARecvAsyncThatFoundTheValueReturnsFalse() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(15);
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        assertFalse(f.cancel(true));
        assertEquals(15, await(f));
    }

    @Test
    void aCancelledRecvAsyncCanBeFollowedByABlockingRecvOrAClose() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        assertTrue(ch.receiver().recvAsync().cancel(false));
        assertThrows(TimeoutException.class, () -> ch.receiver().recv(Duration.ZERO));
        ch.receiver().close();
        assertThrows(ChannelClosedException.class, ch.receiver()::recv);
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.sender().send(1));
        assertEquals(1, (Integer) e.value());
    }

    @Test
    void completingAWaitingRecvAsyncFromOutsideWithdrawsTheReceive() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        assertTrue(f.complete(-1), "external completion wins over a receive that has not happened");
        assertEquals(-1, f.join());
        ch.sender().send(16);
        assertEquals(16, ch.receiver().tryRecv(), "the withdrawn receive took nothing");

        final Oneshot.Channel<Integer> other = Oneshot.channel();
        final CompletableFuture<Integer> g = other.receiver().recvAsync();
        assertTrue(g.completeExceptionally(new IllegalArgumentException("mine")));
        assertInstanceOf(IllegalArgumentException.class, awaitFailure(g));
        other.sender().send(17);
        assertEquals(17, other.receiver().tryRecv());
    }

    @Test
    void completingAFinishedRecvAsyncFromOutsideFails() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        ch.sender().send(18);
        assertFalse(f.complete(-1));
        assertFalse(f.completeExceptionally(new IllegalArgumentException()));
        assertEquals(18, await(f));
    }

    @Test
    void orTimeoutOnRecvAsyncFailsWithTimeoutAndTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync().orTimeout(10, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, awaitFailure(f));
        assertNothingYet(ch.receiver());
        ch.sender().send(19);
        assertEquals(19, ch.receiver().recv(), "the timed-out receive was withdrawn; the value is still there");
    }

    @Test
    void orTimeoutOnRecvAsyncThatGetsItsValueInTime() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync().orTimeout(GUARD_SECONDS, TimeUnit.SECONDS);
        ch.sender().send(20);
        assertEquals(20, await(f));
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void completeOnTimeoutOnRecvAsyncTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync().completeOnTimeout(-1, 10, TimeUnit.MILLISECONDS);
        assertEquals(-1, await(f));
        ch.sender().send(21);
        assertEquals(21, ch.receiver().recv());
    }

    @Test
    void theFutureOfRecvAsyncCannotBeObtruded() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync();
        assertThrows(UnsupportedOperationException.class, () -> f.obtrudeValue(1));
        assertThrows(UnsupportedOperationException.class, () -> f.obtrudeException(new RuntimeException()));
        ch.sender().send(22);
        assertEquals(22, await(f));
    }

    // ------------------------------------------------------------------ recvAsync(executor)

    /** An executor that runs each task on one named thread and records that it did. */
    private static final class RecordingExecutor implements Executor, AutoCloseable {
        final ExecutorService delegate;
        final AtomicInteger tasks = new AtomicInteger();
        final CompletableFuture<Thread> thread = new CompletableFuture<>();

        RecordingExecutor() {
            delegate = Executors.newSingleThreadExecutor(r -> {
                final Thread t = new Thread(r, "recording executor");
                t.setDaemon(true);
                thread.complete(t);
                return t;
            });
        }

        @Override
        public void execute(Runnable command) {
            tasks.incrementAndGet();
            delegate.execute(command);
        }

        @Override
        public void close() {
            delegate.shutdownNow();
            try {
                assertTrue(delegate.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while shutting the executor down", e);
            }
        }
    }

    @Test
    void recvAsyncWithAnExecutorCompletesOnThatExecutorWhenItHadToWait() throws Exception {
        try (RecordingExecutor executor = new RecordingExecutor()) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final CompletableFuture<Integer> f = ch.receiver().recvAsync(executor);
            assertFalse(f.isDone());
            final CompletableFuture<Thread> ranOn = f.thenApply(v -> Thread.currentThread());
            ch.sender().send(23);
            // ranOn first: a thread waiting in f.get() may itself run f's dependents
            assertSame(executor.thread.getNow(null), ranOn.get(GUARD_SECONDS, TimeUnit.SECONDS));
            assertEquals(23, await(f));
            assertEquals(1, executor.tasks.get(), "the completion was handed to the executor");
        }
    }

    @Test
    void recvAsyncWithAnExecutorCompletesAClosureOnThatExecutor() throws Exception {
        try (RecordingExecutor executor = new RecordingExecutor()) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final CompletableFuture<Integer> f = ch.receiver().recvAsync(executor);
            final CompletableFuture<Thread> ranOn = f.handle((v, e) -> Thread.currentThread());
            ch.sender().close();
            // ranOn first: a thread waiting in f.get() may itself run f's dependents
            assertSame(executor.thread.getNow(null), ranOn.get(GUARD_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(ChannelClosedException.class, awaitFailure(f));
            assertEquals(1, executor.tasks.get());
        }
    }

    @Test
    void recvAsyncWithAnExecutorDoesNotUseItWhenTheValueIsThere() throws Exception {
        try (RecordingExecutor executor = new RecordingExecutor()) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            ch.sender().send(24);
            final CompletableFuture<Integer> f = ch.receiver().recvAsync(executor);
            assertTrue(f.isDone());
            assertEquals(24, f.join());
            assertEquals(0, executor.tasks.get());
        }
    }

    @Test
    void recvAsyncWithANullExecutorCompletesOnTheSendingThread() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> f = ch.receiver().recvAsync(null);
        final CompletableFuture<Thread> ranOn = f.thenApply(v -> Thread.currentThread());
        ch.sender().send(25);
        assertSame(Thread.currentThread(), ranOn.get(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void recvAsyncWithARejectingExecutorStillDeliversTheValue() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final AtomicInteger rejected = new AtomicInteger();
        final Executor rejecting = task -> {
            rejected.incrementAndGet();
            throw new RejectedExecutionException("shut down");
        };
        final CompletableFuture<Integer> f = ch.receiver().recvAsync(rejecting);
        ch.sender().send(26);
        assertEquals(1, rejected.get());
        assertTrue(f.isDone(), "completed on the sending thread after the rejection");
        assertEquals(26, f.join());
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void cancellingARecvAsyncWithAnExecutorBeforeTheSendTakesNothing() throws Exception {
        try (RecordingExecutor executor = new RecordingExecutor()) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final CompletableFuture<Integer> f = ch.receiver().recvAsync(executor);
            assertTrue(f.cancel(false));
            ch.sender().send(27);
            assertEquals(0, executor.tasks.get(), "a withdrawn receive is not completed");
            assertEquals(27, ch.receiver().tryRecv());
        }
    }

    // ------------------------------------------------------------------ the receiver as a stage

    @Test
    void severalStageMethodsShareOneReceive() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final List<Integer> accepted = new CopyOnWriteArrayList<>();
        final CompletionStage<Integer> doubled = rx.thenApply(v -> v * 2);
        final CompletionStage<Void> accept = rx.thenAccept(accepted::add);
        final CompletionStage<Integer> whenComplete = rx.whenComplete((v, e) -> accepted.add(-v));
        final CompletableFuture<Integer> cf = rx.toCompletableFuture();
        assertSame(cf, rx.toCompletableFuture(), "toCompletableFuture returns the one shared receive");
        assertFalse(cf.isDone());
        assertTrue(rx.isEmpty());
        assertFalse(rx.isTerminated());
        // The shared receive is waiting: another receive would be a concurrent one.
        assertThrows(IllegalStateException.class, rx::tryRecv);

        ch.sender().send(21);
        assertEquals(42, await(doubled));
        assertNull(await(accept));
        assertEquals(21, await(whenComplete));
        assertEquals(21, await(cf));
        assertEquals(21, await(rx));
        final List<Integer> seen = new ArrayList<>(accepted);
        seen.sort(null);
        assertEquals(List.of(-21, 21), seen, "each continuation ran once");
        assertTrue(rx.isTerminated());
        // stage methods used after completion attach to the same, completed receive
        assertEquals(22, (int) await(rx.thenApply(v -> v + 1)));
        assertThrows(IllegalStateException.class, rx::recv, "the stage received the value");
    }

    @Test
    void theStageStartedAfterTheSendCompletesAtOnce() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        ch.sender().send("x");
        final CompletableFuture<String> cf = ch.receiver().toCompletableFuture();
        assertTrue(cf.isDone());
        assertEquals("x", cf.join());
        assertTrue(ch.receiver().isTerminated());
    }

    @Test
    void theStageFailsWithChannelClosedWhenTheSenderClosesWhileItWaits() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final CompletionStage<Integer> applied = rx.thenApply(v -> v + 1);
        final CompletableFuture<Throwable> seen = rx.handle((v, e) -> e).toCompletableFuture();
        final CompletionStage<Integer> recovered = rx.exceptionally(e -> -1);
        ch.sender().close();
        assertInstanceOf(ChannelClosedException.class, unwrap(awaitFailure(applied)));
        assertInstanceOf(ChannelClosedException.class, unwrap(seen.get(GUARD_SECONDS, TimeUnit.SECONDS)));
        assertEquals(-1, await(recovered));
        assertInstanceOf(ChannelClosedException.class, awaitFailure(rx));
        assertFalse(rx.isTerminated());
    }

    @Test
    void theStageFailsWithChannelClosedWhenTheReceiverClosesWhileItWaits() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final CompletionStage<Integer> applied = rx.thenApply(v -> v + 1);
        rx.close();
        assertInstanceOf(ChannelClosedException.class, unwrap(awaitFailure(applied)));
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.sender().send(3));
        assertEquals(3, (Integer) e.value());
    }

    @Test
    void cancellingTheStageWithdrawsItsReceive() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> cf = rx.toCompletableFuture();
        assertTrue(cf.cancel(true));
        ch.sender().send(5);
        assertEquals(5, rx.recv(), "the cancelled stage took nothing");
        // The stage is started once: later stage methods see the cancelled receive.
        assertInstanceOf(CancellationException.class, unwrap(awaitFailure(rx.thenApply(v -> v))));
    }

    @Test
    void theStageStartedWhileAnotherReceiveWaitsFailsWithIllegalState() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> pending = rx.recvAsync();
        final CompletionStage<Integer> stage = rx.thenApply(v -> v);
        assertInstanceOf(IllegalStateException.class, unwrap(awaitFailure(stage)));
        ch.sender().send(6);
        assertEquals(6, await(pending), "the first receive was not disturbed");
    }

    @Test
    void theStageStartedAfterAClosureFailsWithChannelClosed() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.receiver().close();
        assertInstanceOf(ChannelClosedException.class, awaitFailure(ch.receiver()));
        assertInstanceOf(ChannelClosedException.class, unwrap(awaitFailure(ch.receiver().thenRun(() -> { }))));
    }

    /** The stage methods that recover from a failure: each turns the closure into -1. */
    static Stream<Arguments> recoveringStageMethods() {
        return stageMethods().filter(a -> ((String) a.get()[0]).startsWith("exceptionally"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recoveringStageMethods")
    void eachRecoveringStageMethodSeesTheClosure(String name,
            Function<Oneshot.Receiver<Integer>, CompletionStage<?>> method, Object ignored) throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletionStage<?> stage = method.apply(ch.receiver());
        ch.sender().close();
        assertEquals(-1, await(stage), name);
    }

    @Test
    void exceptionallyComposeCanFallBackToAnotherReceiver() throws Exception {
        final Oneshot.Channel<Integer> primary = Oneshot.channel();
        final Oneshot.Channel<Integer> fallback = Oneshot.channel();
        final CompletionStage<Integer> result = primary.receiver().exceptionallyCompose(e -> fallback.receiver());
        primary.sender().close();
        fallback.sender().send(99);
        assertEquals(99, await(result));
    }

    /**
     * A receive ended by the receiver's own close completes on the closing thread. Its
     * continuations can ask the sender whether the receiver closed: {@code isClosed()},
     * {@code closed()} ("already complete if it has") and {@code awaitClosed(0)} must agree.
     * The sender's closed() stage was asked for earlier, as a server watching for cancellation
     * would.
     */
    @Test
    void continuationsOfAReceiveEndedByTheReceiversCloseSeeTheCloseConsistently() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Sender<Integer> tx = ch.sender();
        final CompletableFuture<Void> watched = tx.closed().toCompletableFuture();
        final CompletableFuture<String> seen = ch.receiver().recvAsync().handle((v, e) -> {
            boolean awaited;
            try {
                awaited = tx.awaitClosed(Duration.ZERO);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                awaited = false;
            }
            return "isClosed()=" + tx.isClosed()
                    + ", closed() complete=" + tx.closed().toCompletableFuture().isDone()
                    + ", awaitClosed(ZERO)=" + awaited;
        });
        ch.receiver().close();
        assertEquals("isClosed()=true, closed() complete=true, awaitClosed(ZERO)=true",
                seen.get(GUARD_SECONDS, TimeUnit.SECONDS));
        assertTrue(watched.isDone());
    }

    @Test
    void theReceiverWorksWithCompletableFutureCombinators() throws Exception {
        final Oneshot.Channel<Integer> a = Oneshot.channel();
        final Oneshot.Channel<Integer> b = Oneshot.channel();
        final CompletableFuture<Void> both = CompletableFuture.allOf(
                a.receiver().toCompletableFuture(), b.receiver().toCompletableFuture());
        final CompletableFuture<Object> any = CompletableFuture.anyOf(
                a.receiver().toCompletableFuture(), b.receiver().toCompletableFuture());
        b.sender().send(2);
        assertEquals(2, await(any));
        assertFalse(both.isDone());
        a.sender().send(1);
        await(both);
        assertEquals(3, await(a.receiver().thenCombine(b.receiver(), Integer::sum)));
    }

    @Test
    void thenComposeWithAnotherReceiver() throws Exception {
        final Oneshot.Channel<Integer> first = Oneshot.channel();
        final Oneshot.Channel<Integer> second = Oneshot.channel();
        final CompletionStage<Integer> composed = first.receiver().thenCompose(v -> second.receiver().thenApply(w -> v * w));
        first.sender().send(6);
        second.sender().send(7);
        assertEquals(42, await(composed));
    }

    @Test
    void theStageIsStartedOnceWhenManyThreadsRaceToStartIt() throws Exception {
        for (int round = 0; round < 200; round++) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final Oneshot.Receiver<Integer> rx = ch.receiver();
            final int threads = 4;
            final List<Forked<CompletableFuture<Integer>>> starters = new ArrayList<>();
            final AtomicInteger ready = new AtomicInteger();
            for (int t = 0; t < threads; t++) {
                starters.add(fork("starter " + t, () -> {
                    ready.incrementAndGet();
                    while (ready.get() < threads) {
                        Thread.yield();
                    }
                    return rx.toCompletableFuture();
                }));
            }
            final CompletableFuture<Integer> first = starters.get(0).join();
            for (Forked<CompletableFuture<Integer>> s : starters) {
                assertSame(first, s.join(), "every thread got the one shared receive");
            }
            assertFalse(first.isDone(), "the shared receive is a waiting one, not one that failed as concurrent");
            ch.sender().send(round);
            assertEquals(round, await(first));
        }
    }

    // ------------------------------------------------------------------ every stage method, one by one

    private static final Executor INLINE = Runnable::run;

    /** A stage method applied to a receiver, and what the resulting stage must yield after a send of 10. */
    private static Arguments stage(String name, Function<Oneshot.Receiver<Integer>, CompletionStage<?>> method,
            Object expected) {
        return Arguments.of(name, method, expected);
    }

    static Stream<Arguments> stageMethods() {
        final CompletableFuture<Integer> one = CompletableFuture.completedFuture(1);
        final CompletableFuture<Integer> never = new CompletableFuture<>();
        return Stream.of(
                stage("thenApply", rx -> rx.thenApply(v -> v + 1), 11),
                stage("thenApplyAsync", rx -> rx.thenApplyAsync(v -> v + 1), 11),
                stage("thenApplyAsync(executor)", rx -> rx.thenApplyAsync(v -> v + 1, INLINE), 11),
                stage("thenAccept", rx -> rx.thenAccept(v -> { }).thenApply(n -> "accepted"), "accepted"),
                stage("thenAcceptAsync", rx -> rx.thenAcceptAsync(v -> { }).thenApply(n -> "accepted"), "accepted"),
                stage("thenAcceptAsync(executor)", rx -> rx.thenAcceptAsync(v -> { }, INLINE).thenApply(n -> "a"), "a"),
                stage("thenRun", rx -> rx.thenRun(() -> { }).thenApply(n -> "ran"), "ran"),
                stage("thenRunAsync", rx -> rx.thenRunAsync(() -> { }).thenApply(n -> "ran"), "ran"),
                stage("thenRunAsync(executor)", rx -> rx.thenRunAsync(() -> { }, INLINE).thenApply(n -> "ran"), "ran"),
                stage("thenCombine", rx -> rx.thenCombine(one, Integer::sum), 11),
                stage("thenCombineAsync", rx -> rx.thenCombineAsync(one, Integer::sum), 11),
                stage("thenCombineAsync(executor)", rx -> rx.thenCombineAsync(one, Integer::sum, INLINE), 11),
                stage("thenAcceptBoth", rx -> rx.thenAcceptBoth(one, (a, b) -> { }).thenApply(n -> "both"), "both"),
                stage("thenAcceptBothAsync", rx -> rx.thenAcceptBothAsync(one, (a, b) -> { }).thenApply(n -> "b"), "b"),
                stage("thenAcceptBothAsync(executor)",
                        rx -> rx.thenAcceptBothAsync(one, (a, b) -> { }, INLINE).thenApply(n -> "b"), "b"),
                stage("runAfterBoth", rx -> rx.runAfterBoth(one, () -> { }).thenApply(n -> "r"), "r"),
                stage("runAfterBothAsync", rx -> rx.runAfterBothAsync(one, () -> { }).thenApply(n -> "r"), "r"),
                stage("runAfterBothAsync(executor)",
                        rx -> rx.runAfterBothAsync(one, () -> { }, INLINE).thenApply(n -> "r"), "r"),
                stage("applyToEither", rx -> rx.applyToEither(never, v -> v * 3), 30),
                stage("applyToEitherAsync", rx -> rx.applyToEitherAsync(never, v -> v * 3), 30),
                stage("applyToEitherAsync(executor)", rx -> rx.applyToEitherAsync(never, v -> v * 3, INLINE), 30),
                stage("acceptEither", rx -> rx.acceptEither(never, v -> { }).thenApply(n -> "e"), "e"),
                stage("acceptEitherAsync", rx -> rx.acceptEitherAsync(never, v -> { }).thenApply(n -> "e"), "e"),
                stage("acceptEitherAsync(executor)",
                        rx -> rx.acceptEitherAsync(never, v -> { }, INLINE).thenApply(n -> "e"), "e"),
                stage("runAfterEither", rx -> rx.runAfterEither(never, () -> { }).thenApply(n -> "e"), "e"),
                stage("runAfterEitherAsync", rx -> rx.runAfterEitherAsync(never, () -> { }).thenApply(n -> "e"), "e"),
                stage("runAfterEitherAsync(executor)",
                        rx -> rx.runAfterEitherAsync(never, () -> { }, INLINE).thenApply(n -> "e"), "e"),
                stage("thenCompose", rx -> rx.thenCompose(v -> CompletableFuture.completedFuture(v + 2)), 12),
                stage("thenComposeAsync", rx -> rx.thenComposeAsync(v -> CompletableFuture.completedFuture(v + 2)), 12),
                stage("thenComposeAsync(executor)",
                        rx -> rx.thenComposeAsync(v -> CompletableFuture.completedFuture(v + 2), INLINE), 12),
                stage("handle", rx -> rx.handle((v, e) -> e == null ? v - 1 : -1), 9),
                stage("handleAsync", rx -> rx.handleAsync((v, e) -> e == null ? v - 1 : -1), 9),
                stage("handleAsync(executor)", rx -> rx.handleAsync((v, e) -> e == null ? v - 1 : -1, INLINE), 9),
                stage("whenComplete", rx -> rx.whenComplete((v, e) -> { }), 10),
                stage("whenCompleteAsync", rx -> rx.whenCompleteAsync((v, e) -> { }), 10),
                stage("whenCompleteAsync(executor)", rx -> rx.whenCompleteAsync((v, e) -> { }, INLINE), 10),
                stage("exceptionally", rx -> rx.exceptionally(e -> -1), 10),
                // the JDK 12+ default methods of CompletionStage, which call back into the receiver
                stage("exceptionallyAsync", rx -> rx.exceptionallyAsync(e -> -1), 10),
                stage("exceptionallyAsync(executor)", rx -> rx.exceptionallyAsync(e -> -1, INLINE), 10),
                stage("exceptionallyCompose",
                        rx -> rx.exceptionallyCompose(e -> CompletableFuture.completedFuture(-1)), 10),
                stage("exceptionallyComposeAsync",
                        rx -> rx.exceptionallyComposeAsync(e -> CompletableFuture.completedFuture(-1)), 10),
                stage("exceptionallyComposeAsync(executor)",
                        rx -> rx.exceptionallyComposeAsync(e -> CompletableFuture.completedFuture(-1), INLINE), 10),
                stage("toCompletableFuture", Oneshot.Receiver::toCompletableFuture, 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stageMethods")
    void eachStageMethodReceivesTheValueSentLater(String name,
            Function<Oneshot.Receiver<Integer>, CompletionStage<?>> method, Object expected) throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletionStage<?> stage = method.apply(ch.receiver());
        assertFalse(stage.toCompletableFuture().isDone(), name + " waits for the value");
        assertFalse(ch.sender().isUsed());
        ch.sender().send(10);
        assertEquals(expected, await(stage), name);
        assertTrue(ch.receiver().isTerminated(), name + " received the value");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stageMethods")
    void eachStageMethodReceivesAValueSentBefore(String name,
            Function<Oneshot.Receiver<Integer>, CompletionStage<?>> method, Object expected) throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        ch.sender().send(10);
        assertEquals(expected, await(method.apply(ch.receiver())), name);
        assertTrue(ch.receiver().isTerminated(), name + " received the value");
    }

    /** The stage methods that pass a failure through (not handle, exceptionally, or an either with a value). */
    static Stream<Arguments> failurePropagatingStageMethods() {
        return stageMethods().filter(a -> {
            final String name = (String) a.get()[0];
            return !name.startsWith("handle") && !name.startsWith("exceptionally");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failurePropagatingStageMethods")
    void eachStageMethodFailsWithChannelClosedWhenTheSenderCloses(String name,
            Function<Oneshot.Receiver<Integer>, CompletionStage<?>> method, Object expected) throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletionStage<?> stage = method.apply(ch.receiver());
        ch.sender().close();
        final Throwable failure = unwrap(awaitFailure(stage));
        assertInstanceOf(ChannelClosedException.class, failure, name + " (instead of " + expected + ")");
    }
}
