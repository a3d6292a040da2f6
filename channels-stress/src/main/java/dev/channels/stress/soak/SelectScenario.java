package dev.channels.stress.soak;

import dev.channels.Broadcast;
import dev.channels.ChannelClosedException;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Select;
import dev.channels.Watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One consumer selecting over a bounded mpsc channel (two producers), an unbounded one (one
 * producer), a oneshot (a new pair whenever the last one is done), a broadcast receiver, a watch
 * receiver, and a send clause into a bounded channel that another producer also sends into and
 * another thread consumes. The calls are blocking, timed, with a default, asynchronous (joined or
 * cancelled, with and without an executor), with and without a timeout clause, biased or not; the
 * producers and the selecting thread are interrupted; receivers are half-closed mid-stream.
 *
 * <h2>Checks</h2>
 * Every channel keeps its own accounting ({@link FlowLedger} for the mpsc channels and the send
 * clause's target, the pair check for the oneshots, exact lag accounting for the broadcast
 * receiver, the version checks for the watch receiver), so a clause that took effect without
 * winning, or won without taking effect, shows up as a loss or a duplicate. In addition: the send
 * clause offers the same value object until it wins (a send clause that lost must not have sent),
 * so a lost send that did send shows up as a duplicate at the consumer; handlers run exactly once
 * per completed call and never for a call that was interrupted, timed out or whose cancel returned
 * true; when the select reports every clause closed, the broadcast receiver has read (or been told
 * it missed) every value, and the watch clause has delivered the last value.
 *
 * <h2>Contract interpretation</h2>
 * A blocking or timed call that throws took no effect; an asynchronous call whose cancel returned
 * true took no effect; one whose cancel returned false completes with its handler's result (the
 * exception in the javadoc, a cancel from inside the select's own pass, does not arise: the cancel
 * comes from the selecting thread while no pass of this select runs there).
 */
final class SelectScenario implements Scenario {
    private static final Object TIMEOUT = "timeout";
    private static final Object NONE = "none";
    private static final Object ALL_CLOSED = "all closed";

    @Override
    public String name() {
        return "select";
    }

    /** The broadcast side: one sender, the select's receiver. */
    private static final class BLog {
        long accepted;
        long returned;
        long received;
        long missed;
        int lastSeq = -1;
        boolean ended;
    }

    /** The oneshot feeder's pairs. */
    private static final class Pairs {
        final ConcurrentLinkedQueue<OneshotScenario.Pair> queue = new ConcurrentLinkedQueue<>();
        final List<OneshotScenario.Pair> all = new ArrayList<>();
        final AtomicInteger published = new AtomicInteger();
        final AtomicInteger taken = new AtomicInteger();
        volatile boolean done;
    }

    private static final class Final {
        volatile WatchScenario.WVal value;
    }

