package dev.channels.bench;

import com.softwaremill.jox.Channel;
import dev.channels.Mpsc;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many virtual-thread producers, one consumer: {@value #PRODUCERS} virtual threads each send
 * {@value #PER_PRODUCER} messages into one channel with its blocking send, and the JMH thread (a
 * platform thread) receives all {@value #MESSAGES} of them with its blocking receive. This is the
 * "a task per request, one owner of the resource" shape that virtual threads invite, with far more
 * producers than cores: most producers are parked (unmounted) at any moment, waiting for room.
 *
 * <h2>The implementations ({@code impl})</h2>
 * All with {@code capacity} slots ({@value #CAPACITY}, exact), except {@code LinkedTransferQueue}:
 * <ul>
 *   <li>{@code channels}: ours, {@link Mpsc#bounded(int)}, {@code send}/{@code recv}. A
 *   {@link Mpsc.Sender} is thread-safe and may be shared, so all producers share the one sender
 *   handle, as they share the one queue object of the peers (and as in
 *   {@link MpscBlockingBenchmark}); a {@link Mpsc.Sender#duplicate() duplicate} per producer would
 *   add a handle per thread and nothing the peers have.</li>
 *   <li>{@code ArrayBlockingQueue}: the JDK's {@link ArrayBlockingQueue}, one lock and two conditions, {@code put}/{@code take}.</li>
 *   <li>{@code LinkedBlockingQueue}: the JDK's {@link LinkedBlockingQueue}, a put lock and a take lock, a node per element,
 *   {@code put}/{@code take}.</li>
 *   <li>{@code LinkedTransferQueue}: the JDK's lock-free dual queue {@link LinkedTransferQueue}, {@code put}/{@code take}. It
 *   is <em>unbounded</em>: its {@code put} never waits and the capacity does not apply, so it
 *   applies no back-pressure at all. Its producers never park; they may all finish before the
 *   consumer has taken much, leaving up to {@value #MESSAGES} nodes queued. The benchmark cannot
 *   make up for that (a {@code transfer} would make it a rendezvous, a different thing again): it
 *   is here as the cost of a hand-off with no back-pressure, and its score is not that of a
 *   bounded channel.</li>
 *   <li>{@code jox}: jox 1.0.1, {@link Channel#newBufferedChannel(int)}, {@code send}/{@code receive}.</li>
 * </ul>
 * None of them is closed: the consumer knows how many messages to expect, so end of stream is not
 * needed, and the peers have none.
 *
 * <h2>One invocation</h2>
 * Start {@value #PRODUCERS} virtual threads ({@link Thread#startVirtualThread}); receive
 * {@value #MESSAGES} messages; join every producer (at most {@link #JOIN_TIMEOUT} each); check.
 * The score is messages per µs ({@link OperationsPerInvocation @OperationsPerInvocation}({@value #MESSAGES})).
 * Creating and starting the {@value #PRODUCERS} threads, and joining them, are inside the measured
 * time for every implementation alike: this is what a user of the shape pays. It adds the same
 * absolute time to every implementation's invocation, so it narrows the ratios between them. The
 * virtual threads run on the JDK's default scheduler, a {@code ForkJoinPool} whose parallelism is
 * the number of cores; the consumer is a platform thread and parks like one. So the machine runs
 * the consumer plus one carrier per core: on two cores, three runnable threads. How a producer
 * waits for room differs by design and is part of what is measured: the JDK's locks and
 * conditions and jox's buffered channel park (unmount) almost at once, which frees the carrier for
 * another producer; ours spins adaptively before it parks, on a virtual thread as on a platform
 * thread, and a spinning producer holds its carrier meanwhile (but for a yield every 64th turn).
 *
 * <p>Each invocation checks its result and throws {@link IllegalStateException} if: after all
 * producers have finished, the channel is not empty (so more than {@value #MESSAGES} were
 * delivered; checked with the non-blocking receive, for jox a select with a default clause, which
 * allocates a little once per invocation); the sum of the received payloads differs from the sum sent (each producer sends its
 * own preallocated {@link Integer}, its index, so a lost or duplicated message shows); a producer
 * did not finish within {@link #JOIN_TIMEOUT}; or a producer failed. Together with the receive
 * count, which is exactly {@value #MESSAGES}, this makes sure that the consumer received exactly
 * what was sent.
 *
 * <h2>Why nothing can hang</h2>
 * An invocation ends only after its consumer has received every message and every producer has
 * returned, so when JMH ends an iteration no thread is waiting in the channel and no escape hatch
 * is needed. A producer that fails (which none should) records the failure and interrupts the
 * consumer, whose waiting receive or join then throws {@link InterruptedException}; the invocation
 * then throws the failure instead of waiting for messages that will never come.
 *
 * <h2>A fresh channel per iteration</h2>
 * The channel is created at {@link Level#Iteration} setup, as in the other mpsc benchmarks, not
 * per invocation: every invocation leaves it empty with no producer left (checked above), so a new
 * one per invocation would only add {@link Level#Invocation} setup, which JMH discourages, and lose
 * the realistic case of a long-lived channel fed by short-lived producers. For ours and
 * {@code ArrayBlockingQueue} the ring is simply reused; jox keeps advancing through new segments
 * either way.
 *
 * <h2>Allocation</h2>
 * The harness allocates no message: the payloads and the producers' {@link Runnable}s are made at
 * trial setup. Per invocation it allocates the {@value #PRODUCERS} virtual threads (each a
 * {@link Thread}, its continuation and stack), for every implementation alike; with
 * {@code -prof gc} that shows as a floor shared by all rows of {@code gc.alloc.rate.norm}. Above
 * it: ours allocates nothing per message, and one reusable waiter (a thread-local) per producer
 * thread the first time it parks, which with fresh threads is once per thread per invocation;
 * {@code LinkedBlockingQueue} and {@code LinkedTransferQueue} a node per message; the JDK's
 * locks and conditions a wait node each time a thread waits; jox its segments of cells and its
 * waiting state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        // Needed by Agrona only (MpscTryBenchmark); given to every benchmark so the JVMs are alike.
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
@Threads(1) // the JMH thread is the one consumer
@State(Scope.Thread)
public class ManyProducersBenchmark {
    /** Producer threads started per invocation. */
    static final int PRODUCERS = 1000;
    /** Messages each producer sends per invocation. */
    static final int PER_PRODUCER = 100;
    /** Messages received per invocation: the operations of one invocation. */
    static final int MESSAGES = PRODUCERS * PER_PRODUCER;
    /** The one value of {@link #capacity}, for the javadoc. */
    static final int CAPACITY = 1024;

    /** How long an invocation waits for each producer to finish once every message is in. */
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    /** The channel kind; see the class comment. */
    @Param({"channels", "ArrayBlockingQueue", "LinkedBlockingQueue", "LinkedTransferQueue", "jox"})
    public String impl;

    /** The capacity of the bounded channels; {@code LinkedTransferQueue} ignores it. */
    @Param({"" + CAPACITY})
    public int capacity;

    /** {@code payloads[p]} is producer {@code p}'s message, the {@link Integer} {@code p}. */
    private Integer[] payloads;
    /** The sum of every message of one invocation. */
    private long expectedSum;
    /** One task per producer, made once: sends {@link #PER_PRODUCER} times into {@link #channel}. */
    private Runnable[] producers;
    /** The producers of the running invocation, for joining. */
    private Thread[] running;
    /** The consumer, the JMH thread: a failing producer interrupts it. */
    private Thread consumer;
    /** The first failure of a producer, or null. */
    private AtomicReference<Throwable> failure;

    /** The channel of the current iteration; read by the producers after they start. */
    private BlockingChannel channel;

    /** Makes the payloads and the producer tasks, once. */
    @Setup(Level.Trial)
    public void createProducers() {
        payloads = new Integer[PRODUCERS];
        producers = new Runnable[PRODUCERS];
        running = new Thread[PRODUCERS];
        failure = new AtomicReference<>();
        long sum = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            payloads[p] = Integer.valueOf(p);
            sum += p;
            final int index = p;
            producers[p] = () -> produce(index);
        }
        expectedSum = sum * PER_PRODUCER;
    }

    /** A fresh, empty channel for every iteration; see the class comment. */
    @Setup(Level.Iteration)
    public void createChannel() {
        channel = create(impl, capacity);
        consumer = Thread.currentThread();
    }

    /**
     * One invocation: start the producers, receive every message, join the producers, check.
     *
     * @return the sum of the received payloads (sunk by JMH)
     * @throws IllegalStateException if the check fails or a producer failed
     * @throws InterruptedException if the JMH thread is interrupted by something other than a
     *     failing producer
     */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long manyToOne() throws InterruptedException {
        final BlockingChannel ch = channel;
        final Thread[] threads = running;
        for (int p = 0; p < PRODUCERS; p++) {
            threads[p] = Thread.startVirtualThread(producers[p]);
        }
        long sum = 0;
        try {
            for (int i = 0; i < MESSAGES; i++) {
                sum += ((Integer) ch.recv()).intValue();
            }
            for (Thread t : threads) {
                if (!t.join(JOIN_TIMEOUT)) {
                    throw new IllegalStateException("a producer did not finish within " + JOIN_TIMEOUT
                            + " after every message was received");
                }
            }
        } catch (InterruptedException e) {
            throwIfAProducerFailed();
            throw e;
        }
        throwIfAProducerFailed();
        if (ch.tryRecv() != null) {
            throw new IllegalStateException("more than " + MESSAGES + " messages were delivered");
        }
        if (sum != expectedSum) {
            throw new IllegalStateException("received " + MESSAGES + " messages summing to " + sum
                    + ", expected " + expectedSum + ": some were lost and others duplicated");
        }
        return sum;
    }

    /** @throws IllegalStateException with the first producer's failure, if one failed */
    private void throwIfAProducerFailed() {
        final Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("a producer failed", f);
        }
    }

    /**
     * Producer {@code p}: {@link #PER_PRODUCER} blocking sends of its payload.
     *
     * @param p the producer's index
     */
    private void produce(int p) {
        try {
            final BlockingChannel ch = channel;
            final Integer message = payloads[p];
            for (int i = 0; i < PER_PRODUCER; i++) {
                ch.send(message);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            consumer.interrupt(); // its receive would otherwise wait forever for our messages
        }
    }

    /**
     * Creates the channel of one iteration.
     *
     * @param impl one of the values of {@link #impl}
     * @param capacity the capacity of a bounded channel
     * @return a new, empty channel of that kind
     */
    static BlockingChannel create(String impl, int capacity) {
        switch (impl) {
            case "LinkedTransferQueue":
                return new LinkedTransfer();
            case "jox":
                return new MpscBlockingUntimedBenchmark.Jox(capacity);
            default:
                return BlockingChannel.create(impl, capacity);
        }
    }

    /**
     * The JDK's unbounded {@link LinkedTransferQueue}: {@code put} never waits (no back-pressure),
     * {@code take} waits while it is empty.
     */
    static final class LinkedTransfer extends BlockingChannel {
        /** The queue, used through its unbounded {@code put} and {@code take}. */
        private final LinkedTransferQueue<Object> queue = new LinkedTransferQueue<>();

        /** Never waits: the queue is unbounded. */
        @Override
        void send(Object e) {
            queue.put(e);
        }

        @Override
        Object recv() throws InterruptedException {
            return queue.take();
        }

        /** Always succeeds: the queue is unbounded. Not used by this benchmark. */
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
