package dev.channels.stress.soak;

import dev.channels.Broadcast;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Select;
import dev.channels.Watch;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The waiter-leak check: many operations that wait and then give up (an async operation cancelled,
 * a timed one that times out, a blocking one interrupted) on channels where nothing ever arrives
 * must leave nothing behind. Two independent measures per case:
 * <ol>
 *   <li>the heap: used heap after repeated {@code System.gc()} (the least of several readings),
 *       before and after the operations, with the channel kept reachable; the growth must stay
 *       below a tenth of what the operations would retain if each kept only 16 bytes (the smallest
 *       waiter object, a wait-list node, takes 24);</li>
 *   <li>the waiter structures, read by reflection ({@link Internals}): no waiter left in the mpsc
 *       receiver's slot, the sender queue, the oneshot state; no live node and at most the bounded
 *       garbage in the broadcast and watch wait lists; no task left in the select timer.</li>
 * </ol>
 * A positive control runs first: the same cancelled receives with the futures kept in a list must
 * exceed the limit, or the heap measure could not see a leak and the check fails.
 */
final class LeakCheck {
    /** Bytes per operation below which growth counts as no leak: a tenth of 16 bytes. */
    static final double LIMIT_BYTES_PER_OP = 16.0 / 10.0;

    /** One case's figures. */
    static final class Result {
        final String name;
        final long ops;
        final long delta;
        final long limit;
        final String structures;
        final String problem;
        final long millis;

        Result(String name, long ops, long delta, long limit, String structures, String problem, long millis) {
            this.name = name;
            this.ops = ops;
            this.delta = delta;
            this.limit = limit;
            this.structures = structures;
            this.problem = problem;
            this.millis = millis;
        }

        boolean ok() {
            return problem == null;
        }
    }

    /** A channel (or select) on which one kind of operation waits and gives up. */
    private interface Fixture {
        /** One operation; {@code hold} is null, or (self-test) a list that keeps what must not be kept. */
        void op(List<Object> hold) throws Exception;

        /** Null if nothing is left in the waiter structures, else what is. */
        String inspect();

        /** The structures' state, for the report. */
        String describe();

        /** Leaves one operation pending (self-test: the structure check must see it). */
        default void leaveOnePending(List<Object> hold) {
        }

        /** Stops what the fixture started (a helper thread). */
        default void close() {
        }
    }

    @FunctionalInterface
    private interface FixtureFactory {
        Fixture make();
    }

    private static final class Case {
        final String name;
        final long ops;
        final FixtureFactory factory;

        Case(String name, long ops, FixtureFactory factory) {
            this.name = name;
            this.ops = ops;
            this.factory = factory;
        }
    }

    private final Options options;
    private final PrintStream log;
    private final boolean injectLeak;

