package dev.channels.bench;

import com.softwaremill.jox.Channel;
import com.softwaremill.jox.ChannelClosed;
import com.softwaremill.jox.SelectClause;
import dev.channels.Mpsc;
import dev.channels.Select;
import dev.channels.TrySendResult;
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

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Select over bounded mpsc channels: our {@link Select} (built once, run once per operation)
 * against jox's {@link com.softwaremill.jox.Select#select select} of receive clauses over
 * buffered {@link Channel}s (jox 1.0.1, Java 21+). Both sides receive from {@code clauses}
 * (2 or 4) channels of capacity {@value #CAPACITY} with the identity as handler (ours
 * {@code recv(rx, v -> v)}, jox {@code receiveClause()}), and send with their non-waiting form
 * (ours {@code trySend}; jox {@code send}, which never waits here as the channel has room: jox
 * 1.0.1 has no try form).
 *
 * <h2>The implementations ({@code impl})</h2>
 * <ul>
 *   <li>{@code channels}: ours, one {@link Select} built per channel set and reused by every call,
 *   as its javadoc prescribes.</li>
 *   <li>{@code jox}: jox as its documentation writes it, the clauses made in the call:
 *   {@code select(ch1.receiveClause(), ch2.receiveClause())} (so a clause object per channel and
 *   the varargs array per call).</li>
 *   <li>{@code jox-reused}: jox's best case, the clause array made once and passed to every call
 *   (its receive clauses hold only the channel and the handler, so this is legal). What is left
 *   is what jox's select itself costs per call.</li>
 * </ul>
 *
 * <h2>{@code oneReady}: exactly one clause ready, one thread (ns/op)</h2>
 * Each operation sends one element into one channel, rotating over the channels, and then selects:
 * the select finds exactly that clause ready and takes it, so every channel is empty again after
 * each operation. The send is part of the operation for both; {@code sendRecv} measures it with a
 * plain receive (ours {@code trySend} + {@code tryRecv}, jox {@code send} + {@code receive}, one
 * channel), so {@code oneReady - sendRecv} estimates what the select adds over a direct receive.
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per select (plus the channel's
 * own per-element allocation, which {@code sendRecv} shows: 0 for ours, jox's segments of cells
 * for jox). Our target: 0 B/op from the select. jox allocates per call a select instance with its
 * list of stored clauses, a stored clause for each clause registered before the ready one (jox
 * tries the clauses in declaration order and registers in a channel's cell when a clause is not
 * ready, so the rotation makes it register in 0 to {@code clauses - 1} channels, each of which
 * then advances its cells), plus the clause objects and the array for {@code jox}.
 *
 * <h2>{@code noneReady}: nothing ready, a sender arriving (two threads)</h2>
 * A group of a selecting consumer and a producer. The consumer runs the untimed blocking select;
 * the producer sends the next element, into the next channel in rotation, only once the consumer
 * has completed the select for the previous one (it spins on the consumer's count of completed
 * selects, a {@link Thread#onSpinWait()} loop that yields every 64th turn and never parks). So at
 * most one element is in flight, and a select normally starts with every channel empty and is
 * completed by a send that arrives while it waits: ours spins adaptively and then parks
 * (registering a waiter in every channel), jox registers in every channel at once and parks (it
 * spins only over rendezvous channels). jox runs on platform threads here (JMH's); it is made for
 * virtual threads, but its blocking select works on any thread.
 *
 * <p>Read the secondary result {@code selects}: completed selects per µs. The primary group score
 * adds the producer's invocations (one send each) to the consumer's and is about twice that.
 * Likewise {@code gc.alloc.rate.norm} divides the group's allocation by both threads'
 * invocations: the bytes per completed select are about twice the figure reported. The producer's
 * spin is part of the harness and keeps a core busy: measure on at least two idle cores.
 *
 * <h3>Escape hatch</h3>
 * The blocking select is untimed for both (jox's only timeout, {@code selectWithin}, starts a
 * virtual thread per call). It cannot hang: a consumer waiting in a select means every element
 * sent was taken, so the producer, which JMH keeps calling (its warmdown) until the consumer has
 * left the measured loop, sends one more and releases it. Once measurement has stopped, the
 * producer looks at the count once per call instead of spinning (and its measured spin also
 * returns when measurement stops), and the consumer never waits: ours tries every receiver's
 * {@code tryRecv}, jox selects with a {@link com.softwaremill.jox.Select#defaultClause default
 * clause} (allocating, but only after measurement). Channels and count are new for every iteration,
 * so an element left in flight at the end of one does not reach the next.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        // Needed by Agrona only (MpscTryBenchmark); given to every benchmark so the JVMs are alike.
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
public class SelectBenchmark {
    /** The element sent: one preallocated object, so nothing is allocated for the payload. */
    static final Integer ELEMENT = 42;

    /** Every channel's capacity, exact for both. At most one element is ever in a channel here. */
    static final int CAPACITY = 16;

    /** The producer's spin on the consumer's count yields its core every this many turns. */
    private static final int YIELD_EVERY = 64;

    /** The state of the single-threaded {@code oneReady}. */
    @State(Scope.Thread)
    public static class OneReady {
        @Param({"channels", "jox", "jox-reused"})
        public String impl;

        @Param({"2", "4"})
        public int clauses;

        Selector selector;
        /** The channel the next operation sends into. */
        int next;

        /** One set of channels per trial: every operation leaves them empty. */
        @Setup(Level.Trial)
        public void create() {
            selector = Selector.create(impl, clauses);
        }
    }

    /** The state of the baseline {@code sendRecv}: one channel, no select. */
    @State(Scope.Thread)
    public static class Direct {
        @Param({"channels", "jox"})
        public String impl;

        Selector selector;

        @Setup(Level.Trial)
        public void create() {
            selector = Selector.create(impl, 1);
        }
    }

    /** The state of one producer/consumer pair of {@code noneReady}. */
    @State(Scope.Group)
    public static class Arriving {
        @Param({"channels", "jox", "jox-reused"})
        public String impl;

        @Param({"2", "4"})
        public int clauses;

        /**
         * How long the producer pauses (parked, its core free) before each send, in µs. 0: the send
         * follows the previous select at once, and our consumer usually catches it while spinning.
         * 200: longer than our spin, so our consumer registers and parks in every round, as jox's
         * does: this measures the parked path (its allocation, above all), not throughput.
         */
        @Param({"0", "200"})
        public int pauseMicros;

        Selector selector;
        Progress progress;

        /** New channels and a zero count for every iteration (see the escape hatch). */
        @Setup(Level.Iteration)
        public void create() {
            selector = Selector.create(impl, clauses);
            progress = new Progress();
        }
    }

    /** The producer's own bookkeeping; plain, only the producer thread touches it. */
    @State(Scope.Thread)
    public static class ProducerSide {
        /** Elements sent in this iteration. */
        long sent;
        /** The channel the next send goes into. */
        int next;

        @Setup(Level.Iteration)
        public void reset() {
            sent = 0;
            next = 0;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object oneReady(OneReady s) throws InterruptedException {
        final int i = s.next;
        s.next = (i + 1) & (s.clauses - 1);
        s.selector.send(i);
        // Returned, so that JMH sinks it into its Blackhole.
        return s.selector.select();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object sendRecv(Direct s) throws InterruptedException {
        s.selector.send(0);
        return s.selector.recv(0);
    }

    @Benchmark
    @Group("noneReady")
    @GroupThreads(1)
    public void noneReadySend(Arriving a, ProducerSide p, Control control) throws InterruptedException {
        final Progress progress = a.progress;
        if (control.stopMeasurement) {
            // Warmdown: one look per call; this may release a consumer still in its last select.
            if (progress.consumed() == p.sent) {
                send(a, p);
            }
            return;
        }
        for (int spins = 1; progress.consumed() != p.sent; spins++) {
            if (control.stopMeasurement) {
                return;
            }
            if ((spins & (YIELD_EVERY - 1)) == 0) {
                Thread.yield(); // lets a consumer that shares this core run
            } else {
                Thread.onSpinWait();
            }
        }
        if (a.pauseMicros > 0) {
            LockSupport.parkNanos(a.pauseMicros * 1000L); // the consumer is in its select meanwhile
        }
        send(a, p);
    }

    private static void send(Arriving a, ProducerSide p) throws InterruptedException {
        final int i = p.next;
        p.next = (i + 1) & (a.clauses - 1);
        a.selector.send(i);
        p.sent++;
    }

    @Benchmark
    @Group("noneReady")
    @GroupThreads(1)
    public Object noneReadySelect(Arriving a, Control control, Counters counters) throws InterruptedException {
        final Object v;
        if (control.stopMeasurement) {
            // Warmdown: never waits.
            v = a.selector.trySelect();
            if (v == null) {
                return null;
            }
        } else {
            v = a.selector.select();
            counters.selects++;
        }
        a.progress.consumedOne();
        // Returned, so that JMH sinks it into its Blackhole.
        return v;
    }

    /**
     * The consumer's counter, reported as selects per µs (the output unit). Selects made once measurement has
     * stopped are not counted; those of JMH's short warmup phase (before both threads are
     * measuring) are, a tiny fraction of an iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Completed blocking selects. */
        public long selects;

        @Setup(Level.Iteration)
        public void reset() {
            selects = 0;
        }
    }

    /**
     * The consumer's count of elements taken, on cache lines of its own: written by the consumer
     * only, read by the producer's spin.
     */
    static final class Progress extends ProgressCount {
        long q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15;

        /** Producer: elements the consumer has taken. */
        long consumed() {
            // Acquire: the producer's next send comes after the consumer's select that took the last one.
            return (long) CONSUMED.getAcquire(this);
        }

        /** Consumer: one more taken. */
        void consumedOne() {
            // Plain read: only the consumer writes. Release: published after the select that took it.
            CONSUMED.setRelease(this, consumed + 1);
        }

        private static final VarHandle CONSUMED;

        static {
            try {
                CONSUMED = MethodHandles.lookup().findVarHandle(ProgressCount.class, "consumed", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** The count, after a pad. */
    abstract static class ProgressCount extends ProgressPad {
        long consumed;
    }

    /** 128 bytes before the count. */
    abstract static class ProgressPad {
        long p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
    }

    /**
     * A set of channels and the select over them: a final subclass per implementation, so that
     * each call site is a direct call to one concrete class (each fork uses exactly one).
     */
    abstract static class Selector {
        /** Sends into channel {@code i}; never waits here (at most one element is in flight). */
        abstract void send(int i) throws InterruptedException;

        /** Receives directly from channel {@code i}, waiting if it is empty. */
        abstract Object recv(int i) throws InterruptedException;

        /** The blocking select over every channel. */
        abstract Object select() throws InterruptedException;

        /** A select that never waits; null if no channel had an element. */
        abstract Object trySelect() throws InterruptedException;

        static Selector create(String impl, int clauses) {
            if (Integer.bitCount(clauses) != 1) {
                throw new IllegalArgumentException("clauses must be a power of two (the rotation masks): " + clauses);
            }
            switch (impl) {
                case "channels":
                    return new Channels(clauses);
                case "jox":
                    return new Jox(clauses, false);
                case "jox-reused":
                    return new Jox(clauses, true);
                default:
                    throw new IllegalArgumentException("unknown implementation: " + impl);
            }
        }
    }

    /** Ours: {@link Mpsc#bounded(int)} channels and one {@link Select} over their receivers. */
    static final class Channels extends Selector {
        private final Mpsc.Sender<Object>[] senders;
        private final Mpsc.Receiver<Object>[] receivers;
        private final Select<Object> select;

        @SuppressWarnings("unchecked")
        Channels(int n) {
            senders = new Mpsc.Sender[n];
            receivers = new Mpsc.Receiver[n];
            final Select.Builder<Object> b = Select.builder();
            for (int i = 0; i < n; i++) {
                final Mpsc.Channel<Object> ch = Mpsc.bounded(CAPACITY);
                senders[i] = ch.sender();
                receivers[i] = ch.receiver();
                b.recv(receivers[i], v -> v);
            }
            select = b.build();
        }

        @Override
        void send(int i) {
            final TrySendResult r = senders[i].trySend(ELEMENT);
            if (r != TrySendResult.SENT) {
                throw new IllegalStateException("the benchmark keeps room and never closes: " + r);
            }
        }

        @Override
        Object recv(int i) {
            final Object e = receivers[i].tryRecv();
            if (e == null) {
                throw new IllegalStateException("the element just sent is not there");
            }
            return e;
        }

        @Override
        Object select() throws InterruptedException {
            return select.select();
        }

        @Override
        Object trySelect() {
            for (Mpsc.Receiver<Object> rx : receivers) {
                final Object e = rx.tryRecv();
                if (e != null) {
                    return e;
                }
            }
            return null;
        }
    }

    /** jox: buffered channels (exact capacity), receive clauses made per call or once. */
    static final class Jox extends Selector {
        /** What the default clause of a non-blocking select returns: nothing was ready. */
        private static final Object NOT_READY = new Object();

        private final Channel<Object>[] channels;
        /** The clauses, made once; used by every call if {@code reuse}. */
        private final SelectClause<Object>[] clauses;
        /** The clauses and a default clause, for the warmdown's non-blocking select. */
        private final SelectClause<Object>[] clausesOrDefault;
        private final boolean reuse;

        @SuppressWarnings("unchecked")
        Jox(int n, boolean reuse) {
            this.reuse = reuse;
            channels = new Channel[n];
            clauses = new SelectClause[n];
            clausesOrDefault = new SelectClause[n + 1];
            for (int i = 0; i < n; i++) {
                channels[i] = Channel.newBufferedChannel(CAPACITY);
                clauses[i] = channels[i].receiveClause();
                clausesOrDefault[i] = clauses[i];
            }
            clausesOrDefault[n] = com.softwaremill.jox.Select.defaultClause(NOT_READY);
        }

        @Override
        void send(int i) throws InterruptedException {
            channels[i].send(ELEMENT);
        }

        @Override
        Object recv(int i) throws InterruptedException {
            return channels[i].receive();
        }

        @Override
        Object select() throws InterruptedException {
            if (reuse) {
                return com.softwaremill.jox.Select.select(clauses);
            }
            // As a user writes it: the clauses (and the varargs array) made in the call.
            final Channel<Object>[] ch = channels;
            switch (ch.length) {
                case 1:
                    return com.softwaremill.jox.Select.select(ch[0].receiveClause());
                case 2:
                    return com.softwaremill.jox.Select.select(ch[0].receiveClause(), ch[1].receiveClause());
                case 4:
                    return com.softwaremill.jox.Select.select(ch[0].receiveClause(), ch[1].receiveClause(),
                            ch[2].receiveClause(), ch[3].receiveClause());
                default:
                    throw new IllegalStateException("no call written for " + ch.length + " clauses");
            }
        }

        @Override
        Object trySelect() throws InterruptedException {
            final Object r = com.softwaremill.jox.Select.selectOrClosed(clausesOrDefault);
            if (r instanceof ChannelClosed) {
                throw new IllegalStateException("the benchmark never closes the channels: " + r);
            }
            return r == NOT_READY ? null : r;
        }
    }
}
