package dev.channels.stress.soak;

import dev.channels.Broadcast;
import dev.channels.ChannelClosedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several senders and several receivers on a broadcast channel of small capacity, so that
 * receivers lag; receivers use every receive form (with interrupts, timeouts and cancels), some
 * close mid-stream, one may subscribe late, and in some rounds every receiver closes so that sends
 * fail and hand their value back.
 *
 * <h2>Checks</h2>
 * <ul>
 *   <li>A receiver present from the start that reads to the end receives exactly every accepted
 *       value except those it was told it missed: received + sum of {@code LaggedException.missed()}
 *       == number of accepted sends (no loss, no duplicate, lag counted exactly).</li>
 *   <li>Each sender's values arrive in increasing order at every receiver; every value received was
 *       accepted (a value handed back by a failed send is never received).</li>
 *   <li>All receivers' sequences fit one total order together with each sender's order ("every
 *       receiver receives the same references, in send order"): {@link OrderGraph}.</li>
 *   <li>A late subscriber receives (or is told it missed) at least every value sent after it was
 *       subscribed, and at most all of them.</li>
 * </ul>
 * Contracts relied on: a send returning normally stored the value for every receiver counted;
 * {@code ChannelClosedException} from send = nothing stored, {@code value()} the very object; an
 * interrupted or timed-out receive, and a {@code recvAsync} whose cancel returned true, took nothing.
 */
final class BroadcastScenario implements Scenario {
    private static final int[] CAPACITIES = {1, 2, 2, 4, 4, 8, 16, 64};
    private static final int MAX_SENDS = 60_000;

    private static final int FULL = 0;
    private static final int CLOSER = 1;
    private static final int LATE = 2;

    /** What one sender did. */
    private static final class SenderLog {
        final BitSet accepted = new BitSet();
        final BitSet returned = new BitSet();
        int made;
    }

    /** What one receiver saw; written by its thread, read after the round. */
    private static final class RxLog {
        final int kind;
        long[] seen = new long[256];
        int count;
        long missed;
        boolean reachedEnd;
        int[] last;

        RxLog(int kind, int senders) {
            this.kind = kind;
            this.last = new int[senders];
            Arrays.fill(last, -1);
        }

        void add(long v) {
            if (count == seen.length) {
                seen = Arrays.copyOf(seen, count * 2);
            }
            seen[count++] = v;
        }
    }

    @Override
    public String name() {
        return "broadcast";
    }

    @Override
    public Check start(Round r) {
        final SplittableRandom rnd = r.random();
        final int cap = CAPACITIES[rnd.nextInt(CAPACITIES.length)];
        final int senders = 1 + rnd.nextInt(3);
        final int receivers = 1 + rnd.nextInt(4);
        final boolean allClose = rnd.nextInt(6) == 0;
        final boolean late = rnd.nextInt(3) == 0;
        final int paceOneIn = new int[] {2, 8, 64}[rnd.nextInt(3)];
        r.describe("capacity", cap);
        r.describe("senders", senders);
        r.describe("receivers", receivers);
        r.describe("allClose", allClose);
        r.describe("late", late);
        r.describe("pace", paceOneIn);

        final Broadcast.Channel<Msg> ch = Broadcast.channel(cap);
        final List<Broadcast.Receiver<Msg>> rxs = new ArrayList<>();
        rxs.add(ch.receiver());
        for (int i = 1; i < receivers; i++) {
            rxs.add(ch.sender().subscribe()); // all subscribed before the first send
        }
        final List<RxLog> logs = new ArrayList<>();
        final SenderLog[] sent = new SenderLog[senders];
        final AtomicLong acceptedAfterLate = new AtomicLong();
        final LateFlag flag = new LateFlag();
        for (int i = 0; i < senders; i++) {
            sent[i] = new SenderLog();
            final Broadcast.Sender<Msg> tx = ch.sender().duplicate();
            final SenderLog log = sent[i];
            final int id = i;
            r.start("sender" + i, false, srnd -> sender(r, tx, id, log, flag, acceptedAfterLate, srnd, paceOneIn));
        }
        for (int i = 0; i < receivers; i++) {
            final int kind = allClose || (i > 0 && rnd.nextInt(3) == 0) ? CLOSER : FULL;
            final RxLog log = new RxLog(kind, senders);
            logs.add(log);
            final Broadcast.Receiver<Msg> rx = rxs.get(i);
            final long closeAfter = kind == CLOSER ? rnd.nextInt(1, 5_000) : -1;
            r.start("receiver" + i, true, rrnd -> receiver(r, rx, log, rrnd, closeAfter));
        }
        if (late) {
            final RxLog log = new RxLog(LATE, senders);
            logs.add(log);
            final Broadcast.Sender<Msg> tx = ch.sender().duplicate(); // keeps the channel open until it subscribed
            final double at = rnd.nextDouble(0.1, 0.9);
            r.start("late", true, lrnd -> {
                Util.awaitUninterruptibly(() -> System.nanoTime() - (r.startNanos + (long) (at * r.windowNanos)) >= 0L);
                final Broadcast.Receiver<Msg> rx = tx.subscribe();
                flag.set = true; // sends that read this afterwards counted the new receiver
                tx.close();
                receiver(r, rx, log, lrnd, -1);
            });
        }
        ch.sender().close();
        return () -> check(r, sent, logs, acceptedAfterLate.get());
    }

    /** Set once the late subscriber is counted. */
    private static final class LateFlag {
        volatile boolean set;
    }

    private static void sender(Round r, Broadcast.Sender<Msg> tx, int id, SenderLog log, LateFlag flag,
            AtomicLong acceptedAfterLate, SplittableRandom rnd, int paceOneIn) {
        final long closeAfter = MpscWorkers.earlyClose(rnd);
        try {
            while (r.producing() && log.made < MAX_SENDS) {
                if (log.made == closeAfter) {
                    r.stats.closes.increment(); // closes early
                    return;
                }
                Util.pace(rnd, paceOneIn);
                final Msg m = new Msg(id, log.made++);
                final boolean afterLate = flag.set;
                try {
                    final int n = tx.send(m);
                    if (n < 1) {
                        r.violation("broadcast send returned " + n + " receivers");
                    }
                    log.accepted.set(m.seq);
                    if (afterLate) {
                        acceptedAfterLate.incrementAndGet();
                    }
                } catch (ChannelClosedException e) {
                    log.returned.set(m.seq);
                    if (e.value() != m) {
                        r.violation("broadcast send of " + m + " failed closed handing back " + e.value());
                    }
                }
            }
        } finally {
            tx.close();
        }
    }

    private static void receiver(Round r, Broadcast.Receiver<Msg> rx, RxLog log, SplittableRandom rnd, long closeAfter) {
        final Stats st = r.stats;
        try {
            for (;;) {
                if (closeAfter >= 0 && log.count >= closeAfter) {
                    st.closes.increment();
                    return; // closed mid-stream (in finally)
                }
                final int op = rnd.nextInt(100);
                try {
                    final Msg m;
                    if (op < 30) {
                        m = rx.recv();
                    } else if (op < 50) {
                        try {
                            m = rx.recv(Util.shortTimeout(rnd));
                        } catch (TimeoutException e) {
                            st.timeouts.increment();
                            continue;
                        }
                    } else if (op < 70) {
                        try {
                            m = rx.tryRecv();
                        } catch (ChannelClosedException end) {
                            log.reachedEnd = true;
                            return;
                        }
                        if (m == null) {
                            Thread.yield();
                            continue;
                        }
                    } else {
                        final CompletableFuture<Msg> f = rnd.nextInt(4) == 0 ? rx.recvAsync(r.executor) : rx.recvAsync();
                        if (op >= 82 && !f.isDone()) {
                            Util.spin(rnd);
                            st.cancels.increment();
                            if (Util.withdraw(f, rnd)) {
                                st.cancelsWon.increment();
                                continue;
                            }
                        }
                        final Util.Outcome<Msg> o = Util.join(f);
                        if (o.failure instanceof Broadcast.LaggedException) {
                            lagged(r, log, ((Broadcast.LaggedException) o.failure).missed());
                            continue;
                        }
                        if (!o.ok()) {
                            r.violation("broadcast recvAsync ended " + (o.cancelled ? "cancelled" : Round.stackTrace(o.failure)));
                            return;
                        }
                        m = o.value;
                    }
                    if (m == null) {
                        log.reachedEnd = true;
                        return;
                    }
                    record(r, log, m);
                } catch (InterruptedException e) {
                    st.interruptsSeen.increment();
                } catch (Broadcast.LaggedException e) {
                    lagged(r, log, e.missed());
                }
            }
        } finally {
            rx.close();
        }
    }

    private static void lagged(Round r, RxLog log, long missed) {
        if (missed < 1) {
            r.violation("broadcast lag of " + missed);
        }
        log.missed += missed;
    }

    private static void record(Round r, RxLog log, Msg m) {
        if (m.sender < 0 || m.sender >= log.last.length) {
            r.violation("broadcast: received " + m + " from an unknown sender");
            return;
        }
        if (m.seq <= log.last[m.sender]) {
            r.violation("broadcast order: received " + m + " after " + m.sender + ":" + log.last[m.sender]);
        }
        log.last[m.sender] = m.seq;
        log.add(((long) m.sender << 32) | m.seq);
    }

    private static void check(Round r, SenderLog[] sent, List<RxLog> logs, long acceptedAfterLate) {
        long accepted = 0;
        long returned = 0;
        final int[] base = new int[sent.length + 1];
        for (int s = 0; s < sent.length; s++) {
            accepted += sent[s].accepted.cardinality();
            returned += sent[s].returned.cardinality();
            base[s + 1] = base[s] + sent[s].made;
        }
        final OrderGraph g = new OrderGraph(base[sent.length]);
        for (int s = 0; s < sent.length; s++) {
            for (int q = 1; q < sent[s].made; q++) {
                g.edge(base[s] + q - 1, base[s] + q);
            }
        }
        long received = 0;
        long missed = 0;
        for (int i = 0; i < logs.size(); i++) {
            final RxLog log = logs.get(i);
            final String who = "broadcast receiver " + (log.kind == LATE ? "late" : Integer.toString(i)) + ": ";
            received += log.count;
            missed += log.missed;
            int prev = -1;
            for (int k = 0; k < log.count; k++) {
                final int s = (int) (log.seen[k] >>> 32);
                final int q = (int) log.seen[k];
                if (!sent[s].accepted.get(q)) {
                    r.violation(who + "received " + s + ":" + q + (sent[s].returned.get(q)
                            ? ", a value handed back by its failed send" : ", never sent"));
                    break;
                }
                final int node = base[s] + q;
                if (prev >= 0) {
                    g.edge(prev, node);
                }
                prev = node;
            }
            final long total = log.count + log.missed;
            if (log.kind == FULL) {
                if (!log.reachedEnd) {
                    r.violation(who + "did not reach end of stream");
                } else if (total != accepted) {
                    r.violation(who + "received " + log.count + " + lagged " + log.missed + " = " + total
                            + " but " + accepted + " values were accepted (" + (total < accepted ? "LOST" : "DUPLICATED") + ")");
                }
            } else if (log.kind == LATE && log.reachedEnd && (total < acceptedAfterLate || total > accepted)) {
                r.violation(who + "received + lagged = " + total + ", outside [" + acceptedAfterLate + ", " + accepted + "]");
            }
        }
        final int bad = g.cycleNode();
        if (bad >= 0) {
            int s = 0;
            while (base[s + 1] <= bad) {
                s++;
            }
            r.violation("broadcast: the receivers' orders do not fit one send order (cycle through " + s + ":" + (bad - base[s]) + ")");
        }
        r.stats.sent.add(accepted);
        r.stats.returned.add(returned);
        r.stats.received.add(received);
        r.stats.lagged.add(missed);
    }
}
