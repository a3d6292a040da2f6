package dev.channels.bench;

import dev.channels.Watch;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A value that one writer replaces and readers follow: {@link Watch#channel(Object)} against the
 * JDK baseline, an {@link AtomicReference} to an immutable {@link Versioned} (value and version
 * number) that the writer replaces by CAS and readers poll, remembering the version they saw.
 * That is what our channel does underneath, without the handles, closing and waiting; the ratio
 * says what those cost.
 *
 * <h2>{@code w1r1}, {@code w1r4}: one writer, one or four readers</h2>
 * The writer replaces the value as fast as it can (ours {@link Watch.Sender#send}: a CAS of a new
 * version, then a look at the wait list; the baseline a CAS of a new {@code Versioned}; each
 * allocates one small snapshot per write). Every reader has its own receiver (ours: the
 * channel's first receiver, then one from {@link Watch.Sender#subscribe()} per further reader
 * thread) or its own remembered version (the baseline). Reader forms, the parameter {@code impl}:
 * <ul>
 *   <li>{@code channels-poll}: non-blocking, {@link Watch.Receiver#hasChanged()} then, if it is
 *   true, {@link Watch.Receiver#borrowAndUpdate()};</li>
 *   <li>{@code channels-changed}: blocking, {@link Watch.Receiver#changed()} then
 *   {@code borrowAndUpdate()} (the loop of the {@link Watch} class comment);</li>
 *   <li>{@code AtomicReference}: non-blocking, {@code get()} and a compare of the version with
 *   the one remembered.</li>
 * </ul>
 * The baseline cannot wait for a change; it polls in both comparisons. Read the secondary
 * results, rates per µs: {@code writes} (the writer's), {@code changes} (reads that found a
 * version the reader had not seen, summed over readers) and {@code unchanged} (polls that found
 * none). The ratios to report are {@code writes} and {@code changes} of each of ours to the
 * baseline's. The primary group score adds up every invocation of every thread, empty polls
 * included, so it rewards fast failure: do not compare it. A reader sees a fraction of the
 * versions (the writer replaces the value faster than a reader can look); that is inherent to a
 * watch, and {@code changes} counts what was seen.
 *
 * <h3>Escape hatch of {@code channels-changed}</h3>
 * The writer never waits and JMH keeps calling it, in its warmdown, until every reader has left
 * its measured loop, so a reader waiting in an untimed {@code changed()} is always released by a
 * later write: the untimed form, the one the loop above uses, cannot hang here. Once measurement
 * has stopped the readers use the non-blocking form, so none waits in warmdown. (The timed
 * {@link Watch.Receiver#changed(java.time.Duration)} is not used: it reads the clock on every call,
 * even when the value has already changed, which would add a {@code System.nanoTime()} per read to
 * what is measured.)
 *
 * <h2>{@code borrow}: one thread, the read path</h2>
 * {@link Watch.Receiver#borrow()} against {@code ref.get().value}, with no writer. Expect 0 B/op
 * with {@code -prof gc} for both.
 *
 * <p>Cores: {@code w1r4} runs five busy threads (four polling readers, or readers that spin before
 * they park); measure it on at least five idle cores, or read it as an oversubscribed case.
 * With {@code -prof gc}, the writer allocates one snapshot per write in both (about 24 bytes: ours
 * a {@code Version}, the baseline a {@code Versioned}); the group's B/op divides that by all
 * invocations, reads included. Ours' readers allocate nothing except when {@code changed()} parks
 * (a wait-list node and a condition lambda per park).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        // Needed by Agrona only (MpscTryBenchmark); given to every benchmark so the JVMs are alike.
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
public class WatchBenchmark {
    /** The value written: one preallocated object, so only the snapshot is allocated. */
    static final Integer VALUE = 42;

    /** The baseline's snapshot: a value with its version. */
    record Versioned(Object value, long version) {
    }

    /** The state of one writer/readers group. */
    @State(Scope.Group)
    public static class Shared {
        @Param({"channels-poll", "channels-changed", "AtomicReference"})
        public String impl;

        Cell cell;

        /**
         * One watch per trial: nothing piles up in it (the version number only grows), and the
         * readers subscribe once.
         */
        @Setup(Level.Trial)
        public void createCell() {
            cell = Cell.create(impl);
        }
    }

    /** One reader thread's receiver (or remembered version), made from the group's cell. */
    @State(Scope.Thread)
    public static class Reader {
        Cursor cursor;

        @Setup(Level.Trial)
        public void subscribe(Shared shared) {
            cursor = shared.cell.newCursor();
        }
    }

    /** The state of the single-threaded {@code borrow} benchmark. */
    @State(Scope.Thread)
    public static class Single {
        @Param({"channels", "AtomicReference"})
        public String impl;

        Cursor cursor;

        @Setup(Level.Trial)
        public void create() {
            cursor = Cell.create("channels".equals(impl) ? "channels-poll" : impl).newCursor();
        }
    }

    @Benchmark
    @Group("w1r1")
    @GroupThreads(1)
    public void w1r1Write(Shared shared, Counters counters) {
        write(shared, counters);
    }

    @Benchmark
    @Group("w1r1")
    @GroupThreads(1)
    public Object w1r1Read(Reader reader, Control control, Counters counters) throws InterruptedException {
        return read(reader.cursor, control, counters);
    }

    @Benchmark
    @Group("w1r4")
    @GroupThreads(1)
    public void w1r4Write(Shared shared, Counters counters) {
        write(shared, counters);
    }

    @Benchmark
    @Group("w1r4")
    @GroupThreads(4)
    public Object w1r4Read(Reader reader, Control control, Counters counters) throws InterruptedException {
        return read(reader.cursor, control, counters);
    }

    @Benchmark
    public Object borrow(Single single) {
        return single.cursor.borrow();
    }

    private static void write(Shared shared, Counters counters) {
        shared.cell.write(VALUE);
        counters.writes++;
    }

    private static Object read(Cursor cursor, Control control, Counters counters) throws InterruptedException {
        final Object v;
        if (cursor.blocking && !control.stopMeasurement) {
            v = cursor.awaitChange();
        } else {
            // Non-blocking forms, and the blocking form's warmdown: never waits.
            v = cursor.poll();
            if (v == null) {
                counters.unchanged++;
                return null;
            }
        }
        counters.changes++;
        // Returned, so that JMH sinks it into its Blackhole.
        return v;
    }

    /**
     * Per-thread counters, summed over the group by JMH and reported as operations per µs (the output unit).
     * Like all JMH aux counters they also count the calls of JMH's short warmup and warmdown
     * phases, a tiny fraction of an iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Values written. */
        public long writes;
        /** Reads that found a version the reader had not seen. */
        public long changes;
        /** Polls that found nothing new. */
        public long unchanged;

        @Setup(Level.Iteration)
        public void reset() {
            writes = 0;
            changes = 0;
            unchanged = 0;
        }
    }

    /**
     * The shared cell and its writer: a final subclass per implementation, so that each call site
     * is a direct call to one concrete class (and each fork uses exactly one of them).
     */
    abstract static class Cell {
        abstract void write(Object value);

        /** A reader's own view; made once per reader thread. */
        abstract Cursor newCursor();

        static Cell create(String impl) {
            switch (impl) {
                case "channels-poll":
                    return new ChannelsCell(false);
                case "channels-changed":
                    return new ChannelsCell(true);
                case "AtomicReference":
                    return new AtomicCell();
                default:
                    throw new IllegalArgumentException("unknown implementation: " + impl);
            }
        }
    }

    /** A reader's view of a cell; used by one thread only. */
    abstract static class Cursor {
        /** Whether {@link #awaitChange()} is the measured read. */
        final boolean blocking;

        Cursor(boolean blocking) {
            this.blocking = blocking;
        }

        /** The value if its version is unseen, marked seen; null if nothing changed. Never waits. */
        abstract Object poll();

        /** Waits until the version is unseen; returns the value, marked seen. */
        Object awaitChange() throws InterruptedException {
            throw new UnsupportedOperationException();
        }

        /** The current value; does not mark it seen. */
        abstract Object borrow();
    }

    /**
     * Ours: one sender; the first reader gets the channel's own receiver, every further reader one
     * from {@link Watch.Sender#subscribe()}, so the channel has exactly one receiver per reader.
     */
    static final class ChannelsCell extends Cell {
        private final Watch.Sender<Object> sender;
        private final boolean blocking;
        /** The channel's first receiver until a reader takes it; guarded by this. */
        private Watch.Receiver<Object> first;

        ChannelsCell(boolean blocking) {
            this.blocking = blocking;
            final Watch.Channel<Object> channel = Watch.channel(VALUE);
            sender = channel.sender();
            first = channel.receiver();
        }

        @Override
        void write(Object value) {
            sender.send(value);
        }

        @Override
        synchronized Cursor newCursor() {
            Watch.Receiver<Object> rx = first;
            if (rx != null) {
                first = null;
            } else {
                rx = sender.subscribe();
            }
            return new ChannelsCursor(rx, blocking);
        }
    }

    static final class ChannelsCursor extends Cursor {
        private final Watch.Receiver<Object> rx;

        ChannelsCursor(Watch.Receiver<Object> rx, boolean blocking) {
            super(blocking);
            this.rx = rx;
        }

        @Override
        Object poll() {
            return rx.hasChanged() ? rx.borrowAndUpdate() : null;
        }

        @Override
        Object awaitChange() throws InterruptedException {
            if (!rx.changed()) {
                throw new IllegalStateException("the benchmark never closes the watch");
            }
            return rx.borrowAndUpdate();
        }

        @Override
        Object borrow() {
            return rx.borrow();
        }
    }

    /** JDK baseline: an AtomicReference to an immutable (value, version) record, CASed by writers. */
    static final class AtomicCell extends Cell {
        private final AtomicReference<Versioned> ref = new AtomicReference<>(new Versioned(VALUE, 0L));

        @Override
        void write(Object value) {
            // A CAS loop, as ours: safe for several writers (it never retries with one).
            for (;;) {
                final Versioned old = ref.get();
                if (ref.compareAndSet(old, new Versioned(value, old.version() + 1))) {
                    return;
                }
            }
        }

        @Override
        Cursor newCursor() {
            return new AtomicCursor(ref);
        }
    }

    static final class AtomicCursor extends Cursor {
        private final AtomicReference<Versioned> ref;
        /** The version this reader has seen; starts at the current one, as a new receiver does. */
        private long seen;

        AtomicCursor(AtomicReference<Versioned> ref) {
            super(false);
            this.ref = ref;
            this.seen = ref.get().version();
        }

        @Override
        Object poll() {
            final Versioned v = ref.get();
            if (v.version() == seen) {
                return null;
            }
            seen = v.version();
            return v.value();
        }

        @Override
        Object borrow() {
            return ref.get().value();
        }
    }
}
