package dev.channels.bench;

import dev.channels.Mpsc;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the non-blocking forms of a bounded mpsc channel: {@code trySend}/{@code tryRecv}
 * of {@link Mpsc#bounded(int)} against {@code offer}/{@code poll} of JCTools' {@link MpscArrayQueue},
 * Agrona's {@link ManyToOneConcurrentArrayQueue} and, as the JDK baseline,
 * {@link ArrayBlockingQueue} (the JDK has no lock-free bounded queue).
 *
 * <p>Three thread shapes, one group each: {@code p1c1} (one producer, one consumer), {@code p3c1}
 * (three producers, one consumer) and {@code p8c1} (eight producers, one consumer: nine busy
 * threads, oversubscribed on a machine with fewer cores, as a busy server is). Every invocation is one attempt; a failed attempt (full on
 * send, empty on receive) returns at once and is counted apart in {@link Counters}. <b>Read the
 * secondary results {@code sent} and {@code received}</b>: they are the successful operations per
 * µs. The primary score of each method counts attempts, failed ones included, and so rewards
 * fast failure (a consumer spinning on an empty queue scores high while moving nothing).
 *
 * <p>Capacities: ours is exact; JCTools and Agrona round up to a power of two; the JDK queue is
 * exact. Both capacities measured (16 and 1024) are powers of two, so every queue holds the same
 * number of elements.
 *
 * <p>The producers share one {@link Mpsc.Sender} handle (it is thread-safe and the handle is
 * read-only on the send path), as they share one queue object for the peers.
 *
 * <p>Run with {@code -prof gc}: ours, JCTools and Agrona are expected to allocate 0 B/op in steady
 * state (the element is a preallocated constant); {@code ArrayBlockingQueue} allocates a queue node
 * whenever a thread has to wait for its lock.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        // Agrona reaches jdk.internal.misc; given to every implementation so the JVMs are alike.
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
@State(Scope.Group)
public class MpscTryBenchmark {
    /** The element sent: one preallocated object, so nothing is allocated for the payload. */
    private static final Integer ELEMENT = 42;

    @Param({"channels", "MpscArrayQueue", "ManyToOneConcurrentArrayQueue", "ArrayBlockingQueue"})
    public String impl;

    @Param({"16", "1024"})
    public int capacity;

    private TryQueue queue;

    /**
     * A fresh, empty queue for every iteration, so that no iteration starts with what the previous
     * one left behind (a full queue after a run where the producers outpaced the consumer).
     */
    @Setup(Level.Iteration)
    public void createQueue() {
        queue = TryQueue.create(impl, capacity);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public void p1c1Send(Counters counters) {
        send(counters);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public Object p1c1Recv(Counters counters) {
        return recv(counters);
    }

    @Benchmark
    @Group("p3c1")
    @GroupThreads(3)
    public void p3c1Send(Counters counters) {
        send(counters);
    }

    @Benchmark
    @Group("p3c1")
    @GroupThreads(1)
    public Object p3c1Recv(Counters counters) {
        return recv(counters);
    }

    @Benchmark
    @Group("p8c1")
    @GroupThreads(8)
    public void p8c1Send(Counters counters) {
        send(counters);
    }

    @Benchmark
    @Group("p8c1")
    @GroupThreads(1)
    public Object p8c1Recv(Counters counters) {
        return recv(counters);
    }

    private void send(Counters counters) {
        if (queue.offer(ELEMENT)) {
            counters.sent++;
        } else {
            counters.full++;
        }
    }

    private Object recv(Counters counters) {
        final Object e = queue.poll();
        if (e != null) {
            counters.received++;
        } else {
            counters.empty++;
        }
        // Returned, so that JMH sinks it into its Blackhole.
        return e;
    }

    /**
     * Per-thread outcome counters, summed over the group's threads by JMH and reported as
     * operations per µs (the output unit) next to the primary score. A thread only touches the fields of its
     * side; the others stay 0. Like all JMH aux counters they also count the calls of JMH's short
     * warmup and warmdown phases (the moments when not every thread of the group is measuring
     * yet, or any more), a tiny fraction of an iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Successful sends. */
        public long sent;
        /** Sends that found the queue full. */
        public long full;
        /** Successful receives. */
        public long received;
        /** Receives that found the queue empty. */
        public long empty;

        @Setup(Level.Iteration)
        public void reset() {
            sent = 0;
            full = 0;
            received = 0;
            empty = 0;
        }
    }

    /**
     * One face over the implementations: a final subclass per implementation, so that each call
     * site is a direct call to one concrete class (and each fork uses exactly one of them).
     */
    abstract static class TryQueue {
        /** @return whether the element was added */
        abstract boolean offer(Object e);

        /** @return the oldest element, or null if empty */
        abstract Object poll();

        static TryQueue create(String impl, int capacity) {
            switch (impl) {
                case "channels":
                    return new Channels(capacity);
                case "MpscArrayQueue":
                    return new JcTools(capacity);
                case "ManyToOneConcurrentArrayQueue":
                    return new Agrona(capacity);
                case "ArrayBlockingQueue":
                    return new Jdk(capacity);
                default:
                    throw new IllegalArgumentException("unknown implementation: " + impl);
            }
        }
    }

    static final class Channels extends TryQueue {
        private final Mpsc.Sender<Object> sender;
        private final Mpsc.Receiver<Object> receiver;

        Channels(int capacity) {
            final Mpsc.Channel<Object> channel = Mpsc.bounded(capacity);
            sender = channel.sender();
            receiver = channel.receiver();
        }

        @Override
        boolean offer(Object e) {
            return BlockingChannel.sent(sender.trySend(e));
        }

        @Override
        Object poll() {
            return receiver.tryRecv();
        }
    }

    static final class JcTools extends TryQueue {
        private final MpscArrayQueue<Object> queue;

        JcTools(int capacity) {
            queue = new MpscArrayQueue<>(capacity);
        }

        @Override
        boolean offer(Object e) {
            return queue.offer(e);
        }

        @Override
        Object poll() {
            return queue.poll();
        }
    }

    static final class Agrona extends TryQueue {
        private final ManyToOneConcurrentArrayQueue<Object> queue;

        Agrona(int capacity) {
            queue = new ManyToOneConcurrentArrayQueue<>(capacity);
        }

        @Override
        boolean offer(Object e) {
            return queue.offer(e);
        }

        @Override
        Object poll() {
            return queue.poll();
        }
    }

    static final class Jdk extends TryQueue {
        private final ArrayBlockingQueue<Object> queue;

        Jdk(int capacity) {
            queue = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        boolean offer(Object e) {
            return queue.offer(e);
        }

        @Override
        Object poll() {
            return queue.poll();
        }
    }
}
