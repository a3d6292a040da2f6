package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitFailure;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.WatchTestSupport.assertNothingUnseen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code changedAsync} and {@code waitForAsync}: immediate, waiting, cancelled, with executors. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchAsyncTest {

    /** An executor that only queues its tasks, so that a test can see whether it was used. */
    private static final class QueueingExecutor implements Executor {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        int runAll() {
            int n = 0;
            for (Runnable t; (t = tasks.poll()) != null; n++) {
                t.run();
            }
            return n;
        }
    }

    private static ExecutorService namedSingleThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static void shutdown(ExecutorService executor) throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    // ------------------------------------------------------------------ changedAsync

    @Test
    void changedAsyncCompletesAtOnceForAnUnseenValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        final CompletableFuture<Boolean> f = rx.changedAsync();
        assertTrue(f.isDone(), "completed on return");
        assertTrue(f.getNow(null));
        assertFalse(rx.hasChanged(), "and the value was marked seen");
        assertFalse(f.cancel(false), "a completed wait cannot be cancelled");
    }

    @Test
    void changedAsyncWaitsAndRunsItsContinuationOnTheWritingThread() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CompletableFuture<Boolean> f = rx.changedAsync();
        final CompletableFuture<Integer> value = f.thenApply(b -> {
            ranOn.set(Thread.currentThread());
            return rx.borrow();
        });
        assertFalse(f.isDone());
        assertFalse(rx.hasChanged());
        final Forked<Thread> writer = fork("writer", () -> {
            ch.sender().send(1);
            return Thread.currentThread();
        });
        final Thread writerThread = writer.join();
        assertTrue(await(f));
        assertEquals(1, await(value));
        assertSame(writerThread, ranOn.get());
        assertFalse(rx.hasChanged(), "the completed wait marked the value seen");
        assertNothingUnseen(rx);
    }

    @Test
    void changedAsyncCompletesForEveryWriteKind() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Runnable> writes = List.of(
                () -> tx.send(1),
                () -> tx.sendReplace(2),
                () -> tx.sendModify(x -> x + 1),
                () -> tx.sendIfModified(x -> x + 1));
        int last = 0;
        for (Runnable write : writes) {
            final CompletableFuture<Boolean> f = rx.changedAsync();
            assertFalse(f.isDone());
            write.run();
            assertTrue(f.isDone(), "completed by the write, on the writing thread");
            assertTrue(await(f));
            last = rx.borrow();
        }
        assertEquals(4, last);
    }

    @Test
    void cancellingAPendingChangedAsyncMarksNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Boolean> f = rx.changedAsync();
        assertFalse(f.isDone());
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        assertFalse(f.cancel(false), "already cancelled");
        assertThrows(CancellationException.class, f::join);
        ch.sender().send(1);
        assertTrue(rx.hasChanged(), "the cancelled wait did not take the new value");
        final CompletableFuture<Boolean> g = rx.changedAsync();
        assertTrue(g.isDone());
        assertTrue(await(g));
        // and a new pending wait after the cancelled one works
        final CompletableFuture<Boolean> h = rx.changedAsync();
        assertFalse(h.isDone());
        ch.sender().send(2);
        assertTrue(await(h));
        assertEquals(2, rx.borrow());
    }

    @Test
    void completingAPendingChangedAsyncFromOutsideWithdrawsIt() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Boolean> f = rx.changedAsync();
        assertTrue(f.complete(Boolean.FALSE));
        assertFalse(f.join());
        ch.sender().send(1);
        assertTrue(rx.hasChanged(), "the withdrawn wait marked nothing");
        final CompletableFuture<Boolean> g = rx.changedAsync().orTimeout(1, TimeUnit.NANOSECONDS);
        assertTrue(await(g), "an unseen value completes it at once, before orTimeout can");
    }

    @Test
    void changedAsyncWithExecutorCompletesThroughItWhenItHadToWait() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final ExecutorService executor = namedSingleThread("watch-test-executor");
        try {
            final AtomicReference<String> ranOn = new AtomicReference<>();
            final CompletableFuture<Boolean> f = rx.changedAsync(executor);
            final CompletableFuture<Boolean> observed = f.thenApply(b -> {
                ranOn.set(Thread.currentThread().getName());
                return b;
            });
            assertFalse(f.isDone());
            ch.sender().send(1);
            assertTrue(await(observed));
            assertEquals("watch-test-executor", ranOn.get());
            assertFalse(rx.hasChanged());
        } finally {
            shutdown(executor);
        }
    }

    @Test
    void changedAsyncWithExecutorCompletesOnItWhenTheChannelCloses() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final QueueingExecutor executor = new QueueingExecutor();
        final CompletableFuture<Boolean> f = rx.changedAsync(executor);
        ch.sender().close();
        assertFalse(f.isDone(), "the completion was handed to the executor");
        assertEquals(1, executor.runAll());
        assertFalse(await(f));
    }

    /**
     * The javadoc: "completed on {@code executor} when it had to wait" (and, in the Mpsc channel,
     * "only the send that waited completes through the executor"). A wait that need not wait
     * should be complete on return, without the executor.
     */
    @Test
    void changedAsyncWithExecutorDoesNotUseItWhenItNeedNotWait() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final QueueingExecutor executor = new QueueingExecutor();
        ch.sender().send(1);
        final CompletableFuture<Boolean> f = rx.changedAsync(executor);
        final int queued = executor.tasks.size();
        executor.runAll(); // do not leave the future hanging if it went through the executor
        assertTrue(await(f));
        assertEquals(0, queued, "an immediate changedAsync(executor) went through the executor");
    }

    @Test
    void changedAsyncWithANullExecutorCompletesOnTheWritingThread() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Boolean> f = rx.changedAsync(null);
        assertFalse(f.isDone());
        ch.sender().send(1);
        assertTrue(f.isDone());
        assertTrue(await(f));
    }

    @Test
    void aRejectingExecutorDoesNotLoseTheOutcome() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Executor rejecting = task -> {
            throw new RejectedExecutionException("shut down");
        };
        final CompletableFuture<Boolean> f = rx.changedAsync(rejecting);
        final CompletableFuture<Integer> g = rx.duplicate().waitForAsync(v -> v == 1, rejecting);
        assertFalse(f.isDone());
        assertFalse(g.isDone());
        ch.sender().send(1);
        assertTrue(await(f), "the value marked seen is reported even though the executor refused");
        assertEquals(1, await(g));
        assertFalse(rx.hasChanged());
    }

    @Test
    void cancellingAPendingChangedAsyncWithExecutorMarksNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final QueueingExecutor executor = new QueueingExecutor();
        final CompletableFuture<Boolean> f = rx.changedAsync(executor);
        assertTrue(f.cancel(true));
        ch.sender().send(1);
        assertEquals(0, executor.runAll(), "the cancelled wait was not completed");
        assertTrue(rx.hasChanged());
    }

    @Test
    void aCompletedButNotYetDeliveredChangedAsyncCannotBeCancelled() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final QueueingExecutor executor = new QueueingExecutor();
        final CompletableFuture<Boolean> f = rx.changedAsync(executor);
        ch.sender().send(1);
        assertFalse(f.isDone(), "waiting in the executor's queue");
        assertFalse(f.cancel(false), "the wait has taken effect: the value was marked seen");
        assertFalse(rx.hasChanged());
        assertEquals(1, executor.runAll());
        assertTrue(await(f));
    }

    // ------------------------------------------------------------------ waitForAsync

    @Test
    void waitForAsyncTestsTheCurrentValueOnTheCallingThread() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(3);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final AtomicReference<Thread> testedOn = new AtomicReference<>();
        final CompletableFuture<Integer> f = rx.waitForAsync(v -> {
            testedOn.set(Thread.currentThread());
            return v == 3;
        });
        assertTrue(f.isDone(), "the seen current value is accepted at once");
        assertEquals(3, f.getNow(null));
        assertSame(Thread.currentThread(), testedOn.get());
    }

    @Test
    void waitForAsyncMarksAnAcceptedUnseenCurrentValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(4);
        assertEquals(4, await(rx.waitForAsync(v -> v == 4)));
        assertFalse(rx.hasChanged());
    }

    @Test
    void waitForAsyncSkipsRejectedValuesAndTestsOnTheWritingThread() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Integer> tested = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> testedOn = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Integer> f = rx.waitForAsync(v -> {
            tested.add(v);
            testedOn.add(Thread.currentThread());
            return v >= 3;
        });
        assertFalse(f.isDone());
        final Forked<Thread> writer = fork("writer", () -> {
            for (int i = 1; i <= 3; i++) {
                ch.sender().send(i);
            }
            return Thread.currentThread();
        });
        final Thread writerThread = writer.join();
        assertEquals(3, await(f));
        assertEquals(List.of(0, 1, 2, 3), tested, "each write tested once, in order");
        assertSame(Thread.currentThread(), testedOn.get(0));
        for (int i = 1; i < testedOn.size(); i++) {
            assertSame(writerThread, testedOn.get(i));
        }
        assertFalse(rx.hasChanged(), "the accepted value was marked seen");
    }

    @Test
    void waitForAsyncOnAClosedChannelWithTheValueRejectedFails() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(2);
        ch.sender().close();
        assertEquals(2, await(rx.waitForAsync(v -> v == 2)), "the current value is still accepted");
        final CompletableFuture<Integer> f = rx.waitForAsync(v -> v == 9);
        assertTrue(f.isDone());
        assertInstanceOf(ChannelClosedException.class, awaitFailure(f));
    }

    @Test
    void aPendingWaitForAsyncTestsTheFinalValueBeforeFailingOnClose() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Integer> tested = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Integer> accepted = rx.waitForAsync(v -> v == 7);
        final CompletableFuture<Integer> rejected = rx.duplicate().waitForAsync(v -> {
            tested.add(v);
            return v > 100;
        });
        tx.send(7);
        assertEquals(7, await(accepted));
        tx.close();
        assertInstanceOf(ChannelClosedException.class, awaitFailure(rejected));
        assertEquals(List.of(0, 7), tested);
    }

    @Test
    void aPredicateThrowingOnTheWritersThreadFailsTheFutureNotTheWrite() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Watch.Receiver<Integer> other = rx.duplicate();
        final Watch.Receiver<Integer> blocked = rx.duplicate();
        final ArithmeticException boom = new ArithmeticException("boom");
        final AtomicInteger calls = new AtomicInteger();
        final CompletableFuture<Integer> failing = rx.waitForAsync(v -> {
            calls.incrementAndGet();
            if (v == 1) {
                throw boom;
            }
            return false;
        });
        final CompletableFuture<Boolean> bystander = other.changedAsync();
        final Forked<Boolean> reader = fork("reader", blocked::changed);
        awaitParkedInChannel(reader.thread);
        assertFalse(failing.isDone());
        tx.send(1); // must not throw
        assertSame(boom, awaitFailure(failing), "the predicate's own exception");
        assertEquals(2, calls.get(), "tested on the initial value and on 1");
        assertEquals(1, tx.borrow(), "the write took effect");
        assertTrue(await(bystander), "the other waiters were woken all the same");
        assertTrue(reader.join());
        assertFalse(rx.hasChanged(), "the value the predicate failed on was marked seen, as Tokio's wait_for does");
        assertEquals(1, rx.borrowAndUpdate());
        // the failed wait is gone: later writes do not call its predicate
        tx.send(1);
        tx.send(2);
        assertEquals(2, calls.get());
        assertTrue(rx.changed());
    }

    @Test
    void aPredicateThrowingOnTheSendModifyThreadDoesNotEscapeEither() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final CompletableFuture<Integer> f = ch.receiver().waitForAsync(v -> {
            if (v != 0) {
                throw new IllegalStateException("no");
            }
            return false;
        });
        assertEquals(1, tx.sendModify(x -> x + 1));
        assertTrue(tx.sendIfModified(x -> x + 1));
        assertInstanceOf(IllegalStateException.class, awaitFailure(f));
        tx.close(); // the close does not reach the failed wait either
        assertEquals(2, ch.receiver().borrow());
        assertThrows(IllegalStateException.class, tx::borrow, "a closed sender handle cannot be used");
    }

    @Test
    void theCloseDoesNotTestAnAlreadyTestedValueAgain() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final AtomicInteger calls = new AtomicInteger();
        final CompletableFuture<Integer> f = ch.receiver().waitForAsync(v -> {
            if (calls.getAndIncrement() > 0) {
                throw new IllegalStateException("tested twice");
            }
            return false;
        });
        assertFalse(f.isDone());
        ch.sender().close(); // the close re-tests nothing new: the future fails as closed
        final Throwable t = awaitFailure(f);
        assertInstanceOf(ChannelClosedException.class, t, "the value was already tested: " + t);
        assertEquals(1, calls.get());
    }

    @Test
    void aPredicateThrowingOnTheCallingThreadFailsTheFuture() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        final RuntimeException boom = new RuntimeException("boom");
        final CompletableFuture<Integer> f = rx.waitForAsync(v -> {
            throw boom;
        });
        assertTrue(f.isDone());
        assertSame(boom, awaitFailure(f));
        assertFalse(rx.hasChanged(), "the value tested was marked seen, as Tokio's wait_for does");
    }

    @Test
    void cancellingAPendingWaitForAsyncMarksNothingAndStopsTesting() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final AtomicInteger calls = new AtomicInteger();
        final CompletableFuture<Integer> f = rx.waitForAsync(v -> {
            calls.incrementAndGet();
            return v == 5;
        });
        assertEquals(1, calls.get());
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        ch.sender().send(5);
        assertEquals(1, calls.get(), "the cancelled wait tests nothing more");
        assertTrue(rx.hasChanged(), "and marks nothing");
        assertEquals(5, await(rx.waitForAsync(v -> v == 5)));
        assertFalse(rx.hasChanged());
    }

    @Test
    void aCancelledWaitForAsyncLeavesTheValuesItTestedMarkedSeen() throws Exception {
        // Found by the soak test: the javadoc said a cancelled wait marked nothing, but the value it
        // tested at the call stays seen, as after a timed-out waitFor and as in Tokio's wait_for.
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        assertTrue(rx.hasChanged());
        final CompletableFuture<Integer> f = rx.waitForAsync(v -> v == 5);
        assertTrue(f.cancel(false));
        assertFalse(rx.hasChanged(), "1 was tested (and rejected), so it is marked seen");
        ch.sender().send(2);
        assertTrue(rx.hasChanged(), "a value sent after the cancel is new");
    }

    @Test
    void waitForAsyncWithExecutorCompletesOnIt() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final ExecutorService executor = namedSingleThread("watch-test-executor");
        try {
            final AtomicReference<String> ranOn = new AtomicReference<>();
            final CompletableFuture<Integer> f = rx.waitForAsync(v -> v == 2, executor);
            final CompletableFuture<Integer> observed = f.thenApply(v -> {
                ranOn.set(Thread.currentThread().getName());
                return v;
            });
            ch.sender().send(1);
            assertFalse(f.isDone());
            ch.sender().send(2);
            assertEquals(2, await(observed));
            assertEquals("watch-test-executor", ranOn.get());
            assertFalse(rx.hasChanged());
        } finally {
            shutdown(executor);
        }
    }

    @Test
    void waitForAsyncWithExecutorFailsOnItWhenClosed() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final QueueingExecutor executor = new QueueingExecutor();
        final CompletableFuture<Integer> f = ch.receiver().waitForAsync(v -> v == 2, executor);
        ch.sender().close();
        assertFalse(f.isDone());
        assertEquals(1, executor.runAll());
        assertInstanceOf(ChannelClosedException.class, awaitFailure(f));
    }

    /** As {@link #changedAsyncWithExecutorDoesNotUseItWhenItNeedNotWait()}. */
    @Test
    void waitForAsyncWithExecutorDoesNotUseItWhenItNeedNotWait() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final QueueingExecutor executor = new QueueingExecutor();
        final CompletableFuture<Integer> f = ch.receiver().waitForAsync(v -> v == 0, executor);
        final int queued = executor.tasks.size();
        executor.runAll();
        assertEquals(0, await(f));
        assertEquals(0, queued, "an immediate waitForAsync(executor) went through the executor");
    }

    @Test
    void manyPendingWaitsOnDifferentReceiversAreAllCompletedByOneWrite() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<CompletableFuture<Boolean>> changed = new ArrayList<>();
        final List<CompletableFuture<Integer>> waits = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            changed.add(rx.duplicate().changedAsync());
            waits.add(rx.duplicate().waitForAsync(v -> v == 1));
        }
        ch.sender().send(1);
        for (int i = 0; i < 500; i++) {
            assertTrue(changed.get(i).isDone());
            assertTrue(await(changed.get(i)));
            assertEquals(1, await(waits.get(i)));
        }
    }

    @Test
    void aChangedAsyncLoopWrittenAsContinuationsSeesTheLastValue() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> last = new CompletableFuture<>();
        final Runnable[] loop = new Runnable[1];
        loop[0] = () -> rx.changedAsync().whenComplete((changed, failure) -> {
            if (failure != null) {
                last.completeExceptionally(failure);
            } else if (changed) {
                rx.borrowAndUpdate();
                loop[0].run();
            } else {
                last.complete(rx.borrow());
            }
        });
        loop[0].run();
        final Forked<Void> writer = fork("writer", () -> {
            try (Watch.Sender<Integer> tx = ch.sender()) {
                for (int i = 1; i <= 1_000; i++) {
                    tx.send(i);
                }
            }
            return null;
        });
        writer.join();
        assertEquals(1_000, await(last));
    }
}