    LeakCheck(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
        this.injectLeak = options.inject == Options.Inject.LEAK;
    }

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** Used heap after full collections: the least of a few readings. */
    static long usedAfterGc() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            best = Math.min(best, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    static long limit(long ops) {
        return (long) (ops * LIMIT_BYTES_PER_OP);
    }

    /** The control: held futures must be seen. Returns a result whose problem says if they were not. */
    Result control() throws Exception {
        final long ops = Math.min(options.leakOps, 100_000);
        final Fixture fx = mpscRecvAsync(Mpsc.<Msg>bounded(1).receiver());
        warm(fx);
        final List<Object> hold = new ArrayList<>();
        final long t0 = System.nanoTime();
        final long before = usedAfterGc();
        for (long i = 0; i < ops; i++) {
            fx.op(hold);
        }
        final long after = usedAfterGc();
        Reference.reachabilityFence(hold);
        Reference.reachabilityFence(fx);
        final long delta = after - before;
        final String problem = delta > limit(ops) ? null
                : "the control kept " + ops + " futures but the heap grew only " + delta + " bytes: the heap measure cannot see a leak";
        return new Result("control: " + ops + " cancelled mpsc recvAsync futures kept in a list", ops, delta, limit(ops),
                hold.size() + " futures held", problem, (System.nanoTime() - t0) / 1_000_000);
    }

    List<Result> run() throws Exception {
        final List<Result> results = new ArrayList<>();
        final Result control = control();
        results.add(control);
        log.printf("leak check %-60s %s%n", control.name, control.ok() ? "detected (+" + control.delta + " B)" : control.problem);
        for (Case c : cases()) {
            final Result r = runCase(c);
            results.add(r);
            log.printf("leak check %-60s %s, %d ms%n", r.name + " x" + r.ops, r.ok() ? "ok (" + r.delta + " B)" : "FAILED: " + r.problem, r.millis);
        }
        return results;
    }

    private void warm(Fixture fx) throws Exception {
        for (int i = 0; i < 2_000; i++) { // JIT, lazily made waiters and threads: not per-operation
            fx.op(null);
        }
    }

    private Result runCase(Case c) throws Exception {
        final Fixture fx = c.factory.make();
        warm(fx);
        final List<Object> hold = injectLeak ? new ArrayList<>() : null;
        final long t0 = System.nanoTime();
        final long before = usedAfterGc();
        for (long i = 0; i < c.ops; i++) {
            fx.op(hold);
        }
        if (injectLeak) {
            fx.leaveOnePending(hold);
        }
        Thread.interrupted();
        final long after = usedAfterGc();
        final String structures = fx.inspect();
        final String described = fx.describe();
        Reference.reachabilityFence(fx);
        Reference.reachabilityFence(hold);
        fx.close();
        if (hold != null) {
            for (Object o : hold) { // self-test over: withdraw what was left pending
                if (o instanceof CompletionStage) {
                    ((CompletionStage<?>) o).toCompletableFuture().cancel(false);
                }
            }
        }
        final long delta = after - before;
        String problem = structures;
        if (delta >= limit(c.ops)) {
            problem = (problem == null ? "" : problem + "; ") + "the heap grew " + delta + " bytes (" + String.format("%.1f", (double) delta / c.ops)
                    + " B/op), limit " + limit(c.ops);
        }
        return new Result(c.name, c.ops, delta, limit(c.ops), described, problem, (System.nanoTime() - t0) / 1_000_000);
    }

    // ------------------------------------------------------------------ the cases

    private List<Case> cases() {
        final long n = options.leakOps;
        final long ni = options.leakInterruptOps;
        final long nt = options.leakTimedOps;
        final List<Case> cs = new ArrayList<>();
        cs.add(new Case("mpsc bounded: recvAsync cancelled", n, () -> mpscRecvAsync(Mpsc.<Msg>bounded(1).receiver())));
        cs.add(new Case("mpsc unbounded: recvAsync cancelled", n, () -> mpscRecvAsync(Mpsc.<Msg>unbounded().receiver())));
        cs.add(new Case("mpsc bounded full: sendAsync cancelled", n, LeakCheck::mpscSendAsync));
        cs.add(new Case("oneshot: recvAsync cancelled", n, LeakCheck::oneshotRecvAsync));
        cs.add(new Case("broadcast: recvAsync cancelled", n, LeakCheck::broadcastRecvAsync));
        cs.add(new Case("watch: changedAsync cancelled", n, () -> watchAsync(false)));
        cs.add(new Case("watch: waitForAsync cancelled", n, () -> watchAsync(true)));
        cs.add(new Case("select (6 kinds, timeout clause): selectAsync cancelled", n, LeakCheck::selectAsync));
        cs.add(new Case("mpsc: recv interrupted", ni, () -> mpscRecvBlocking(false)));
        cs.add(new Case("oneshot: recv interrupted", ni, () -> oneshotRecvBlocking(false)));
        cs.add(new Case("broadcast: recv interrupted", ni, () -> broadcastRecvBlocking(false)));
        cs.add(new Case("watch: changed interrupted", ni, () -> watchChangedBlocking(false)));
        cs.add(new Case("select: select() interrupted", ni, () -> selectBlocking(false)));
        cs.add(new Case("mpsc bounded full: send interrupted while parked", ni, LeakCheck::mpscSendInterrupted));
        cs.add(new Case("mpsc: recv timed out", nt, () -> mpscRecvBlocking(true)));
        cs.add(new Case("oneshot: recv timed out", nt, () -> oneshotRecvBlocking(true)));
        cs.add(new Case("broadcast: recv timed out", nt, () -> broadcastRecvBlocking(true)));
        cs.add(new Case("watch: changed timed out", nt, () -> watchChangedBlocking(true)));
        cs.add(new Case("select: select(timeout) timed out", nt, () -> selectBlocking(true)));
        cs.add(new Case("mpsc bounded full: send timed out", nt, LeakCheck::mpscSendTimed));
        return cs;
    }

    /** Cancels {@code f}, which must be pending (nothing can complete it); keeps it in {@code hold} if given. */
    private static void cancel(CompletableFuture<?> f, List<Object> hold) {
        if (!f.cancel(false)) {
            throw new IllegalStateException("a pending operation could not be cancelled: " + f);
        }
        if (hold != null) {
            hold.add(f);
        }
    }

    private static Fixture mpscRecvAsync(Mpsc.Receiver<Msg> rx) {
        return new Fixture() {
            @Override
            public void op(List<Object> hold) {
                cancel(rx.recvAsync().toCompletableFuture(), hold);
            }

            @Override
            public void leaveOnePending(List<Object> hold) {
                hold.add(rx.recvAsync());
            }

            @Override
            public String inspect() {
                return Internals.mpscReceiver(rx);
            }

            @Override
            public String describe() {
                return inspect() == null ? "receiver slot empty" : "receiver slot holds a waiter";
            }
        };
    }

    private static Fixture mpscSendAsync() {
        final Mpsc.Channel<Msg> ch = Mpsc.bounded(1);
        if (!ch.sender().trySend(new Msg(0, 0)).isSent()) {
            throw new IllegalStateException("could not fill the channel");
        }
        final Msg m = new Msg(0, 1);
        return new Fixture() {
            @Override
            public void op(List<Object> hold) {
                cancel(ch.sender().sendAsync(m).toCompletableFuture(), hold);
            }

            @Override
            public void leaveOnePending(List<Object> hold) {
                hold.add(ch.sender().sendAsync(m));
            }

            @Override
            public String inspect() {
                return Internals.senderQueue(ch.sender());
            }

            @Override
            public String describe() {
                return inspect() == null ? "sender queue empty" : "sender queue not empty";
            }
        };
    }

    private static Fixture oneshotRecvAsync() {
        final Oneshot.Channel<Msg> ch = Oneshot.channel();
        return new Fixture() {
            @Override
            public void op(List<Object> hold) {
                cancel(ch.receiver().recvAsync(), hold);
            }

            @Override
            public void leaveOnePending(List<Object> hold) {
                hold.add(ch.receiver().recvAsync());
            }

            @Override
            public String inspect() {
                return Internals.oneshot(ch.receiver());
            }

            @Override
            public String describe() {
                return inspect() == null ? "state holds no waiter" : "state holds a waiter";
            }
        };
    }

    private static String lists(int[] counts) {
        return "list " + counts[0] + " nodes, " + counts[1] + " live";
    }

    private static Fixture broadcastRecvAsync() {
        final Broadcast.Channel<Msg> ch = Broadcast.channel(4);
        return new Fixture() {
            @Override
            public void op(List<Object> hold) {
                cancel(ch.receiver().recvAsync(), hold);
            }

            @Override
            public void leaveOnePending(List<Object> hold) {
                hold.add(ch.receiver().recvAsync());
            }

            @Override
            public String inspect() {
                return Internals.waitListProblem("the broadcast", Internals.waitList(ch.receiver()));
            }

            @Override
            public String describe() {
                return lists(Internals.waitList(ch.receiver()));
            }
        };
    }

    private static Fixture watchAsync(boolean waitFor) {
        final Watch.Channel<Msg> ch = Watch.channel(new Msg(0, 0));
        return new Fixture() {
            @Override
            public void op(List<Object> hold) {
                cancel(waitFor ? ch.receiver().waitForAsync(v -> false) : ch.receiver().changedAsync(), hold);
            }

            @Override
            public void leaveOnePending(List<Object> hold) {
                hold.add(ch.receiver().changedAsync());
            }

            @Override
            public String inspect() {
                return Internals.waitListProblem("the watch", Internals.waitList(ch.receiver()));
            }

            @Override
            public String describe() {
                return lists(Internals.waitList(ch.receiver()));
            }
        };
    }

    /** Channels of every kind, idle, and a full bounded channel for a send clause. */
    private static final class AllKinds {
        final Mpsc.Channel<Msg> bounded = Mpsc.bounded(2);
        final Mpsc.UnboundedChannel<Msg> unbounded = Mpsc.unbounded();
        final Oneshot.Channel<Msg> oneshot = Oneshot.channel();
        final Broadcast.Channel<Msg> broadcast = Broadcast.channel(4);
        final Watch.Channel<Msg> watch = Watch.channel(new Msg(0, 0));
        final Mpsc.Channel<Msg> full = Mpsc.bounded(1);
        final Msg offered = new Msg(1, 0);
        /** Timer tasks queued before (the timer is shared by every select of the JVM). */
        final int timersBefore = Internals.selectTimerTasks();

        AllKinds() {
            if (!full.sender().trySend(new Msg(0, 0)).isSent()) {
                throw new IllegalStateException("could not fill the channel");
            }
        }

        Select<Object> select(Duration timeoutClause) {
            final Select.Builder<Object> b = Select.builder()
                    .recv(bounded.receiver(), m -> m)
                    .recv(unbounded.receiver(), m -> m)
                    .recv(oneshot.receiver(), m -> m)
                    .recv(broadcast.receiver(), m -> m, missed -> missed)
                    .changed(watch.receiver(), m -> m)
                    .send(full.sender(), () -> offered, m -> m);
            if (timeoutClause != null) {
                b.timeout(timeoutClause, () -> "timeout");
            }
            return b.build();
        }

        String inspect() {
            final List<String> problems = new ArrayList<>();
            add(problems, Internals.mpscReceiver(bounded.receiver()));
            add(problems, Internals.mpscReceiver(unbounded.receiver()));
            add(problems, Internals.oneshot(oneshot.receiver()));
            add(problems, Internals.waitListProblem("the broadcast", Internals.waitList(broadcast.receiver())));
            add(problems, Internals.waitListProblem("the watch", Internals.waitList(watch.receiver())));
            add(problems, Internals.senderQueue(full.sender()));
            final int timers = Internals.selectTimerTasks() - timersBefore;
            if (timers > 0) {
                problems.add("the select timer holds " + timers + " more task(s)");
            }
            return problems.isEmpty() ? null : String.join("; ", problems);
        }

        String describe() {
            final int[] b = Internals.waitList(broadcast.receiver());
            final int[] w = Internals.waitList(watch.receiver());
            return "lists " + b[0] + "+" + w[0] + " nodes, " + (b[1] + w[1]) + " live; timer +" + (Internals.selectTimerTasks() - timersBefore)
                    + (inspect() == null ? "; slots empty" : "");
        }

        private static void add(List<String> problems, String p) {
            if (p != null) {
                problems.add(p);
            }
        }
    }

    private static Fixture selectAsync() {
        final AllKinds k = new AllKinds();
        final Select<Object> s = k.select(Duration.ofHours(1));
        return new Fixture() {
            @Override
            public void op(List<Object> hold) {
                cancel(s.selectAsync().toCompletableFuture(), hold);
            }

            @Override
            public void leaveOnePending(List<Object> hold) {
                hold.add(s.selectAsync());
            }

            @Override
            public String inspect() {
                return k.inspect();
            }

            @Override
            public String describe() {
                return k.describe();
            }
        };
    }

    /** Interrupts itself (the receive then registers and withdraws), or uses a timeout long enough to park. */
    private static void interruptOrNot(boolean timed) {
        if (!timed) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Duration PARKING_TIMEOUT = Duration.ofNanos(50_000); // longer than the spin before parking
    private static final Duration TINY_TIMEOUT = Duration.ofNanos(5_000); // these kinds register before their first deadline check

    private static Fixture mpscRecvBlocking(boolean timed) {
        final Mpsc.Receiver<Msg> rx = Mpsc.<Msg>bounded(1).receiver();
        return new Fixture() {
            @Override
            public void op(List<Object> hold) throws Exception {
                interruptOrNot(timed);
                try {
                    if (timed) {
                        rx.recv(PARKING_TIMEOUT);
                    } else {
                        rx.recv();
                    }
                    throw new IllegalStateException("a receive on an idle channel returned");
                } catch (InterruptedException | TimeoutException expected) {
                    // gave up
                }
            }

            @Override
            public String inspect() {
                return Internals.mpscReceiver(rx);
            }

            @Override
            public String describe() {
                return inspect() == null ? "receiver slot empty" : "receiver slot holds a waiter";
            }
        };
    }

    private static Fixture oneshotRecvBlocking(boolean timed) {
        final Oneshot.Channel<Msg> ch = Oneshot.channel();
        return new Fixture() {
            @Override
            public void op(List<Object> hold) throws Exception {
                interruptOrNot(timed);
                try {
                    if (timed) {
                        ch.receiver().recv(TINY_TIMEOUT);
                    } else {
                        ch.receiver().recv();
                    }
                    throw new IllegalStateException("a receive on an idle channel returned");
                } catch (InterruptedException | TimeoutException expected) {
                    // gave up
                }
            }

            @Override
            public String inspect() {
                return Internals.oneshot(ch.receiver());
            }

            @Override
            public String describe() {
                return inspect() == null ? "state holds no waiter" : "state holds a waiter";
            }
        };
    }

    private static Fixture broadcastRecvBlocking(boolean timed) {
        final Broadcast.Channel<Msg> ch = Broadcast.channel(4);
        return new Fixture() {
            @Override
            public void op(List<Object> hold) throws Exception {
                interruptOrNot(timed);
                try {
                    if (timed) {
                        ch.receiver().recv(TINY_TIMEOUT);
                    } else {
                        ch.receiver().recv();
                    }
                    throw new IllegalStateException("a receive on an idle channel returned");
                } catch (InterruptedException | TimeoutException expected) {
                    // gave up
                }
            }

            @Override
            public String inspect() {
                return Internals.waitListProblem("the broadcast", Internals.waitList(ch.receiver()));
            }

            @Override
            public String describe() {
                return lists(Internals.waitList(ch.receiver()));
            }
        };
    }

    private static Fixture watchChangedBlocking(boolean timed) {
        final Watch.Channel<Msg> ch = Watch.channel(new Msg(0, 0));
        return new Fixture() {
            @Override
            public void op(List<Object> hold) throws Exception {
                interruptOrNot(timed);
                try {
                    if (timed) {
                        ch.receiver().changed(TINY_TIMEOUT);
                    } else {
                        ch.receiver().changed();
                    }
                    throw new IllegalStateException("changed() on an idle channel returned");
                } catch (InterruptedException | TimeoutException expected) {
                    // gave up
                }
            }

            @Override
            public String inspect() {
                return Internals.waitListProblem("the watch", Internals.waitList(ch.receiver()));
            }

            @Override
            public String describe() {
                return lists(Internals.waitList(ch.receiver()));
            }
        };
    }

    private static Fixture selectBlocking(boolean timed) {
        final AllKinds k = new AllKinds();
        final Select<Object> s = k.select(null);
        return new Fixture() {
            @Override
            public void op(List<Object> hold) throws Exception {
                interruptOrNot(timed);
                try {
                    if (timed) {
                        s.select(PARKING_TIMEOUT);
                    } else {
                        s.select();
                    }
                    throw new IllegalStateException("a select over idle channels returned");
                } catch (InterruptedException | TimeoutException expected) {
                    // gave up
                }
            }

            @Override
            public String inspect() {
                return k.inspect();
            }

            @Override
            public String describe() {
                return k.describe();
            }
        };
    }

    private static Fixture mpscSendTimed() {
        final Mpsc.Channel<Msg> ch = Mpsc.bounded(1);
        if (!ch.sender().trySend(new Msg(0, 0)).isSent()) {
            throw new IllegalStateException("could not fill the channel");
        }
        final Msg m = new Msg(0, 1);
        return new Fixture() {
            @Override
            public void op(List<Object> hold) throws Exception {
                if (ch.sender().send(m, PARKING_TIMEOUT)) {
                    throw new IllegalStateException("a send into a full channel succeeded");
                }
            }

            @Override
            public String inspect() {
                return Internals.senderQueue(ch.sender());
            }

            @Override
            public String describe() {
                return inspect() == null ? "sender queue empty" : "sender queue not empty";
            }
        };
    }

    /**
     * A blocking send checks the interrupt status before it queues, so a self-interrupt never
     * reaches its waiter: a helper thread interrupts the sender once it is parked.
     */
    private static Fixture mpscSendInterrupted() {
        final Mpsc.Channel<Msg> ch = Mpsc.bounded(1);
        if (!ch.sender().trySend(new Msg(0, 0)).isSent()) {
            throw new IllegalStateException("could not fill the channel");
        }
        final Msg m = new Msg(0, 1);
        final Thread me = Thread.currentThread();
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread helper = new Thread(() -> {
            while (!stop.get()) {
                // disarm first: the sender re-arms for its next send only after this interrupt
                if (me.getState() == Thread.State.WAITING && armed.compareAndSet(true, false)) {
                    me.interrupt();
                } else {
                    Thread.onSpinWait();
                }
            }
        }, "soak-leak-interrupter");
        helper.setDaemon(true);
        helper.start();
        return new Fixture() {
            @Override
            public void op(List<Object> hold) throws Exception {
                armed.set(true);
                try {
                    ch.sender().send(m);
                    throw new IllegalStateException("a send into a full channel succeeded");
                } catch (InterruptedException expected) {
                    // withdrawn
                }
            }

            @Override
            public String inspect() {
                return Internals.senderQueue(ch.sender());
            }

            @Override
            public String describe() {
                return inspect() == null ? "sender queue empty" : "sender queue not empty";
            }

            @Override
            public void close() {
                stop.set(true);
            }
        };
    }
}
