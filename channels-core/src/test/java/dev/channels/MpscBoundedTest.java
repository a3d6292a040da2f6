package dev.channels;

import dev.channels.MpscTestSupport.CapacityTest;
import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitFailure;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.expectSequence;
import static dev.channels.MpscTestSupport.fill;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.MpscTestSupport.forkVoid;
import static dev.channels.MpscTestSupport.ringLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bounded channel: capacity, the three forms of send and receive, closing and end of stream. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MpscBoundedTest {

    // ------------------------------------------------------------------ capacity

    @CapacityTest
    void holdsExactlyCapacityMessages(int capacity) {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertEquals(capacity, tx.maxCapacity());
        assertEquals(capacity, tx.capacity());
        assertEquals(0, rx.len());
        assertTrue(rx.isEmpty());

        for (int i = 0; i < capacity; i++) {
            assertEquals(TrySendResult.SENT, tx.trySend(i), "message " + i);
        }
        assertEquals(capacity, rx.len());
        assertFalse(rx.isEmpty());
        assertEquals(0, tx.capacity());
        assertEquals(TrySendResult.FULL, tx.trySend(-1), "message capacity+1");
        assertEquals(capacity, rx.len(), "a FULL trySend changes nothing");

        expectSequence(rx, capacity);
        assertNull(rx.tryRecv());
        assertTrue(rx.isEmpty());
        assertEquals(capacity, tx.capacity());
        assertEquals(capacity, tx.maxCapacity());
    }

    @CapacityTest
    void capacityAndLenTrackEachSendAndReceive(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final int n = Math.min(capacity, 40);
        for (int i = 0; i < n; i++) {
            tx.send(i);
            assertEquals(i + 1, rx.len());
            assertEquals(capacity - i - 1, tx.capacity());
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, rx.recv());
            assertEquals(n - i - 1, rx.len());
            assertEquals(capacity - n + i + 1, tx.capacity());
        }
        assertTrue(rx.isEmpty());
    }

    @CapacityTest
    void keepsOrderAcrossWrapAround(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        int next = 0;
        int expected = 0;
        // Full rounds: each starts where the previous one ended in the ring.
        for (int round = 0; round < 3; round++) {
            final int first = next;
            while (tx.trySend(next) == TrySendResult.SENT) {
                next++;
            }
            assertEquals(capacity, next - first, "round " + round + " held exactly the capacity");
            for (Integer e; (e = rx.tryRecv()) != null; expected++) {
                assertEquals(expected, e);
            }
            assertEquals(next, expected);
        }
        // A partly filled channel travelling around the ring, one in, one out.
        final int keep = capacity / 2;
        for (int i = 0; i < keep; i++) {
            tx.send(next++);
        }
        final int steps = 2 * ringLength(capacity) + 3;
        for (int i = 0; i < steps; i++) {
            tx.send(next++);
            assertEquals(expected++, rx.recv());
            assertEquals(keep, rx.len());
        }
        for (int i = 0; i < keep; i++) {
            assertEquals(expected++, rx.recv());
        }
        assertEquals(next, expected);
        assertNull(rx.tryRecv());
        assertEquals(capacity, tx.capacity());
    }

    // ------------------------------------------------------------------ trySend / tryRecv

    @CapacityTest
    void trySendIsFullUntilAMessageIsReceived(int capacity) {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, capacity);
        assertEquals(TrySendResult.FULL, tx.trySend(-1));
        assertEquals(TrySendResult.FULL, tx.trySend(-2));
        assertEquals(0, rx.tryRecv());
        assertEquals(TrySendResult.SENT, tx.trySend(capacity));
        assertEquals(TrySendResult.FULL, tx.trySend(-3));
        final List<Integer> rest = drainNow(rx);
        assertEquals(IntStream.rangeClosed(1, capacity).boxed().collect(Collectors.toList()), rest);
    }

    @CapacityTest
    void trySendReportsClosedRatherThanFullWhenBoth(int capacity) {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, capacity);
        assertEquals(TrySendResult.FULL, tx.trySend(-1));
        rx.close();
        assertEquals(TrySendResult.CLOSED, tx.trySend(-1));
        assertFalse(TrySendResult.CLOSED.isSent());
        // The buffered messages stay receivable, and then the stream ends.
        expectSequence(rx, capacity);
        assertThrows(ChannelClosedException.class, rx::tryRecv);
        assertEquals(TrySendResult.CLOSED, tx.trySend(-2), "closed even once there is room again");
    }

    @Test
    void trySendResultValues() {
        assertTrue(TrySendResult.SENT.isSent());
        assertFalse(TrySendResult.FULL.isSent());
        assertFalse(TrySendResult.CLOSED.isSent());
        assertEquals(3, TrySendResult.values().length);
        assertSame(TrySendResult.FULL, TrySendResult.valueOf("FULL"));
    }

    @CapacityTest
    void tryRecvTellsEmptyFromClosedAndDrained(int capacity) {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertNull(rx.tryRecv(), "empty and open");
        assertNull(rx.tryRecv(), "still empty and open");
        assertEquals(TrySendResult.SENT, tx.trySend(7));
        tx.close();
        assertTrue(rx.isClosed());
        assertEquals(7, rx.tryRecv(), "buffered message first");
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, rx::tryRecv);
        assertFalse(e.hasValue());
        assertNull(e.value());
        assertThrows(ChannelClosedException.class, rx::tryRecv, "end of stream is permanent");
    }

    /**
     * The bytes allocated so far by the current thread, from {@code com.sun.management.ThreadMXBean}
     * (by reflection: the test module does not read {@code java.management}); -1 if unavailable.
     */
    private static long allocatedByThisThread() {
        try {
            final Object threads = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean").invoke(null);
            final Class<?> extended = Class.forName("com.sun.management.ThreadMXBean");
            if (!extended.isInstance(threads)
                    || !(Boolean) extended.getMethod("isThreadAllocatedMemoryEnabled").invoke(threads)) {
                return -1;
            }
            return (Long) extended.getMethod("getCurrentThreadAllocatedBytes").invoke(threads);
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }

    @Test
    void tryOperationsAndUncontendedBlockingOperationsAllocateNothing() throws Exception {
        assumeTrue(allocatedByThisThread() >= 0, "no per-thread allocation counter on this JVM");
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(16);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Integer value = 7;
        final int rounds = 50_000;
        sendAndReceive(tx, rx, value, rounds); // warm up (class loading, first-call allocations)
        allocatedByThisThread(); // and the reflective calls of the measurement
        final long before = allocatedByThisThread();
        sendAndReceive(tx, rx, value, rounds);
        final long allocated = allocatedByThisThread() - before;
        // Four operations per round; one object per operation would be at least 16 bytes each.
        assertTrue(allocated < rounds, allocated + " bytes allocated by " + 4 * rounds + " operations");
    }

    private static void sendAndReceive(Mpsc.Sender<Integer> tx, Mpsc.Receiver<Integer> rx, Integer value, int rounds)
            throws InterruptedException {
        for (int i = 0; i < rounds; i++) {
            if (tx.trySend(value) != TrySendResult.SENT || rx.tryRecv() != value) {
                throw new AssertionError("try round " + i);
            }
            tx.send(value);
            if (rx.recv() != value) {
                throw new AssertionError("blocking round " + i);
            }
        }
    }

    // ------------------------------------------------------------------ blocking send and receive

    @CapacityTest
    void recvReturnsBufferedMessagesThenNullAtEndOfStream(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        for (int i = 0; i < capacity; i++) {
            tx.send(i);
        }
        tx.close();
        assertTrue(rx.isClosed(), "closed for new messages although messages are buffered");
        assertEquals(capacity, rx.len());
        for (int i = 0; i < capacity; i++) {
            assertEquals(i, rx.recv());
        }
        assertNull(rx.recv());
        assertNull(rx.recv(), "end of stream is permanent");
        assertNull(rx.recv(Duration.ofSeconds(10)));
        assertNull(await(rx.recvAsync()));
        assertTrue(rx.isEmpty());
    }

    @CapacityTest
    void blockingSendWaitsForRoomThenSends(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, capacity);
        final Forked<Void> sender = forkVoid("sender", () -> tx.send(capacity));
        awaitParkedInChannel(sender.thread);
        assertFalse(sender.isDone());
        assertEquals(0, rx.recv());
        sender.join();
        final List<Integer> rest = drainNow(rx);
        assertEquals(IntStream.rangeClosed(1, capacity).boxed().collect(Collectors.toList()), rest);
    }

    @CapacityTest
    void blockingRecvWaitsForAMessage(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> receiver = fork("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        tx.send(42);
        assertEquals(42, receiver.join());
        assertNull(rx.tryRecv());
    }

    @Test
    void blockingRecvReturnsNullWhenTheLastSenderCloses() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Sender<Integer> tx2 = tx.duplicate();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> receiver = fork("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        tx.close();
        assertFalse(rx.isClosed(), "one sender is still open");
        tx2.close();
        assertNull(receiver.join());
        assertTrue(rx.isClosed());
    }

    @Test
    void blockingRecvReturnsNullWhenTheReceiverIsClosedFromAnotherThread() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> receiver = fork("receiver", rx::recv);
        awaitParkedInChannel(receiver.thread);
        rx.close();
        assertNull(receiver.join());
        assertTrue(ch.sender().isClosed());
    }

    // ------------------------------------------------------------------ timed forms

    @CapacityTest
    void timedSendTimesOutAndLeavesTheChannelUnchanged(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertTrue(tx.send(-100, Duration.ofSeconds(10)), "room: sent at once");
        assertEquals(-100, rx.tryRecv());
        fill(tx, capacity);
        assertFalse(tx.send(-1, Duration.ofMillis(20)));
        assertFalse(tx.send(-2, Duration.ZERO));
        assertFalse(tx.send(-3, Duration.ofMillis(-5)));
        assertEquals(capacity, rx.len());
        assertEquals(0, tx.capacity());
        // No waiter was left behind: the freed slot is free for anyone.
        assertEquals(0, rx.tryRecv());
        assertEquals(1, tx.capacity());
        assertEquals(TrySendResult.SENT, tx.trySend(capacity));
        final List<Integer> rest = drainNow(rx);
        assertEquals(IntStream.rangeClosed(1, capacity).boxed().collect(Collectors.toList()), rest,
                "the timed-out values were never sent");
    }

    @CapacityTest
    void timedRecvTimesOutAndTakesNothing(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofMillis(20)));
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ZERO));
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofSeconds(-1)));
        assertTrue(rx.isEmpty());
        assertFalse(rx.isClosed());
        tx.send(5);
        assertEquals(5, rx.recv(Duration.ZERO), "a buffered message is returned even with no time to wait");
        tx.send(6);
        assertEquals(6, rx.recv(Duration.ofSeconds(10)));
        tx.close();
        assertNull(rx.recv(Duration.ZERO), "end of stream, not a timeout");
    }

    @Test
    void timedRecvWaitsForAMessageSentMeanwhile() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> receiver = fork("receiver", () -> rx.recv(Duration.ofMinutes(5)));
        awaitParkedInChannel(receiver.thread);
        ch.sender().send(9);
        assertEquals(9, receiver.join());
    }

    @Test
    void timedSendWaitsForRoomMadeMeanwhile() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        final Forked<Boolean> sender = fork("sender", () -> tx.send(2, Duration.ofMinutes(5)));
        awaitParkedInChannel(sender.thread);
        assertEquals(1, rx.recv());
        assertTrue(sender.join());
        assertEquals(2, rx.recv());
    }

    // ------------------------------------------------------------------ async forms

    @CapacityTest
    void sendAsyncCompletesAtOnceWhenThereIsRoom(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Void> f = tx.sendAsync(1).toCompletableFuture();
        assertTrue(f.isDone());
        assertFalse(f.isCompletedExceptionally());
        assertEquals(1, rx.len());
        assertEquals(1, rx.recv());
    }

    @CapacityTest
    void sendAsyncCompletesWhenItHadToWait(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, capacity);
        final CompletionStage<Void> stage = tx.sendAsync(capacity);
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CompletableFuture<Void> after = stage.thenRun(() -> ranOn.set(Thread.currentThread()))
                .toCompletableFuture();
        assertFalse(stage.toCompletableFuture().isDone());
        assertEquals(capacity, rx.len(), "the waiting value is not in the channel yet");
        assertEquals(0, rx.recv());
        assertNull(await(stage));
        await(after);
        assertSame(Thread.currentThread(), ranOn.get(), "the continuation ran on the receiver that made room");
        final List<Integer> rest = drainNow(rx);
        assertEquals(IntStream.rangeClosed(1, capacity).boxed().collect(Collectors.toList()), rest);
    }

    @Test
    void sendAsyncWithExecutorCompletesThroughItOnlyWhenItHadToWait() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final AtomicInteger executed = new AtomicInteger();
        final Executor executor = task -> {
            executed.incrementAndGet();
            task.run();
        };
        final CompletableFuture<Void> immediate = tx.sendAsync(1, executor).toCompletableFuture();
        assertTrue(immediate.isDone());
        final CompletableFuture<Void> waiting = tx.sendAsync(2, executor).toCompletableFuture();
        assertFalse(waiting.isDone());
        assertEquals(1, rx.recv());
        assertNull(await(waiting));
        assertEquals(1, executed.get(), "only the send that waited completes through the executor");
        assertEquals(2, rx.recv());
        final CompletableFuture<Void> nullExecutor = tx.sendAsync(3, null).toCompletableFuture();
        assertTrue(nullExecutor.isDone());
        assertEquals(3, rx.recv());
    }

    @Test
    void aRejectingExecutorDoesNotLoseTheOutcomeOfAnAsyncOperation() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Executor rejecting = task -> {
            throw new RejectedExecutionException("shut down");
        };
        tx.send(0);
        final CompletableFuture<Void> send = tx.sendAsync(1, rejecting).toCompletableFuture();
        assertFalse(send.isDone());
        assertEquals(0, rx.recv());
        assertNull(await(send), "the send took effect, and its stage says so");
        assertEquals(1, rx.recv());

        final CompletableFuture<Integer> recv = rx.recvAsync(rejecting).toCompletableFuture();
        assertFalse(recv.isDone());
        tx.send(2);
        assertEquals(2, await(recv), "the value taken by the async receive is delivered");
        assertNull(rx.tryRecv());
    }

    @CapacityTest
    void cancellingAPendingSendAsyncSendsNothing(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, capacity);
        final CompletableFuture<Void> f = tx.sendAsync(-1).toCompletableFuture();
        assertFalse(f.isDone());
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        assertFalse(f.cancel(false), "already cancelled");
        // The cancelled send holds no place in the queue: a slot freed now is free for anyone.
        assertEquals(0, rx.recv());
        assertEquals(1, tx.capacity());
        assertEquals(TrySendResult.SENT, tx.trySend(capacity));
        final List<Integer> rest = drainNow(rx);
        assertEquals(IntStream.rangeClosed(1, capacity).boxed().collect(Collectors.toList()), rest,
                "the cancelled value was never received");
        assertNull(rx.tryRecv());
    }

    @Test
    void cancellingOnePendingSendAsyncLeavesTheOthersInOrder() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 2);
        final CompletableFuture<Void> a = tx.sendAsync(10).toCompletableFuture();
        final CompletableFuture<Void> b = tx.sendAsync(11).toCompletableFuture();
        final CompletableFuture<Void> c = tx.sendAsync(12).toCompletableFuture();
        assertTrue(b.cancel(true));
        final List<Integer> received = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            received.add(rx.recv());
        }
        assertEquals(List.of(0, 1, 10, 12), received);
        assertNull(await(a));
        assertNull(await(c));
        assertFalse(a.cancel(false), "a completed send cannot be cancelled");
        assertNull(rx.tryRecv());
    }

    @Test
    void completingAPendingSendAsyncFromOutsideCountsAsCancelling() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(0);
        final CompletableFuture<Void> f = tx.sendAsync(-1).toCompletableFuture();
        assertTrue(f.complete(null));
        assertEquals(0, rx.recv());
        assertNull(rx.tryRecv(), "the value of the send completed from outside was not sent");
        assertEquals(TrySendResult.SENT, tx.trySend(1));
        assertEquals(1, rx.recv());
    }

    @CapacityTest
    void recvAsyncCompletesAtOnceWithABufferedMessage(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(3);
        final CompletableFuture<Integer> f = rx.recvAsync().toCompletableFuture();
        assertTrue(f.isDone());
        assertEquals(3, f.join());
        assertTrue(rx.isEmpty());
    }

    @CapacityTest
    void recvAsyncCompletesWhenItHadToWait(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync().toCompletableFuture();
        assertFalse(f.isDone());
        assertEquals(TrySendResult.SENT, tx.trySend(8));
        assertEquals(8, await(f));
        assertTrue(rx.isEmpty(), "the message was taken by the async receive");
        assertNull(rx.tryRecv());
        // And the next receive works normally.
        tx.send(9);
        assertEquals(9, rx.recv());
    }

    @Test
    void recvAsyncWithExecutorCompletesThroughItWhenItHadToWait() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final AtomicInteger executed = new AtomicInteger();
        final Executor executor = task -> {
            executed.incrementAndGet();
            task.run();
        };
        final CompletableFuture<Integer> waiting = rx.recvAsync(executor).toCompletableFuture();
        assertFalse(waiting.isDone());
        tx.send(1);
        assertEquals(1, await(waiting));
        assertEquals(1, executed.get());
    }

    @CapacityTest
    void cancellingAPendingRecvAsyncTakesNothing(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync().toCompletableFuture();
        assertFalse(f.isDone());
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        tx.send(77);
        assertEquals(1, rx.len());
        assertEquals(77, rx.recv(), "the message sent after the cancel goes to the next receive");
        // A new async receive after the cancelled one works too.
        final CompletableFuture<Integer> g = rx.recvAsync().toCompletableFuture();
        assertFalse(g.isDone());
        tx.send(78);
        assertEquals(78, await(g));
    }

    @Test
    void recvAsyncCompletesWithNullWhenTheLastSenderCloses() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync().toCompletableFuture();
        assertFalse(f.isDone());
        ch.sender().close();
        assertNull(await(f));
    }

    @Test
    void recvAsyncCompletesWithNullWhenTheReceiverCloses() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync().toCompletableFuture();
        assertFalse(f.isDone());
        rx.close();
        assertNull(await(f));
    }

    @Test
    void recvAsyncContinuationRunsOnTheSendingThread() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CompletableFuture<Integer> f = rx.recvAsync()
                .thenApply(e -> {
                    ranOn.set(Thread.currentThread());
                    return e;
                })
                .toCompletableFuture();
        final Forked<Thread> sender = fork("sender", () -> {
            ch.sender().send(1);
            return Thread.currentThread();
        });
        final Thread senderThread = sender.join();
        assertEquals(1, await(f));
        assertSame(senderThread, ranOn.get());
    }

    @Test
    void sendAsyncContinuationRunsOnTheClosingThreadWhenTheReceiverCloses() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        tx.send(0);
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CompletableFuture<Void> f = tx.sendAsync(1)
                .whenComplete((ok, failure) -> ranOn.set(Thread.currentThread()))
                .toCompletableFuture();
        final Forked<Thread> closer = fork("closer", () -> {
            ch.receiver().close();
            return Thread.currentThread();
        });
        final Thread closerThread = closer.join();
        assertInstanceOf(ChannelClosedException.class, awaitFailure(f));
        assertSame(closerThread, ranOn.get());
    }

    @Test
    void closedContinuationRunsOnTheClosingThread() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CompletableFuture<Void> f = ch.sender().closed()
                .thenRun(() -> ranOn.set(Thread.currentThread()))
                .toCompletableFuture();
        final Forked<Thread> closer = fork("closer", () -> {
            ch.receiver().close();
            return Thread.currentThread();
        });
        final Thread closerThread = closer.join();
        await(f);
        assertSame(closerThread, ranOn.get());
    }

    @Test
    void orTimeoutOnAPendingRecvAsyncTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync().toCompletableFuture()
                .orTimeout(10, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, awaitFailure(f));
        ch.sender().send(5);
        assertEquals(5, rx.recv(), "the timed-out async receive took nothing");
    }

    @Test
    void orTimeoutOnAPendingSendAsyncSendsNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(0);
        final CompletableFuture<Void> f = tx.sendAsync(-1).toCompletableFuture()
                .orTimeout(10, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, awaitFailure(f));
        assertEquals(0, rx.recv());
        assertNull(rx.tryRecv(), "the timed-out async send sent nothing");
        assertEquals(1, tx.capacity());
    }

    @Test
    void completingAPendingRecvAsyncFromOutsideTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> f = rx.recvAsync().toCompletableFuture();
        assertTrue(f.complete(-1));
        assertEquals(-1, f.join());
        ch.sender().send(6);
        assertEquals(6, rx.recv());
    }

    @Test
    void veryLongTimeoutsSaturate() throws Exception {
        final Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertTrue(tx.send(1, forever));
        final Forked<Boolean> sender = fork("sender", () -> tx.send(2, forever));
        awaitParkedInChannel(sender.thread);
        assertEquals(1, rx.recv(forever));
        assertTrue(sender.join());
        assertEquals(2, rx.recv(forever));
        final Forked<Integer> receiver = fork("receiver", () -> rx.recv(forever));
        awaitParkedInChannel(receiver.thread);
        tx.send(3);
        assertEquals(3, receiver.join());
        final Forked<Boolean> closedWaiter = fork("awaitClosed", () -> tx.awaitClosed(forever));
        rx.close();
        assertTrue(closedWaiter.join());
    }

    // ------------------------------------------------------------------ receiver close

    @CapacityTest
    void receiverCloseFailsLaterSendsAndKeepsBufferedMessages(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final int k = Math.min(capacity, 3);
        for (int i = 0; i < k; i++) {
            tx.send(i);
        }
        assertFalse(tx.isClosed());
        rx.close();
        rx.close(); // idempotent
        assertTrue(tx.isClosed());
        assertTrue(rx.isClosed());
        final Integer value = 1_000_000;
        final ChannelClosedException blocking = assertThrows(ChannelClosedException.class, () -> tx.send(value));
        assertSame(value, blocking.value());
        assertTrue(blocking.hasValue());
        final ChannelClosedException timed = assertThrows(ChannelClosedException.class,
                () -> tx.send(value, Duration.ofSeconds(1)));
        assertSame(value, timed.value());
        assertEquals(TrySendResult.CLOSED, tx.trySend(value));
        final Throwable async = awaitFailure(tx.sendAsync(value));
        assertInstanceOf(ChannelClosedException.class, async);
        assertSame(value, ((ChannelClosedException) async).value());

        assertEquals(k, rx.len());
        for (int i = 0; i < k; i++) {
            assertEquals(i, rx.recv());
        }
        assertNull(rx.recv());
        assertThrows(ChannelClosedException.class, rx::tryRecv);
    }

    @Test
    void receiverCloseFailsAWaitingBlockingSenderWithItsValue() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 2);
        final Integer value = 1_000_001;
        final Forked<Void> sender = forkVoid("sender", () -> tx.send(value));
        awaitParkedInChannel(sender.thread);
        rx.close();
        final Throwable failure = sender.joinFailure();
        assertInstanceOf(ChannelClosedException.class, failure);
        assertSame(value, ((ChannelClosedException) failure).value());
        assertEquals(List.of(0, 1), drainNow(rx));
        assertNull(rx.recv());
    }

    @Test
    void receiverCloseFailsAWaitingAsyncSenderWithItsValue() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(0);
        final Integer value = 1_000_002;
        final CompletableFuture<Void> f = tx.sendAsync(value).toCompletableFuture();
        assertFalse(f.isDone());
        rx.close();
        final Throwable failure = awaitFailure(f);
        assertInstanceOf(ChannelClosedException.class, failure);
        assertSame(value, ((ChannelClosedException) failure).value());
        assertFalse(f.cancel(false), "a failed send cannot be cancelled");
        assertEquals(0, rx.recv());
        assertNull(rx.recv());
    }

    // ------------------------------------------------------------------ FIFO hand-off

    @CapacityTest
    void aWaitingBlockingSenderGetsTheFreedSlotBeforeALaterTrySend(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, capacity);
        final Forked<Void> waiting = forkVoid("waiting sender", () -> tx.send(-1));
        awaitParkedInChannel(waiting.thread);
        assertEquals(TrySendResult.FULL, tx.trySend(-2), "full while a sender waits");
        assertEquals(0, rx.recv());
        // The freed slot was handed to the waiting sender, not left for the next trySend.
        assertEquals(TrySendResult.FULL, tx.trySend(-3));
        waiting.join();
        final List<Integer> expected = new ArrayList<>();
        for (int i = 1; i < capacity; i++) {
            expected.add(i);
        }
        expected.add(-1);
        assertEquals(expected, drainNow(rx));
    }

    @Test
    void trySendReportsFullWhileASenderWaitsEvenWithRoom() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 4);
        // A batch reservation of 3 waits for room, taking freed slots one at a time.
        final Forked<Mpsc.Permits<Integer>> batch = fork("reserveMany", () -> tx.reserveMany(3));
        awaitParkedInChannel(batch.thread);
        assertEquals(0, rx.recv());
        // One slot is free by count, but it belongs to the waiting batch.
        assertEquals(TrySendResult.FULL, tx.trySend(-1));
        assertNull(tx.tryReserve());
        assertFalse(batch.isDone());
        assertEquals(1, rx.recv());
        assertEquals(2, rx.recv());
        final Mpsc.Permits<Integer> permits = batch.join();
        assertEquals(3, permits.remaining());
        permits.close();
        assertEquals(TrySendResult.SENT, tx.trySend(4));
        assertEquals(List.of(3, 4), drainNow(rx));
    }

    @Test
    void waitingAsyncSendersAreServedInOrder() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(0);
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            pending.add(tx.sendAsync(i).toCompletableFuture());
        }
        for (int i = 0; i <= 5; i++) {
            assertEquals(TrySendResult.FULL, tx.trySend(-1), "full while senders wait");
            assertEquals(i, rx.recv());
            // After receive i, the sends 1 .. i+1 have been given a slot, oldest first, the others not.
            if (i < 5) {
                assertNull(await(pending.get(i)));
            }
            for (int j = i + 1; j < 5; j++) {
                assertFalse(pending.get(j).isDone(), "send " + (j + 1) + " after receive " + i);
            }
        }
        assertEquals(TrySendResult.SENT, tx.trySend(6));
        assertEquals(6, rx.recv());
    }

    // ------------------------------------------------------------------ recvMany

    @CapacityTest
    void recvManyMovesUpToLimitAndLeavesExistingContents(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final int k = Math.min(capacity, 10);
        for (int i = 0; i < k; i++) {
            tx.send(i);
        }
        final List<Integer> buffer = new ArrayList<>(List.of(-7, -8));
        assertEquals(0, rx.recvMany(buffer, 0), "limit 0 returns at once");
        assertEquals(List.of(-7, -8), buffer);
        assertEquals(k, rx.len(), "limit 0 took nothing");

        final int first = rx.recvMany(buffer, 3);
        assertEquals(Math.min(3, k), first);
        if (first < k) {
            assertEquals(k - first, rx.recvMany(buffer, 100), "the rest, fewer than the limit");
        }
        final List<Integer> expected = new ArrayList<>(List.of(-7, -8));
        for (int i = 0; i < k; i++) {
            expected.add(i);
        }
        assertEquals(expected, buffer);
        assertTrue(rx.isEmpty());

        tx.close();
        assertEquals(0, rx.recvMany(buffer, 5), "0 at end of stream");
        assertEquals(expected, buffer);
    }

    @Test
    void recvManyWaitsForTheFirstMessage() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(8);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final List<Integer> buffer = new ArrayList<>();
        final Forked<Integer> receiver = fork("recvMany", () -> rx.recvMany(buffer, 4));
        awaitParkedInChannel(receiver.thread);
        ch.sender().send(1);
        final int n = receiver.join();
        assertTrue(n >= 1 && n <= 4);
        assertEquals(1, buffer.get(0));
        assertEquals(n, buffer.size());
    }

    @Test
    void recvManyReturnsZeroAtOnceForLimitZeroOnAnEmptyChannel() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final List<Integer> buffer = new ArrayList<>();
        assertEquals(0, ch.receiver().recvMany(buffer, 0));
        assertTrue(buffer.isEmpty());
    }

    // ------------------------------------------------------------------ iteration

    @CapacityTest
    void forEachEndsAtEndOfStream(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final int n = 3 * Math.min(capacity, 100) + 1;
        final Forked<Void> producer = forkVoid("producer", () -> {
            try (tx) {
                for (int i = 0; i < n; i++) {
                    tx.send(i);
                }
            }
        });
        final List<Integer> received = new ArrayList<>();
        for (Integer e : rx) {
            received.add(e);
        }
        producer.join();
        assertEquals(IntStream.range(0, n).boxed().collect(Collectors.toList()), received);
    }

    @CapacityTest
    void streamEndsAtEndOfStream(int capacity) throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final int n = 3 * Math.min(capacity, 100) + 1;
        final Forked<Void> producer = forkVoid("producer", () -> {
            try (tx) {
                for (int i = 0; i < n; i++) {
                    tx.send(i);
                }
            }
        });
        final long sum = rx.stream().mapToLong(Integer::longValue).sum();
        producer.join();
        assertEquals((long) n * (n - 1) / 2, sum);
        assertNull(rx.recv());
    }

    @Test
    void iteratorHasNextWaitsAndNextPastTheEndThrows() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Iterator<Integer> it = ch.receiver().iterator();
        tx.send(1);
        assertTrue(it.hasNext());
        assertTrue(it.hasNext(), "hasNext is idempotent");
        assertEquals(1, it.next());
        tx.send(2);
        assertEquals(2, it.next(), "next without hasNext");
        tx.close();
        assertFalse(it.hasNext());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    // ------------------------------------------------------------------ closed notifications and status

    @Test
    void awaitClosedAndClosedCompleteWhenTheReceiverCloses() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Sender<Integer> tx2 = tx.duplicate();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertFalse(tx.awaitClosed(Duration.ofMillis(20)));
        assertFalse(tx.awaitClosed(Duration.ZERO));
        final CompletableFuture<Void> closed = tx.closed().toCompletableFuture();
        final CompletableFuture<Void> cancelledCopy = tx2.closed().toCompletableFuture();
        assertFalse(closed.isDone());
        assertTrue(cancelledCopy.cancel(false));
        final Forked<Void> waiter = forkVoid("awaitClosed", tx::awaitClosed);
        tx2.close(); // closing a sender is not closing the receiver
        assertFalse(closed.isDone());
        assertFalse(tx.isClosed());
        rx.close();
        waiter.join();
        assertNull(await(closed), "cancelling another copy did not affect this one");
        assertTrue(tx.awaitClosed(Duration.ZERO));
        tx.awaitClosed();
        assertTrue(tx.closed().toCompletableFuture().isDone(), "a new stage after the close is complete");
    }

    @Test
    void awaitClosedCompletesWhenTheReceiverClosesWhileMessagesAreBuffered() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> tx = ch.sender();
        tx.send(1);
        final CompletableFuture<Void> closed = tx.closed().toCompletableFuture();
        ch.receiver().close();
        assertNull(await(closed));
        assertTrue(tx.awaitClosed(Duration.ofSeconds(10)));
        assertEquals(1, ch.receiver().recv());
    }

    @Test
    void isClosedOnBothSides() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Sender<Integer> tx2 = tx.duplicate();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertFalse(tx.isClosed());
        assertFalse(rx.isClosed());
        tx.send(1);
        tx.close();
        assertFalse(rx.isClosed(), "another sender is open");
        assertFalse(tx.isClosed(), "a sender's isClosed is about the receiver only");
        tx2.send(2);
        tx2.close();
        assertTrue(rx.isClosed(), "no sender left, although two messages are buffered");
        assertFalse(tx2.isClosed(), "the receiver did not close");
        assertEquals(2, rx.len());
        assertEquals(1, rx.recv());
        assertEquals(2, rx.recv());
        assertNull(rx.recv());
        rx.close();
        assertTrue(tx.isClosed());
        assertTrue(tx2.isClosed());
    }

    @Test
    void toStringsDescribeTheHandles() {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(5);
        assertTrue(ch.sender().toString().contains("capacity=5"), ch.sender().toString());
        assertTrue(ch.receiver().toString().contains("closed=false"), ch.receiver().toString());
        ch.receiver().close();
        assertTrue(ch.sender().toString().contains("closed=true"), ch.sender().toString());
    }

    @Test
    void channelRecordHoldsItsEnds() {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(3);
        assertSame(ch.sender(), ch.sender());
        assertSame(ch.receiver(), ch.receiver());
        assertEquals(ch, new Mpsc.Channel<>(ch.sender(), ch.receiver()));
    }
}
