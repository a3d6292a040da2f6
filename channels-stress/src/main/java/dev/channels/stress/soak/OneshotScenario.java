package dev.channels.stress.soak;

import dev.channels.ChannelClosedException;
import dev.channels.Oneshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many oneshot pairs, each raced by a sender thread and a receiver thread of a lane: send against
 * the receiver's close, the sender's close against a waiting receive, receives of every form
 * (blocking, timed, try, async and cancelled, the receiver as a stage), with interrupts.
 *
 * <h2>Contracts checked (javadoc of {@code Oneshot})</h2>
 * A send that returns normally gives the value to the receiver: it is received, even if the
 * receiver closes afterwards ("a value sent before the close is still received"). A send that
 * throws {@code ChannelClosedException} hands back the very value, and then the receiver must
 * have closed first and must never see a value. A sender closed without sending ends the
 * receive with {@code ChannelClosedException}. An interrupted or timed-out receive took nothing;
 * a {@code recvAsync} whose cancel returned true took nothing and the receiver can receive again;
 * one whose cancel returned false completes with the outcome. Each pair ends with exactly one of:
 * received == sent value, or (returned or dropped) and the receive reported closed.
 */
final class OneshotScenario implements Scenario {
    static final int SENT = 1;
    static final int RETURNED = 2;
    static final int DROPPED = 3;

    /** One pair and what each side saw; each side writes its own fields, read after the round. */
    static final class Pair {
        final Oneshot.Channel<Msg> ch = Oneshot.channel();
        final Msg value;
        int senderOutcome;
        boolean receiverClosed;
        Msg received;
        boolean receivedClosed;
        /** Used by the select scenario: the select's clause for this pair has taken effect. */
        boolean done;

        Pair(Msg value) {
            this.value = value;
        }
    }

    /** A lane: a sender thread publishes pairs, a receiver thread takes them in order. */
    private static final class Lane {
        final ConcurrentLinkedQueue<Pair> queue = new ConcurrentLinkedQueue<>();
        final List<Pair> all = new ArrayList<>();
        final AtomicInteger published = new AtomicInteger();
        /** How many pairs the receiver has taken off the queue (it works on the last of them). */
        final AtomicInteger taken = new AtomicInteger();
        volatile boolean senderDone;
    }

    @Override
    public String name() {
        return "oneshot";
    }

    @Override
    public Check start(Round r) {
        final SplittableRandom rnd = r.random();
        final int lanes = 1 + rnd.nextInt(3);
        final int closePercent = new int[] {0, 10, 30, 60}[rnd.nextInt(4)];
        r.describe("lanes", lanes);
        r.describe("rxClose%", closePercent);
        final List<Lane> ls = new ArrayList<>();
        for (int l = 0; l < lanes; l++) {
            final Lane lane = new Lane();
            final int id = l;
            ls.add(lane);
            r.start("sender" + l, true, srnd -> sender(r, lane, id, srnd));
            r.start("receiver" + l, true, rrnd -> receiver(r, lane, rrnd, closePercent));
        }
        return () -> {
            final List<Pair> all = new ArrayList<>();
            for (Lane lane : ls) {
                all.addAll(lane.all);
            }
            checkPairs(r, all);
        };
    }

    private static void sender(Round r, Lane lane, int id, SplittableRandom rnd) {
        final Stats st = r.stats;
        try {
            for (int seq = 0; r.producing(); seq++) {
                for (int i = 0; lane.published.get() - lane.taken.get() > 8 && r.producing(); i++) {
                    Util.backOff(i); // at most a few pairs ahead of the receiver
                }
                final Pair p = new Pair(new Msg(id, seq));
                lane.all.add(p);
                lane.queue.add(p);
                final int index = lane.published.incrementAndGet();
                final int when = rnd.nextInt(8);
                if (when == 1) {
                    // meet the receiver: wait (a little) until it works on this pair, then act
                    for (int i = 0; i < 2000 && lane.taken.get() < index; i++) {
                        Thread.onSpinWait();
                    }
                    Util.spin(rnd);
                } else if (when == 2) {
                    Util.park(1_000L + rnd.nextInt(100_000));
                }
                final int what = rnd.nextInt(10);
                final Oneshot.Sender<Msg> tx = p.ch.sender();
                if (what < 7 || (what < 9 && !awaitClosedBriefly(tx, rnd, st))) {
                    try {
                        tx.send(p.value);
                        p.senderOutcome = SENT;
                    } catch (ChannelClosedException e) {
                        p.senderOutcome = RETURNED;
                        if (e.value() != p.value) {
                            r.violation("oneshot send of " + p.value + " failed closed handing back " + e.value());
                        }
                        if (!tx.isClosed()) {
                            r.violation("oneshot send failed closed but the sender does not report the receiver closed");
                        }
                    }
                    if (rnd.nextInt(50) == 0) {
                        try {
                            tx.send(new Msg(id, -1));
                            r.violation("a second oneshot send did not throw");
                        } catch (IllegalStateException expected) {
                            // a sender is used once
                        }
                    }
                } else {
                    tx.close(); // dropped without sending
                    p.senderOutcome = DROPPED;
                    st.closes.increment();
                }
                tx.close(); // idempotent; nothing after a send
            }
        } finally {
            lane.senderDone = true;
        }
    }

