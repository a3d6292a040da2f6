package dev.channels.stress.soak;

import dev.channels.ChannelClosedException;
import dev.channels.Watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Several writers and several receivers on a watch channel. Writers use {@code send},
 * {@code sendReplace}, {@code sendModify} and {@code sendIfModified}; receivers use
 * {@code changed} (blocking, timed, async and cancelled), {@code borrowAndUpdate}, {@code borrow},
 * {@code waitFor} (blocking, timed, async and cancelled), {@code hasChanged} and
 * {@code markChanged}, with interrupts; some receivers close early, one may subscribe late, and in
 * some rounds every receiver closes so that {@code send} fails and hands its value back.
 *
 * <h2>Checks</h2>
 * <ul>
 *   <li>Every value observed was stored (never a value handed back by a failed send, never a value
 *       that a {@code sendModify} function made on a retry and did not store).</li>
 *   <li>Each receiver sees a non-decreasing sequence: its observations, each writer's program
 *       order and the known immediate predecessors (the value {@code sendReplace} returned, the
 *       value a modify function was given) fit one version order ({@link OrderGraph}), and per
 *       writer the observed sequence numbers never go back.</li>
 *   <li>Each receiver that stays to the end ends seeing the last value, and {@code changed()} does
 *       not report the end while the value it last marked seen is not the last one.</li>
 *   <li>{@code hasChanged()} true, or {@code markChanged()}, means {@code changed()} returns true at
 *       once; a {@code changedAsync} whose cancel returned true marked nothing; a value accepted by
 *       {@code waitFor} satisfies the predicate; a {@code waitFor} that ends closed had the last
 *       value rejected.</li>
 * </ul>
 * Interpretation of the contracts: an interrupted or timed-out {@code changed} marked nothing; an
 * interrupted or timed-out {@code waitFor}, and a cancelled {@code waitForAsync}, leave the values
 * they tested marked seen (as Tokio's {@code wait_for}; for the async form the javadoc says
 * "nothing was marked seen", which holds only for values written after the cancel: the value
 * current at the call was tested, hence marked, by the call itself), so the soak forgets what the
 * receiver has seen after them.
 */
final class WatchScenario implements Scenario {
    private static final int MAX_WRITES = 20_000;
    static final int FULL = 0;
    private static final int CLOSER = 1;
    private static final int LATE = 2;

    /** A watch value: its writer and sequence number, and the value it replaced when known. */
    static final class WVal {
        final int writer;
        final int seq;
        /** The value this one replaced, when the write told it (sendReplace, sendModify); else null. */
        WVal pred;
        /** The node in the order graph; -1 until the check numbers the stored values. */
        int node = -1;

        WVal(int writer, int seq, WVal pred) {
            this.writer = writer;
            this.seq = seq;
            this.pred = pred;
        }

        @Override
        public String toString() {
            return writer < 0 ? "initial" : writer + ":" + seq;
        }
    }

    static final class WriterLog {
        final List<WVal> stored = new ArrayList<>();
        final List<WVal> returned = new ArrayList<>();
    }

    static final class RxLog {
        final int kind;
        final List<WVal> seen = new ArrayList<>();
        final int[] lastSeq;
        WVal lastObserved;
        boolean reachedEnd;
        /** The value marked seen when changed() reported the end, if the soak knew it. */
        WVal endMarked;
        /** The predicate of a waitFor that ended closed. */
        Predicate<WVal> endRejected;

        RxLog(int kind, int writers) {
            this.kind = kind;
            this.lastSeq = new int[writers];
            java.util.Arrays.fill(lastSeq, -1);
        }
    }

    /** The value current when the last sender closed; set by the closer. */
    private static final class Final {
        volatile WVal value;
    }

    @Override
    public String name() {
        return "watch";
    }

