package dev.channels.stress.soak;

import dev.channels.Mpsc;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several producers and one consumer on a bounded (capacity 1, 2, 3, 8, 64 or 1024) or unbounded
 * mpsc channel, with every send and receive form, interrupts, timeouts, cancels, early sender
 * closes and a receiver half-close mid-stream (by the consumer, or by another thread); the
 * {@link FlowLedger} proves that nothing was lost or duplicated and that each sender's order held.
 * One round in three runs in the epoch mode instead: many short-lived channels in a row, each
 * closed at a random moment, for close races by the thousand.
 */
final class MpscScenario implements Scenario {
    private static final int[] CAPACITIES = {1, 1, 2, 2, 3, 8, 64, 1024};
    private final boolean bounded;

    MpscScenario(boolean bounded) {
        this.bounded = bounded;
    }

    @Override
    public String name() {
        return bounded ? "mpsc-bounded" : "mpsc-unbounded";
    }

    @Override
    public Check start(Round r) {
        final SplittableRandom rnd = r.random();
        if (rnd.nextInt(3) == 0) {
            return startEpochs(r, rnd);
        }
        final int producers = 1 + rnd.nextInt(4);
        final int closeKind = rnd.nextInt(6); // 0: the consumer closes, 1: another thread closes, else no close
        final FlowLedger ledger = new FlowLedger(name(), r, producers);
        final Mpsc.Receiver<Msg> rx;
        r.describe("producers", producers);
        if (bounded) {
            final int cap = CAPACITIES[rnd.nextInt(CAPACITIES.length)];
            r.describe("capacity", cap);
            final Mpsc.Channel<Msg> ch = Mpsc.bounded(cap);
            rx = ch.receiver();
            for (int i = 0; i < producers; i++) {
                final Mpsc.Sender<Msg> tx = handle(ch.sender(), rnd);
                final FlowLedger.Book book = ledger.book(i);
                r.start("producer" + i, true, prnd -> MpscWorkers.boundedProducer(r, tx, book, prnd));
            }
            ch.sender().close(); // the producers hold their own handles
        } else {
            final Mpsc.UnboundedChannel<Msg> ch = Mpsc.unbounded();
            rx = ch.receiver();
            for (int i = 0; i < producers; i++) {
                final Mpsc.UnboundedSender<Msg> tx = ch.sender().duplicate();
                final FlowLedger.Book book = ledger.book(i);
                r.start("producer" + i, true, prnd -> MpscWorkers.unboundedProducer(r, tx, rx, book, prnd));
            }
            ch.sender().close();
        }
        final long closeAfter = closeKind == 0 ? rnd.nextInt(1, 20_000) : -1;
        r.describe("rxClose", closeKind == 0 ? "consumer@" + closeAfter : closeKind == 1 ? "other" : "no");
        if (closeKind == 1) {
            r.at(rnd.nextDouble(0.05, 0.95), "close the receiver", () -> {
                rx.close(); // may be called from any thread
                r.stats.closes.increment();
            });
        }
        r.start("consumer", true, crnd -> MpscWorkers.consumer(r, rx, ledger, crnd, closeAfter));
        return ledger::check;
    }

    /** One short-lived channel of the epoch mode, with a handle per producer. */
    private static final class Epoch {
        final int number;
        final Object[] senders;
        final Mpsc.Receiver<Msg> rx;
        final FlowLedger ledger;
        /** Producers done with this epoch, bookkeeping included. */
        final AtomicInteger done = new AtomicInteger();

        Epoch(int number, Object[] senders, Mpsc.Receiver<Msg> rx, FlowLedger ledger) {
            this.number = number;
            this.senders = senders;
            this.rx = rx;
            this.ledger = ledger;
        }
    }

    /** The epoch published to the producers; {@code over} once the round has no more. */
    private static final class Epochs {
        volatile Epoch current;
        volatile boolean over;
    }

