package dev.channels.stress;

import dev.channels.Broadcast;
import dev.channels.ChannelClosedException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the broadcast channel ({@link Broadcast}), in Continuous mode: two actors
 * race, an arbiter (which runs after both) drains what is left, and every outcome is listed with
 * the interleaving that produces it. The blocking operations' wake-ups are in
 * {@link BroadcastTerminationTests}.
 *
 * <p>The races are those of Tokio's loom tests for broadcast ({@code loom_broadcast.rs}) and those
 * of our design (a seqlock ring of sequence-stamped slots, a receiver's lag computed from the tail,
 * a lock-free wait list, async receives that can be cancelled):
 * <ul>
 *   <li>visibility: plain writes made before a send are seen after the receive, for tryRecv, recv
 *       and recvAsync, on a fresh slot, on a wrapped slot, and after a lag;</li>
 *   <li>lag accounting: received plus missed is exactly the number sent, under two concurrent
 *       senders and under a receiver racing the overwrites, and the values come in send order;</li>
 *   <li>two receivers reading a slot that a sender overwrites: a correct value or an exact lag,
 *       never a torn value, and never an overwrite seen by one and then undone for the other;</li>
 *   <li>subscribe against send: the new receiver sees the value or starts after it, never a
 *       stale slot, never a spurious lag; and the receiver count that send returns agrees;</li>
 *   <li>the last sender's close against receives: the values sent before it, then end of stream,
 *       which is final;</li>
 *   <li>send against the receivers' close: the count returned or the value handed back;</li>
 *   <li>a pending recvAsync against a send, and its cancellation: exactly once.</li>
 * </ul>
 *
 * <p>Every scenario has two actors: jcstress cannot schedule three actors on a two-CPU machine and
 * silently skips such tests. A third party of a race is therefore either set up by the state's
 * constructor (values already sent, a second sender already closed, a pending recvAsync) or
 * sequenced inside one actor (two receivers read in turn, a sender that also receives).
 *
 * <p>The acceptable outcomes of the lag tests were enumerated by running the abstract lag rule of
 * Tokio (tokio-semantics.md §3.4) under every interleaving of the two actors' operations.
 *
 * <h2>Result codes</h2>
 * Values are small positive {@code Integer}s and a received value is recorded as itself.
 * {@code LaggedException(n)} is recorded as {@code -10 - n} ({@code -11} is "lagged, missed 1").
 * The other codes are the constants below ({@link #EMPTY}, {@link #END}, {@link #HANDED_BACK}...).
 */
public final class BroadcastTests {
    private BroadcastTests() {
    }

    // ------------------------------------------------------------------ result codes

    /** In an outcome id (a regular expression over "r1, r2, ..."), any one result field. */
    static final String ANY = "-?[0-9]+";

    /** tryRecv: nothing now, the channel is still open. */
    static final int EMPTY = 0;
    /** End of stream: recv returned null, tryRecv threw ChannelClosedException. */
    static final int END = -1;
    /** A blocking call threw InterruptedException (nobody interrupts these actors). */
    static final int INTERRUPTED = -2;
    /** A future that is still not complete. */
    static final int PENDING = -3;
    /** send: no receiver; ChannelClosedException handed the value back. */
    static final int HANDED_BACK = -4;
    /** A future that was cancelled. */
    static final int CANCELLED = -5;
    /** A future or call that failed in a way no test expects. */
    static final int FAILED = -6;
    /** send: ChannelClosedException without the value (it would be lost). */
    static final int CLOSED_WITHOUT_VALUE = -7;
    /** {@code LaggedException(n)} is recorded as {@code LAGGED - n}. */
    static final int LAGGED = -10;

    /** Lagged, missed 1. */
    static final int LAGGED_1 = LAGGED - 1;
    /** Lagged, missed 4. */
    static final int LAGGED_4 = LAGGED - 4;

    /** The values the tests send: the first sender's 1, 2, 3, the second's 11, 12, 13. */
    static final Integer ONE = 1;
    static final Integer TWO = 2;
    static final Integer THREE = 3;
    static final Integer ELEVEN = 11;
    static final Integer TWELVE = 12;
    static final Integer THIRTEEN = 13;

    // ------------------------------------------------------------------ helpers

    static int lagged(long missed) {
        return (int) Math.max(Integer.MIN_VALUE, LAGGED - missed);
    }

    /** tryRecv as a code: the value, {@link #EMPTY}, {@link #END} or a lag code. */
    static int tryRecv(Broadcast.Receiver<Integer> rx) {
        try {
            final Integer m = rx.tryRecv();
            return m == null ? EMPTY : m;
        } catch (ChannelClosedException e) {
            return END;
        } catch (Broadcast.LaggedException e) {
            return lagged(e.missed());
        }
    }

    /** Blocking recv as a code: the value, {@link #END}, a lag code or {@link #INTERRUPTED}. */
    static int recv(Broadcast.Receiver<Integer> rx) {
        try {
            final Integer m = rx.recv();
            return m == null ? END : m;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (Broadcast.LaggedException e) {
            return lagged(e.missed());
        }
    }

    /** send as a code: the receiver count it returned, {@link #HANDED_BACK}, ... */
    static int send(Broadcast.Sender<Integer> tx, Integer v) {
        try {
            return tx.send(v);
        } catch (ChannelClosedException e) {
            return e.hasValue() && v.equals(e.value()) ? HANDED_BACK : CLOSED_WITHOUT_VALUE;
        }
    }

    /** The state of a receive's future, without waiting: the value, END, a lag code, PENDING... */
    static int recvFuture(CompletionStage<Integer> stage) {
        final CompletableFuture<Integer> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            return PENDING;
        }
        if (f.isCancelled()) {
            return CANCELLED;
        }
        try {
            final Integer m = f.get();
            return m == null ? END : m;
        } catch (ExecutionException e) {
            return e.getCause() instanceof Broadcast.LaggedException
                    ? lagged(((Broadcast.LaggedException) e.getCause()).missed()) : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    /**
     * One receiver's history, checked against the lag rule as it is recorded. Confined to one
     * thread at a time (an actor, then the arbiter).
     *
     * <p>If the values' positions are known (one sending thread), every value must be the one at
     * the receiver's cursor, a lag moves the cursor by its count, and end of stream comes exactly
     * at the end. Otherwise (two sending threads) each sender's values, {@code 1, 2, 3} and
     * {@code 11, 12, 13}, must come in increasing order and at most once. Either way a lag counts
     * at least 1 and never jumps past the oldest value the channel can still hold at the end
     * ({@code sent - capacity}), nothing follows end of stream, and once everything is drained the
     * received and missed values add up to the number sent.
     */
    static final class Trace {
        private final int capacity;
        private final int sent;
        /** The value at each position, or null if the positions depend on the interleaving. */
        private final int[] order;
        private final int[] lastBySender = new int[4];
        private long cursor;
        private int received;
        private long missed;
        /** Values received since the last lag; -1 if it never lagged. */
        private int sinceLag = -1;
        private boolean consistent = true;
        private boolean ended;

        Trace(int capacity, int sent, int... order) {
            this.capacity = capacity;
            this.sent = sent;
            this.order = order.length == 0 ? null : order;
        }

        /** Checks one receive's code and returns it. */
        int record(int code) {
            if (ended && code != END) {
                consistent = false; // something after end of stream
            }
            if (code > 0) {
                received++;
                if (sinceLag >= 0) {
                    sinceLag++;
                }
                if (order != null) {
                    if (cursor >= order.length || order[(int) cursor] != code) {
                        consistent = false;
                    }
                } else {
                    final int s = code / 10;
                    if (s >= lastBySender.length || code <= lastBySender[s]) {
                        consistent = false;
                    } else {
                        lastBySender[s] = code;
                    }
                }
                cursor++;
            } else if (code < LAGGED) {
                final long m = LAGGED - code;
                missed += m;
                cursor += m;
                sinceLag = 0;
                if (cursor > sent - capacity) {
                    consistent = false; // jumped past the oldest value still kept at the end
                }
            } else if (code == END) {
                ended = true;
                if (order != null && cursor != order.length) {
                    consistent = false;
                }
            } else if (code != EMPTY) {
                consistent = false; // interrupted, failed...
            }
            return code;
        }

        /** Receives with tryRecv until empty or end of stream. */
        Trace drain(Broadcast.Receiver<Integer> rx) {
            for (int guard = 0; guard < 1000; guard++) { // no test sends that many
                final int code = record(tryRecv(rx));
                if (code == EMPTY || code == END) {
                    return this;
                }
            }
            throw new IllegalStateException("the receiver never ran dry");
        }

        /**
         * 1 if the history is consistent and complete: everything sent was received or counted
         * as missed, and after the last lag at least {@code capacity} values were received (the
         * values kept at the time of the lag).
         */
        int complete() {
            return consistent && received + missed == sent && (sinceLag < 0 || sinceLag >= capacity) ? 1 : 0;
        }

        int received() {
            return received;
        }

        long missed() {
            return missed;
        }

        /** received + missed, saturated into an int. */
        int accounted() {
            return (int) Math.min(Integer.MAX_VALUE, received + missed);
        }

        int consistent() {
            return consistent ? 1 : 0;
        }

        int ended() {
            return ended ? 1 : 0;
        }
    }

    /** A message whose contents are plain fields: only the channel can publish them. */
    public static final class Msg {
        int a;
        int b;
        long c;
    }

    /** The sender's side of a visibility test: plain writes, to the message and elsewhere. */
    static Msg fill(Msg m, VisibilityState s) {
        m.a = 1;
        m.b = 2;
        m.c = 3L;
        s.before = 4;
        return m;
    }

    /** The receiver's side of a visibility test: what it sees after receiving {@code m}. */
    static void observe(Msg m, VisibilityState s, IIII_Result r) {
        if (m == null) {
            r.r1 = -1;
            r.r2 = -1;
            r.r3 = -1;
            r.r4 = -1;
        } else {
            r.r1 = m.a;
            r.r2 = m.b;
            r.r3 = (int) m.c;
            r.r4 = s.before; // plain: written by the sender before it sent m
        }
    }

    static void fail(IIII_Result r, int code) {
        r.r1 = code;
        r.r2 = code;
        r.r3 = code;
        r.r4 = code;
    }

    /** What every visibility test's state has: the sender's write outside the message. */
    public abstract static class VisibilityState {
        int before;
    }

    /** Sends {@code n} messages and receives each at once: the ring is wrapped, the receiver caught up. */
    static void sendAndReceive(Broadcast.Channel<Msg> ch, int n) {
        for (int i = 0; i < n; i++) {
            final Msg m = new Msg();
            ch.sender().send(m);
            try {
                if (ch.receiver().tryRecv() != m) {
                    throw new IllegalStateException("setup: one message in, the same one out");
                }
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("setup: lagged", e);
            }
        }
    }

    // ================================================================== 1. visibility

    /** send / tryRecv on a fresh channel of capacity 1. */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the send claimed the position: empty.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the message (possibly waiting for a claimed position to be published): every plain write made before send is visible.")
    @Outcome(expect = FORBIDDEN, desc = "A received message (or the sender's earlier write) shows a default value: the seqlock's release/acquire pair does not publish, or a half-written slot was accepted.")
    @State
    public static class TryRecvVisibility extends VisibilityState {
        final Broadcast.Channel<Msg> ch = Broadcast.channel(1);

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            try {
                observe(ch.receiver().tryRecv(), this, r);
            } catch (Broadcast.LaggedException e) {
                fail(r, lagged(e.missed()));
            }
        }
    }

    /**
     * As {@link TryRecvVisibility}, but the constructor sent and received one message first: the
     * send wraps around the ring (capacity 1) and overwrites the slot the receiver read, whose
     * sequence now says "position 0" while the receiver waits for position 1.
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the send claimed position 1: the slot still holds position 0, empty.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the message from the wrapped slot; all earlier writes are visible.")
    @Outcome(id = "0, 0, 0, " + ANY, expect = FORBIDDEN, desc = "The old message (all zero) returned again for position 1: the slot's sequence was not checked.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or a lag on a receiver that was caught up: the wrapped slot is not safely republished.")
    @State
    public static class WrappedSlotVisibility extends VisibilityState {
        final Broadcast.Channel<Msg> ch = Broadcast.channel(1);

        public WrappedSlotVisibility() {
            sendAndReceive(ch, 1);
        }

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            try {
                observe(ch.receiver().tryRecv(), this, r);
            } catch (Broadcast.LaggedException e) {
                fail(r, lagged(e.missed()));
            }
        }
    }

    /** As {@link WrappedSlotVisibility} with capacity 2 and three earlier messages (position 3, slot 1). */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the send claimed position 3: slot 1 still holds position 1, empty.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the message from the wrapped slot; all earlier writes are visible.")
    @Outcome(id = "0, 0, 0, " + ANY, expect = FORBIDDEN, desc = "The message of position 1 (all zero) returned for position 3: the slot's sequence was not checked.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or a spurious lag: the wrapped slot is not safely republished.")
    @State
    public static class WrappedSlotCapacity2Visibility extends VisibilityState {
        final Broadcast.Channel<Msg> ch = Broadcast.channel(2);

        public WrappedSlotCapacity2Visibility() {
            sendAndReceive(ch, 3);
        }

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            try {
                observe(ch.receiver().tryRecv(), this, r);
            } catch (Broadcast.LaggedException e) {
                fail(r, lagged(e.missed()));
            }
        }
    }

    /**
     * Capacity 1; the constructor sent a filler that the receiver has not read. The send
     * overwrites it: the receiver gets the filler or lags by exactly 1, and then the new message,
     * whose writes are visible (the lag path reads the slot that the overwriting send publishes).
     * <p>Result: (filler 9 or lag code, then the new message's fields as in the other tests).
     */
    @JCStressTest
    @Outcome(id = "9, -1, -1, -1, -1", expect = ACCEPTABLE, desc = "The receiver read the filler before the overwrite, and tried again before the send claimed the next position: empty.")
    @Outcome(id = "9, 1, 2, 3, 4", expect = ACCEPTABLE, desc = "The filler, then the new message; every earlier write is visible.")
    @Outcome(id = "-11, 1, 2, 3, 4", expect = ACCEPTABLE, desc = "The overwrite came first: Lagged(1), then the new message (waited for if only claimed); every earlier write is visible.")
    @Outcome(id = "-11, -1, -1, -1, -1", expect = FORBIDDEN, desc = "Lagged, then empty: the lag was reported but the value that overwrote the filler is not there.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, a wrong lag count, or a torn read of the slot being overwritten.")
    @State
    public static class LaggedReceiverVisibility extends VisibilityState {
        final Broadcast.Channel<Msg> ch = Broadcast.channel(1);
        final Msg filler = new Msg();

        public LaggedReceiverVisibility() {
            ch.sender().send(filler);
        }

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIIII_Result r) {
            final Broadcast.Receiver<Msg> rx = ch.receiver();
            try {
                final Msg first = rx.tryRecv();
                r.r1 = first == filler ? 9 : first == null ? EMPTY : FAILED;
            } catch (Broadcast.LaggedException e) {
                r.r1 = lagged(e.missed());
            }
            Msg m;
            try {
                m = rx.tryRecv();
            } catch (Broadcast.LaggedException e) {
                r.r2 = lagged(e.missed());
                return;
            }
            if (m == null) {
                r.r2 = -1;
                r.r3 = -1;
                r.r4 = -1;
                r.r5 = -1;
            } else {
                r.r2 = m.a;
                r.r3 = m.b;
                r.r4 = (int) m.c;
                r.r5 = before;
            }
        }
    }

    /** Blocking recv on a wrapped slot (capacity 2, three earlier messages): it always gets the message. */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "recv returned the message (at once, after spinning, or after parking); all earlier writes are visible.")
    @Outcome(id = "-2, -2, -2, -2", expect = FORBIDDEN, desc = "recv was interrupted, but nobody interrupts the receiver.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, a lag, or end of stream on an open channel.")
    @State
    public static class RecvVisibility extends VisibilityState {
        final Broadcast.Channel<Msg> ch = Broadcast.channel(2);

        public RecvVisibility() {
            sendAndReceive(ch, 3);
        }

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            try {
                final Msg m = ch.receiver().recv();
                if (m == null) {
                    fail(r, END);
                } else {
                    observe(m, this, r);
                }
            } catch (InterruptedException e) {
                fail(r, INTERRUPTED);
            } catch (Broadcast.LaggedException e) {
                fail(r, lagged(e.missed()));
            }
        }
    }

    /**
     * recvAsync on a wrapped slot, waited on by the receiver: it completes at once, or is
     * completed by the sender's thread, which receives on the receiver's behalf.
     */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "The future delivered the message, taken at once, by the second look after registering, or by the sender's wake-up; all earlier writes are visible to the thread that waited on the future.")
    @Outcome(id = "-2, -2, -2, -2", expect = FORBIDDEN, desc = "Waiting on the future was interrupted, but nobody interrupts the receiver.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or the future failed (lag) or ended the stream on an open channel.")
    @State
    public static class RecvAsyncVisibility extends VisibilityState {
        final Broadcast.Channel<Msg> ch = Broadcast.channel(2);

        public RecvAsyncVisibility() {
            sendAndReceive(ch, 3);
        }

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            try {
                final Msg m = ch.receiver().recvAsync().get();
                if (m == null) {
                    fail(r, END);
                } else {
                    observe(m, this, r);
                }
            } catch (InterruptedException e) {
                fail(r, INTERRUPTED);
            } catch (ExecutionException e) {
                fail(r, FAILED);
            }
        }
    }

    // ================================================================== 2. lag accounting

    /**
     * Capacity 2; two sender handles each send three values concurrently and close (loom
     * {@code broadcast_send}); the arbiter receives. The ring keeps the last two positions claimed:
     * the receiver must report exactly 4 missed, then those two values, then end of stream. The
     * last two positions hold each sender's last value, or one sender's last two.
     * <p>Result: (first receive, second, third, fourth).
     */
    @JCStressTest
    @Outcome(id = "-14, 2, 3, -1", expect = ACCEPTABLE, desc = "The first sender's last two sends were claimed last: Lagged(4), 2, 3, end of stream.")
    @Outcome(id = "-14, 12, 13, -1", expect = ACCEPTABLE, desc = "The second sender's last two sends were claimed last: Lagged(4), 12, 13, end of stream.")
    @Outcome(id = "-14, 3, 13, -1", expect = ACCEPTABLE, desc = "Each sender's last value was among the last two claims, the first sender's first: Lagged(4), 3, 13, end of stream.")
    @Outcome(id = "-14, 13, 3, -1", expect = ACCEPTABLE, desc = "Each sender's last value was among the last two claims, the second sender's first: Lagged(4), 13, 3, end of stream.")
    @Outcome(id = "-1[0-35-9], .*", expect = FORBIDDEN, desc = "A lag count other than 4: lag accounting under concurrent senders is not exact (loom broadcast_send).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value that cannot be among the last two claimed (or is out of per-sender order), a torn slot, or no end of stream.")
    @State
    public static class TwoSendersLagAccounting {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void first() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().send(THREE);
            ch.sender().close();
        }

        @Actor
        public void second() {
            other.send(ELEVEN);
            other.send(TWELVE);
            other.send(THIRTEEN);
            other.close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Broadcast.Receiver<Integer> rx = ch.receiver();
            r.r1 = tryRecv(rx);
            r.r2 = tryRecv(rx);
            r.r3 = tryRecv(rx);
            r.r4 = tryRecv(rx);
        }
    }

    /**
     * Capacity 1. A second sender handle sent 11 and 12 in the constructor and closed; the receiver
     * (subscribed before them) has not read anything. One actor sends 1, 2, 3 and closes the last
     * sender; the other receives three times with tryRecv while the slot is being overwritten; the
     * arbiter drains to end of stream. Positions are known (11, 12, 1, 2, 3), so every value must
     * be the one at the receiver's cursor and every lag must move the cursor by its count.
     * <p>Result: (received + missed, history complete and consistent with the lag rule, ended, values received).
     */
    @JCStressTest
    @Outcome(id = "5, 1, 1, 1", expect = ACCEPTABLE, desc = "The receiver never read a value before it was overwritten: Lagged counts adding up to 4 (e.g. Lagged(4); or Lagged(2), Lagged(2)), then 3, then end of stream.")
    @Outcome(id = "5, 1, 1, 2", expect = ACCEPTABLE, desc = "The receiver read one value before it was overwritten (e.g. Lagged(3), 2, 3; or Lagged(2), 1, Lagged(1), 3): 3 missed.")
    @Outcome(id = "5, 1, 1, 3", expect = ACCEPTABLE, desc = "The receiver read two values as they arrived (Lagged(2), 1, 2, 3; or Lagged(1), 12, 1, Lagged(1), 3): 2 missed.")
    @Outcome(id = ANY + ", 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "A value that is not the one at the receiver's cursor (torn, stale or out of order), a lag jumping past what the channel keeps, or something after end of stream.")
    @Outcome(id = "[0-46-9], .*", expect = FORBIDDEN, desc = "Received + missed differs from the 5 values sent: a lag count is wrong.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. no end of stream after the last sender closed.")
    @State
    public static class ReceiverVsSenderLagCapacity1 {
        static final int CAPACITY = 1;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);
        final Trace trace = new Trace(CAPACITY, 5, 11, 12, 1, 2, 3);

        public ReceiverVsSenderLagCapacity1() {
            final Broadcast.Sender<Integer> other = ch.sender().duplicate();
            other.send(ELEVEN);
            other.send(TWELVE);
            other.close();
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().send(THREE);
            ch.sender().close();
        }

        @Actor
        public void receiver() {
            trace.record(tryRecv(ch.receiver()));
            trace.record(tryRecv(ch.receiver()));
            trace.record(tryRecv(ch.receiver()));
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            trace.drain(ch.receiver());
            r.r1 = trace.accounted();
            r.r2 = trace.complete();
            r.r3 = trace.ended();
            r.r4 = trace.received();
        }
    }

    /** As {@link ReceiverVsSenderLagCapacity1} with capacity 2: the constructor's two values fit. */
    @JCStressTest
    @Outcome(id = "5, 1, 1, 2", expect = ACCEPTABLE, desc = "The receiver read nothing before it fell behind: Lagged counts adding up to 3 (e.g. Lagged(3); or Lagged(1) three times), then the last two values 2, 3, then end of stream.")
    @Outcome(id = "5, 1, 1, 3", expect = ACCEPTABLE, desc = "Three values received, two missed (e.g. Lagged(2), 1, 2, 3; or 11, Lagged(2), 2, 3).")
    @Outcome(id = "5, 1, 1, 4", expect = ACCEPTABLE, desc = "Four values received, one missed (e.g. 11, 12, Lagged(1), 2, 3; or Lagged(1), 12, 1, 2, 3).")
    @Outcome(id = "5, 1, 1, 5", expect = ACCEPTABLE, desc = "The receiver kept up (11, 12, and 1 before 3 overwrote it): every value in order, no lag, then end of stream.")
    @Outcome(id = ANY + ", 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "A value that is not the one at the receiver's cursor (torn, stale or out of order), a lag jumping past what the channel keeps, or something after end of stream.")
    @Outcome(id = "[0-46-9], .*", expect = FORBIDDEN, desc = "Received + missed differs from the 5 values sent: a lag count is wrong.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a spurious lag with fewer values kept than the capacity, or no end of stream.")
    @State
    public static class ReceiverVsSenderLagCapacity2 {
        static final int CAPACITY = 2;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);
        final Trace trace = new Trace(CAPACITY, 5, 11, 12, 1, 2, 3);

        public ReceiverVsSenderLagCapacity2() {
            final Broadcast.Sender<Integer> other = ch.sender().duplicate();
            other.send(ELEVEN);
            other.send(TWELVE);
            other.close();
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().send(THREE);
            ch.sender().close();
        }

        @Actor
        public void receiver() {
            trace.record(tryRecv(ch.receiver()));
            trace.record(tryRecv(ch.receiver()));
            trace.record(tryRecv(ch.receiver()));
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            trace.drain(ch.receiver());
            r.r1 = trace.accounted();
            r.r2 = trace.complete();
            r.r3 = trace.ended();
            r.r4 = trace.received();
        }
    }

    /**
     * Capacity 2; two senders race, and the second also receives, right after each of its own
     * sends (loom {@code broadcast_send} with the receiver among the senders): 1, 2, 3 against
     * 11, receive, 12, receive, 13, receive. Positions depend on the race, so the check is per
     * sender: each one's values in order, at most once; lag counts exact (received + missed = 6);
     * and a receive right after our own completed send never reports empty (the receiver can be
     * at most at the tail before it).
     * <p>Result: (received + missed, history complete and consistent, ended, values received, spurious empties).
     */
    @JCStressTest
    @Outcome(id = "6, 1, 1, 2, 0", expect = ACCEPTABLE, desc = "The receiver fell behind every time: Lagged counts adding up to 4, and the last two values claimed, then end of stream.")
    @Outcome(id = "6, 1, 1, 3, 0", expect = ACCEPTABLE, desc = "Three values received, three missed (counted exactly), each sender's values in order.")
    @Outcome(id = "6, 1, 1, 4, 0", expect = ACCEPTABLE, desc = "Four values received, two missed.")
    @Outcome(id = "6, 1, 1, 5, 0", expect = ACCEPTABLE, desc = "Five values received, one missed (the receiver, three reads in the actor, cannot keep up with six sends in a ring of 2).")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", [1-9]", expect = FORBIDDEN, desc = "tryRecv reported empty right after our own send completed, with our value unread: a spurious empty while the other sender's claim was in flight.")
    @Outcome(id = ANY + ", 0, .*", expect = FORBIDDEN, desc = "A sender's values out of order or duplicated, a torn value, a lag jumping past what the channel keeps, or something after end of stream.")
    @Outcome(id = "[0-57-9], .*", expect = FORBIDDEN, desc = "Received + missed differs from the 6 values sent: lag counts are not exact under concurrent senders.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. no end of stream after both senders closed.")
    @State
    public static class TwoSendersWithReceivingSender {
        static final int CAPACITY = 2;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);
        final Broadcast.Sender<Integer> other = ch.sender().duplicate();
        final Trace trace = new Trace(CAPACITY, 6);
        int spuriousEmpty;

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().send(THREE);
            ch.sender().close();
        }

        private void receive() {
            if (trace.record(tryRecv(ch.receiver())) == EMPTY) {
                spuriousEmpty++;
            }
        }

        @Actor
        public void senderAndReceiver() {
            other.send(ELEVEN);
            receive();
            other.send(TWELVE);
            receive();
            other.send(THIRTEEN);
            receive();
            other.close();
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            trace.drain(ch.receiver());
            r.r1 = trace.accounted();
            r.r2 = trace.complete();
            r.r3 = trace.ended();
            r.r4 = trace.received();
            r.r5 = spuriousEmpty;
        }
    }

    /**
     * Capacity 1; two receivers, and the constructor sent 1 (position 0). One actor sends 2 and 3,
     * overwriting the one slot twice; the other reads with the two receivers in turn (rx1, rx2,
     * rx1, rx2) while it is overwritten; the arbiter drains both. Each receiver must get the value
     * of its cursor's position or a lag of exactly the gap; and since the slot's sequence only
     * grows, an overwrite that rx1 saw cannot be undone for rx2 reading after it.
     * <p>Result: (rx1 complete and consistent, rx1 values received, rx2 complete and consistent,
     * rx2 values received). Complete: received + missed = 3, every value at its position.
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "rx1's first read came after 2 overwrote 1: both receivers lagged, and each received only 3.")
    @Outcome(id = "1, 2, 1, 1", expect = ACCEPTABLE, desc = "rx1 read 1 (or 1 then lagged once), rx2 came after the overwrites and received only 3.")
    @Outcome(id = "1, 2, 1, 2", expect = ACCEPTABLE, desc = "Each receiver read one of 1 and 2 before it was overwritten, lagged by 1 for the other, and received 3.")
    @Outcome(id = "1, 2, 1, 3", expect = ACCEPTABLE, desc = "Both read 1, rx1 found nothing new, 2 was sent, rx2 read it before 3: rx1 lagged by 1, rx2 got everything.")
    @Outcome(id = "1, 3, 1, 1", expect = ACCEPTABLE, desc = "rx1 read 1 and, between the two sends, 2; rx2 read after the overwrites: lagged, received 3 only.")
    @Outcome(id = "1, 3, 1, 2", expect = ACCEPTABLE, desc = "rx1 got every value; rx2 read one of them and lagged by 1.")
    @Outcome(id = "1, 3, 1, 3", expect = ACCEPTABLE, desc = "Both receivers read 1 before the first send and 2 between the two sends: no lag at all.")
    @Outcome(id = "1, 1, 1, [23]", expect = FORBIDDEN, desc = "rx1 lagged at its first read (2 had overwritten 1), yet rx2, reading after it, still read 1: an overwrite seen and then undone (not linearizable).")
    @Outcome(id = "0, .*", expect = FORBIDDEN, desc = "rx1 got a wrong (torn or stale) value, a wrong lag count, or did not account for all 3 values.")
    @Outcome(id = ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "rx2 got a wrong (torn or stale) value, a wrong lag count, or did not account for all 3 values.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TwoReceiversVsOverwrite {
        static final int CAPACITY = 1;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);
        final Broadcast.Receiver<Integer> rx2 = ch.sender().subscribe();
        final Trace t1 = new Trace(CAPACITY, 3, 1, 2, 3);
        final Trace t2 = new Trace(CAPACITY, 3, 1, 2, 3);

        public TwoReceiversVsOverwrite() {
            ch.sender().send(ONE);
        }

        @Actor
        public void sender() {
            ch.sender().send(TWO);
            ch.sender().send(THREE);
        }

        @Actor
        public void receivers() {
            t1.record(tryRecv(ch.receiver()));
            t2.record(tryRecv(rx2));
            t1.record(tryRecv(ch.receiver()));
            t2.record(tryRecv(rx2));
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            t1.drain(ch.receiver());
            t2.drain(rx2);
            r.r1 = t1.complete();
            r.r2 = t1.received();
            r.r3 = t2.complete();
            r.r4 = t2.received();
        }
    }

    /**
     * Two senders; the second also receives, right after its own send completed. The first sender
     * may have claimed position 0 and not published it yet: tryRecv must wait for it, never report
     * empty (loom {@code try_recv}, for broadcast).
     * <p>Result: (what tryRecv got, times 1 was received in all, times 2 was).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The first sender's value was at position 0 (possibly still being written, and waited for).")
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "The receiver's own value was at position 0.")
    @Outcome(id = "0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Spurious empty after our own send completed.")
    @Outcome(expect = FORBIDDEN, desc = "A value lost or duplicated, or a lag in a ring of 2 holding 2 values.")
    @State
    public static class TryRecvNotEmptyAfterOwnSend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void senderThenReceiver(III_Result r) {
            other.send(TWO);
            r.r1 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final int second = tryRecv(ch.receiver());
            final int third = tryRecv(ch.receiver());
            r.r2 = (r.r1 == 1 ? 1 : 0) + (second == 1 ? 1 : 0) + (third == 1 ? 1 : 0);
            r.r3 = (r.r1 == 2 ? 1 : 0) + (second == 2 ? 1 : 0) + (third == 2 ? 1 : 0);
        }
    }

    // ================================================================== 3. subscribe against send

    /**
     * Capacity 2, the ring already wrapped (7, 8, 9 sent by the constructor; the first receiver
     * never reads). One actor sends 1 then 2; the other subscribes a new receiver and tries twice;
     * the arbiter tries twice more. The new receiver starts at the tail: it sees 1 and 2, or 2, or
     * nothing, each exactly once and in order, never a value sent before it subscribed (the slot
     * at its cursor holds an older position), never a lag.
     * <p>Result: (new receiver's four receives).
     */
    @JCStressTest
    @Outcome(id = "0, 0, 0, 0", expect = ACCEPTABLE, desc = "Subscribed after both sends: it starts after them and sees nothing.")
    @Outcome(id = "0, 0, 1, 2", expect = ACCEPTABLE, desc = "Subscribed before both sends, tried before the first: the arbiter gets 1, 2.")
    @Outcome(id = "0, 1, 2, 0", expect = ACCEPTABLE, desc = "Subscribed before both sends: empty, then 1 (possibly waited for while being published), then 2.")
    @Outcome(id = "1, 0, 2, 0", expect = ACCEPTABLE, desc = "Subscribed before both sends: 1, empty (before the second send), then 2.")
    @Outcome(id = "1, 2, 0, 0", expect = ACCEPTABLE, desc = "Subscribed before both sends: 1, 2, then empty.")
    @Outcome(id = "0, 0, 2, 0", expect = ACCEPTABLE, desc = "Subscribed between the sends (starts after 1), tried before the second: the arbiter gets 2.")
    @Outcome(id = "0, 2, 0, 0", expect = ACCEPTABLE, desc = "Subscribed between the sends: empty, then 2.")
    @Outcome(id = "2, 0, 0, 0", expect = ACCEPTABLE, desc = "Subscribed between the sends: 2, then empty.")
    @Outcome(id = ".*[789].*", expect = FORBIDDEN, desc = "A value sent before the receiver subscribed: the stale slot at the new cursor was taken for the new position.")
    @Outcome(id = ".*-1[0-9].*", expect = FORBIDDEN, desc = "A spurious lag: a new receiver cannot be more than the capacity behind after two sends.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value lost, duplicated, out of order, or garbage.")
    @State
    public static class SubscribeVsSend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        Broadcast.Receiver<Integer> rx;

        public SubscribeVsSend() {
            ch.sender().send(7);
            ch.sender().send(8);
            ch.sender().send(9);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }

        @Actor
        public void subscriber(IIII_Result r) {
            rx = ch.sender().subscribe();
            r.r1 = tryRecv(rx);
            r.r2 = tryRecv(rx);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = tryRecv(rx);
            r.r4 = tryRecv(rx);
        }
    }

    /**
     * One receiver; a second one subscribes while a value is sent. A send that counted the new
     * receiver must reach it (2 implies it gets the value). Unlike Tokio, which reads the receiver
     * count and the tail under one lock, a concurrent subscriber may get the value uncounted (1
     * with the value): send counts the receivers when it begins, and subscribe reads its start
     * before counting itself, so that no counted receiver starts past the value.
     * <p>Result: (send's count, the new receiver's tryRecv, times the new receiver got the value in all).
     */
    @JCStressTest
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "Subscribed before the send: counted, and its tryRecv got the value.")
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "Subscribed before the send, tried before it: counted, and the arbiter's drain gets the value.")
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Subscribed after the send: not counted, starts after the value.")
    @Outcome(id = "2, 0, 0", expect = FORBIDDEN, desc = "send counted the new receiver, but the receiver starts after the value: the count and the position of a subscribe are not taken atomically.")
    @Outcome(id = "1, " + ANY + ", 1", expect = ACCEPTABLE, desc = "Concurrent: the subscribe read its start position before the send claimed the value's, but counted itself after the send read the count. Documented: send returns the receivers counted when it began, and a receiver subscribing concurrently may receive the value uncounted (the subscribe reads the tail before counting itself, so that a counted receiver can always receive the value).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the value duplicated or garbage, or a count nobody could have seen.")
    @State
    public static class SendCountVsSubscribe {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        Broadcast.Receiver<Integer> rx;

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void subscriber(III_Result r) {
            rx = ch.sender().subscribe();
            r.r2 = tryRecv(rx);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final int rest = tryRecv(rx);
            r.r3 = (r.r2 == 1 ? 1 : 0) + (rest == 1 ? 1 : 0);
        }
    }

    /**
     * A channel with no receiver ({@link Broadcast#sender(int)}): a receiver subscribes (reopening
     * it) while a value is sent. The send fails and hands the value back (not stored), or it
     * succeeds with one receiver, which is the one subscribing: then that receiver gets it.
     * <p>Result: (send, the receiver's tryRecv, times the receiver got the value in all).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "Subscribed before the send: the send counted the receiver, whose tryRecv got the value.")
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "Subscribed before the send, tried before it: the arbiter's drain gets the value.")
    @Outcome(id = "-4, 0, 0", expect = ACCEPTABLE, desc = "The send came first: no receiver, ChannelClosedException handed the value back, and the new receiver starts after nothing.")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "Lost: send returned normally, counting one receiver (the only one there is), but that receiver starts after the value: nobody can ever receive it.")
    @Outcome(id = "-4, " + ANY + ", 1", expect = FORBIDDEN, desc = "Duplicated: the value was handed back and yet received.")
    @Outcome(id = "-7, .*", expect = FORBIDDEN, desc = "ChannelClosedException without the value.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsSubscribeNoReceiver {
        final Broadcast.Sender<Integer> tx = Broadcast.sender(2);
        Broadcast.Receiver<Integer> rx;

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(tx, ONE);
        }

        @Actor
        public void subscriber(III_Result r) {
            rx = tx.subscribe();
            r.r2 = tryRecv(rx);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final int rest = tryRecv(rx);
            r.r3 = (r.r2 == 1 ? 1 : 0) + (rest == 1 ? 1 : 0);
        }
    }

    // ================================================================== 4. the last sender's close against receives

    /**
     * Capacity 2. One actor sends 1, 2 and closes the only sender; the other tries three times;
     * the arbiter drains. End of stream comes only after both values, and is final.
     * <p>Result: (three tryRecvs, the whole history complete: both values, then end of stream).
     */
    @JCStressTest
    @Outcome(id = "0, 0, 0, 1", expect = ACCEPTABLE, desc = "All three tries before the first send: empty; the drain gets 1, 2, end of stream.")
    @Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "Empty, empty, 1.")
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "Empty, 1, empty (before the second send).")
    @Outcome(id = "0, 1, 2, 1", expect = ACCEPTABLE, desc = "Empty, 1, 2 (the close not seen yet or not yet needed).")
    @Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE, desc = "1, then empty twice before the second send.")
    @Outcome(id = "1, 0, 2, 1", expect = ACCEPTABLE, desc = "1, empty, 2.")
    @Outcome(id = "1, 2, 0, 1", expect = ACCEPTABLE, desc = "1, 2, then empty: the close had not happened yet.")
    @Outcome(id = "1, 2, -1, 1", expect = ACCEPTABLE, desc = "1, 2, then end of stream after the close.")
    @Outcome(id = ".*-1, 0, .*|^-1, .*", expect = FORBIDDEN, desc = "End of stream before a value sent before the close.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "The history is not complete: a value lost or duplicated, out of order, something after end of stream, or no end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a lag in a ring of 2 holding 2 values.")
    @State
    public static class LastSenderCloseVsTryRecv {
        static final int CAPACITY = 2;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);
        final Trace trace = new Trace(CAPACITY, 2, 1, 2);

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().close();
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r1 = trace.record(tryRecv(ch.receiver()));
            r.r2 = trace.record(tryRecv(ch.receiver()));
            r.r3 = trace.record(tryRecv(ch.receiver()));
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            trace.drain(ch.receiver());
            r.r4 = trace.complete() & trace.ended();
        }
    }

    /**
     * As {@link LastSenderCloseVsTryRecv} with capacity 1: the second send overwrites the first,
     * so a receiver that did not read 1 in time lags by 1; a lagging receiver on a closed channel
     * gets the lag, then the kept value, then end of stream (never the end before the kept value).
     */
    @JCStressTest
    @Outcome(id = "0, 0, 0, 1", expect = ACCEPTABLE, desc = "All three tries before the first send; the drain gets Lagged(1), 2, end of stream.")
    @Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "Empty, empty, 1 (before the overwrite).")
    @Outcome(id = "0, 0, -11, 1", expect = ACCEPTABLE, desc = "Empty twice, then 2 had overwritten 1: Lagged(1).")
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "Empty, 1, empty (before the second send).")
    @Outcome(id = "0, 1, 2, 1", expect = ACCEPTABLE, desc = "Empty, 1, 2.")
    @Outcome(id = "0, -11, 2, 1", expect = ACCEPTABLE, desc = "Empty, then Lagged(1) after the overwrite, then the kept value 2.")
    @Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE, desc = "1, then empty twice.")
    @Outcome(id = "1, 0, 2, 1", expect = ACCEPTABLE, desc = "1, empty, 2.")
    @Outcome(id = "1, 2, 0, 1", expect = ACCEPTABLE, desc = "1, 2, then empty before the close.")
    @Outcome(id = "1, 2, -1, 1", expect = ACCEPTABLE, desc = "1, 2, end of stream.")
    @Outcome(id = "-11, 2, 0, 1", expect = ACCEPTABLE, desc = "Lagged(1) (both sends done), 2, then empty before the close.")
    @Outcome(id = "-11, 2, -1, 1", expect = ACCEPTABLE, desc = "Lagged(1), 2, end of stream: the lag, then the kept value, then the end.")
    @Outcome(id = ".*-11, -1.*", expect = FORBIDDEN, desc = "End of stream right after a lag, before the kept value.")
    @Outcome(id = ".*-1, 0, .*|^-1, .*", expect = FORBIDDEN, desc = "End of stream before a value sent before the close, or empty after end of stream.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "The history is not complete: wrong lag count, a value out of order, or no end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class LastSenderCloseVsLaggingTryRecv {
        static final int CAPACITY = 1;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);
        final Trace trace = new Trace(CAPACITY, 2, 1, 2);

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().close();
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r1 = trace.record(tryRecv(ch.receiver()));
            r.r2 = trace.record(tryRecv(ch.receiver()));
            r.r3 = trace.record(tryRecv(ch.receiver()));
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            trace.drain(ch.receiver());
            r.r4 = trace.complete() & trace.ended();
        }
    }

    /**
     * Capacity 1, blocking recv: one actor sends 1, 2 and closes; the other receives three times.
     * It gets 1 or lags by 1, then 2, then end of stream.
     */
    @JCStressTest
    @Outcome(id = "1, 2, -1", expect = ACCEPTABLE, desc = "recv returned 1 before the overwrite, then 2, then end of stream (each possibly after parking).")
    @Outcome(id = "-11, 2, -1", expect = ACCEPTABLE, desc = "The overwrite came first: Lagged(1), then the kept value 2, then end of stream.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "recv threw InterruptedException, but nobody interrupts the receiver.")
    @Outcome(id = "-1, .*|" + ANY + ", -1, .*", expect = FORBIDDEN, desc = "End of stream before the values sent before the close.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a wrong lag count, a value lost or out of order.")
    @State
    public static class LastSenderCloseVsRecv {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().close();
        }

        @Actor
        public void receiver(III_Result r) {
            r.r1 = recv(ch.receiver());
            r.r2 = recv(ch.receiver());
            r.r3 = recv(ch.receiver());
        }
    }

    /**
     * Two sender handles each send one value and close concurrently: the channel ends exactly
     * once, after both values.
     * <p>Result: (times 1 was received, times 2 was, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "Both values, then end of stream.")
    @Outcome(id = ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "No end of stream although every sender handle is closed.")
    @Outcome(expect = FORBIDDEN, desc = "A value lost or duplicated (ended before the other sender's value).")
    @State
    public static class TwoSendersCloseConcurrently {
        static final int CAPACITY = 2;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);
        final Broadcast.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void first() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void second() {
            other.send(TWO);
            other.close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            int ones = 0;
            int twos = 0;
            int last = EMPTY;
            for (int i = 0; i < 4; i++) {
                last = tryRecv(ch.receiver());
                if (last == 1) {
                    ones++;
                } else if (last == 2) {
                    twos++;
                } else {
                    break;
                }
            }
            r.r1 = ones;
            r.r2 = twos;
            r.r3 = last == END ? 1 : 0;
        }
    }

    /**
     * A weak sender upgrades while the only strong sender closes: the upgrade succeeds only while a
     * strong sender exists, and the channel ends exactly once, after the upgraded sender's value.
     * <p>Result: (upgrade succeeded, times its value was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The upgrade came first: the new sender's value arrives, and its close ends the stream.")
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "The last strong sender closed first: upgrade returns null, end of stream.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the upgraded sender's value never arrives (the channel ended under it).")
    @Outcome(id = ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "No end of stream although every sender handle is closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WeakUpgradeVsLastSenderClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.WeakSender<Integer> weak = ch.sender().downgrade();

        @Actor
        public void upgrader(III_Result r) {
            final Broadcast.Sender<Integer> tx = weak.upgrade();
            if (tx == null) {
                r.r1 = 0;
            } else {
                r.r1 = 1;
                tx.send(ONE);
                tx.close();
            }
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final int first = tryRecv(ch.receiver());
            final int second = first == 1 ? tryRecv(ch.receiver()) : first;
            r.r2 = first == 1 ? 1 : 0;
            r.r3 = second == END ? 1 : 0;
        }
    }

    // ================================================================== 5. send against the receivers' close

    /**
     * The only receiver closes while a value is sent: send returns 1 (the receiver was there) or
     * throws ChannelClosedException handing the value back. Afterwards the channel has no
     * receiver: closed() is complete and a send hands its value back.
     * <p>Result: (send, closed() complete, a later send).
     */
    @JCStressTest
    @Outcome(id = "1, 1, -4", expect = ACCEPTABLE, desc = "The send came first: it counted the receiver; then the close.")
    @Outcome(id = "-4, 1, -4", expect = ACCEPTABLE, desc = "The close came first: no receiver, the value was handed back.")
    @Outcome(id = "-7, .*", expect = FORBIDDEN, desc = "ChannelClosedException without the value: it would be lost.")
    @Outcome(id = "0, .*", expect = FORBIDDEN, desc = "send returned a count of 0 instead of failing.")
    @Outcome(id = ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "closed() not complete after the last receiver closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a later send succeeding with no receiver.")
    @State
    public static class SendVsLastReceiverClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = ch.sender().closed().toCompletableFuture().isDone() ? 1 : 0;
            r.r3 = send(ch.sender(), TWO);
        }
    }

    /**
     * Two receivers; the second closes while a value is sent: send returns 2 or 1, never fails,
     * and the first receiver gets the value.
     * <p>Result: (send, what the first receiver gets, receiver count afterwards).
     */
    @JCStressTest
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "The send came first: it counted both receivers.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The close came first: it counted the remaining receiver.")
    @Outcome(id = "-4, .*", expect = FORBIDDEN, desc = "send failed although a receiver remains.")
    @Outcome(id = ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the remaining receiver does not get the value.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsOneOfTwoReceiversClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx2 = ch.sender().subscribe();

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void closer() {
            rx2.close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
            r.r3 = ch.sender().receiverCount();
        }
    }

    /**
     * A sender asks for the closed() stage while the last receiver closes (the Dekker handshake
     * between creating the shared future and the count reaching zero).
     * <p>Result: (stage complete when the arbiter looks, sender's isClosed).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The stage completed: already complete when asked for, or completed by the close.")
    @Outcome(id = "0, " + ANY, expect = FORBIDDEN, desc = "Lost notification: the last receiver closed, but the closed() stage never completes.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ClosedStageVsLastReceiverClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        CompletionStage<Void> closed;

        @Actor
        public void sender() {
            closed = ch.sender().closed();
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = closed.toCompletableFuture().isDone() ? 1 : 0;
            r.r2 = ch.sender().isClosed() ? 1 : 0;
        }
    }

    // ================================================================== 6. recvAsync against send and cancel

    /**
     * An async receive is registered while a value is sent (the Dekker handshake between the
     * waiter's push and second look, and the sender's claim and read of the wait list). The
     * arbiter looks at the future without waiting.
     * <p>Result: (future complete when recvAsync returned, future when the arbiter looks).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The value was there: recvAsync completed at once.")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "recvAsync registered first: completed by the send's wake-up (on the sending thread) or by its own second look.")
    @Outcome(id = ANY + ", -3", expect = FORBIDDEN, desc = "Lost wake-up: the value was sent, but the future is still pending.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a wrong value, a lag, end of stream or a failure.")
    @State
    public static class RecvAsyncVsSend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);
        CompletableFuture<Integer> f;

        @Actor
        public void receiver(II_Result r) {
            f = ch.receiver().recvAsync();
            r.r1 = f.isDone() ? 1 : 0;
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = recvFuture(f);
        }
    }

    /**
     * A pending recvAsync (registered by the constructor on an empty channel) is cancelled while a
     * value is sent. Exactly one wins. Cancel true means nothing was taken and the receiver is
     * free again: the canceller receives with tryRecv at once (racing the send), and the value is
     * received exactly once, by that tryRecv or the arbiter's. Cancel false means the send's
     * wake-up claimed the receive: the canceller waits for the future (whose completion hands the
     * receiver back), which has the value, and nothing is left for tryRecv.
     * <p>Result: (cancel returned true, the canceller's tryRecv after the cancel or after the
     * future completed, the future, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, 0, -5, 1", expect = ACCEPTABLE, desc = "The cancel won and the canceller's tryRecv ran before the send: empty; the value is still there for the arbiter.")
    @Outcome(id = "1, 1, -5, 0", expect = ACCEPTABLE, desc = "The cancel won, then the send: the canceller's tryRecv got the value (the cancelled receive took nothing).")
    @Outcome(id = "0, 0, 1, 0", expect = ACCEPTABLE, desc = "The send's wake-up won: it claimed the waiter and received on its behalf; cancel returned false; the future has the value, nothing is left.")
    @Outcome(id = "1, 0, " + ANY + ", 0", expect = FORBIDDEN, desc = "Lost: cancelled, and yet the value was taken from the receiver.")
    @Outcome(id = "1, 1, " + ANY + ", 1|0, 1, .*|0, " + ANY + ", 1, 1", expect = FORBIDDEN, desc = "Duplicated: the value received twice (by the future and a tryRecv, or by two tryRecvs).")
    @Outcome(id = "0, -3, .*", expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RecvAsyncCancelVsSend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final CompletableFuture<Integer> pending;

        public RecvAsyncCancelVsSend() {
            pending = ch.receiver().recvAsync();
            if (pending.isDone()) {
                throw new IllegalStateException("setup: the receive must wait");
            }
        }

        @Actor
        public void canceller(IIII_Result r) {
            if (pending.cancel(false)) {
                r.r1 = 1;
                r.r2 = tryRecv(ch.receiver()); // the receiver is ours again at once
            } else {
                r.r1 = 0;
                try {
                    pending.get(10, TimeUnit.SECONDS); // its completion hands the receiver back
                    r.r2 = tryRecv(ch.receiver());
                } catch (TimeoutException e) {
                    r.r2 = PENDING;
                } catch (InterruptedException | ExecutionException | CancellationException e) {
                    r.r2 = FAILED;
                }
            }
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = recvFuture(pending);
            r.r4 = tryRecv(ch.receiver());
        }
    }
}