    @Override
    public Check start(Round r) {
        final SplittableRandom rnd = r.random();
        final int writers = 1 + rnd.nextInt(3);
        final int receivers = 1 + rnd.nextInt(4);
        final boolean allClose = rnd.nextInt(6) == 0;
        final boolean late = rnd.nextInt(3) == 0;
        final int paceOneIn = new int[] {2, 4, 16}[rnd.nextInt(3)];
        r.describe("writers", writers);
        r.describe("receivers", receivers);
        r.describe("allClose", allClose);
        r.describe("late", late);
        r.describe("pace", paceOneIn);

        final WVal initial = new WVal(-1, 0, null);
        final Watch.Channel<WVal> ch = Watch.channel(initial);
        final List<Watch.Receiver<WVal>> rxs = new ArrayList<>();
        rxs.add(ch.receiver());
        for (int i = 1; i < receivers; i++) {
            rxs.add(rnd.nextBoolean() ? rxs.get(0).duplicate() : ch.sender().subscribe()); // before any write
        }
        final WriterLog[] wlogs = new WriterLog[writers];
        final List<Thread> writerThreads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            wlogs[i] = new WriterLog();
            final Watch.Sender<WVal> tx = ch.sender().duplicate();
            final WriterLog log = wlogs[i];
            final int id = i;
            writerThreads.add(r.start("writer" + i, false, wrnd -> writer(r, tx, id, log, wrnd, paceOneIn)));
        }
        final List<RxLog> logs = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            final int kind = allClose || (i > 0 && rnd.nextInt(3) == 0) ? CLOSER : FULL;
            final RxLog log = new RxLog(kind, writers);
            logs.add(log);
            final Watch.Receiver<WVal> rx = rxs.get(i);
            final long closeAfter = kind == CLOSER ? rnd.nextInt(1, 2_000) : -1;
            r.start("receiver" + i, true, rrnd -> receiver(r, rx, log, initial, rrnd, closeAfter, writers));
        }
        if (late) {
            final RxLog log = new RxLog(LATE, writers);
            logs.add(log);
            final Watch.Sender<WVal> tx = ch.sender().duplicate();
            final double at = rnd.nextDouble(0.1, 0.9);
            r.start("late", true, lrnd -> {
                Util.awaitUninterruptibly(() -> System.nanoTime() - (r.startNanos + (long) (at * r.windowNanos)) >= 0L);
                final Watch.Receiver<WVal> rx = tx.subscribe();
                tx.close();
                receiver(r, rx, log, null, lrnd, -1, writers);
            });
        }
        final Final fin = new Final();
        final Watch.Sender<WVal> last = ch.sender();
        r.start("closer", false, crnd -> {
            for (Thread t : writerThreads) {
                t.join();
            }
            fin.value = last.borrow(); // no writer is left: this is the last value
            last.close();
        });
        return () -> check(r, initial, wlogs, logs, fin.value);
    }

    static void writer(Round r, Watch.Sender<WVal> tx, int id, WriterLog log, SplittableRandom rnd, int paceOneIn) {
        final long closeAfter = MpscWorkers.earlyClose(rnd);
        try {
            int seq = 0;
            while (r.producing() && log.stored.size() < MAX_WRITES) {
                if (seq == closeAfter) {
                    r.stats.closes.increment(); // closes early
                    return;
                }
                Util.pace(rnd, paceOneIn);
                final int op = rnd.nextInt(100);
                if (op < 30) {
                    final WVal v = new WVal(id, seq++, null);
                    try {
                        tx.send(v);
                        log.stored.add(v);
                    } catch (ChannelClosedException e) {
                        log.returned.add(v);
                        if (e.value() != v) {
                            r.violation("watch send of " + v + " failed closed handing back " + e.value());
                        }
                    }
                } else if (op < 55) {
                    final WVal v = new WVal(id, seq++, null);
                    final WVal prev = tx.sendReplace(v);
                    if (prev == null) {
                        r.violation("watch sendReplace returned null");
                    }
                    v.pred = prev;
                    log.stored.add(v);
                } else if (op < 80) {
                    final int s = seq++;
                    final WVal[] made = new WVal[1];
                    final WVal stored = tx.sendModify(cur -> made[0] = new WVal(id, s, cur));
                    if (stored != made[0]) {
                        r.violation("watch sendModify returned " + stored + ", not the value its last call made");
                    }
                    log.stored.add(stored);
                } else {
                    final int s = seq;
                    final boolean force = rnd.nextBoolean();
                    final WVal[] made = new WVal[1];
                    final boolean changed = tx.sendIfModified(cur -> {
                        if (force || cur.writer != id) {
                            return made[0] = new WVal(id, s, cur);
                        }
                        made[0] = null;
                        return cur; // the same reference: not modified
                    });
                    if (changed != (made[0] != null)) {
                        r.violation("watch sendIfModified reported " + changed + " against its last call");
                    }
                    if (changed) {
                        log.stored.add(made[0]);
                        seq++;
                    }
                }
            }
        } finally {
            tx.close();
        }
    }

    private static Predicate<WVal> predicate(SplittableRandom rnd, int writers, WVal lastObserved) {
        switch (rnd.nextInt(4)) {
            case 0: {
                final int w = rnd.nextInt(writers);
                return v -> v.writer == w;
            }
            case 1: {
                final int k = 2 + rnd.nextInt(5);
                return v -> v.seq % k == 0;
            }
            case 2:
                return v -> v != lastObserved;
            default:
                return v -> true;
        }
    }

    static void observe(Round r, RxLog log, WVal v) {
        if (v == log.lastObserved) {
            return;
        }
        if (v.writer >= 0) {
            if (v.seq <= log.lastSeq[v.writer]) {
                r.violation("watch receiver went back: saw " + v + " after " + v.writer + ":" + log.lastSeq[v.writer]);
            }
            log.lastSeq[v.writer] = v.seq;
        } else if (log.lastObserved != null) {
            r.violation("watch receiver saw the initial value again after " + log.lastObserved);
        }
        log.seen.add(v);
        log.lastObserved = v;
    }

    /**
     * A receiver; {@code marked} is the value its seen version belongs to when known (the initial
     * value for receivers made before the first write), null when unknown.
     */
    private static void receiver(Round r, Watch.Receiver<WVal> rx, RxLog log, WVal initiallyMarked, SplittableRandom rnd,
            long closeAfter, int writers) throws InterruptedException {
        final Stats st = r.stats;
        WVal marked = initiallyMarked;
        try {
            for (;;) {
                if (closeAfter >= 0 && log.seen.size() >= closeAfter) {
                    st.closes.increment();
                    return; // closes early (in finally)
                }
                final int op = rnd.nextInt(100);
                try {
                    if (op < 25) {
                        if (!rx.changed()) {
                            log.endMarked = marked;
                            break;
                        }
                        marked = rx.borrowAndUpdate();
                        observe(r, log, marked);
                    } else if (op < 40) {
                        try {
                            if (!rx.changed(Util.shortTimeout(rnd))) {
                                log.endMarked = marked;
                                break;
                            }
                            marked = rx.borrowAndUpdate();
                            observe(r, log, marked);
                        } catch (TimeoutException e) {
                            st.timeouts.increment();
                        }
                    } else if (op < 55) {
                        final CompletableFuture<Boolean> f = rnd.nextInt(4) == 0 ? rx.changedAsync(r.executor) : rx.changedAsync();
                        if (op >= 46 && !f.isDone()) {
                            Util.spin(rnd);
                            st.cancels.increment();
                            if (Util.withdraw(f, rnd)) {
                                st.cancelsWon.increment();
                                marked = checkNothingMarked(r, rx, log, marked, "a changedAsync whose cancel returned true");
                                continue;
                            }
                        }
                        final Util.Outcome<Boolean> o = Util.join(f);
                        if (!o.ok()) {
                            r.violation("watch changedAsync ended " + (o.cancelled ? "cancelled" : Round.stackTrace(o.failure)));
                            return;
                        }
                        if (!o.value) {
                            log.endMarked = marked;
                            break;
                        }
                        marked = rx.borrowAndUpdate();
                        observe(r, log, marked);
                    } else if (op < 78) {
                        final Predicate<WVal> p = predicate(rnd, writers, log.lastObserved);
                        final int form = op < 66 ? 0 : op < 72 ? 1 : 2;
                        WVal v;
                        try {
                            if (form == 0) {
                                v = rx.waitFor(p);
                            } else if (form == 1) {
                                v = rx.waitFor(p, Util.shortTimeout(rnd));
                            } else {
                                final CompletableFuture<WVal> f = rx.waitForAsync(p);
                                if (rnd.nextBoolean() && !f.isDone()) {
                                    Util.spin(rnd);
                                    st.cancels.increment();
                                    if (Util.withdraw(f, rnd)) {
                                        st.cancelsWon.increment();
                                        marked = null; // the values it tested are seen (see the class comment)
                                        continue;
                                    }
                                }
                                final Util.Outcome<WVal> o = Util.join(f);
                                if (o.failure instanceof ChannelClosedException) {
                                    throw (ChannelClosedException) o.failure;
                                }
                                if (!o.ok()) {
                                    r.violation("watch waitForAsync ended " + (o.cancelled ? "cancelled" : Round.stackTrace(o.failure)));
                                    return;
                                }
                                v = o.value;
                            }
                        } catch (TimeoutException e) {
                            st.timeouts.increment();
                            marked = null; // the last value tested is seen
                            continue;
                        } catch (InterruptedException e) {
                            marked = null;
                            throw e;
                        } catch (ChannelClosedException e) {
                            log.endRejected = p; // every sender closed with the last value rejected
                            break;
                        }
                        if (!p.test(v)) {
                            r.violation("watch waitFor accepted " + v + ", which its predicate rejects");
                        }
                        marked = v;
                        observe(r, log, v);
                    } else if (op < 88) {
                        observe(r, log, rx.borrow()); // not marked
                    } else if (op < 95) {
                        final boolean unseen;
                        try {
                            unseen = rx.hasChanged();
                        } catch (ChannelClosedException closed) {
                            continue; // every sender closed: changed() still delivers an unseen value
                        }
                        if (unseen) {
                            marked = changedAtOnce(r, rx, log, "hasChanged() was true");
                        }
                    } else {
                        rx.markChanged();
                        marked = changedAtOnce(r, rx, log, "markChanged()");
                    }
                } catch (InterruptedException e) {
                    st.interruptsSeen.increment(); // changed() marked nothing; waitFor forgot above
                }
            }
            log.reachedEnd = true;
            observe(r, log, rx.borrowAndUpdate());
        } finally {
            rx.close();
        }
    }

    /** After {@code why}, changed() must report a change without waiting; returns the value marked. */
    private static WVal changedAtOnce(Round r, Watch.Receiver<WVal> rx, RxLog log, String why) throws InterruptedException {
        try {
            if (!rx.changed(Duration.ZERO)) {
                r.violation("watch: after " + why + ", changed() reported the end");
                return null;
            }
        } catch (TimeoutException e) {
            r.violation("watch: after " + why + ", changed() found nothing unseen");
            return null;
        }
        final WVal v = rx.borrowAndUpdate();
        observe(r, log, v);
        return v;
    }

    /** If the current value is not the one marked, it must still be unseen. Returns the value marked now. */
    private static WVal checkNothingMarked(Round r, Watch.Receiver<WVal> rx, RxLog log, WVal marked, String what)
            throws InterruptedException {
        if (marked == null || rx.borrow() == marked) {
            return marked;
        }
        return changedAtOnce(r, rx, log, what + " (it must have marked nothing)");
    }

    static void check(Round r, WVal initial, WriterLog[] wlogs, List<RxLog> logs, WVal last) {
        int nodes = 1;
        initial.node = 0;
        long stored = 0;
        long returned = 0;
        for (WriterLog w : wlogs) {
            for (WVal v : w.stored) {
                v.node = nodes++;
            }
            stored += w.stored.size();
            returned += w.returned.size();
        }
        if (last == null || last.node < 0) {
            r.violation("watch: the last value " + last + " was never stored");
            return;
        }
        final OrderGraph g = new OrderGraph(nodes);
        for (WriterLog w : wlogs) {
            WVal prev = initial;
            for (WVal v : w.stored) {
                g.edge(prev.node, v.node);
                if (v.pred != null) {
                    if (v.pred.node < 0) {
                        r.violation("watch: " + v + " replaced " + v.pred + ", which was never stored");
                    } else {
                        g.edge(v.pred.node, v.node);
                    }
                }
                prev = v;
            }
        }
        long observed = 0;
        for (int i = 0; i < logs.size(); i++) {
            final RxLog log = logs.get(i);
            final String who = "watch receiver " + (log.kind == LATE ? "late" : Integer.toString(i)) + ": ";
            observed += log.seen.size();
            WVal prev = null;
            for (WVal v : log.seen) {
                if (v.node < 0) {
                    r.violation(who + "saw " + v + ", which was never stored (handed back, or a discarded modify result)");
                    break;
                }
                if (prev != null) {
                    g.edge(prev.node, v.node);
                }
                prev = v;
            }
            if (log.kind == FULL && !log.reachedEnd) {
                r.violation(who + "did not reach the end");
            }
            if (log.reachedEnd) {
                if (log.lastObserved != last) {
                    r.violation(who + "ended seeing " + log.lastObserved + ", not the last value " + last);
                }
                if (log.endMarked != null && log.endMarked != last) {
                    r.violation(who + "changed() reported the end while the value marked seen was " + log.endMarked
                            + ", not the last value " + last);
                }
                if (log.endRejected != null && log.endRejected.test(last)) {
                    r.violation(who + "waitFor ended closed although its predicate accepts the last value " + last);
                }
            }
        }
        final int bad = g.cycleNode();
        if (bad >= 0) {
            r.violation("watch: the receivers' observations do not fit one version order (cycle through node " + bad + ")");
        }
        r.stats.sent.add(stored);
        r.stats.returned.add(returned);
        r.stats.received.add(observed);
    }
}