    /** Thrown now and then by a handler, after its clause took effect (the value is recorded first). */
    private static final class HandlerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandlerFailure() {
            super("a select handler failed on purpose", null, false, false);
        }
    }

    @Override
    public Check start(Round r) {
        final SplittableRandom rnd = r.random();
        final int capA = 1 + rnd.nextInt(3);
        final int capOut = 1 + rnd.nextInt(2);
        final int capB = 2 << rnd.nextInt(3);
        r.describe("capA", capA);
        r.describe("capOut", capOut);
        r.describe("capB", capB);

        final Mpsc.Channel<Msg> a = Mpsc.bounded(capA);
        final FlowLedger la = new FlowLedger("select/mpsc-bounded", r, 2);
        final Mpsc.UnboundedChannel<Msg> u = Mpsc.unbounded();
        final FlowLedger lu = new FlowLedger("select/mpsc-unbounded", r, 1);
        final Mpsc.Channel<Msg> out = Mpsc.bounded(capOut);
        final FlowLedger lo = new FlowLedger("select/send-clause-target", r, 2); // 0: the select, 1: a producer
        final Broadcast.Channel<Msg> b = Broadcast.channel(capB);
        final BLog blog = new BLog();
        final WatchScenario.WVal initial = new WatchScenario.WVal(-1, 0, null);
        final Watch.Channel<WatchScenario.WVal> w = Watch.channel(initial);
        final WatchScenario.WriterLog[] wlogs = {new WatchScenario.WriterLog()};
        final WatchScenario.RxLog wlog = new WatchScenario.RxLog(WatchScenario.FULL, 1);
        final Pairs pairs = new Pairs();
        final Final fin = new Final();

        for (int i = 0; i < 2; i++) {
            final Mpsc.Sender<Msg> tx = a.sender().duplicate();
            final FlowLedger.Book book = la.book(i);
            r.start("producerA" + i, true, prnd -> MpscWorkers.boundedProducer(r, tx, book, prnd));
        }
        a.sender().close();
        final Mpsc.UnboundedSender<Msg> utx = u.sender().duplicate();
        u.sender().close();
        r.start("producerU", true, prnd -> MpscWorkers.unboundedProducer(r, utx, u.receiver(), lu.book(0), prnd));
        final Mpsc.Sender<Msg> otx = out.sender().duplicate();
        r.start("producerOut", true, prnd -> MpscWorkers.boundedProducer(r, otx, lo.book(1), prnd));
        final long outCloseAfter = rnd.nextInt(4) == 0 ? rnd.nextInt(1, 5_000) : -1;
        r.describe("outClose", outCloseAfter);
        r.start("outConsumer", true, crnd -> MpscWorkers.consumer(r, out.receiver(), lo, crnd, outCloseAfter));

        final Broadcast.Sender<Msg> btx = b.sender();
        r.start("bsender", false, srnd -> {
            try {
                for (int seq = 0; r.producing() && seq < 60_000; seq++) {
                    Util.pace(srnd, 4);
                    final Msg m = new Msg(0, seq);
                    try {
                        btx.send(m);
                        blog.accepted++;
                    } catch (ChannelClosedException e) {
                        blog.returned++; // the select's receiver is open until the end: not expected
                        r.violation("select/broadcast: send failed with the select's receiver open");
                    }
                }
            } finally {
                btx.close();
            }
        });

        final Watch.Sender<WatchScenario.WVal> wtx = w.sender().duplicate();
        final Thread writer = r.start("wwriter", false, wrnd -> WatchScenario.writer(r, wtx, 0, wlogs[0], wrnd, 4));
        final Watch.Sender<WatchScenario.WVal> wlast = w.sender();
        r.start("wcloser", false, crnd -> {
            writer.join();
            fin.value = wlast.borrow();
            wlast.close();
        });

        r.start("oneshots", false, frnd -> feed(r, pairs, frnd));

        final Selector s = new Selector(r, a.receiver(), u.receiver(), out.sender(), b.receiver(), w.receiver(),
                la, lu, lo, blog, wlog, initial, pairs);
        final int closeA = rnd.nextInt(6); // 0: the selector half-closes A between calls, 1: another thread does, mid-call
        s.closeA = closeA == 0;
        if (closeA == 1) {
            r.at(rnd.nextDouble(0.05, 0.95), "close A", () -> {
                a.receiver().close();
                r.stats.closes.increment();
            });
        }
        r.describe("closeA", closeA == 0 ? "selector" : closeA == 1 ? "other" : "no");
        r.start("selector", true, srnd -> s.run(srnd));

        return () -> {
            la.check();
            lu.check();
            lo.check();
            OneshotScenario.checkPairs(r, pairs.all);
            if (!blog.ended) {
                r.violation("select/broadcast: the select never saw the end of the broadcast stream");
            } else if (blog.received + blog.missed != blog.accepted) {
                r.violation("select/broadcast: received " + blog.received + " + lagged " + blog.missed + " != "
                        + blog.accepted + " accepted");
            }
            r.stats.sent.add(blog.accepted);
            r.stats.received.add(blog.received);
            r.stats.lagged.add(blog.missed);
            WatchScenario.check(r, initial, wlogs, List.of(wlog), fin.value);
        };
    }

    /** Publishes oneshot pairs for the select and sends into them or closes them. */
    private static void feed(Round r, Pairs pairs, SplittableRandom rnd) {
        try {
            for (int seq = 0; r.producing(); seq++) {
                while (pairs.published.get() - pairs.taken.get() > 4 && r.producing()) {
                    Util.park(10_000L);
                }
                final OneshotScenario.Pair p = new OneshotScenario.Pair(new Msg(0, seq));
                pairs.all.add(p);
                pairs.queue.add(p);
                pairs.published.incrementAndGet();
                if (rnd.nextBoolean()) {
                    Util.park(1_000L + rnd.nextInt(200_000));
                }
                final Oneshot.Sender<Msg> tx = p.ch.sender();
                if (rnd.nextInt(4) != 0) {
                    try {
                        tx.send(p.value);
                        p.senderOutcome = OneshotScenario.SENT;
                    } catch (ChannelClosedException e) {
                        p.senderOutcome = OneshotScenario.RETURNED;
                        if (e.value() != p.value) {
                            r.violation("oneshot send of " + p.value + " handed back " + e.value());
                        }
                    }
                } else {
                    tx.close();
                    p.senderOutcome = OneshotScenario.DROPPED;
                    r.stats.closes.increment();
                }
            }
        } finally {
            pairs.done = true;
        }
    }

    /** The selecting thread's state; handlers run on it, or hand over through the future it joins. */
    private static final class Selector {
        private final Round r;
        private final Mpsc.Receiver<Msg> a;
        private final Mpsc.Receiver<Msg> u;
        private final Mpsc.Sender<Msg> out;
        private final Broadcast.Receiver<Msg> br;
        private final Watch.Receiver<WatchScenario.WVal> wr;
        private final FlowLedger la;
        private final FlowLedger lu;
        private final FlowLedger lo;
        private final BLog blog;
        private final WatchScenario.RxLog wlog;
        private final Pairs pairs;
        /** Handlers that ran; atomic because an asynchronous call runs its handler on another thread. */
        private final AtomicLong handled = new AtomicLong();
        private long expected;
        private OneshotScenario.Pair cur;
        private Msg outNext;
        private boolean outDone;
        private WatchScenario.WVal lastWatch;
        private SplittableRandom rnd;
        private Select<Object> sel;
        private Select<Object> selNow;
        /** Whether this thread half-closes A at some call. */
        boolean closeA;

        Selector(Round r, Mpsc.Receiver<Msg> a, Mpsc.Receiver<Msg> u, Mpsc.Sender<Msg> out, Broadcast.Receiver<Msg> br,
                Watch.Receiver<WatchScenario.WVal> wr, FlowLedger la, FlowLedger lu, FlowLedger lo, BLog blog,
                WatchScenario.RxLog wlog, WatchScenario.WVal initial, Pairs pairs) {
            this.r = r;
            this.a = a;
            this.u = u;
            this.out = out;
            this.br = br;
            this.wr = wr;
            this.la = la;
            this.lu = lu;
            this.lo = lo;
            this.blog = blog;
            this.wlog = wlog;
            this.pairs = pairs;
            this.lastWatch = initial;
        }

        private Object hit(Object result) {
            handled.incrementAndGet();
            return result;
        }

        /** The send clause's value: the same object until it is sent; null once the round is over. */
        private Msg offer() {
            if (outDone || !r.producing() || out.isClosed()) {
                outDone = true;
                return null;
            }
            if (outNext == null) {
                outNext = lo.book(0).next();
            }
            return outNext;
        }

        private Object sent(Msg m) {
            if (m != outNext) {
                r.violation("select: the send clause sent " + m + ", not the value offered " + outNext);
            }
            lo.book(0).accepted(m);
            outNext = null;
            return hit(m);
        }

        private Object broadcast(Msg m) {
            if (m.seq <= blog.lastSeq) {
                r.violation("select/broadcast order: " + m + " after 0:" + blog.lastSeq);
            }
            blog.lastSeq = m.seq;
            blog.received++;
            return hit(m);
        }

        private Object lagged(long missed) {
            if (missed < 1) {
                r.violation("select/broadcast: lag of " + missed);
            }
            blog.missed += missed;
            return hit("lagged");
        }

        private Object watch(WatchScenario.WVal v) {
            lastWatch = v;
            WatchScenario.observe(r, wlog, v);
            return hit(v);
        }

        private void build() {
            final Select.Builder<Object> b = Select.builder()
                    .recv(a, m -> {
                        la.received(m);
                        // (not the selector's random: an asynchronous call runs this on another thread)
                        if (ThreadLocalRandom.current().nextInt(64) == 0) {
                            handled.incrementAndGet();
                            throw new HandlerFailure(); // after its clause took effect: the call fails
                        }
                        return hit(m);
                    })
                    .recv(u, m -> {
                        lu.received(m);
                        return hit(m);
                    })
                    .recv(br, this::broadcast, this::lagged)
                    .changed(wr, this::watch)
                    .send(out, this::offer, this::sent);
            if (rnd.nextBoolean()) {
                b.onClosed(() -> {
                    outDone = true;
                    return hit("out closed");
                });
            }
            final OneshotScenario.Pair p = cur;
            if (p != null) {
                b.recv(p.ch.receiver(), v -> {
                    p.received = v;
                    p.done = true;
                    return hit(v);
                }).when(() -> !p.done).onClosed(() -> {
                    p.receivedClosed = true;
                    p.done = true;
                    return hit("oneshot closed");
                });
            }
            if (rnd.nextInt(3) == 0) {
                b.timeout(Duration.ofNanos(rnd.nextInt(200_000)), () -> hit(TIMEOUT));
            }
            if (rnd.nextInt(4) == 0) {
                b.biased();
            }
            b.ifAllClosed(() -> hit(ALL_CLOSED));
            sel = b.build();
            selNow = b.ifNoneReady(() -> hit(NONE)).build();
        }

        void run(SplittableRandom random) {
            this.rnd = random;
            final Stats st = r.stats;
            final long closeAAt = closeA ? rnd.nextInt(1, 20_000) : -1;
            long calls = 0;
            build();
            for (;; calls++) {
                if ((cur == null || cur.done) && (cur != null || !pairs.queue.isEmpty())) {
                    final OneshotScenario.Pair next = pairs.queue.poll();
                    cur = next;
                    if (next != null) {
                        pairs.taken.incrementAndGet();
                        if (rnd.nextInt(10) == 0) {
                            next.receiverClosed = true;
                            next.ch.receiver().close(); // half-close before selecting on it
                            st.closes.increment();
                        }
                    }
                    build();
                } else if (rnd.nextInt(64) == 0) {
                    build(); // a fresh select now and then: new timeout, bias, closed handler
                }
                if (calls == closeAAt) {
                    a.close(); // half-close mid-stream: the select drains what is buffered
                    st.closes.increment();
                }
                final int mode = rnd.nextInt(100);
                Object res;
                try {
                    if (mode < 25) {
                        res = sel.select();
                    } else if (mode < 40) {
                        try {
                            res = sel.select(Util.shortTimeout(rnd));
                        } catch (TimeoutException e) {
                            st.timeouts.increment();
                            continue;
                        }
                    } else if (mode < 50) {
                        res = selNow.select();
                    } else {
                        final CompletableFuture<Object> f =
                                (mode < 60 ? sel.selectAsync(r.executor) : sel.selectAsync()).toCompletableFuture();
                        if (mode >= 68 && !f.isDone()) {
                            Util.spin(rnd);
                            st.cancels.increment();
                            if (Util.withdraw(f, rnd)) {
                                st.cancelsWon.increment();
                                if (!f.isDone()) {
                                    r.violation("selectAsync: a withdrawal returned true but the stage is not done");
                                }
                                continue;
                            }
                        }
                        final Util.Outcome<Object> o = Util.join(f);
                        if (o.failure instanceof HandlerFailure) {
                            res = o.failure;
                        } else if (!o.ok()) {
                            r.violation("selectAsync ended " + (o.cancelled ? "cancelled though no withdrawal of it returned true"
                                    : Round.stackTrace(o.failure)));
                            return;
                        } else {
                            res = o.value;
                        }
                    }
                } catch (InterruptedException e) {
                    st.interruptsSeen.increment();
                    continue;
                } catch (HandlerFailure e) {
                    res = e; // the handler's exception comes out of the call
                }
                expected++;
                if (res == TIMEOUT) {
                    st.timeouts.increment();
                } else if (res == NONE) {
                    Thread.yield();
                } else if (res == ALL_CLOSED) {
                    if (pairs.done && pairs.queue.isEmpty() && (cur == null || cur.done)) {
                        break;
                    }
                    Util.park(20_000L); // a oneshot is still to come
                }
            }
            finish();
        }

        private void finish() {
            if (outNext != null) {
                lo.book(0).returned(outNext); // offered, never sent: still ours
                outNext = null;
            }
            if (handled.get() != expected) {
                r.violation("select: " + handled.get() + " handlers ran for " + expected + " completed calls");
            }
            blog.ended = true;
            // every clause disabled: the watch receiver saw the last value through its clause
            wlog.endMarked = lastWatch;
            wlog.reachedEnd = true;
            WatchScenario.observe(r, wlog, wr.borrowAndUpdate());
            try {
                final Msg m = br.tryRecv();
                r.violation("select/broadcast: a value " + m + " left after every clause was disabled");
            } catch (ChannelClosedException expectedEnd) {
                // end of stream, as the select said
            } catch (Broadcast.LaggedException e) {
                r.violation("select/broadcast: a lag left after every clause was disabled");
            }
            out.close();
            br.close();
            wr.close();
        }
    }
}
