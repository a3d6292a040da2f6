package dev.channels.bench;

import dev.channels.Oneshot;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The reply half of a request: {@link Oneshot#channel()} against the JDK's
 * {@link CompletableFuture}, the baseline a Java developer would otherwise pick.
 *
 * <h2>{@code requestReply}: a request/reply round trip between two threads</h2>
 * A group of two threads. The requester creates a reply channel (ours: {@code Oneshot.channel()};
 * the baseline: {@code new CompletableFuture<>()}), hands the sending end (the
 * {@link Oneshot.Sender}; the future itself) to the responder, and waits for the reply (ours:
 * {@link Oneshot.Receiver#recv()}; the baseline: {@link CompletableFuture#get()}, both
 * interruptible and untimed). The responder takes the handle and replies (ours:
 * {@link Oneshot.Sender#send}; the baseline: {@link CompletableFuture#complete}).
 *
 * <p>The hand-off is the same for both and kept cheap, so that the difference is the reply
 * mechanism alone: one preallocated slot ({@link HandOff}, on cache lines of its own). The
 * requester writes the handle with a release store; the responder spins on the slot (a
 * {@link Thread#onSpinWait()} loop that yields every 64th turn, as the library's own spins do,
 * and never parks), takes the handle and clears the slot before it replies. At most one request is outstanding, since the requester waits for its reply before
 * it sends the next, so the slot needs no CAS. The responder's spin is part of the harness; it
 * keeps a core busy, so measure on at least two idle cores. (On an oversubscribed machine the
 * two threads take turns on a core and the figures measure the scheduler: a requester that
 * spins waits for the responder's time slice, one that parks is woken by preemption.)
 *
 * <p>Read the secondary result {@code roundTrips}: completed request/reply pairs per µs. The
 * primary group score adds the requester's and the responder's invocations and is about twice
 * that. The waiting differs by design and is what this measures: our receive spins adaptively
 * before it parks, {@code CompletableFuture.get()} queues a {@code Signaller} and parks at once,
 * so the responder's reply is a store for ours and an unpark for the baseline whenever the
 * requester got to park.
 *
 * <h3>Escape hatch</h3>
 * The responder's spin re-reads {@link Control#stopMeasurement} on every turn and returns once
 * it is set; in JMH's warmdown it looks at the slot once per call and serves what it finds. The
 * requester sends no request once measurement has stopped. Its wait for a reply is untimed and
 * cannot hang: a request it made while measuring is served either by the responder's measured
 * loop or by its warmdown calls, which JMH keeps making until the requester has left its
 * measured loop, which it does only after the reply.
 *
 * <h2>{@code createSendRecv}: one thread, allocation</h2>
 * One thread creates a channel, sends, and receives (ours:
 * {@code channel()}, {@code send}, {@code recv()}, which finds the value and takes it with one
 * CAS), against {@code new CompletableFuture<>()}, {@code complete}, {@code join()}. The primary
 * score is complete create-send-receive cycles per µs; run it with {@code -prof gc} and read
 * {@code gc.alloc.rate.norm}, the bytes allocated per cycle: ours a {@code Receiver} (the channel
 * state) and a {@code Sender} handle, the {@code Channel} pair record unless escape analysis
 * removes it; the baseline one {@code CompletableFuture}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {
        // Needed by Agrona only (MpscTryBenchmark); given to every benchmark so the JVMs are alike.
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
public class OneshotBenchmark {
    /** The reply: one preallocated object, so nothing is allocated for the payload. */
    static final Integer REPLY = 42;

    /** The responder's spin on the hand-off yields its core every this many turns. */
    private static final int YIELD_EVERY = 64;

    /** The state of one requester/responder pair. */
    @State(Scope.Group)
    public static class Exchange {
        @Param({"channels", "CompletableFuture"})
        public String impl;

        Reply reply;
        HandOff handOff;

        @Setup(Level.Trial)
        public void createReply() {
            reply = Reply.create(impl);
        }

        /** A fresh, empty slot for every iteration. */
        @Setup(Level.Iteration)
        public void createHandOff() {
            handOff = new HandOff();
        }
    }

    /** The state of the single-threaded benchmark. */
    @State(Scope.Thread)
    public static class Local {
        @Param({"channels", "CompletableFuture"})
        public String impl;

        Reply reply;

        @Setup(Level.Trial)
        public void createReply() {
            reply = Reply.create(impl);
        }
    }

    @Benchmark
    @Group("requestReply")
    @GroupThreads(1)
    public Object requester(Exchange exchange, Control control, Counters counters) throws Exception {
        if (control.stopMeasurement) {
            return null; // warmdown: no new request, so nothing is left waiting
        }
        final Object r = exchange.reply.request(exchange.handOff);
        counters.roundTrips++;
        // Returned, so that JMH sinks it into its Blackhole.
        return r;
    }

    @Benchmark
    @Group("requestReply")
    @GroupThreads(1)
    public void responder(Exchange exchange, Control control) {
        final HandOff handOff = exchange.handOff;
        Object request;
        for (int spins = 1; (request = handOff.take()) == null; spins++) {
            if (control.stopMeasurement) {
                return; // warmdown: one look per call
            }
            if ((spins & (YIELD_EVERY - 1)) == 0) {
                Thread.yield(); // lets a requester that shares this core run
            } else {
                Thread.onSpinWait();
            }
        }
        exchange.reply.respond(request);
    }

    @Benchmark
    public Object createSendRecv(Local local) throws Exception {
        return local.reply.createSendRecv();
    }

    /**
     * The requester's counter, reported as round trips per µs (the output unit). Those of JMH's short warmup
     * phase (before both threads are measuring) are counted too, a tiny fraction of an iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Completed request/reply round trips. */
        public long roundTrips;

        @Setup(Level.Iteration)
        public void reset() {
            roundTrips = 0;
        }
    }

    /**
     * A single-slot exchange from the requester to the responder: one reference on cache lines of
     * its own. At most one request is outstanding (see the class comment), so plain release and
     * acquire accesses suffice.
     */
    static final class HandOff extends HandOffSlot {
        long q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15;

        /** Requester: publishes the handle. The slot is empty (the previous request was served). */
        void put(Object handle) {
            SLOT.setRelease(this, handle);
        }

        /** Responder: the handle, or null if there is none; clears the slot before returning it. */
        Object take() {
            final Object h = SLOT.getAcquire(this);
            if (h != null) {
                // Plain: the requester's next put happens after our reply, which comes after this.
                SLOT.set(this, null);
            }
            return h;
        }

        private static final VarHandle SLOT;

        static {
            try {
                SLOT = MethodHandles.lookup().findVarHandle(HandOffSlot.class, "slot", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** 128 bytes of padding before the slot. */
    abstract static class HandOffPad {
        long p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
    }

    abstract static class HandOffSlot extends HandOffPad {
        Object slot;
    }

    /**
     * One face over the two reply mechanisms: a final subclass per implementation, so that each
     * call site is a direct call to one concrete class (and each fork uses exactly one of them).
     */
    abstract static class Reply {
        /** Requester: creates a reply channel, hands its sending end over, waits for the reply. */
        abstract Object request(HandOff handOff) throws Exception;

        /** Responder: replies through the sending end taken from the hand-off. */
        abstract void respond(Object sendingEnd);

        /** One thread: create, send, receive. */
        abstract Object createSendRecv() throws Exception;

        static Reply create(String impl) {
            switch (impl) {
                case "channels":
                    return new Channels();
                case "CompletableFuture":
                    return new Future();
                default:
                    throw new IllegalArgumentException("unknown implementation: " + impl);
            }
        }
    }

    static final class Channels extends Reply {
        @Override
        Object request(HandOff handOff) throws InterruptedException {
            final Oneshot.Channel<Object> channel = Oneshot.channel();
            handOff.put(channel.sender());
            return channel.receiver().recv();
        }

        @Override
        void respond(Object sendingEnd) {
            @SuppressWarnings("unchecked")
            final Oneshot.Sender<Object> sender = (Oneshot.Sender<Object>) sendingEnd;
            sender.send(REPLY);
        }

        @Override
        Object createSendRecv() throws InterruptedException {
            final Oneshot.Channel<Object> channel = Oneshot.channel();
            channel.sender().send(REPLY);
            return channel.receiver().recv();
        }
    }

    static final class Future extends Reply {
        @Override
        Object request(HandOff handOff) throws InterruptedException, ExecutionException {
            final CompletableFuture<Object> future = new CompletableFuture<>();
            handOff.put(future);
            return future.get();
        }

        @Override
        void respond(Object sendingEnd) {
            @SuppressWarnings("unchecked")
            final CompletableFuture<Object> future = (CompletableFuture<Object>) sendingEnd;
            future.complete(REPLY);
        }

        @Override
        Object createSendRecv() {
            final CompletableFuture<Object> future = new CompletableFuture<>();
            future.complete(REPLY);
            return future.join();
        }
    }
}