    /** Waits a moment for the receiver to close (the sender's closed notification); true if it did. */
    private static boolean awaitClosedBriefly(Oneshot.Sender<Msg> tx, SplittableRandom rnd, Stats st) {
        try {
            if (rnd.nextBoolean()) {
                return tx.awaitClosed(Duration.ofNanos(rnd.nextInt(50_000)));
            }
            return tx.closed().toCompletableFuture().isDone();
        } catch (InterruptedException e) {
            st.interruptsSeen.increment();
            return false;
        }
    }

    private static void receiver(Round r, Lane lane, SplittableRandom rnd, int closePercent) {
        final Stats st = r.stats;
        for (int idle = 0;; idle++) {
            final Pair p = lane.queue.poll();
            if (p == null) {
                if (lane.senderDone && lane.queue.isEmpty()) {
                    return;
                }
                Util.backOff(idle);
                continue;
            }
            idle = 0;
            lane.taken.incrementAndGet();
            final Oneshot.Receiver<Msg> rx = p.ch.receiver();
            final boolean close = rnd.nextInt(100) < closePercent;
            final boolean closeFirst = close && rnd.nextBoolean();
            if (closeFirst) {
                Util.spin(rnd);
                p.receiverClosed = true;
                rx.close(); // race the send: a value sent before the close is still received
                st.closes.increment();
            }
            receive(r, p, rx, rnd, close && !closeFirst);
            if (p.received != null && rnd.nextInt(20) == 0) {
                if (!rx.isTerminated()) {
                    r.violation("oneshot: the value was received but the receiver is not terminated");
                }
                try {
                    rx.tryRecv();
                    r.violation("oneshot: a receive after the value was taken did not throw");
                } catch (IllegalStateException expected) {
                    // received once
                }
            }
            rx.close();
        }
    }

    /** Receives the pair's outcome with random forms until there is one. */
    private static void receive(Round r, Pair p, Oneshot.Receiver<Msg> rx, SplittableRandom rnd, boolean closeOnTheWay) {
        final Stats st = r.stats;
        boolean stageUsed = false;
        boolean closePending = closeOnTheWay;
        for (;;) {
            if (closePending && rnd.nextInt(3) == 0) {
                closePending = false;
                p.receiverClosed = true;
                rx.close();
                st.closes.increment();
            }
            final int op = rnd.nextInt(stageUsed ? 90 : 100);
            try {
                final Msg v;
                if (op < 30) {
                    v = rx.recv();
                } else if (op < 50) {
                    try {
                        v = rx.recv(Util.shortTimeout(rnd));
                    } catch (TimeoutException e) {
                        st.timeouts.increment();
                        continue;
                    }
                } else if (op < 62) {
                    v = rx.tryRecv();
                    if (v == null) {
                        Thread.yield();
                        continue;
                    }
                } else if (op < 90) {
                    final CompletableFuture<Msg> f = rnd.nextInt(4) == 0 ? rx.recvAsync(r.executor) : rx.recvAsync();
                    if (op >= 72 && !f.isDone()) {
                        Util.spin(rnd);
                        st.cancels.increment();
                        if (Util.withdraw(f, rnd)) {
                            st.cancelsWon.increment(); // took nothing; the receiver receives again
                            continue;
                        }
                    }
                    v = outcome(r, p, Util.join(f));
                } else {
                    stageUsed = true; // the receiver as a CompletionStage: its receive starts once
                    final CompletableFuture<Msg> f = rx.thenApply(m -> m).toCompletableFuture();
                    v = outcome(r, p, Util.join(f));
                }
                if (v != null) {
                    p.received = v;
                }
                return;
            } catch (InterruptedException e) {
                st.interruptsSeen.increment();
            } catch (ChannelClosedException e) {
                p.receivedClosed = true;
                return;
            }
        }
    }

    /** The value of a completed receive future; throws the closed exception it carries. */
    private static Msg outcome(Round r, Pair p, Util.Outcome<Msg> o) {
        if (o.ok()) {
            return o.value;
        }
        if (o.failure instanceof ChannelClosedException) {
            throw (ChannelClosedException) o.failure;
        }
        r.violation("oneshot receive of " + p.value + " ended " + (o.cancelled ? "cancelled" : Round.stackTrace(o.failure)));
        p.receivedClosed = true;
        return null;
    }

    /** Each pair ends with exactly one of: the value received, or returned/dropped and the receive reported closed. */
    static void checkPairs(Round r, List<Pair> pairs) {
        long sent = 0;
        long returned = 0;
        long received = 0;
        for (Pair p : pairs) {
            final String what = "oneshot " + p.value + ": ";
            switch (p.senderOutcome) {
                case SENT:
                    sent++;
                    if (p.received != p.value) {
                        r.violation(what + "sent but the receiver got " + (p.receivedClosed ? "closed" : p.received));
                    }
                    break;
                case RETURNED:
                    returned++;
                    if (!p.receiverClosed) {
                        r.violation(what + "the send failed closed but the receiver never closed");
                    }
                    if (p.received != null || !p.receivedClosed) {
                        r.violation(what + "handed back to the sender, yet the receiver got " + p.received);
                    }
                    break;
                case DROPPED:
                    if (p.received != null || !p.receivedClosed) {
                        r.violation(what + "the sender closed without sending, yet the receiver got " + p.received);
                    }
                    break;
                default:
                    r.violation(what + "the sender never acted (soak bookkeeping)");
            }
            if (p.received != null) {
                received++;
            }
        }
        r.stats.sent.add(sent);
        r.stats.returned.add(returned);
        r.stats.received.add(received);
    }
}
