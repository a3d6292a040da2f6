package dev.channels.bench;

import dev.channels.Mpsc;
import dev.channels.TrySendResult;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One face over the bounded blocking channels measured by the blocking benchmarks: the untimed
 * blocking forms, and the non-blocking forms that a benchmark switches to once JMH has stopped
 * measuring (see {@link MpscBlockingBenchmark} for that escape). {@link Timed} adds the timed forms
 * for the implementations that have them.
 *
 * <p>Every implementation is a final class and each fork of a benchmark uses exactly one of them,
 * so the calls through this face compile to direct calls into the implementation.
 */
abstract class BlockingChannel {
    /**
     * How long one timed operation waits before it gives up and the benchmark re-checks whether
     * measurement is over. Long enough that it never expires while the peer thread is merely
     * descheduled on a busy machine; each expiry during measurement is counted ({@code timeouts}).
     */
    static final Duration TIMEOUT = Duration.ofMillis(10);
    static final long TIMEOUT_NANOS = TIMEOUT.toNanos();

    /** Sends, waiting while the channel is full. */
    abstract void send(Object e) throws InterruptedException;

    /**
     * Receives, waiting while the channel is empty.
     *
     * @return the element, never null
     */
    abstract Object recv() throws InterruptedException;

    /**
     * Sends if there is room now; never waits.
     *
     * @return whether it was sent
     */
    abstract boolean trySend(Object e) throws InterruptedException;

    /**
     * Receives if there is an element now; never waits.
     *
     * @return the element, or null if there was none
     */
    abstract Object tryRecv() throws InterruptedException;

    /**
     * Our {@code trySend} outcome as a boolean; the benchmarks never close the channel, so
     * {@code CLOSED} is an error.
     *
     * @return true if sent, false if the channel was full
     */
    static boolean sent(TrySendResult r) {
        if (r == TrySendResult.CLOSED) {
            throw new IllegalStateException("the benchmark never closes the channel: " + r);
        }
        return r == TrySendResult.SENT;
    }

    /** Our received element; the benchmarks never close the channel, so end of stream is an error. */
    static Object notEndOfStream(Object e) {
        if (e == null) {
            throw new IllegalStateException("end of stream, but the benchmark never closes the channel");
        }
        return e;
    }

    /** The implementations that also have timed forms. */
    abstract static class Timed extends BlockingChannel {
        /**
         * Sends, waiting at most {@link #TIMEOUT}.
         *
         * @return true if sent, false if it timed out (not sent)
         */
        abstract boolean sendWithin(Object e) throws InterruptedException;

        /**
         * Receives, waiting at most {@link #TIMEOUT}.
         *
         * @return the element, or null if it timed out
         */
        abstract Object recvWithin() throws InterruptedException;
    }

    /**
     * @param impl {@code channels}, {@code ArrayBlockingQueue} or {@code LinkedBlockingQueue}
     * @param capacity the exact capacity (all three are exact)
     * @return a new, empty channel
     */
    static Timed create(String impl, int capacity) {
        switch (impl) {
            case "channels":
                return new Channels(capacity);
            case "ArrayBlockingQueue":
                return new ArrayQueue(capacity);
            case "LinkedBlockingQueue":
                return new LinkedQueue(capacity);
            default:
                throw new IllegalArgumentException("unknown implementation: " + impl);
        }
    }

    /** Ours: {@link Mpsc#bounded(int)}, the producers sharing one sender handle. */
    static final class Channels extends Timed {
        private final Mpsc.Sender<Object> sender;
        private final Mpsc.Receiver<Object> receiver;

        Channels(int capacity) {
            final Mpsc.Channel<Object> channel = Mpsc.bounded(capacity);
            sender = channel.sender();
            receiver = channel.receiver();
        }

        @Override
        void send(Object e) throws InterruptedException {
            sender.send(e);
        }

        @Override
        Object recv() throws InterruptedException {
            return notEndOfStream(receiver.recv());
        }

        @Override
        boolean sendWithin(Object e) throws InterruptedException {
            return sender.send(e, TIMEOUT);
        }

        @Override
        Object recvWithin() throws InterruptedException {
            try {
                return notEndOfStream(receiver.recv(TIMEOUT));
            } catch (TimeoutException timedOut) {
                return null;
            }
        }

        @Override
        boolean trySend(Object e) {
            return sent(sender.trySend(e));
        }

        @Override
        Object tryRecv() {
            return receiver.tryRecv();
        }
    }

    /**
     * Ours through its async forms: {@link Mpsc.Sender#sendAsync} and {@link Mpsc.Receiver#recvAsync},
     * each followed by a {@code join()} of the returned stage, which returns at once when the stage
     * came back completed (the operation did not have to wait). This is what an async caller
     * pays: a stage per operation (a completed one when nothing had to wait) and, when the
     * operation waits, a waiter node and a wake-up through the stage. The peers have no async
     * form, so the benchmarks compare this with their blocking forms. The non-blocking forms
     * (used after measurement) are the same as {@link Channels}'.
     */
    static final class ChannelsAsync extends BlockingChannel {
        private final Mpsc.Sender<Object> sender;
        private final Mpsc.Receiver<Object> receiver;

        ChannelsAsync(int capacity) {
            final Mpsc.Channel<Object> channel = Mpsc.bounded(capacity);
            sender = channel.sender();
            receiver = channel.receiver();
        }

        @Override
        void send(Object e) {
            // join() throws CompletionException if the stage failed; the benchmark never closes
            // the channel, so it cannot.
            sender.sendAsync(e).toCompletableFuture().join();
        }

        @Override
        Object recv() {
            return notEndOfStream(receiver.recvAsync().toCompletableFuture().join());
        }

        @Override
        boolean trySend(Object e) {
            return sent(sender.trySend(e));
        }

        @Override
        Object tryRecv() {
            return receiver.tryRecv();
        }
    }

    /** JDK baseline: one lock and two conditions over a preallocated ring. */
    static final class ArrayQueue extends Timed {
        private final ArrayBlockingQueue<Object> queue;

        ArrayQueue(int capacity) {
            queue = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        void send(Object e) throws InterruptedException {
            queue.put(e);
        }

        @Override
        Object recv() throws InterruptedException {
            return queue.take();
        }

        @Override
        boolean sendWithin(Object e) throws InterruptedException {
            return queue.offer(e, TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        }

        @Override
        Object recvWithin() throws InterruptedException {
            return queue.poll(TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        }

        @Override
        boolean trySend(Object e) {
            return queue.offer(e);
        }

        @Override
        Object tryRecv() {
            return queue.poll();
        }
    }

    /** JDK: a put lock and a take lock over a linked list, one node allocated per element. */
    static final class LinkedQueue extends Timed {
        private final LinkedBlockingQueue<Object> queue;

        LinkedQueue(int capacity) {
            queue = new LinkedBlockingQueue<>(capacity);
        }

        @Override
        void send(Object e) throws InterruptedException {
            queue.put(e);
        }

        @Override
        Object recv() throws InterruptedException {
            return queue.take();
        }

        @Override
        boolean sendWithin(Object e) throws InterruptedException {
            return queue.offer(e, TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        }

        @Override
        Object recvWithin() throws InterruptedException {
            return queue.poll(TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        }

        @Override
        boolean trySend(Object e) {
            return queue.offer(e);
        }

        @Override
        Object tryRecv() {
            return queue.poll();
        }
    }
}
