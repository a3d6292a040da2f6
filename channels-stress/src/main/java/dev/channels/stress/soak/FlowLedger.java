package dev.channels.stress.soak;

import java.util.BitSet;

/**
 * The accounting of one mpsc flow (several senders, one receiving side): proves that no message
 * was lost or duplicated and that each sender's order held.
 *
 * <p>Each sender has a {@link Book} (written only by that sender's thread) in which every message
 * it made ends either <em>accepted</em> (the channel took it: the send returned normally, reported
 * SENT, its future completed normally, a permit sent it, a select's send clause won with it) or
 * <em>returned</em> (it is the sender's again: handed back in a {@code ChannelClosedException},
 * a timed send reported false, a blocking send was interrupted, trySend reported FULL or CLOSED,
 * cancel returned true, or the round ended before it was offered). The receiving side records
 * what it received, in order; only one thread records at a time (the consumer, or a select handler
 * that the consumer waits for), and the check runs after every thread has ended.
 *
 * <p>The check: per sender, the received set equals the accepted set (nothing missing, nothing
 * extra; an extra value that was returned is reported as such), and the received sequence numbers
 * strictly increase (order, and no duplicate).
 */
final class FlowLedger {
    private static final int MAX_REPORTED = 5;

    final String name;
    private final Round round;
    private final Book[] books;
    private final int[] lastSeq;
    private final BitSet[] received;
    private long receivedCount;
    private int problems;

    FlowLedger(String name, Round round, int senders) {
        this.name = name;
        this.round = round;
        this.books = new Book[senders];
        this.lastSeq = new int[senders];
        this.received = new BitSet[senders];
        for (int i = 0; i < senders; i++) {
            books[i] = new Book(i, round);
            lastSeq[i] = -1;
            received[i] = new BitSet();
        }
    }

    Book book(int sender) {
        return books[sender];
    }

    /** One sender's messages; used by that sender's thread only. */
    static final class Book {
        final int id;
        private final Round round;
        final BitSet accepted = new BitSet();
        final BitSet returned = new BitSet();
        private int next;

        Book(int id, Round round) {
            this.id = id;
            this.round = round;
        }

        Msg next() {
            return new Msg(id, next++);
        }

        void accepted(Msg m) {
            if (round.faults.fire(Options.Inject.RETURNED)) {
                returned.set(m.seq); // self-test: book a delivered message as handed back
                return;
            }
            accepted.set(m.seq);
        }

        void returned(Msg m) {
            returned.set(m.seq);
        }

        int made() {
            return next;
        }
    }

    /** Records one received message (null is a violation: end of stream is not a message). */
    void received(Msg m) {
        if (m == null) {
            problem("received null as a message");
            return;
        }
        if (m.sender < 0 || m.sender >= books.length) {
            problem("received " + m + " from an unknown sender");
            return;
        }
        if (round.faults.fire(Options.Inject.LOSS)) {
            return; // self-test: forget it
        }
        record(m);
        if (round.faults.fire(Options.Inject.DUP)) {
            record(m); // self-test: record it twice
        }
    }

    private void record(Msg m) {
        final int s = m.sender;
        if (m.seq <= lastSeq[s]) {
            problem((received[s].get(m.seq) ? "duplicate: " : "order: ") + "received " + m + " after " + s + ":" + lastSeq[s]);
        }
        lastSeq[s] = Math.max(lastSeq[s], m.seq);
        received[s].set(m.seq);
        receivedCount++;
    }

    long receivedCount() {
        return receivedCount;
    }

    private void problem(String what) {
        if (problems++ < MAX_REPORTED) {
            round.violation(name + ": " + what);
        }
    }

    /** The end-of-round check; also adds the flow's figures to the scenario's stats. */
    void check() {
        long accepted = 0;
        long returned = 0;
        for (int s = 0; s < books.length; s++) {
            final Book b = books[s];
            accepted += b.accepted.cardinality();
            returned += b.returned.cardinality();
            final BitSet both = (BitSet) b.accepted.clone();
            both.and(b.returned);
            if (!both.isEmpty()) {
                problem("sender " + s + " booked " + firstFew(both) + " both accepted and returned (soak bookkeeping)");
            }
            final BitSet all = (BitSet) b.accepted.clone();
            all.or(b.returned);
            if (all.cardinality() != b.made() || all.length() != b.made()) {
                final BitSet open = new BitSet();
                open.set(0, b.made());
                open.andNot(all);
                problem("sender " + s + " left " + firstFew(open) + " neither accepted nor returned (soak bookkeeping)");
            }
            final BitSet missing = (BitSet) b.accepted.clone();
            missing.andNot(received[s]);
            if (!missing.isEmpty()) {
                problem("LOST: " + missing.cardinality() + " accepted message(s) of sender " + s
                        + " never received, e.g. seq " + firstFew(missing));
            }
            final BitSet extra = (BitSet) received[s].clone();
            extra.andNot(b.accepted);
            if (!extra.isEmpty()) {
                final BitSet wasReturned = (BitSet) extra.clone();
                wasReturned.and(b.returned);
                if (!wasReturned.isEmpty()) {
                    problem("a value handed back to sender " + s + " was received too: seq " + firstFew(wasReturned));
                }
                extra.andNot(wasReturned);
                if (!extra.isEmpty()) {
                    problem("received message(s) of sender " + s + " that were never sent: seq " + firstFew(extra));
                }
            }
        }
        round.stats.sent.add(accepted);
        round.stats.returned.add(returned);
        round.stats.received.add(receivedCount);
    }

    static String firstFew(BitSet b) {
        final StringBuilder sb = new StringBuilder("[");
        int n = 0;
        for (int i = b.nextSetBit(0); i >= 0 && n < 8; i = b.nextSetBit(i + 1), n++) {
            sb.append(n == 0 ? "" : ", ").append(i);
        }
        return sb.append(b.cardinality() > n ? ", ...]" : "]").toString();
    }
}
