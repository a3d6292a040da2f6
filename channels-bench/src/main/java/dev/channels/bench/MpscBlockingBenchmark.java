package dev.channels.bench;

import dev.channels.Mpsc;
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
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the <em>timed</em> blocking forms of a bounded mpsc channel:
 * {@code send(v, timeout)}/{@code recv(timeout)} of {@link Mpsc#bounded(int)} against
 * {@code offer(e, timeout, unit)}/{@code poll(timeout, unit)} of the JDK's
 * {@link ArrayBlockingQueue} (one lock) and {@link LinkedBlockingQueue} (two locks). The untimed
 * forms, and jox, are in {@code MpscBlockingUntimedBenchmark} (compiled on JDK 21+ only).
 *
 * <p>Shapes {@code p1c1}, {@code p3c1} and {@code p8c1} (one, three or eight producers, one
 * consumer), capacities 16 and 1024 (exact in all three). Read the secondary results {@code sent} and {@code received}: the
 * transfers per µs counted during measurement. The primary group score adds the producers'
 * and the consumer's invocations, so it is about twice the transfer rate.
 *
 * <h2>Escape hatch</h2>
 * A blocking benchmark can hang: when JMH ends an iteration, a consumer may be waiting on an empty
 * channel whose producers have already left (or a producer on a full one whose consumer has left),
 * and the iteration teardown waits for every thread. Two parts, the same for every implementation:
 * <ol>
 *   <li>Each operation is the timed form with a {@link BlockingChannel#TIMEOUT short timeout},
 *   retried while {@link Control#stopMeasurement} is false (JMH sample 18). An expiry during
 *   measurement is counted in {@code timeouts}. On a quiet machine it stays near 0; each one is a
 *   thread that waited over the timeout (its peer descheduled, or itself starved by an unfair
 *   lock) and then retried, as a user of the timed form would.</li>
 *   <li>Once measurement has stopped (JMH's warmdown, in which every thread keeps calling the
 *   benchmark until all threads have left the measured loop), the methods use the non-blocking
 *   forms. A thread still waiting in its last measured operation is then released by the other
 *   side's {@code trySend}/{@code tryRecv} within microseconds, instead of by its own timeout,
 *   which would add up to the timeout to its measured time. JMH sets {@code stopMeasurement} as
 *   soon as the first thread of the group leaves the measured loop, so the last measured call of
 *   the other threads may already take this path; it is not counted in {@code sent} or
 *   {@code received}.</li>
 * </ol>
 * The hatch costs every operation one read of {@code stopMeasurement} (a plain load on x86) in all
 * implementations alike. The timed forms themselves are the API under test; like the JDK queues,
 * ours reads the clock ({@link System#nanoTime()}) only when an operation has to wait.
 *
 * <p>Run with {@code -prof gc}: ours is expected to allocate 0 B/op in steady state (a waiting
 * thread reuses a thread-local waiter); {@code ArrayBlockingQueue} allocates a queue node each time
 * a thread waits for its lock or a condition, {@code LinkedBlockingQueue} that and a node per
 * element.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        // Needed by Agrona only (MpscTryBenchmark); given to every benchmark so the JVMs are alike.
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
@State(Scope.Group)
public class MpscBlockingBenchmark {
    /** The element sent: one preallocated object, so nothing is allocated for the payload. */
    private static final Integer ELEMENT = 42;

    @Param({"channels", "ArrayBlockingQueue", "LinkedBlockingQueue"})
    public String impl;

    @Param({"16", "1024"})
    public int capacity;

    private BlockingChannel.Timed channel;

    /** A fresh, empty channel for every iteration (as in {@link MpscTryBenchmark}). */
    @Setup(Level.Iteration)
    public void createChannel() {
        channel = BlockingChannel.create(impl, capacity);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public void p1c1Send(Control control, Counters counters) throws InterruptedException {
        send(control, counters);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public Object p1c1Recv(Control control, Counters counters) throws InterruptedException {
        return recv(control, counters);
    }

    @Benchmark
    @Group("p3c1")
    @GroupThreads(3)
    public void p3c1Send(Control control, Counters counters) throws InterruptedException {
        send(control, counters);
    }

    @Benchmark
    @Group("p3c1")
    @GroupThreads(1)
    public Object p3c1Recv(Control control, Counters counters) throws InterruptedException {
        return recv(control, counters);
    }

    @Benchmark
    @Group("p8c1")
    @GroupThreads(8)
    public void p8c1Send(Control control, Counters counters) throws InterruptedException {
        send(control, counters);
    }

    @Benchmark
    @Group("p8c1")
    @GroupThreads(1)
    public Object p8c1Recv(Control control, Counters counters) throws InterruptedException {
        return recv(control, counters);
    }

    private void send(Control control, Counters counters) throws InterruptedException {
        if (control.stopMeasurement) {
            // Warmdown: never wait; this may release a consumer still waiting in its last receive.
            channel.trySend(ELEMENT);
            return;
        }
        // The escape-hatch retry loop: one timed send, repeated only if it expired.
        while (!channel.sendWithin(ELEMENT)) {
            if (control.stopMeasurement) {
                return;
            }
            counters.timeouts++;
        }
        counters.sent++;
    }

    private Object recv(Control control, Counters counters) throws InterruptedException {
        if (control.stopMeasurement) {
            // Warmdown: never wait; this may release producers still waiting in their last send.
            return channel.tryRecv();
        }
        Object e;
        // The escape-hatch retry loop: one timed receive, repeated only if it expired.
        while ((e = channel.recvWithin()) == null) {
            if (control.stopMeasurement) {
                return null;
            }
            counters.timeouts++;
        }
        counters.received++;
        // Returned, so that JMH sinks it into its Blackhole.
        return e;
    }

    /**
     * Per-thread counters, summed over the group by JMH and reported as operations per µs (the output unit).
     * Operations made once measurement has stopped are not counted; those of JMH's short warmup
     * phase (before every thread of the group is measuring) are, as JMH resets aux counters before
     * it, a tiny fraction of an iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Completed sends. */
        public long sent;
        /** Completed receives. */
        public long received;
        /** Timed operations that expired during measurement and were retried. */
        public long timeouts;

        @Setup(Level.Iteration)
        public void reset() {
            sent = 0;
            received = 0;
            timeouts = 0;
        }
    }
}