    /**
     * The epoch mode: many short-lived channels in a row (capacity 1 to 3 when bounded), each fed
     * by the same producers for a few hundred operations at most and half-closed by the consumer
     * after a random, small number of messages (or not at all): close races by the thousand per
     * round, each epoch checked by its own ledger as soon as it ended.
     */
    private Check startEpochs(Round r, SplittableRandom rnd) {
        final int producers = 2 + rnd.nextInt(2);
        final int cap = 1 + rnd.nextInt(3);
        r.describe("mode", "epochs");
        r.describe("producers", producers);
        if (bounded) {
            r.describe("capacity", cap);
        }
        final Epochs epochs = new Epochs();
        for (int i = 0; i < producers; i++) {
            final int id = i;
            r.start("producer" + i, true, prnd -> {
                int last = -1;
                for (int step = 0;; step++) {
                    final Epoch e = epochs.current;
                    if (e == null || e.number == last) {
                        if (epochs.over) {
                            return;
                        }
                        Util.backOff(step);
                        continue;
                    }
                    step = 0;
                    last = e.number;
                    final long budget = prnd.nextInt(1, 300);
                    if (bounded) {
                        @SuppressWarnings("unchecked")
                        final Mpsc.Sender<Msg> tx = (Mpsc.Sender<Msg>) e.senders[id];
                        MpscWorkers.boundedProducer(r, tx, e.ledger.book(id), prnd, budget);
                    } else {
                        @SuppressWarnings("unchecked")
                        final Mpsc.UnboundedSender<Msg> tx = (Mpsc.UnboundedSender<Msg>) e.senders[id];
                        MpscWorkers.unboundedProducer(r, tx, e.rx, e.ledger.book(id), prnd, budget);
                    }
                    e.done.incrementAndGet();
                }
            });
        }
        r.start("consumer", true, crnd -> {
            try {
                for (int n = 0; r.producing(); n++) {
                    final Object[] senders = new Object[producers];
                    final Mpsc.Receiver<Msg> rx;
                    if (bounded) {
                        final Mpsc.Channel<Msg> ch = Mpsc.bounded(cap);
                        for (int i = 0; i < producers; i++) {
                            senders[i] = ch.sender().duplicate();
                        }
                        ch.sender().close();
                        rx = ch.receiver();
                    } else {
                        final Mpsc.UnboundedChannel<Msg> ch = Mpsc.unbounded();
                        for (int i = 0; i < producers; i++) {
                            senders[i] = ch.sender().duplicate();
                        }
                        ch.sender().close();
                        rx = ch.receiver();
                    }
                    final FlowLedger ledger = new FlowLedger(name() + " epoch " + n, r, producers);
                    final Epoch e = new Epoch(n, senders, rx, ledger);
                    epochs.current = e;
                    MpscWorkers.consumer(r, rx, ledger, crnd, crnd.nextInt(4) == 0 ? -1 : crnd.nextInt(0, 40));
                    // End of stream after a receiver close may come before the producers have seen
                    // their sends fail (and resolved their futures): wait for their bookkeeping.
                    Util.awaitUninterruptibly(() -> e.done.get() == producers);
                    ledger.check();
                    if (r.failed()) {
                        return;
                    }
                }
            } finally {
                epochs.over = true;
            }
        });
        return () -> { };
    }

    /** A producer's own handle: a duplicate, or (now and then) a weak handle upgraded. */
    private static Mpsc.Sender<Msg> handle(Mpsc.Sender<Msg> original, SplittableRandom rnd) {
        if (rnd.nextInt(4) == 0) {
            final Mpsc.WeakSender<Msg> weak = original.downgrade();
            final Mpsc.Sender<Msg> up = weak.upgrade();
            weak.release();
            if (up == null) {
                throw new IllegalStateException("upgrade failed while the original sender is open");
            }
            return up;
        }
        return original.duplicate();
    }
}
