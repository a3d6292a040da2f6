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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A blocking round trip between two threads, on platform threads and on virtual threads
 * ({@code threads}): a message goes one way through a {@code ping} channel and comes back through
 * a {@code pong} channel. Every send and every receive is the untimed blocking form, so each round
 * trip is two hand-offs that the receiving side usually has to wait for. This is the latency of a
 * blocking hand-off, not throughput: at most one message is ever in flight.
 *
 * <h2>The implementations ({@code impl})</h2>
 * Two one-way channels of the same kind; the blocking forms under test are those of
 * {@link BlockingChannel} and {@code MpscBlockingUntimedBenchmark}:
 * <ul>
 *   <li>{@code channels}: ours, two {@link Mpsc#bounded(int) Mpsc.bounded(1)}, {@code send}/{@code recv}.</li>
 *   <li>{@code ArrayBlockingQueue}: the JDK's {@link ArrayBlockingQueue}, capacity 1, {@code put}/{@code take}.</li>
 *   <li>{@code SynchronousQueue}: the JDK's rendezvous queue (non-fair), {@code put}/{@code take}.</li>
 *   <li>{@code LinkedTransferQueue}: the JDK's, {@link LinkedTransferQueue#transfer transfer}/{@code take}.</li>
 *   <li>{@code jox}: jox 1.0.1, {@link Channel#newBufferedChannel(int) Channel.newBufferedChannel(1)},
 *   {@code send}/{@code receive}.</li>
 * </ul>
 *
 * <h2>Capacity 1 against capacity 0</h2>
 * {@link SynchronousQueue} and {@link LinkedTransferQueue#transfer} are rendezvous (capacity 0):
 * the sender returns only once a receiver has taken the message, so it waits for its peer on
 * every send. {@code LinkedTransferQueue} itself is unbounded, and only {@code transfer} makes it
 * a rendezvous; its {@code put} would never wait. Ours, {@code ArrayBlockingQueue} and jox have no
 * rendezvous form (a bounded channel of ours holds at least one message), so they run with one
 * slot: the sender leaves the message in the slot and goes on. In this benchmark the difference
 * costs no wait: the pinger's next step is to wait for the reply anyway, and the echo's is to wait
 * for the next ping. What differs is who wakes whom: with one slot the receiver is woken by the
 * send; with a rendezvous the sender is also woken by the receive, unless it caught it while
 * spinning. Only the channel kind differs; the two threads do the same thing for every
 * implementation.
 *
 * <h2>Threads</h2>
 * Two threads of the chosen kind, made at trial setup ({@link Thread#ofPlatform()} or
 * {@link Thread#ofVirtual()}) and stopped at trial teardown: the <em>pinger</em> and the
 * <em>echo</em>. The echo loops: receive from {@code ping}, send the same object into
 * {@code pong}. The pinger waits for a batch request from the JMH thread, makes {@value #BATCH}
 * round trips (send into {@code ping}, receive from {@code pong}, check that the object that came
 * back is the one it sent), and then reports that the batch is done. Each call of the benchmark
 * method hands one batch to the pinger and waits for it, so the score is round trips per µs
 * ({@link OperationsPerInvocation @OperationsPerInvocation}({@value #BATCH})).
 *
 * <p>Virtual threads run on the JDK's default scheduler, a {@code ForkJoinPool} whose parallelism
 * is the number of cores: a wait of a virtual thread unmounts it from its carrier, and a wake-up
 * submits it to the pool, instead of the operating system's park and unpark of a platform thread.
 * With virtual threads the pinger and the echo may take turns on one carrier, so a round trip can
 * be two continuation switches with no system call at all. With platform threads every wait that
 * does not end while spinning is a park and an unpark (a futex wait and wake on Linux, tens of
 * microseconds on a small virtual machine). On two cores, as here, that dominates the platform
 * rows of every implementation that parks before the reply arrives: {@code ArrayBlockingQueue}'s
 * condition and jox's buffered channel park at once, and the JDK's transfer queues spin only
 * briefly (128 pauses, and not at all when a virtual thread's carrier has other work queued),
 * usually too short for a reply that has to cross cores. Ours spins adaptively (its budget grows
 * while spins succeed) before it parks, so with a core per thread it mostly catches the reply
 * while spinning; on an oversubscribed machine that spin is lost time instead. The JMH thread is a
 * platform thread and is parked while a batch runs, so the two threads have the two cores to
 * themselves.
 *
 * <h2>The batch hand-off, and why nothing can hang</h2>
 * The JMH thread and the pinger meet through two {@link Semaphore}s, the same for every
 * implementation: the benchmark releases {@code start} and acquires {@code done}; the pinger
 * acquires {@code start} and, after the batch, releases {@code done}. That costs the JMH thread
 * one park and one unpark per call, spread over {@value #BATCH} round trips. {@value #BATCH} is a
 * compromise between two limits. Large enough that this hand-off (a wake-up of the pinger and one
 * of the JMH thread, tens of microseconds at worst) is a small share of a batch even at the
 * fastest round trips (well under a microsecond each with virtual threads): on the two-core
 * machine this was written on, batches of 10,000 gave the same scores within the run-to-run
 * noise. Small enough that a batch of the slowest round trips (about 70 µs each there, for the
 * implementations that park on platform threads) lasts under a tenth of a second, so that an
 * iteration, which JMH can only end between calls, overruns its 2 s by a few percent at most and
 * a smoke run of 100 ms still completes a call. (The overrun does not bias the score: JMH
 * divides the operations of the calls it counted by their actual time.)
 *
 * <p>No escape hatch is needed: a call returns only after its whole batch, so when JMH ends an
 * iteration no send or receive is pending; the pinger waits on {@code start} and the echo on
 * {@code ping}. The trial teardown interrupts both threads and joins each for at most
 * {@link #JOIN_TIMEOUT}, failing with {@link IllegalStateException} if one is still alive; every
 * blocking form used here answers an interrupt with {@link InterruptedException} (jox's
 * {@code send} and {@code receive} included, checked for jox 1.0.1 on both thread kinds). If
 * either thread fails (a wrong object came back, say), it records the failure and interrupts the
 * other; the pinger always releases {@code done} when it exits, so a waiting benchmark call wakes
 * up, sees the failure and throws it, instead of waiting forever.
 *
 * <h2>Allocation</h2>
 * The messages are {@value #PAYLOADS} preallocated objects (cached {@link Integer}s), sent in
 * rotation so that a lost, duplicated or stale message is caught by the identity check; the
 * harness allocates nothing per round trip. The {@code Semaphore}s may allocate a wait node when a
 * thread has to wait on them, at most a few per batch, that is a few hundredths of a byte per
 * round trip. Run with {@code -prof gc}: what is left is the channels' own allocation (for
 * {@code SynchronousQueue} and {@code LinkedTransferQueue} a node for every operation that finds
 * no partner waiting, usually two per round trip; for jox
 * its segments of cells and its waiting state) and that of the virtual threads' scheduler.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        // Needed by Agrona only (MpscTryBenchmark); given to every benchmark so the JVMs are alike.
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
@Threads(1) // the JMH thread only hands out batches; the round trips run on the two threads below
@State(Scope.Thread)
public class PingPongBenchmark {
    /** Round trips per call of the benchmark method; see the class comment for the choice. */
    static final int BATCH = 1000;

    /** How many distinct message objects rotate through the channels (a power of two). */
    static final int PAYLOADS = 16;

    /** The messages: distinct cached {@link Integer}s, so no message is ever allocated. */
    private static final Integer[] MESSAGES = new Integer[PAYLOADS];

    static {
        for (int i = 0; i < PAYLOADS; i++) {
            MESSAGES[i] = i;
        }
    }

    /** How long the trial teardown waits for each thread to stop. */
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    /** The kind of both threads: {@code platform} or {@code virtual}. */
    @Param({"platform", "virtual"})
    public String threads;

    /** The channel kind; see the class comment. */
    @Param({"channels", "ArrayBlockingQueue", "SynchronousQueue", "LinkedTransferQueue", "jox"})
    public String impl;

    /** Pinger to echo. */
    private BlockingChannel ping;
    /** Echo to pinger. */
    private BlockingChannel pong;

    /** Released by the benchmark method: one permit per batch to run. */
    private Semaphore start;
    /** Released by the pinger after each batch, and once more when it exits. */
    private Semaphore done;
    /** The first failure of either thread, or null. */
    private AtomicReference<Throwable> failure;

    /** Sends the pings and checks the pongs; see the class comment. */
    private Thread pinger;
    /** Sends every ping back; see the class comment. */
    private Thread echo;

    /**
     * Creates the channels and starts the two threads for the whole trial. Between calls of the
     * benchmark method both channels are empty (every ping was echoed and every pong received),
     * so one pair of channels serves every iteration.
     */
    @Setup(Level.Trial)
    public void startThreads() {
        ping = oneWay(impl);
        pong = oneWay(impl);
        start = new Semaphore(0);
        done = new Semaphore(0);
        failure = new AtomicReference<>();
        final Thread.Builder builder = switch (threads) {
            case "platform" -> Thread.ofPlatform().daemon(true);
            case "virtual" -> Thread.ofVirtual();
            default -> throw new IllegalArgumentException("unknown thread kind: " + threads);
        };
        pinger = builder.name("ping-pong-pinger").unstarted(this::runPinger);
        echo = builder.name("ping-pong-echo").unstarted(this::runEcho);
        echo.start();
        pinger.start();
    }

    /**
     * {@value #BATCH} round trips: hands one batch to the pinger and waits until it is done.
     *
     * @throws IllegalStateException if the pinger or the echo failed
     * @throws InterruptedException if the JMH thread is interrupted while it waits for the batch
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void roundTrip() throws InterruptedException {
        start.release();
        done.acquire();
        final Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("a ping-pong thread failed", f);
        }
    }

    /**
     * Interrupts both threads (each is waiting: the pinger for a batch, the echo for a ping) and
     * joins them.
     *
     * @throws IllegalStateException if a thread is still alive after {@link #JOIN_TIMEOUT}
     * @throws InterruptedException if the JMH thread is interrupted while it joins them
     */
    @TearDown(Level.Trial)
    public void stopThreads() throws InterruptedException {
        pinger.interrupt();
        echo.interrupt();
        join(pinger);
        join(echo);
    }

    /**
     * Joins {@code t} for at most {@link #JOIN_TIMEOUT}.
     *
     * @param t the thread to join
     * @throws IllegalStateException if it is still alive then
     * @throws InterruptedException if the JMH thread is interrupted while it waits
     */
    private static void join(Thread t) throws InterruptedException {
        if (!t.join(JOIN_TIMEOUT)) {
            throw new IllegalStateException(t.getName() + " did not stop within " + JOIN_TIMEOUT
                    + " of being interrupted");
        }
    }

    /** The pinger: one batch of round trips per permit of {@code start}, until interrupted. */
    private void runPinger() {
        final BlockingChannel ping = this.ping;
        final BlockingChannel pong = this.pong;
        int next = 0;
        try {
            for (;;) {
                start.acquire();
                for (int i = 0; i < BATCH; i++, next++) {
                    final Integer sent = MESSAGES[next & (PAYLOADS - 1)];
                    ping.send(sent);
                    final Object back = pong.recv();
                    if (back != sent) {
                        throw new IllegalStateException("sent " + sent + ", got back " + back);
                    }
                }
                done.release();
            }
        } catch (InterruptedException stop) {
            // The trial is over, or the echo failed and stopped us.
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            echo.interrupt();
        } finally {
            // Wakes a benchmark call that waits for a batch that will now never finish.
            done.release();
        }
    }

    /** The echo: sends every ping back as it is, until interrupted. */
    private void runEcho() {
        final BlockingChannel ping = this.ping;
        final BlockingChannel pong = this.pong;
        try {
            for (;;) {
                pong.send(ping.recv());
            }
        } catch (InterruptedException stop) {
            // The trial is over, or the pinger failed and stopped us.
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            pinger.interrupt();
        }
    }

    /**
     * Creates one one-way channel.
     *
     * @param impl one of the values of {@link #impl}
     * @return a new, empty one-way channel of that kind: capacity 1, or a rendezvous for
     *     {@code SynchronousQueue} and {@code LinkedTransferQueue}
     */
    static BlockingChannel oneWay(String impl) {
        switch (impl) {
            case "SynchronousQueue":
                return new Synchronous();
            case "LinkedTransferQueue":
                return new Transfer();
            case "jox":
                return new MpscBlockingUntimedBenchmark.Jox(1);
            case "channels":
            case "ArrayBlockingQueue":
                return BlockingChannel.create(impl, 1);
            default:
                throw new IllegalArgumentException("unknown implementation: " + impl);
        }
    }

    /** JDK rendezvous: a {@link SynchronousQueue} (non-fair), {@code put}/{@code take}. */
    static final class Synchronous extends BlockingChannel {
        /** The queue; non-fair, the default. */
        private final SynchronousQueue<Object> queue = new SynchronousQueue<>();

        @Override
        void send(Object e) throws InterruptedException {
            queue.put(e);
        }

        @Override
        Object recv() throws InterruptedException {
            return queue.take();
        }

        /** Succeeds only if a receiver is waiting. Not used by this benchmark. */
        @Override
        boolean trySend(Object e) {
            return queue.offer(e);
        }

        /** Succeeds only if a sender is waiting. Not used by this benchmark. */
        @Override
        Object tryRecv() {
            return queue.poll();
        }
    }

    /**
     * JDK rendezvous through an unbounded queue: {@link LinkedTransferQueue#transfer} waits until a
     * receiver has taken the element; {@code take} receives.
     */
    static final class Transfer extends BlockingChannel {
        /** The queue, used as a rendezvous only. */
        private final LinkedTransferQueue<Object> queue = new LinkedTransferQueue<>();

        @Override
        void send(Object e) throws InterruptedException {
            queue.transfer(e);
        }

        @Override
        Object recv() throws InterruptedException {
            return queue.take();
        }

        /** Succeeds only if a receiver is waiting. Not used by this benchmark. */
        @Override
        boolean trySend(Object e) {
            return queue.tryTransfer(e);
        }

        /** Not used by this benchmark. */
        @Override
        Object tryRecv() {
            return queue.poll();
        }
    }
}
