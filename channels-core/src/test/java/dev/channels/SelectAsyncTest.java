package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.SelectTestSupport.GUARD_SECONDS;
import static dev.channels.SelectTestSupport.assertNoWaiter;
import static dev.channels.SelectTestSupport.await;
import static dev.channels.SelectTestSupport.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code selectAsync}: completion from other threads, executors, cancellation, and the one-call-at-a-time rule. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectAsyncTest {
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "select-test-executor");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void shutdown() {
        executor.shutdownNow();
    }

    private static Select<String> twoReceivers(Mpsc.Channel<Integer> a, Mpsc.Channel<Integer> b) {
        return Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .recv(b.receiver(), v -> "b" + v)
                .build();
    }

    @Test
    void aReadyClauseCompletesTheStageAtOnceOnTheCallingThread() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final AtomicReference<Thread> ran = new AtomicReference<>();
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> {
                    ran.set(Thread.currentThread());
                    return "a" + v;
                })
                .recv(b.receiver(), v -> "b" + v)
                .build();
        a.sender().send(1);
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        assertTrue(f.isDone());
        assertEquals("a1", f.get());
        assertSame(Thread.currentThread(), ran.get());
    }

    @Test
    void aPendingStageCompletesWhenAnotherThreadMakesAClausePossible() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final AtomicReference<Thread> ran = new AtomicReference<>();
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .recv(b.receiver(), v -> {
                    ran.set(Thread.currentThread());
                    return "b" + v;
                })
                .build();
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        assertFalse(f.isDone());
        final Forked<Thread> sender = fork("sender", () -> {
            b.sender().send(5);
            return Thread.currentThread();
        });
        assertEquals("b5", await(f));
        assertSame(sender.join(), ran.get(), "without an executor the handler runs on the thread that sent");
        assertNoWaiter(a.receiver());
        assertNoWaiter(b.receiver());
        assertNull(b.receiver().tryRecv());
    }

    @Test
    void eachKindOfClauseCompletesAPendingStage() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Broadcast.Channel<Integer> b = Broadcast.channel(2);
        final Watch.Channel<Integer> w = Watch.channel(0);
        final Mpsc.Channel<Integer> out = Mpsc.bounded(1);
        out.sender().send(0);
        final Select<String> s = Select.<String>builder()
                .recv(m.receiver(), v -> "m" + v)
                .recv(o.receiver(), v -> "o" + v).when(() -> !o.receiver().isTerminated())
                .recv(b.receiver(), v -> "b" + v, missed -> "lagged " + missed)
                .changed(w.receiver(), v -> "w" + v)
                .send(out.sender(), () -> 9, v -> "sent " + v)
                .build();
        final List<Runnable> triggers = List.of(
                () -> sendQuietly(m.sender(), 1),
                () -> o.sender().send(2),
                () -> b.sender().send(3),
                () -> w.sender().send(4),
                () -> assertEquals(0, out.receiver().tryRecv()));
        final List<String> expected = List.of("m1", "o2", "b3", "w4", "sent 9");
        for (int i = 0; i < triggers.size(); i++) {
            final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
            assertFalse(f.isDone(), "nothing is possible before trigger " + i);
            final Runnable trigger = triggers.get(i);
            fork("trigger " + i, () -> {
                trigger.run();
                return null;
            }).join();
            assertEquals(expected.get(i), await(f));
            assertNoWaiter(m.receiver());
            assertNoWaiter(o.receiver());
            assertNoWaiter(b.receiver());
            assertNoWaiter(w.receiver());
            assertNoWaiter(out.sender());
        }
        assertEquals(List.of(9), drainNow(out.receiver()));
    }

    private static void sendQuietly(Mpsc.Sender<Integer> tx, int v) {
        try {
            tx.send(v);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSendClauseCompletesOnTheReceiverThatMadeRoom() throws Exception {
        final Mpsc.Channel<Integer> out = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> in = Mpsc.bounded(1);
        out.sender().send(0);
        final AtomicReference<Thread> ran = new AtomicReference<>();
        final Select<String> s = Select.<String>builder()
                .send(out.sender(), () -> 1, v -> {
                    ran.set(Thread.currentThread());
                    return "sent " + v;
                })
                .recv(in.receiver(), v -> "in " + v)
                .build();
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        assertFalse(f.isDone());
        final Forked<Thread> receiver = fork("receiver", () -> {
            assertEquals(0, out.receiver().recv());
            return Thread.currentThread();
        });
        assertEquals("sent 1", await(f));
        assertSame(receiver.join(), ran.get());
        assertEquals(List.of(1), drainNow(out.receiver()));
        assertNoWaiter(in.receiver());
    }

    @Test
    void aSelectMayBeUsedByOneThreadAfterAnother() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = twoReceivers(a, b);
        for (int i = 0; i < 20; i++) {
            final Forked<String> selecting = fork("select " + i, () -> SelectTestSupport.selectGuarded(s));
            SelectTestSupport.awaitParked(selecting.thread);
            (i % 2 == 0 ? a : b).sender().send(i);
            assertEquals((i % 2 == 0 ? "a" : "b") + i, selecting.join());
        }
    }

    @Test
    void theExecutorRunsTheHandler() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final AtomicReference<String> ran = new AtomicReference<>();
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> {
                    ran.set(Thread.currentThread().getName());
                    return "a" + v;
                })
                .build();
        a.sender().send(1);
        assertEquals("a1", await(s.selectAsync(executor)), "ready at once");
        assertEquals("select-test-executor", ran.getAndSet(null));
        final CompletionStage<String> pending = s.selectAsync(executor);
        a.sender().send(2);
        assertEquals("a2", await(pending), "had to wait");
        assertEquals("select-test-executor", ran.get());
    }

    @Test
    void aRejectingExecutorDoesNotDropTheResult() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .build();
        executor.shutdown();
        a.sender().send(1);
        assertEquals("a1", await(s.selectAsync(executor)));
        final CompletionStage<String> pending = s.selectAsync(executor);
        a.sender().send(2);
        assertEquals("a2", await(pending));
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void cancelReturningTrueTookNothing() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Broadcast.Channel<Integer> b = Broadcast.channel(2);
        final Watch.Channel<Integer> w = Watch.channel(0);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .recv(o.receiver(), v -> "o" + v).when(() -> !o.receiver().isTerminated())
                .recv(b.receiver(), v -> "b" + v, missed -> "lagged " + missed)
                .changed(w.receiver(), v -> "w" + v)
                .build();
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        assertThrows(CancellationException.class, f::join);
        assertNoWaiter(a.receiver());
        assertNoWaiter(o.receiver());
        assertNoWaiter(b.receiver());
        assertNoWaiter(w.receiver());
        a.sender().send(1);
        o.sender().send(2);
        b.sender().send(3);
        w.sender().send(4);
        assertEquals(1, a.receiver().tryRecv());
        assertEquals(3, b.receiver().tryRecv());
        assertTrue(w.receiver().hasChanged(), "the change is still unseen");
        final String first = s.select();
        final String second = s.select();
        assertEquals(List.of("o2", "w4"), first.startsWith("o") ? List.of(first, second) : List.of(second, first),
                "a later select gets the oneshot value and the change");
    }

    @Test
    void cancelledStageThenALaterSelectReceives() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = twoReceivers(a, b);
        for (int i = 0; i < 100; i++) {
            final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
            assertTrue(f.cancel(false), "round " + i);
            b.sender().send(i);
            assertEquals("b" + i, i % 2 == 0 ? s.select() : await(s.selectAsync()), "round " + i);
        }
    }

    @Test
    void cancelledSendClauseNeverSends() throws Exception {
        final Mpsc.Channel<String> ch = Mpsc.bounded(1);
        final Mpsc.Sender<String> other = ch.sender().duplicate();
        final Mpsc.Channel<Integer> ctl = Mpsc.bounded(1);
        ch.sender().send("old");
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> "new", v -> "sent")
                .recv(ctl.receiver(), v -> "ctl")
                .build();
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        assertFalse(f.isDone());
        assertTrue(SelectTestSupport.sendersQueued(ch.sender()), "the send clause waits for capacity");
        assertTrue(f.cancel(false));
        assertNoWaiter(ch.sender());
        assertEquals("old", ch.receiver().recv());
        assertNull(ch.receiver().tryRecv(), "the cancelled clause's value never appears");
        assertEquals(TrySendResult.SENT, other.trySend("other"), "and the freed slot is free");
        assertEquals(List.of("other"), drainNow(ch.receiver()));
    }

    @Test
    void cancelWhileAnImmediateResultWaitsForTheExecutorTakesNothingOrFails() throws Exception {
        // A clause possible at once takes effect during selectAsync(executor); its handler then
        // waits for the executor. A cancel meanwhile must not return true: the message is taken.
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final AtomicReference<Integer> handled = new AtomicReference<>();
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> {
                    handled.set(v);
                    return "a" + v;
                })
                .build();
        a.sender().send(1);
        final CountDownLatch gate = new CountDownLatch(1);
        final CompletableFuture<String> f = s.selectAsync(task -> fork("gated executor", () -> {
            gate.await();
            task.run();
            return null;
        })).toCompletableFuture();
        final boolean cancelled = f.cancel(false);
        gate.countDown();
        if (cancelled) {
            assertEquals(1, a.receiver().tryRecv(), "cancel returned true, so the message must still be there");
            assertNull(handled.get(), "and no handler ran");
            return;
        }
        assertEquals("a1", await(f));
        assertEquals(1, handled.get(), "the handler ran once, for the message taken");
        a.sender().send(2);
        assertEquals("a2", s.select(), "the select can be called again");
    }

    @Test
    void cancelAfterCompletionReturnsFalse() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = twoReceivers(a, b);
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        a.sender().send(1);
        assertEquals("a1", await(f));
        assertFalse(f.cancel(false));
        assertEquals("a1", f.join());
    }

    @Test
    void orTimeoutCompletesTheStageFromOutsideAndTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = twoReceivers(a, b);
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture().orTimeout(10, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, awaitFailure(f));
        assertNoWaiter(a.receiver());
        assertNoWaiter(b.receiver());
        a.sender().send(1);
        assertEquals("a1", s.select(), "the select may be called again and the message is there");
    }

    @Test
    void externalCompletionTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = twoReceivers(a, b);
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        assertTrue(f.complete("outside"));
        assertEquals("outside", f.join());
        a.sender().send(1);
        final CompletableFuture<String> g = s.selectAsync().toCompletableFuture();
        assertEquals("a1", await(g));
        final CompletableFuture<String> h = s.selectAsync().toCompletableFuture();
        assertTrue(h.completeExceptionally(new IllegalStateException("outside")));
        b.sender().send(2);
        assertEquals("b2", s.select());
    }

    @Test
    void cancellingTwiceDoesNotEndALaterCall() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = twoReceivers(a, b);
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        assertTrue(f.cancel(false));
        final CompletableFuture<String> g = s.selectAsync().toCompletableFuture();
        f.cancel(false); // a second cancel of the finished call: whatever it returns, g is still pending
        assertFalse(g.isDone());
        assertThrows(IllegalStateException.class, s::selectAsync, "g is still pending");
        a.sender().send(1);
        assertEquals("a1", await(g));
    }

    // ------------------------------------------------------------------ one call at a time

    @Test
    void aSecondCallWhileOneIsPendingIsAnIllegalState() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = twoReceivers(a, b);
        final CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        final IllegalStateException e = assertThrows(IllegalStateException.class, s::selectAsync);
        assertTrue(e.getMessage().contains("already running"), e.getMessage());
        assertThrows(IllegalStateException.class, s::select);
        assertThrows(IllegalStateException.class, () -> s.select(Duration.ZERO));
        assertFalse(f.isDone(), "the rejected calls did not disturb the pending one");
        a.sender().send(1);
        assertEquals("a1", await(f));
        b.sender().send(2);
        assertEquals("b2", s.select(), "after the stage completed the select can be called again");
        a.sender().send(3);
        assertEquals("a3", await(s.selectAsync()));
    }

    @Test
    void theSelectCanBeCalledAgainFromTheCompletion() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = twoReceivers(a, b);
        final CompletableFuture<String> again = new CompletableFuture<>();
        s.selectAsync().thenAccept(first -> {
            try {
                again.complete(first + "," + s.select(Duration.ofSeconds(GUARD_SECONDS)));
            } catch (Throwable t) {
                again.completeExceptionally(t);
            }
        });
        // The completion runs on the sending thread, and its select waits there for a.
        final Forked<Void> sender = fork("sender", () -> {
            b.sender().send(2);
            return null;
        });
        SelectTestSupport.awaitParked(sender.thread);
        a.sender().send(1);
        sender.join();
        assertEquals("b2,a1", again.get(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    // ------------------------------------------------------------------ timeout clause

    @Test
    void timeoutClauseCompletesAPendingStage() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .timeout(Duration.ofMillis(10), () -> "timeout")
                .build();
        final CompletionStage<String> f = s.selectAsync();
        assertEquals("timeout", await(f));
        assertNoWaiter(a.receiver());
        a.sender().send(1);
        assertEquals("a1", await(s.selectAsync()), "the timed-out call took nothing");
    }

    @Test
    void aClauseBeatsALongTimeoutAndTheTimerIsHarmlessAfterwards() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .timeout(Duration.ofMillis(30), () -> "timeout")
                .build();
        final CompletionStage<String> f = s.selectAsync();
        a.sender().send(1);
        assertEquals("a1", await(f));
        assertNoWaiter(a.receiver());
        assertEquals("timeout", await(s.selectAsync()), "the next call has a deadline of its own");
    }
}
