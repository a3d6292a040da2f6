package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.channels.BroadcastTestSupport.asyncLag;
import static dev.channels.BroadcastTestSupport.expectEndOfStream;
import static dev.channels.BroadcastTestSupport.sendRange;
import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waiting receives: blocking, timed, interrupted, asynchronous, cancelled. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BroadcastWaitingTest {

    // ------------------------------------------------------------------ blocking

    @Test
    void blockedReceiversAreAllWokenBySendWithTheSameReference() throws Exception {
        final Broadcast.Channel<Object> ch = Broadcast.channel(4);
        final Broadcast.Sender<Object> tx = ch.sender();
        final List<Forked<Object>> receivers = new ArrayList<>();
        final List<Broadcast.Receiver<Object>> rxs = new ArrayList<>();
        rxs.add(ch.receiver());
        for (int i = 1; i < 4; i++) {
            rxs.add(tx.subscribe());
        }
        for (int i = 0; i < rxs.size(); i++) {
            final Broadcast.Receiver<Object> rx = rxs.get(i);
            receivers.add(fork("receiver " + i, rx::recv));
        }
        for (Forked<Object> r : receivers) {
            awaitParkedInChannel(r.thread);
        }
        final Object value = new Object();
        assertEquals(4, tx.send(value));
        for (Forked<Object> r : receivers) {
            assertSame(value, r.join());
        }
        for (Broadcast.Receiver<Object> rx : rxs) {
            assertTrue(rx.isEmpty());
        }
    }

    @Test
    void blockedReceiversAreAllWokenByTheLastSenderClose() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Sender<Integer> tx2 = tx.duplicate();
        final List<Forked<Object>> receivers = new ArrayList<>();
        final List<Broadcast.Receiver<Integer>> rxs = new ArrayList<>();
        rxs.add(ch.receiver());
        rxs.add(tx.subscribe());
        rxs.add(tx.subscribe());
        for (int i = 0; i < rxs.size(); i++) {
            final Broadcast.Receiver<Integer> rx = rxs.get(i);
            // blocking and timed receives both end on close
            final MpscTestSupport.Action<Object> receive = i % 2 == 0 ? rx::recv : () -> rx.recv(Duration.ofMinutes(5));
            receivers.add(fork("receiver " + i, receive));
        }
        for (Forked<Object> r : receivers) {
            awaitParkedInChannel(r.thread);
        }
        tx.close();
        for (Forked<Object> r : receivers) {
            assertFalse(r.isDone() && r.join() != null, "no value was sent");
        }
        tx2.close();
        for (Forked<Object> r : receivers) {
            assertNull(r.join(), "end of stream");
        }
        for (Broadcast.Receiver<Integer> rx : rxs) {
            expectEndOfStream(rx);
        }
    }

    @Test
    void aBlockedReceiverIsWokenByTheCloseOnlyAfterTheValuesSentBeforeIt() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(8);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Forked<List<Integer>> receiver = fork("receiver", () -> {
            final List<Integer> got = new ArrayList<>();
            for (Integer v; (v = rx.recv()) != null; ) {
                got.add(v);
            }
            return got;
        });
        awaitParkedInChannel(receiver.thread);
        sendRange(tx, 0, 5, 1);
        tx.close();
        assertEquals(List.of(0, 1, 2, 3, 4), receiver.join());
    }

    // ------------------------------------------------------------------ timed

    @Test
    void aTimedReceiveTimesOutAndTakesNothing() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ZERO));
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofMillis(-5)), "negative: do not wait");
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofMillis(20)));
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofNanos(1)));
        assertTrue(rx.isEmpty());
        tx.send(1);
        assertEquals(1, rx.recv(Duration.ZERO), "a value that is there needs no wait");
        tx.send(2);
        assertEquals(2, rx.recv(), "the timed-out receives took nothing");
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofMillis(1)));
        tx.send(3);
        assertEquals(3, rx.tryRecv());
    }

    @Test
    void aTimedReceiveGetsAValueSentWhileItWaits() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> receiver = fork("timed receiver", () -> rx.recv(Duration.ofMinutes(5)));
        awaitParkedInChannel(receiver.thread);
        ch.sender().send(42);
        assertEquals(42, receiver.join());
    }

    @Test
    void aHugeTimeoutDoesNotOverflow() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> receiver = fork("receiver", () -> rx.recv(Duration.ofSeconds(Long.MAX_VALUE)));
        awaitParkedInChannel(receiver.thread);
        ch.sender().send(1);
        assertEquals(1, receiver.join());
    }

    // ------------------------------------------------------------------ interruption

    @Test
    void anInterruptedBlockedReceiveThrowsClearsTheStatusAndTakesNothing() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Broadcast.Receiver<Integer> witness = tx.subscribe();
        for (boolean timed : new boolean[] {false, true}) {
            final Forked<Boolean> receiver = fork(timed ? "timed receiver" : "receiver", () -> {
                try {
                    final Integer v = timed ? rx.recv(Duration.ofMinutes(5)) : rx.recv();
                    throw new AssertionError("received " + v + " instead of being interrupted");
                } catch (InterruptedException e) {
                    return Thread.currentThread().isInterrupted();
                }
            });
            awaitParkedInChannel(receiver.thread);
            receiver.thread.interrupt();
            assertFalse(receiver.join(), "InterruptedException with the interrupt status cleared");
        }
        assertEquals(2, tx.send(7));
        assertEquals(7, rx.recv(), "the interrupted receives took nothing");
        assertEquals(7, witness.recv());
        assertNull(rx.tryRecv());
    }

    @Test
    void anAlreadyInterruptedReceiveOnAnEmptyChannelThrowsAndOneWithAValueSucceeds() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, rx::recv);
            assertFalse(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> rx.recv(Duration.ofMinutes(5)));
            assertFalse(Thread.currentThread().isInterrupted());
            ch.sender().send(1);
            Thread.currentThread().interrupt();
            assertEquals(1, rx.recv(), "a receive that does not wait succeeds");
            assertTrue(Thread.currentThread().isInterrupted(), "and keeps the interrupt");
        } finally {
            Thread.interrupted();
        }
        ch.sender().send(2);
        assertEquals(2, rx.recv());
    }

    // ------------------------------------------------------------------ async

    @Test
    void anAsyncReceiveCompletesAtOnceWhenThereIsAValue() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        ch.sender().send(1);
        ch.sender().send(2);
        final CompletableFuture<Integer> f = rx.recvAsync();
        assertTrue(f.isDone());
        assertEquals(1, f.get());
        final AtomicInteger executed = new AtomicInteger();
        final CompletableFuture<Integer> g = rx.recvAsync(r -> {
            executed.incrementAndGet();
            r.run();
        });
        assertTrue(g.isDone());
        assertEquals(2, g.get());
        assertEquals(0, executed.get(), "a receive that did not wait does not use the executor");
        assertFalse(f.cancel(false), "a completed receive cannot be cancelled");
    }

    @Test
    void anAsyncReceiveWaitsForTheNextSend() throws Exception {
        final Broadcast.Channel<String> ch = Broadcast.channel(4);
        final Broadcast.Sender<String> tx = ch.sender();
        final Broadcast.Receiver<String> a = ch.receiver();
        final Broadcast.Receiver<String> b = tx.subscribe();
        final CompletableFuture<String> fa = a.recvAsync();
        final CompletableFuture<String> fb = b.recvAsync();
        assertFalse(fa.isDone());
        assertFalse(fb.isDone());
        final AtomicReference<Thread> completedOn = new AtomicReference<>();
        final CompletableFuture<String> seen = fa.thenApply(v -> {
            completedOn.set(Thread.currentThread());
            return v;
        });
        final String value = new String("hello");
        final Forked<Integer> sender = fork("sender", () -> tx.send(value));
        assertEquals(2, sender.join());
        assertSame(value, await(seen));
        assertSame(value, await(fb));
        assertSame(sender.thread, completedOn.get(), "a waiting receive's continuation runs on the sending thread");
        assertTrue(a.isEmpty());
        tx.send("next");
        assertEquals("next", a.recvAsync().get());
    }

    @Test
    void anAsyncReceiveCompletesOnTheExecutorWhenItHadToWait() throws Exception {
        final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "broadcast-test-executor");
            t.setDaemon(true);
            return t;
        });
        try {
            final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
            final Broadcast.Receiver<Integer> rx = ch.receiver();
            final AtomicInteger executed = new AtomicInteger();
            final CompletableFuture<Integer> f = rx.recvAsync(r -> {
                executed.incrementAndGet();
                executor.execute(r);
            });
            assertFalse(f.isDone());
            final AtomicReference<String> threadName = new AtomicReference<>();
            final CompletableFuture<Integer> seen = f.thenApply(v -> {
                threadName.set(Thread.currentThread().getName());
                return v;
            });
            assertEquals(1, ch.sender().send(5));
            assertEquals(5, await(seen));
            assertEquals(1, executed.get());
            assertEquals("broadcast-test-executor", threadName.get());
            // end of stream also completes on the executor
            final CompletableFuture<Integer> end = rx.recvAsync(r -> {
                executed.incrementAndGet();
                executor.execute(r);
            });
            assertFalse(end.isDone());
            ch.sender().close();
            assertNull(await(end));
            assertEquals(2, executed.get());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aRejectingExecutorStillDeliversTheValue() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync(r -> {
            throw new RejectedExecutionException("no");
        });
        assertFalse(f.isDone());
        ch.sender().send(3);
        assertEquals(3, await(f), "the value was taken, so it is delivered anyway");
        assertTrue(rx.isEmpty());
    }

    @Test
    void aCancelledAsyncReceiveTakesNothing() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync();
        assertFalse(f.isDone());
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        assertThrows(CancellationException.class, f::join);
        tx.send(1);
        assertFalse(f.isCompletedExceptionally() && !f.isCancelled(), "the send did not touch the cancelled receive");
        assertEquals(1, rx.recv(), "the value went to the next receive");
        // external completion counts as a cancel too (orTimeout, complete)
        final CompletableFuture<Integer> g = rx.recvAsync();
        assertTrue(g.complete(-1));
        assertEquals(-1, g.join());
        final CompletableFuture<Integer> h = rx.recvAsync();
        assertTrue(h.completeExceptionally(new IllegalStateException("given up")));
        tx.send(2);
        assertEquals(2, rx.tryRecv());
        // the async form after a cancel still waits and works
        final CompletableFuture<Integer> k = rx.recvAsync();
        assertFalse(k.isDone());
        tx.send(3);
        assertEquals(3, await(k));
    }

    @Test
    void anAsyncReceiveThatTimesOutByOrTimeoutTakesNothing() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync().orTimeout(1, TimeUnit.MILLISECONDS);
        final Throwable t = MpscTestSupport.awaitFailure(f);
        assertInstanceOf(TimeoutException.class, t);
        ch.sender().send(1);
        assertEquals(1, rx.recv());
    }

    @Test
    void aHundredThousandCancelledAsyncReceivesDoNotBreakTheChannel() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Broadcast.Receiver<Integer> other = tx.subscribe();
        for (int i = 0; i < 100_000; i++) {
            final CompletableFuture<Integer> f = (i & 1) == 0 ? rx.recvAsync() : rx.recvAsync(Runnable::run);
            assertFalse(f.isDone());
            assertTrue(f.cancel(false), "cancel " + i);
        }
        // a blocked receiver and an async one are still woken
        final Forked<Integer> blocked = fork("other", other::recv);
        awaitParkedInChannel(blocked.thread);
        final CompletableFuture<Integer> live = rx.recvAsync();
        assertFalse(live.isDone());
        assertEquals(2, tx.send(1));
        assertEquals(1, await(live));
        assertEquals(1, blocked.join());
        assertTrue(rx.isEmpty());
        assertTrue(other.isEmpty());
    }

    /**
     * Pending async receives of many receivers cancelled oldest first, so that the withdrawn nodes
     * pile up in the wait list and get swept; the live ones must still get the next value and the
     * cancelled ones must have taken nothing.
     */
    @Test
    void cancellingManyPendingReceivesOfManyReceiversOldestFirst() throws Exception {
        final int n = 2_000;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final List<Broadcast.Receiver<Integer>> rxs = new ArrayList<>();
        final List<CompletableFuture<Integer>> pending = new ArrayList<>();
        rxs.add(ch.receiver());
        for (int i = 1; i < n; i++) {
            rxs.add(tx.subscribe());
        }
        for (Broadcast.Receiver<Integer> rx : rxs) {
            final CompletableFuture<Integer> f = rx.recvAsync();
            assertFalse(f.isDone());
            pending.add(f);
        }
        for (int i = 0; i < n; i++) {
            if (i % 3 != 0) {
                assertTrue(pending.get(i).cancel(false), "cancel " + i);
            }
        }
        for (int i = 0; i < n; i += 3) {
            assertFalse(pending.get(i).isDone(), "a sweep does not complete live receive " + i);
        }
        assertEquals(n, tx.send(9));
        for (int i = 0; i < n; i++) {
            final Broadcast.Receiver<Integer> rx = rxs.get(i);
            if (i % 3 == 0) {
                assertEquals(9, await(pending.get(i)), "live receive " + i);
                assertTrue(rx.isEmpty());
            } else {
                assertTrue(pending.get(i).isCancelled());
                assertEquals(1, rx.len(), "cancelled receive " + i + " took nothing");
                assertEquals(9, rx.tryRecv());
            }
        }
        tx.close();
        for (Broadcast.Receiver<Integer> rx : rxs) {
            assertNull(rx.recvAsync().get(GUARD_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void anAsyncReceiveWaitingOnALaggedChannelIsNotPossibleButAnImmediateOneReportsLag() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        sendRange(tx, 0, 4, 1);
        final CompletableFuture<Integer> f = rx.recvAsync();
        assertTrue(f.isDone());
        assertEquals(3, asyncLag(f));
        assertEquals(3, rx.recvAsync().get());
        final CompletableFuture<Integer> waiting = rx.recvAsync();
        assertFalse(waiting.isDone());
        tx.send(4);
        assertEquals(4, await(waiting), "a waiting receive is completed by the first send");
    }

    @Test
    void cancelRacingSendsNeverLosesAValue() throws Exception {
        final int n = 50_000;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(BroadcastTestSupport.LARGE);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Forked<Void> sender = fork("sender", () -> {
            try (tx) {
                for (int i = 0; i < n; i++) {
                    tx.send(i);
                    if ((i & 63) == 0) {
                        Thread.yield();
                    }
                }
            }
            return null;
        });
        int expected = 0;
        int cancelled = 0;
        for (;;) {
            final CompletableFuture<Integer> f = rx.recvAsync();
            if (!f.isDone() && f.cancel(false)) {
                cancelled++;
                continue;
            }
            final Integer v = f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            if (v == null) {
                break;
            }
            assertEquals(expected, v, "a cancelled receive took a value, or one was duplicated");
            expected++;
        }
        sender.join();
        assertEquals(n, expected, "every value received exactly once (" + cancelled + " receives cancelled)");
    }
}
