package dev.channels.bench;

import com.softwaremill.jox.Channel;
import com.softwaremill.jox.ChannelClosed;
import com.softwaremill.jox.Select;
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
 * Throughput of the <em>untimed</em> blocking forms of a bounded mpsc channel: {@code send(v)} /
 * {@code recv()} of {@link Mpsc#bounded(int)} against jox's buffered {@link Channel}
 * ({@code send}/{@code receive}, jox 1.0.1, Java 21+) and the JDK's {@link ArrayBlockingQueue} and
 * {@link LinkedBlockingQueue} ({@code put}/{@code take}). Same shapes ({@code p1c1}, {@code p3c1},
 * {@code p8c1}) and capacities (16, 1024; exact in all of them) as {@link MpscBlockingBenchmark},
 * which measures the timed forms. Read the secondary results {@code sent} and {@code received}.
 *
 * <p>{@code channels-async} is ours through its async forms, {@code sendAsync}/{@code recvAsync}
 * with a {@code join()} of each stage ({@link BlockingChannel.ChannelsAsync}). None of the peers
 * has an async form, so it is compared with their blocking forms: what a caller without an async
 * API would use.
 *
 * <h2>Why untimed, and the escape hatch</h2>
 * jox 1.0.1 has no cheap timed send or receive. Its only timeout is
 * {@link Select#selectWithin}/{@link Select#selectOrClosedWithin}, which for every call creates a
 * one-slot channel, starts a virtual thread that sleeps the timeout and then sends into it, adds a
 * receive clause for it to the select, and at the end interrupts and joins that thread. Timing
 * every operation that way would measure thread creation, not the channel. Closing the channel
 * ({@code done()}) in an iteration teardown cannot help either: JMH runs the teardown only after
 * every thread has left the measured loop, which a blocked thread never does. So here every
 * implementation, ours included, uses its plain blocking forms with one escape, the same for all:
 * <ul>
 *   <li>During measurement each invocation is one untimed {@code send}/{@code recv}, preceded by a
 *   read of {@link Control#stopMeasurement} (a plain load on x86).</li>
 *   <li>Once measurement has stopped, the methods use the non-blocking forms: ours
 *   {@code trySend}/{@code tryRecv}, the JDK's {@code offer}/{@code poll}, and for jox, which has
 *   no try forms in 1.0.1, a {@link Select#selectOrClosed select} of the send (or receive) clause
 *   with a {@link Select#defaultClause default clause}, which never waits. JMH keeps every thread
 *   calling the benchmark (its warmdown) until all threads of the group have left the measured
 *   loop, so a thread still waiting in its last measured operation is released by the other side's
 *   non-blocking operations, and no new operation can wait: no iteration can hang. The
 *   allocating select only runs after measurement (and in at most the last measured call of a
 *   thread, as JMH raises {@code stopMeasurement} when the first thread of the group leaves the
 *   measured loop; such calls are not counted in {@code sent} or {@code received}).</li>
 * </ul>
 * Compare implementations within this class. Against {@link MpscBlockingBenchmark}, the difference
 * for one implementation is the cost of its timed form (ours reads the clock only once a call must
 * wait; the escape hatch's timeout and retry are the rest of the difference).
 *
 * <p>Run with {@code -prof gc}. Expected in steady state: ours 0 B/op; jox allocates its
 * segments of cells as the channel advances and a continuation each time a thread suspends; the JDK
 * queues as in {@link MpscBlockingBenchmark}. jox waits by parking the platform thread at once
 * (it spins only for rendezvous channels); ours spins adaptively before parking.
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
public class MpscBlockingUntimedBenchmark {
    /** The element sent: one preallocated object, so nothing is allocated for the payload. */
    private static final Integer ELEMENT = 42;

    @Param({"channels", "channels-async", "jox", "ArrayBlockingQueue", "LinkedBlockingQueue"})
    public String impl;

    @Param({"16", "1024"})
    public int capacity;

    private BlockingChannel channel;

    /** A fresh, empty channel for every iteration (as in {@link MpscTryBenchmark}). */
    @Setup(Level.Iteration)
    public void createChannel() {
        switch (impl) {
            case "jox":
                channel = new Jox(capacity);
                break;
            case "channels-async":
                channel = new BlockingChannel.ChannelsAsync(capacity);
                break;
            default:
                channel = BlockingChannel.create(impl, capacity);
        }
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
        channel.send(ELEMENT);
        counters.sent++;
    }

    private Object recv(Control control, Counters counters) throws InterruptedException {
        if (control.stopMeasurement) {
            // Warmdown: never wait; this may release producers still waiting in their last send.
            return channel.tryRecv();
        }
        final Object e = channel.recv();
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

        @Setup(Level.Iteration)
        public void reset() {
            sent = 0;
            received = 0;
        }
    }

    /** jox's buffered channel (exact capacity). */
    static final class Jox extends BlockingChannel {
        /** What the default clause of a non-blocking select returns: nothing was ready. */
        private static final Object NOT_READY = new Object();

        private final Channel<Object> channel;

        Jox(int capacity) {
            channel = Channel.newBufferedChannel(capacity);
        }

        @Override
        void send(Object e) throws InterruptedException {
            channel.send(e);
        }

        @Override
        Object recv() throws InterruptedException {
            return channel.receive();
        }

        @Override
        boolean trySend(Object e) throws InterruptedException {
            // The send clause yields null (Void) when it is selected.
            final Object r = Select.selectOrClosed(channel.sendClause(e), Select.defaultClause(NOT_READY));
            return notClosed(r) != NOT_READY;
        }

        @Override
        Object tryRecv() throws InterruptedException {
            final Object r = Select.selectOrClosed(channel.receiveClause(), Select.defaultClause(NOT_READY));
            return notClosed(r) == NOT_READY ? null : r;
        }

        private static Object notClosed(Object r) {
            if (r instanceof ChannelClosed) {
                throw new IllegalStateException("the benchmark never closes the channel: " + r);
            }
            return r;
        }
    }
}
