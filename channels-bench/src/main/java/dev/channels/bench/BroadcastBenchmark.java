package dev.channels.bench;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.channels.Broadcast;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of a one-to-many broadcast: one producer, 1, 2 or 4 receivers each of which sees every
 * value. {@link Broadcast#channel(int)} against the JDK's {@link SubmissionPublisher} (the JDK
 * baseline) and the LMAX Disruptor 4.0.0 multicast (one ring buffer, one {@link EventHandler} per
 * receiver) with {@link BlockingWaitStrategy} (the like-for-like peer: its consumers block when
 * there is nothing to read, as ours park; in 4.0.0 they {@code wait()} on a monitor, and the
 * producer enters that monitor to {@code notifyAll()} on every publish) and with
 * {@link YieldingWaitStrategy} (spinning consumers, for reference). Capacity 1024 everywhere: our
 * ring, the Disruptor's ring, and each subscriber's buffer in the publisher.
 *
 * <h2>Threads: the JMH thread is the producer only</h2>
 * (Do not pass {@code -t}: the benchmark has exactly one producer thread, and the Disruptor is set
 * up for one.) The Disruptor runs every handler on a thread of its own and {@code SubmissionPublisher} runs
 * every subscriber on its executor; neither can be driven one value per JMH invocation from a
 * JMH thread. So, for <em>every</em> implementation alike, the one JMH thread
 * ({@link Threads @Threads(1)}) is the producer, and each receiver is a thread outside JMH that
 * loops for the whole trial: ours a plain daemon thread looping on the blocking
 * {@link Broadcast.Receiver#recv()}, the Disruptor's handler threads (daemon threads from the same
 * kind of factory), and the publisher's pool workers. Per value received, every receiver does
 * the same work: it reads the value and bumps its own counter, a single-writer field on a cache
 * line of its own ({@link ReceiverStats}) published with an opaque store. {@link Deliveries}, the
 * JMH auxiliary counters, takes a snapshot of those counters when the iteration starts and another
 * when it ends (in its iteration teardown, which JMH runs right after the measured loop and before
 * it reads the counters). Deliveries of values sent just before the iteration started are counted
 * in it, those of values sent at its end are counted in the next one: at most one ring per
 * receiver, a negligible share of an iteration.
 *
 * <h2>Back-pressure, lag, and what makes the score comparable</h2>
 * The peers are lossless: the Disruptor's producer waits while the slowest handler is a full ring
 * behind ({@code next()} parks 1 ns at a time until it is not), the publisher's {@code submit}
 * blocks while a subscriber's buffer is full. Every value sent reaches every receiver, so the
 * primary score, values sent per µs, is also the number of values delivered to <em>every</em>
 * receiver per µs. Our sender never waits: a receiver that falls more than the capacity behind
 * loses the overwritten values and gets a {@link Broadcast.LaggedException} telling how many. So
 * ours is measured two ways:
 * <ul>
 *   <li>{@code channels-paced}: lossless, like the peers. The producer keeps at most
 *   {@code capacity} values unread by the slowest receiver, using the public API only: it
 *   reads {@link Broadcast.Sender#len()} (the kept values some receiver has not read) when the
 *   slack it computed last time is used up, and when there is none it parks 1 ns at a time,
 *   exactly as the Disruptor's producer does. Like the Disruptor's cached gating sequence, the
 *   receivers' positions are read only once per {@code slack} sends. {@code lost} must stay 0; the
 *   primary score is comparable with the peers'. This is the configuration for the issue's
 *   targets.</li>
 *   <li>{@code channels}: the channel as designed; the producer sends as fast as it can and never
 *   waits. Its primary score is the <em>offered</em> rate, <b>not</b> comparable with the others:
 *   compare {@code perReceiver} (values delivered per µs per receiver) and read {@code lost}
 *   (values overwritten before a receiver read them, per µs) and {@code lagEvents}.</li>
 * </ul>
 * The secondary results, rates per µs over the iteration:
 * <ul>
 *   <li>{@code delivered}: values received, summed over the receivers;</li>
 *   <li>{@code perReceiver}: {@code delivered / receivers}. For the lossless implementations it
 *   equals the primary score (up to one ring at the iteration's edges); it is the one figure
 *   comparable across all five implementations;</li>
 *   <li>{@code lost}: values a receiver missed because they were overwritten (ours only; 0 for
 *   every lossless run, which checks the pacing);</li>
 *   <li>{@code lagEvents}: {@code LaggedException}s thrown (ours only).</li>
 * </ul>
 *
 * <h2>Peer settings, and why</h2>
 * <ul>
 *   <li>Disruptor: {@link ProducerType#SINGLE}, the setting a Disruptor user picks for one
 *   producer and its fastest; ours has no single-producer mode (a send is a {@code getAndAdd}), so
 *   this errs against us. Values are published by {@code next()}/{@code get(seq).value = v}/
 *   {@code publish(seq)} into preallocated events.</li>
 *   <li>{@code SubmissionPublisher}: each subscriber requests {@code Long.MAX_VALUE} once, so flow
 *   control is the publisher's buffer (capacity 1024), as the ring is for the others. Executor: a
 *   {@link ForkJoinPool} of {@code receivers} workers in async (FIFO) mode, created for the
 *   trial. Not a direct executor ({@code Runnable::run}): that runs every {@code onNext} on the
 *   submitting thread, a loop of method calls with no hand-off between threads, which is not
 *   what the others do. Not the default: it is the common pool, whose size depends on the
 *   machine (cores - 1) and which is shared with anything else in the JVM; on JDK 17, where the
 *   common pool's parallelism is 1 (any 2-core machine), the default is even a new thread per
 *   consumer task (JDK 25 uses {@code ForkJoinPool.asyncCommonPool()} instead). A pool of one
 *   worker per receiver gives each subscriber a thread, as ours and the Disruptor's receivers
 *   have; the publisher's consumer tasks are {@code ForkJoinTask}s, made for such a pool.</li>
 * </ul>
 *
 * <h2>Cores</h2>
 * There are {@code receivers + 1} busy threads (more with the Yielding strategy, whose idle
 * consumers spin and yield). Measure on at least {@code receivers + 1} idle cores; with fewer,
 * the producer and the receivers take turns, a producer that never waits ({@code channels})
 * takes a core from its receivers, and the figures say more about the scheduler than about the
 * channel.
 *
 * <p>Run with {@code -prof gc}; the profiler counts the allocations of every thread (receivers
 * included) and divides them by the primary operations (sends). Ours is expected to allocate
 * nothing per send or receive; a receiver that parks pushes a fresh wait-list node (24 bytes per
 * park, amortized over the values it then reads), and on lag a {@code LaggedException} with its
 * message. The Disruptor's Blocking strategy waits on a monitor and allocates nothing on the heap;
 * the publisher allocates when it (re)starts a consumer task and when a thread blocks.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        // Needed by Agrona only (MpscTryBenchmark); given to every benchmark so the JVMs are alike.
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
@Threads(1) // one producer: the Disruptor is set up for a single producer
public class BroadcastBenchmark {
    /** The element sent: one preallocated object, so nothing is allocated for the payload. */
    private static final Integer ELEMENT = 42;

    /**
     * The implementation and its receivers, which run for the whole trial; iterations only read
     * their counters. (A nested state rather than the benchmark class itself, so that JMH makes
     * one instance for the benchmark method and {@link Deliveries} to share; JMH 1.37 makes one
     * instance per use of a thread-scoped state that another state's helper method takes as an
     * argument, and with one thread the benchmark scope is the same.)
     */
    @State(Scope.Benchmark)
    public static class Fan {
        @Param({"channels-paced", "channels", "SubmissionPublisher", "Disruptor-Blocking", "Disruptor-Yielding"})
        public String impl;

        @Param({"1", "2", "4"})
        public int receivers;

        @Param({"1024"})
        public int capacity;

        Fanout fanout;

        @Setup(Level.Trial)
        public void start() {
            fanout = Fanout.start(impl, receivers, capacity);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            fanout.stop();
        }
    }

    /** One send. Waits (parks) only in the lossless implementations, while the ring is full. */
    @Benchmark
    public void send(Fan fan, Deliveries deliveries) throws InterruptedException {
        fan.fanout.publish(ELEMENT);
    }

    /**
     * What the receivers did during the iteration, as rates per µs; see the class comment. The
     * fields are the differences of the receivers' counters between this state's iteration setup
     * (before the measured loop) and its iteration teardown (right after it).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries {
        /** Values received, summed over the receivers. */
        public long delivered;
        /** {@code delivered / receivers}: values received per receiver. */
        public long perReceiver;
        /** Values that receivers missed because they were overwritten (ours, unpaced, only). */
        public long lost;
        /** LaggedExceptions thrown (ours, unpaced, only). */
        public long lagEvents;

        private long delivered0;
        private long lost0;
        private long lagEvents0;

        @Setup(Level.Iteration)
        public void begin(Fan fan) {
            delivered = 0;
            perReceiver = 0;
            lost = 0;
            lagEvents = 0;
            delivered0 = fan.fanout.delivered();
            lost0 = fan.fanout.lost();
            lagEvents0 = fan.fanout.lagEvents();
        }

        @TearDown(Level.Iteration)
        public void end(Fan fan) {
            delivered = fan.fanout.delivered() - delivered0;
            perReceiver = delivered / fan.receivers;
            lost = fan.fanout.lost() - lost0;
            lagEvents = fan.fanout.lagEvents() - lagEvents0;
        }
    }

    /**
     * One receiver's counters, written by that receiver's thread only and read by the JMH thread.
     * Padded so that receivers do not share a cache line with each other or with anything else.
     */
    static final class ReceiverStats extends ReceiverStatsFields {
        long q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15;

        /** One value received: an opaque store (single writer; a plain move on x86). */
        void received(Object value) {
            last = value;
            DELIVERED.setOpaque(this, delivered + 1);
        }

        void lagged(long missed) {
            LOST.setOpaque(this, lost + missed);
            LAG_EVENTS.setOpaque(this, lagEvents + 1);
        }

        long delivered() {
            return (long) DELIVERED.getOpaque(this);
        }

        long lost() {
            return (long) LOST.getOpaque(this);
        }

        long lagEvents() {
            return (long) LAG_EVENTS.getOpaque(this);
        }

        private static final VarHandle DELIVERED;
        private static final VarHandle LOST;
        private static final VarHandle LAG_EVENTS;

        static {
            try {
                final MethodHandles.Lookup l = MethodHandles.lookup();
                DELIVERED = l.findVarHandle(ReceiverStatsFields.class, "delivered", long.class);
                LOST = l.findVarHandle(ReceiverStatsFields.class, "lost", long.class);
                LAG_EVENTS = l.findVarHandle(ReceiverStatsFields.class, "lagEvents", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** 128 bytes of padding before the counters. */
    abstract static class ReceiverStatsPad {
        long p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
    }

    abstract static class ReceiverStatsFields extends ReceiverStatsPad {
        long delivered;
        long lost;
        long lagEvents;
        /** The last value received: a store the JIT cannot drop, so every receiver reads the value. */
        Object last;
    }

    /** Daemon threads for the receivers of ours and of the Disruptor, remembered for joining. */
    static final class ReceiverThreads implements ThreadFactory {
        private final String name;
        final List<Thread> threads = new ArrayList<>();

        ReceiverThreads(String name) {
            this.name = name;
        }

        @Override
        public synchronized Thread newThread(Runnable r) {
            final Thread t = new Thread(r, name + "-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            return t;
        }

        synchronized void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
                if (t.isAlive()) {
                    throw new IllegalStateException(t.getName() + " did not stop");
                }
            }
        }
    }

    /**
     * One face over the implementations: a producer side ({@link #publish}) and receivers that run
     * on their own threads from {@link #start} to {@link #stop}, counting into {@link #stats}. A
     * final subclass per implementation; each fork uses exactly one.
     */
    abstract static class Fanout {
        final ReceiverStats[] stats;

        Fanout(int receivers) {
            stats = new ReceiverStats[receivers];
            for (int i = 0; i < receivers; i++) {
                stats[i] = new ReceiverStats();
            }
        }

        /** Sends one value to every receiver. */
        abstract void publish(Object e) throws InterruptedException;

        /** Ends the stream, lets the receivers drain it, and waits for their threads to end. */
        abstract void stop() throws InterruptedException;

        final long delivered() {
            long n = 0;
            for (ReceiverStats s : stats) {
                n += s.delivered();
            }
            return n;
        }

        final long lost() {
            long n = 0;
            for (ReceiverStats s : stats) {
                n += s.lost();
            }
            return n;
        }

        final long lagEvents() {
            long n = 0;
            for (ReceiverStats s : stats) {
                n += s.lagEvents();
            }
            return n;
        }

        static Fanout start(String impl, int receivers, int capacity) {
            switch (impl) {
                case "channels-paced":
                    return new Paced(receivers, capacity);
                case "channels":
                    return new Unpaced(receivers, capacity);
                case "SubmissionPublisher":
                    return new Publisher(receivers, capacity);
                case "Disruptor-Blocking":
                    return new Lmax(receivers, capacity, new BlockingWaitStrategy());
                case "Disruptor-Yielding":
                    return new Lmax(receivers, capacity, new YieldingWaitStrategy());
                default:
                    throw new IllegalArgumentException("unknown implementation: " + impl);
            }
        }
    }

    /** Ours: one sender, one receiver per thread (the first from the channel, the others subscribed). */
    abstract static class Channels extends Fanout {
        final Broadcast.Sender<Object> sender;
        private final ReceiverThreads threads = new ReceiverThreads("broadcast-rx");

        Channels(int receivers, int capacity) {
            super(receivers);
            final Broadcast.Channel<Object> channel = Broadcast.channel(capacity);
            sender = channel.sender();
            final List<Broadcast.Receiver<Object>> rxs = new ArrayList<>();
            rxs.add(channel.receiver());
            for (int i = 1; i < receivers; i++) {
                rxs.add(sender.subscribe());
            }
            for (int i = 0; i < receivers; i++) {
                final Broadcast.Receiver<Object> rx = rxs.get(i);
                final ReceiverStats s = stats[i];
                threads.newThread(() -> receive(rx, s)).start();
            }
        }

        private static void receive(Broadcast.Receiver<Object> rx, ReceiverStats s) {
            try {
                for (;;) {
                    final Object v;
                    try {
                        v = rx.recv();
                    } catch (Broadcast.LaggedException lagged) {
                        s.lagged(lagged.missed());
                        continue;
                    }
                    if (v == null) {
                        return; // end of stream: the trial is over
                    }
                    s.received(v);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                rx.close();
            }
        }

        @Override
        final void stop() throws InterruptedException {
            sender.close();
            threads.join();
        }
    }

    /** Ours as designed: the producer never waits; receivers that fall behind lose values. */
    static final class Unpaced extends Channels {
        Unpaced(int receivers, int capacity) {
            super(receivers, capacity);
        }

        @Override
        void publish(Object e) {
            sender.send(e);
        }
    }

    /**
     * Ours, lossless: the producer never overwrites a value the slowest receiver has not read. It
     * knows it may send {@code slack = capacity - len()} values without looking again (receivers
     * only move forward); when that is used up it reads {@code len()} again, parking 1 ns at a
     * time while the ring is full, as the Disruptor's single producer does.
     */
    static final class Paced extends Channels {
        private final int capacity;
        /** Sends left before the receivers' positions must be read again; producer-confined. */
        private long slack;

        Paced(int receivers, int capacity) {
            super(receivers, capacity);
            this.capacity = sender.capacity();
        }

        @Override
        void publish(Object e) {
            if (slack == 0) {
                long s;
                while ((s = capacity - sender.len()) <= 0) {
                    LockSupport.parkNanos(1L);
                }
                slack = s;
            }
            sender.send(e);
            slack--;
        }
    }

    /** JDK baseline: {@link SubmissionPublisher} on a pool of one worker per subscriber. */
    static final class Publisher extends Fanout {
        private final ForkJoinPool pool;
        private final SubmissionPublisher<Object> publisher;
        private final CountDownLatch completed;

        Publisher(int receivers, int capacity) {
            super(receivers);
            pool = new ForkJoinPool(receivers, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
            publisher = new SubmissionPublisher<>(pool, capacity);
            completed = new CountDownLatch(receivers);
            for (int i = 0; i < receivers; i++) {
                publisher.subscribe(new Counting(stats[i], completed));
            }
        }

        @Override
        void publish(Object e) {
            publisher.submit(e); // blocks while some subscriber's buffer is full
        }

        @Override
        void stop() throws InterruptedException {
            publisher.close();
            if (!completed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the subscribers did not complete");
            }
            pool.shutdown();
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the publisher's pool did not stop");
            }
        }

        /** Requests everything once; flow control is the publisher's bounded buffer. */
        static final class Counting implements Flow.Subscriber<Object> {
            private final ReceiverStats stats;
            private final CountDownLatch completed;

            Counting(ReceiverStats stats, CountDownLatch completed) {
                this.stats = stats;
                this.completed = completed;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Object item) {
                stats.received(item);
            }

            @Override
            public void onError(Throwable throwable) {
                throwable.printStackTrace();
                completed.countDown();
            }

            @Override
            public void onComplete() {
                completed.countDown();
            }
        }
    }

    /** LMAX Disruptor multicast: one single-producer ring, one handler (and thread) per receiver. */
    static final class Lmax extends Fanout {
        /** A preallocated ring entry. */
        static final class Event {
            Object value;
        }

        private final ReceiverThreads threads = new ReceiverThreads("disruptor-rx");
        private final Disruptor<Event> disruptor;
        private final RingBuffer<Event> ring;

        Lmax(int receivers, int capacity, WaitStrategy waitStrategy) {
            super(receivers);
            disruptor = new Disruptor<>(Event::new, capacity, threads, ProducerType.SINGLE, waitStrategy);
            @SuppressWarnings("unchecked")
            final EventHandler<Event>[] handlers = new EventHandler[receivers];
            for (int i = 0; i < receivers; i++) {
                final ReceiverStats s = stats[i];
                handlers[i] = (event, sequence, endOfBatch) -> s.received(event.value);
            }
            disruptor.handleEventsWith(handlers);
            ring = disruptor.start();
        }

        @Override
        void publish(Object e) {
            final long seq = ring.next(); // parks while the slowest handler is a full ring behind
            ring.get(seq).value = e;
            ring.publish(seq);
        }

        @Override
        void stop() throws InterruptedException {
            try {
                disruptor.shutdown(10, TimeUnit.SECONDS); // lets the handlers drain, then halts them
            } catch (com.lmax.disruptor.TimeoutException e) {
                throw new IllegalStateException("the Disruptor's handlers did not drain", e);
            }
            threads.join();
        }
    }
}
