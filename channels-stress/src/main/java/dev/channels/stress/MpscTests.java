package dev.channels.stress;

import dev.channels.ChannelClosedException;
import dev.channels.Mpsc;
import dev.channels.TrySendResult;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import static dev.channels.stress.RaceSupport.closedCode;
import static dev.channels.stress.RaceSupport.code;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the mpsc channels ({@link Mpsc}), in Continuous mode: two actors race, an
 * arbiter (which runs after both) drains what is left, and every outcome is listed with the
 * interleaving that produces it. The blocking operations' wake-ups are in
 * {@link MpscTerminationTests}.
 *
 * <p>The races are those of Tokio's loom tests for mpsc ({@code loom_mpsc.rs}) and those our own
 * design adds (FIFO hand-off of freed capacity, cancellation of async operations):
 * <ul>
 *   <li>visibility: plain writes made before a send are seen after the receive, for every form of
 *       send (try, blocking, permit, async hand-off) and receive, bounded and unbounded, including a
 *       reused ring slot and a freshly linked unbounded chunk;</li>
 *   <li>send against the receiver's close: the value is received xor handed back;</li>
 *   <li>a pending send against the receive that frees its slot, with a cancel or a close in the
 *       race: exactly-once, FIFO, no stranded waiter, no leaked capacity;</li>
 *   <li>the last sender (or the last permit) going away against receives: end of stream only after
 *       every message sent before it, and never followed by "empty" again;</li>
 *   <li>{@code len()} and {@code tryRecv()} after a completed send: never zero or a spurious empty.</li>
 * </ul>
 *
 * <p>Every scenario has two actors: jcstress cannot schedule three actors on a two-CPU machine and
 * silently skips such tests. A third party of a race is therefore either set up by the state's
 * constructor (a full channel, a pending async send, an outstanding permit) or sequenced inside
 * one actor (receive, then close).
 *
 * <h2>Result codes</h2>
 * Messages are small positive {@code Integer}s and a received message is recorded as itself.
 * The other codes are the constants below ({@link #EMPTY}, {@link #END}, {@link #SENT}...).
 */
public final class MpscTests {
    private MpscTests() {
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
    /** A future that was cancelled. */
    static final int CANCELLED = -5;
    /** A future or call that failed in a way no test expects. */
    static final int FAILED = -6;

    /** Send result: the channel was full (try forms only). */
    static final int FULL = 0;
    /** Send result: the value is in the channel. */
    static final int SENT = 1;
    /** Send result: the receiver was closed and the value was handed back to the sender. */
    static final int HANDED_BACK = 2;
    /** Send result: closed, but the exception did not carry the value (it would be lost). */
    static final int CLOSED_WITHOUT_VALUE = 3;

    /** The messages the tests send. */
    static final Integer ONE = 1;
    static final Integer TWO = 2;
    /** A message put in the channel by a test's constructor (to fill it). */
    static final Integer FILLER = 9;

    // ------------------------------------------------------------------ helpers

    /** tryRecv as a code: the message, {@link #EMPTY} or {@link #END}. */
    static int tryRecv(Mpsc.Receiver<Integer> rx) {
        try {
            final Integer m = rx.tryRecv();
            return m == null ? EMPTY : m;
        } catch (ChannelClosedException e) {
            return END;
        }
    }

    /** Blocking recv as a code: the message, {@link #END} or {@link #INTERRUPTED}. */
    static int recv(Mpsc.Receiver<Integer> rx) {
        try {
            final Integer m = rx.recv();
            return m == null ? END : m;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** Blocking send as a code: {@link #SENT}, {@link #HANDED_BACK}, ... */
    static int send(Mpsc.Sender<Integer> tx, Integer v) {
        try {
            tx.send(v);
            return SENT;
        } catch (ChannelClosedException e) {
            return closedCode(e, v);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** Unbounded send as a code. */
    static int send(Mpsc.UnboundedSender<Integer> tx, Integer v) {
        try {
            tx.send(v);
            return SENT;
        } catch (ChannelClosedException e) {
            return closedCode(e, v);
        }
    }

    /** The state of a send's future, without waiting. */
    static int sendFuture(CompletionStage<Void> stage, Integer v) {
        final CompletableFuture<Void> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            return PENDING;
        }
        if (f.isCancelled()) {
            return CANCELLED;
        }
        try {
            f.get();
            return SENT;
        } catch (ExecutionException e) {
            return e.getCause() instanceof ChannelClosedException
                    ? closedCode((ChannelClosedException) e.getCause(), v) : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    /** The state of a receive's future, without waiting: the message, END, PENDING... */
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
        } catch (ExecutionException | InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    /** What the arbiter finds when it receives everything left with tryRecv. */
    static final class Drain {
        private final int[] counts = new int[16];
        private boolean ended;

        static Drain of(Mpsc.Receiver<Integer> rx) {
            final Drain d = new Drain();
            for (int guard = 0; guard < 1000; guard++) { // no test buffers that many
                final int m = tryRecv(rx);
                if (m == END) {
                    d.ended = true;
                    return d;
                }
                if (m == EMPTY) {
                    return d;
                }
                d.counts[m < d.counts.length ? m : 0]++;
            }
            throw new IllegalStateException("the channel never ran dry");
        }

        /** How many times message {@code m} was received. */
        int count(int m) {
            return counts[m];
        }

        /** 1 if the drain ended at end of stream, 0 if at an open, empty channel. */
        int end() {
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

    /** What every visibility test's state has: the sender's write outside the message. */
    public abstract static class VisibilityState {
        int before;
    }

    // ================================================================== 1. visibility

    /** trySend / tryRecv on a fresh bounded channel of capacity 1. */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the trySend claimed the slot: empty.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the message: every plain write made before trySend is visible.")
    @Outcome(expect = FORBIDDEN, desc = "A received message (or the sender's earlier write) still shows a default value: the slot's release/acquire pair does not publish.")
    @State
    public static class BoundedTrySendVisibility extends VisibilityState {
        final Mpsc.Channel<Msg> ch = Mpsc.bounded(1);

        @Actor
        public void sender() {
            if (ch.sender().trySend(fill(new Msg(), this)) != TrySendResult.SENT) {
                throw new IllegalStateException("a fresh channel of capacity 1 must take one message");
            }
        }

        @Actor
        public void receiver(IIII_Result r) {
            observe(ch.receiver().tryRecv(), this, r);
        }
    }

    /**
     * As {@link BoundedTrySendVisibility}, but the constructor sent and received one message first:
     * the sender's cached consumer index is stale (it must reread it), and the message goes into
     * the ring slot the consumer has just nulled.
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the trySend claimed the reused slot: empty.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the message from the reused slot; all earlier writes are visible.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt: a missing happens-before through the reused slot or the refreshed consumer index.")
    @State
    public static class BoundedReusedSlotVisibility extends VisibilityState {
        final Mpsc.Channel<Msg> ch = Mpsc.bounded(1);

        public BoundedReusedSlotVisibility() {
            if (ch.sender().trySend(new Msg()) != TrySendResult.SENT || ch.receiver().tryRecv() == null) {
                throw new IllegalStateException("setup: one message through an empty channel");
            }
        }

        @Actor
        public void sender() {
            if (ch.sender().trySend(fill(new Msg(), this)) != TrySendResult.SENT) {
                throw new IllegalStateException("the slot was freed by the constructor's receive");
            }
        }

        @Actor
        public void receiver(IIII_Result r) {
            observe(ch.receiver().tryRecv(), this, r);
        }
    }

    /**
     * Blocking send (room available, so it does not wait) against a blocking recv that may park.
     * <p>Result: (a, b, c, the sender's earlier write, the send's result).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4, 1", expect = ACCEPTABLE, desc = "recv returned the message (at once, after spinning, or after parking and being woken by the send); all earlier writes are visible.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "send or recv threw InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or recv returned end of stream on an open channel.")
    @State
    public static class BoundedBlockingVisibility extends VisibilityState {
        final Mpsc.Channel<Msg> ch = Mpsc.bounded(1);

        @Actor
        public void sender(IIIII_Result r) {
            try {
                ch.sender().send(fill(new Msg(), this));
                r.r5 = SENT;
            } catch (InterruptedException e) {
                r.r5 = INTERRUPTED;
            }
        }

        @Actor
        public void receiver(IIIII_Result r) {
            try {
                final Msg m = ch.receiver().recv();
                if (m == null) {
                    r.r1 = -9; // end of stream on an open channel
                } else {
                    r.r1 = m.a;
                    r.r2 = m.b;
                    r.r3 = (int) m.c;
                    r.r4 = before; // plain: written by the sender before it sent m
                }
            } catch (InterruptedException e) {
                r.r1 = INTERRUPTED;
            }
        }
    }

    /** A send through a permit reserved by the constructor: the permit path's single CAS and release store. */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the permit's send claimed the slot: empty (the reservation alone is not a message).")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the permit's message; all earlier writes are visible.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt: the permit send does not publish.")
    @State
    public static class PermitSendVisibility extends VisibilityState {
        final Mpsc.Channel<Msg> ch = Mpsc.bounded(1);
        final Mpsc.Permit<Msg> permit = ch.sender().tryReserve();

        @Actor
        public void sender() {
            permit.send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            observe(ch.receiver().tryRecv(), this, r);
        }
    }

    /**
     * A send that had to wait: the channel (capacity 1) holds a filler, the sender writes its
     * message and calls sendAsync; the receiver takes the filler, which frees the slot, and then
     * tries once more. If the async send queued, the receiver's own thread enqueued its value in
     * the hand-off; if it came after the slot was freed, it sent directly.
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "The second tryRecv ran before the value was in the channel (sendAsync not called yet, or queued after the receive's hand-off found nobody).")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "The second tryRecv took the value, handed off by the receive or sent directly; all earlier writes are visible.")
    @Outcome(id = "-7, -7, -7, -7", expect = FORBIDDEN, desc = "The first tryRecv did not return the filler: FIFO order broken.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt: the queued value was not published by the hand-off.")
    @State
    public static class AsyncSendHandOffVisibility extends VisibilityState {
        final Mpsc.Channel<Msg> ch = Mpsc.bounded(1);
        final Msg filler = new Msg();

        public AsyncSendHandOffVisibility() {
            if (ch.sender().trySend(filler) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
        }

        @Actor
        public void sender() {
            ch.sender().sendAsync(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            if (ch.receiver().tryRecv() != filler) {
                r.r1 = -7;
                r.r2 = -7;
                r.r3 = -7;
                r.r4 = -7;
                return;
            }
            observe(ch.receiver().tryRecv(), this, r);
        }
    }

    /** Unbounded send / tryRecv. */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the send claimed its index: empty.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the message; all earlier writes are visible.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt: the unbounded slot store does not publish.")
    @State
    public static class UnboundedVisibility extends VisibilityState {
        final Mpsc.UnboundedChannel<Msg> ch = Mpsc.unbounded();

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            observe(ch.receiver().tryRecv(), this, r);
        }
    }

    /**
     * Unbounded, at a chunk boundary: the constructor sent and received a whole chunk (512
     * messages, {@code UnboundedMpscCore.CHUNK}), so the sender must allocate and link a new
     * chunk, and the receiver must follow the link (or wait for it, if the index is claimed but the
     * chunk not linked yet).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the send claimed the first index of the new chunk: empty.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv followed the link to the new chunk and took the message; all earlier writes are visible.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt: the new chunk (or its slot) is not safely published.")
    @State
    public static class UnboundedNewChunkVisibility extends VisibilityState {
        static final int CHUNK = 512;
        final Mpsc.UnboundedChannel<Msg> ch = Mpsc.unbounded();

        public UnboundedNewChunkVisibility() {
            final Msg m = new Msg();
            for (int i = 0; i < CHUNK; i++) {
                ch.sender().send(m);
                if (ch.receiver().tryRecv() != m) {
                    throw new IllegalStateException("setup: one message in, one out");
                }
            }
        }

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            observe(ch.receiver().tryRecv(), this, r);
        }
    }

    /**
     * recvAsync, waited on by the receiver: it completes at once (the message was there), or it is
     * completed later by the sender's thread, which receives on the receiver's behalf.
     */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "The future delivered the message, taken at once or by the sender's wake-up; all earlier writes are visible to the thread that waited on the future.")
    @Outcome(id = "-2, -2, -2, -2", expect = FORBIDDEN, desc = "Waiting on the future was interrupted, but nobody interrupts the receiver.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or the future failed or ended the stream on an open channel.")
    @State
    public static class RecvAsyncVisibility extends VisibilityState {
        final Mpsc.UnboundedChannel<Msg> ch = Mpsc.unbounded();

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            try {
                final Msg m = ch.receiver().recvAsync().toCompletableFuture().get();
                if (m == null) {
                    r.r1 = -9;
                } else {
                    observe(m, this, r);
                }
            } catch (InterruptedException e) {
                r.r1 = INTERRUPTED;
                r.r2 = INTERRUPTED;
                r.r3 = INTERRUPTED;
                r.r4 = INTERRUPTED;
            } catch (ExecutionException e) {
                r.r1 = FAILED;
            }
        }
    }

    // ================================================================== 2. send against the receiver's close

    /**
     * A blocking send into a bounded channel with room, against the receiver's half-close. The
     * arbiter drains: the value is received xor handed back in the ChannelClosedException, and the
     * drain ends at end of stream (closed, nothing outstanding).
     * <p>Result: (send, times the value was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The send won: its message stays receivable after the half-close, then end of stream.")
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "The close won: send threw ChannelClosedException carrying the value; nothing in the channel.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: send returned normally but the message was never received.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: the value was both handed back and received.")
    @Outcome(id = "3, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "ChannelClosedException without the value.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. no end of stream after close and drain, or an interrupt nobody sent.")
    @State
    public static class SendVsReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

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
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1);
            r.r3 = d.end();
        }
    }

    /** As {@link SendVsReceiverClose} with trySend: CLOSED means the caller kept its value. */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "trySend won (SENT): the message survives the half-close, then end of stream.")
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "The close won: trySend returned CLOSED; the caller keeps the value, nothing in the channel.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: SENT but never received.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: CLOSED (value kept by the caller) and yet received.")
    @Outcome(id = "0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "FULL on an empty channel of capacity 1.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. no end of stream after close and drain.")
    @State
    public static class TrySendVsReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void sender(III_Result r) {
            r.r1 = code(ch.sender().trySend(ONE));
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1);
            r.r3 = d.end();
        }
    }

    /** As {@link SendVsReceiverClose} on an unbounded channel. */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The send won: the message survives the half-close, then end of stream.")
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "The close won: send threw ChannelClosedException carrying the value.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: sent but never received.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: handed back and received.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. an exception without the value, or no end of stream.")
    @State
    public static class UnboundedSendVsReceiverClose {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

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
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1);
            r.r3 = d.end();
        }
    }

    /**
     * tryReserve and a send through the permit, against the receiver's half-close: a permit
     * obtained before the close can still send, and its message is delivered.
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The reservation won: the permit's send succeeds (before or after the close) and the message is delivered, then end of stream.")
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "The close won: tryReserve threw ChannelClosedException; nothing in the channel.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the permit sent but the message was never received.")
    @Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "No end of stream after the permit was used and the channel drained.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. FULL on an empty channel.")
    @State
    public static class PermitVsReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void sender(III_Result r) {
            try {
                final Mpsc.Permit<Integer> p = ch.sender().tryReserve();
                if (p == null) {
                    r.r1 = FULL;
                } else {
                    p.send(ONE);
                    r.r1 = SENT;
                }
            } catch (ChannelClosedException e) {
                r.r1 = HANDED_BACK;
            }
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1);
            r.r3 = d.end();
        }
    }

    // ================================================================== 3. pending send against receive, cancel and close

    /**
     * Capacity 1, full (a filler); a sendAsync is pending. One actor cancels its future, the other
     * receives the filler, which frees the slot and hands it to the pending send. Exactly one of
     * them wins. The arbiter records the future, drains, and then checks that the channel took a
     * new message (no capacity leaked, no sender flag left set).
     * <p>Result: (cancel returned true, first receive, future, times the value was received, probe trySend).
     */
    @JCStressTest
    @Outcome(id = "1, 9, -5, 0, 1", expect = ACCEPTABLE, desc = "The cancel won: the future is cancelled, the value never arrives, and the freed slot went back to the channel.")
    @Outcome(id = "0, 9, 1, 1, 1", expect = ACCEPTABLE, desc = "The receive's hand-off won: cancel returns false, the future completed normally, the value arrives.")
    @Outcome(id = "1, 9, " + ANY + ", 1, " + ANY, expect = FORBIDDEN, desc = "Both: cancel returned true, yet the value was sent.")
    @Outcome(id = "0, 9, " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Neither: cancel returned false, yet the value never arrived.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the filler not received first, or the future still pending.")
    @State
    public static class SendAsyncCancelVsRecv {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Void> pending;

        public SendAsyncCancelVsRecv() {
            if (ch.sender().trySend(FILLER) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
            pending = ch.sender().sendAsync(ONE);
            if (pending.toCompletableFuture().isDone()) {
                throw new IllegalStateException("setup: the send must wait");
            }
        }

        @Actor
        public void canceller(IIIII_Result r) {
            r.r1 = pending.toCompletableFuture().cancel(false) ? 1 : 0;
        }

        @Actor
        public void receiver(IIIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = sendFuture(pending, ONE);
            r.r4 = Drain.of(ch.receiver()).count(1);
            r.r5 = ch.sender().trySend(TWO) == TrySendResult.SENT ? 1 : 0;
        }
    }

    /**
     * Capacity 1, full; two sendAsyncs are pending, the first is cancelled while the receive frees
     * the slot. A freed slot promised to the cancelled send must pass on to the next waiter.
     * <p>Result: (cancel of the first returned true, first receive, second future before the
     * drain, times the first value was received, times the second value was received).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 0, 1", expect = ACCEPTABLE, desc = "The cancel won: the slot freed by the receive (before or after the cancel) passed on to the second send, which completed; the first value never arrives.")
    @Outcome(id = "0, 9, -3, 1, 1", expect = ACCEPTABLE, desc = "The hand-off won: the first send got the slot (cancel false); the second still waits for a slot, which the arbiter's drain frees.")
    @Outcome(id = "1, 9, -3, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Stranded: the first send was withdrawn, a slot is free, yet the second send still waits.")
    @Outcome(id = "1, 9, " + ANY + ", 1, " + ANY, expect = FORBIDDEN, desc = "Both: the first send was cancelled and yet delivered.")
    @Outcome(id = "0, 9, " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Neither: cancel returned false and yet the first value never arrived.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the second value lost or sent before the first.")
    @State
    public static class SendAsyncCancelPassesSlotOn {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Void> first;
        final CompletionStage<Void> second;

        public SendAsyncCancelPassesSlotOn() {
            if (ch.sender().trySend(FILLER) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
            first = ch.sender().sendAsync(ONE);
            second = ch.sender().sendAsync(TWO);
            if (first.toCompletableFuture().isDone() || second.toCompletableFuture().isDone()) {
                throw new IllegalStateException("setup: both sends must wait");
            }
        }

        @Actor
        public void canceller(IIIII_Result r) {
            r.r1 = first.toCompletableFuture().cancel(false) ? 1 : 0;
        }

        @Actor
        public void receiver(IIIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = sendFuture(second, TWO);
            final Drain d = Drain.of(ch.receiver());
            r.r4 = d.count(1);
            r.r5 = d.count(2);
        }
    }

    /**
     * Capacity 1, full; a sendAsync is pending. The receiver takes the filler while a trySend
     * arrives: the freed slot is promised to the waiting send (FIFO), so the trySend must never
     * take it.
     * <p>Result: (receive, trySend, pending future, times the waiting value was received, times the trySend value was received).
     */
    @JCStressTest
    @Outcome(id = "9, 0, 1, 1, 0", expect = ACCEPTABLE, desc = "The trySend reported FULL (before the receive, or after it while the slot went to the waiting send); the waiting send completed and its value arrives.")
    @Outcome(id = "9, 1, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Barging: the trySend took the slot freed for the waiting send.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the waiting send not completed by the receive's hand-off, or a value lost or duplicated.")
    @State
    public static class TrySendCannotBargePastWaiter {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Void> waiting;

        public TrySendCannotBargePastWaiter() {
            if (ch.sender().trySend(FILLER) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
            waiting = ch.sender().sendAsync(ONE);
            if (waiting.toCompletableFuture().isDone()) {
                throw new IllegalStateException("setup: the send must wait");
            }
        }

        @Actor
        public void receiver(IIIII_Result r) {
            r.r1 = tryRecv(ch.receiver());
        }

        @Actor
        public void barger(IIIII_Result r) {
            r.r2 = code(ch.sender().trySend(TWO));
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = sendFuture(waiting, ONE);
            final Drain d = Drain.of(ch.receiver());
            r.r4 = d.count(1);
            r.r5 = d.count(2);
        }
    }

    /**
     * Capacity 1, full; a sendAsync is pending. The receiver takes the filler (handing the slot to
     * the pending send) while another thread half-closes the channel: the pending send is either
     * delivered (granted before the close; it stays receivable) or rejected with its value, never
     * left pending.
     * <p>Result: (receive, pending future, times its value was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "9, 1, 1, 1", expect = ACCEPTABLE, desc = "The receive's hand-off came first: the send completed, its value survives the close, then end of stream.")
    @Outcome(id = "9, 2, 0, 1", expect = ACCEPTABLE, desc = "The close came first: the pending send failed with ChannelClosedException carrying its value.")
    @Outcome(id = "9, -3, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Stranded: after the close the send's future is still pending.")
    @Outcome(id = "9, 1, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the future completed normally but the value never arrives.")
    @Outcome(id = "9, 2, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: handed back and received.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the buffered filler not received after the close, or no end of stream.")
    @State
    public static class SendAsyncVsRecvAndClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Void> pending;

        public SendAsyncVsRecvAndClose() {
            if (ch.sender().trySend(FILLER) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
            pending = ch.sender().sendAsync(ONE);
            if (pending.toCompletableFuture().isDone()) {
                throw new IllegalStateException("setup: the send must wait");
            }
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r1 = tryRecv(ch.receiver());
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = sendFuture(pending, ONE);
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    /**
     * A blocking send on a full channel (capacity 1) against a receiver that takes the filler and
     * then half-closes. The send spins or parks; it is granted the freed slot, or sends into it
     * directly, or is rejected by the close (or finds the channel closed), and it always returns.
     * <p>Result: (send, receive, times the value was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1", expect = ACCEPTABLE, desc = "The send got the freed slot before the close (hand-off to the parked/queued send, or its own retry); the value survives the close.")
    @Outcome(id = "2, 9, 0, 1", expect = ACCEPTABLE, desc = "The close came before the send got a slot: ChannelClosedException carries the value.")
    @Outcome(id = "1, 9, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: send returned normally but the value never arrives.")
    @Outcome(id = "2, 9, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: handed back and received.")
    @Outcome(id = "-2, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "The send threw InterruptedException, but nobody interrupts it.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the exception without the value, or no end of stream.")
    @State
    public static class BlockingSendVsRecvThenClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        public BlockingSendVsRecvThenClose() {
            if (ch.sender().trySend(FILLER) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
        }

        @Actor
        public void sender(IIII_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    /**
     * A pending recvAsync (empty channel) is cancelled while a message is sent: the send's wake-up
     * claims the receive (which then takes the message) xor the cancel withdraws it (and the message
     * stays in the channel).
     * <p>Result: (cancel returned true, future, what a tryRecv finds afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won: the receive took nothing, the message is still in the channel.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The send's wake-up won: the future delivered the message, nothing is left.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Lost: cancelled and yet the message is gone from the channel.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "Duplicated: delivered by the future and still in the channel.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RecvAsyncCancelVsSend {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final CompletionStage<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = pending.toCompletableFuture().cancel(false) ? 1 : 0;
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = recvFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * A timed blocking send on a full channel (capacity 1) with a short timeout, against the
     * receive that frees its slot: the grant (hand-off to the queued waiter, or the sender's own
     * retry) races the timeout's withdrawal. Sent xor timed out, and a timed-out waiter leaves
     * nothing behind.
     * <p>Result: (send: 1 sent, 0 timed out; receive; times the value was received; probe trySend after the drain).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1", expect = ACCEPTABLE, desc = "The send got the freed slot before its deadline; the value arrives.")
    @Outcome(id = "0, 9, 0, 1", expect = ACCEPTABLE, desc = "The deadline passed first: the send withdrew; the value never arrives and the freed slot went back to the channel.")
    @Outcome(id = "1, 9, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the send returned true but the value never arrives.")
    @Outcome(id = "0, 9, 1, " + ANY, expect = FORBIDDEN, desc = "The send reported a timeout, yet its value was sent.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. an interrupt nobody sent.")
    @State
    public static class TimedSendVsRecv {
        static final Duration TIMEOUT = Duration.ofNanos(20_000);
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        public TimedSendVsRecv() {
            if (ch.sender().trySend(FILLER) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
        }

        @Actor
        public void sender(IIII_Result r) {
            try {
                r.r1 = ch.sender().send(ONE, TIMEOUT) ? SENT : 0;
            } catch (InterruptedException e) {
                r.r1 = INTERRUPTED;
            }
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = Drain.of(ch.receiver()).count(1);
            r.r4 = ch.sender().trySend(TWO) == TrySendResult.SENT ? 1 : 0;
        }
    }

    /**
     * Capacity 2, full. A reserveMany(2) waits; the receiver takes one filler (the freed slot is
     * assigned to the waiter as a partial grant) and half-closes. The close must reject the waiter
     * and give its partial unit back, so that the channel ends (closed, drained, nothing
     * outstanding) once the second filler is received (Tokio PR #8260).
     * <p>Result: (reserveMany: 2 rejected, 1 granted; receive; fillers drained; drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "2, 9, 1, 1", expect = ACCEPTABLE, desc = "reserveMany was rejected (while queued with a partial grant, or at once after the close); the partial unit went back, so the drain ends at end of stream.")
    @Outcome(id = "2, 9, 1, 0", expect = FORBIDDEN, desc = "Leak: the rejected waiter's partial unit was not given back; the closed channel never ends.")
    @Outcome(id = "1, .*", expect = FORBIDDEN, desc = "reserveMany(2) succeeded although only one slot was ever free before the close.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. an interrupt nobody sent.")
    @State
    public static class PartialReserveManyRejectedByClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);

        public PartialReserveManyRejectedByClose() {
            if (ch.sender().trySend(FILLER) != TrySendResult.SENT || ch.sender().trySend(FILLER) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
        }

        @Actor
        public void reserver(IIII_Result r) {
            try {
                final Mpsc.Permits<Integer> permits = ch.sender().reserveMany(2);
                permits.close();
                r.r1 = 1;
            } catch (ChannelClosedException e) {
                r.r1 = 2;
            } catch (InterruptedException e) {
                r.r1 = INTERRUPTED;
            }
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(9);
            r.r4 = d.end();
        }
    }

    // ================================================================== 4. the last sender (or permit) against receives

    /**
     * The only sender sends one message and closes; the receiver tries twice (Tokio's loom
     * {@code closing_tx}). End of stream may come only after the message.
     * <p>Result: (first tryRecv, second tryRecv, times the arbiter's drain got the message, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "Both tries before the send: empty, empty; the drain gets the message, then end of stream.")
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "First try before the send, second after: empty, message.")
    @Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE, desc = "First try after the send, second before the close: message, empty.")
    @Outcome(id = "1, -1, 0, 1", expect = ACCEPTABLE, desc = "Both after the send, second after the close: message, end of stream.")
    @Outcome(id = "0, -1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "End of stream before the message that was sent before the close.")
    @Outcome(id = "-1, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "End of stream on the first try, before the message.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the message lost or duplicated, or no end of stream at the end.")
    @State
    public static class LastSenderCloseVsTryRecv {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void sender() {
            if (ch.sender().trySend(ONE) != TrySendResult.SENT) {
                throw new IllegalStateException("an empty channel of capacity 1 must take one message");
            }
            ch.sender().close();
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r1 = tryRecv(ch.receiver());
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    /** As {@link LastSenderCloseVsTryRecv} on an unbounded channel (loom {@code closing_unbounded_tx}). */
    @JCStressTest
    @Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "Both tries before the send: empty, empty; the drain gets the message, then end of stream.")
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "First try before the send, second after: empty, message.")
    @Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE, desc = "First try after the send, second before the close: message, empty.")
    @Outcome(id = "1, -1, 0, 1", expect = ACCEPTABLE, desc = "Message, then end of stream.")
    @Outcome(id = "0, -1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "End of stream before the message that was sent before the close.")
    @Outcome(id = "-1, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "End of stream on the first try, before the message.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the message lost or duplicated, or no end of stream at the end.")
    @State
    public static class UnboundedLastSenderCloseVsTryRecv {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r1 = tryRecv(ch.receiver());
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    /**
     * The blocking form of {@link LastSenderCloseVsTryRecv}: the receiver's two recv calls may
     * park, and are woken by the send and by the close.
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "recv returns the message, then end of stream (each possibly after parking).")
    @Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "End of stream before the message.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "recv threw InterruptedException, but nobody interrupts the receiver.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class LastSenderCloseVsRecv {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void sender() {
            if (ch.sender().trySend(ONE) != TrySendResult.SENT) {
                throw new IllegalStateException("an empty channel of capacity 1 must take one message");
            }
            ch.sender().close();
        }

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver());
            r.r2 = recv(ch.receiver());
        }
    }

    /**
     * The last sender handle was closed while a permit is outstanding: the permit keeps the
     * channel open. Its send races the receiver's two tries.
     */
    @JCStressTest
    @Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "Both tries before the permit's send: empty (not end of stream: the permit is outstanding).")
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "Empty, then the permit's message.")
    @Outcome(id = "1, -1, 0, 1", expect = ACCEPTABLE, desc = "The permit's message, then end of stream (the permit was the last thing keeping the channel open).")
    @Outcome(id = "0, -1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "End of stream while the permit was still outstanding, before its message.")
    @Outcome(id = "-1, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "End of stream while the permit was outstanding.")
    @Outcome(id = "1, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Empty after the permit's message, though no sender nor permit remains.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the message lost or duplicated, or no end of stream at the end.")
    @State
    public static class PermitSendAfterLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Permit<Integer> permit;

        public PermitSendAfterLastSenderClose() {
            permit = ch.sender().tryReserve();
            ch.sender().close();
        }

        @Actor
        public void sender() {
            permit.send(ONE);
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r1 = tryRecv(ch.receiver());
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    /**
     * The last sender handle was closed while a permit is outstanding; the permit is released
     * unused while the receiver tries twice. End of stream comes with the release, and stays.
     * <p>Result: (first tryRecv, second tryRecv, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "Both tries before the release: empty (the permit keeps the channel open).")
    @Outcome(id = "0, -1, 1", expect = ACCEPTABLE, desc = "Empty, then end of stream after the release.")
    @Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "Both after the release: end of stream.")
    @Outcome(id = "-1, 0, " + ANY, expect = FORBIDDEN, desc = "End of stream, then empty again: end of stream must be final.")
    @Outcome(id = ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "No end of stream after the release, though no sender nor permit remains.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a message that nobody sent.")
    @State
    public static class PermitReleaseAfterLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Permit<Integer> permit;

        public PermitReleaseAfterLastSenderClose() {
            permit = ch.sender().tryReserve();
            ch.sender().close();
        }

        @Actor
        public void releaser() {
            permit.close();
        }

        @Actor
        public void receiver(III_Result r) {
            r.r1 = tryRecv(ch.receiver());
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = Drain.of(ch.receiver()).end();
        }
    }

    /**
     * Two sender handles each send one message and close concurrently (loom {@code dropping_tx}):
     * the sender count reaches zero exactly once, after both messages.
     * <p>Result: (times the first message was received, times the second was, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "Both messages, then end of stream.")
    @Outcome(id = ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "No end of stream although every sender handle is closed.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost or duplicated.")
    @State
    public static class TwoSendersCloseConcurrently {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void first() {
            ch.sender().trySend(ONE);
            ch.sender().close();
        }

        @Actor
        public void second() {
            other.trySend(TWO);
            other.close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r1 = d.count(1);
            r.r2 = d.count(2);
            r.r3 = d.end();
        }
    }

    /**
     * A weak sender upgrades while the only strong sender closes: the upgrade succeeds only while
     * a strong sender exists, and the channel ends exactly once, after every message of an
     * upgraded sender.
     * <p>Result: (upgrade succeeded, times its message was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The upgrade came first: the new sender's message arrives, and its close ends the stream.")
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "The last strong sender closed first: upgrade returns null, end of stream.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the upgraded sender's message never arrives (the channel ended under it).")
    @Outcome(id = ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "No end of stream although every sender handle is closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WeakUpgradeVsLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.WeakSender<Integer> weak = ch.sender().downgrade();

        @Actor
        public void upgrader(III_Result r) {
            final Mpsc.Sender<Integer> tx = weak.upgrade();
            if (tx == null) {
                r.r1 = 0;
            } else {
                r.r1 = 1;
                tx.trySend(ONE);
                tx.close();
            }
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1);
            r.r3 = d.end();
        }
    }

    /**
     * A sender asks for the {@code closed()} stage while the receiver half-closes (the Dekker
     * handshake between creating the shared future and setting the closed flag).
     * <p>Result: (stage complete when the arbiter looks, sender's isClosed).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The stage completed, before it was asked for or by the close.")
    @Outcome(id = "0, " + ANY, expect = FORBIDDEN, desc = "Lost notification: the receiver closed, but the closed() stage never completes.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ClosedStageVsReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
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

    // ================================================================== 5. capacity, len and empty after a send

    /**
     * Capacity 1, full. One actor trySends; the other receives the filler and then trySends: the
     * channel must hold exactly one more message, whoever gets the freed slot.
     * <p>Result: (first trySend, receive, second trySend, times the first value was received, times the second was).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 0, 1, 0", expect = ACCEPTABLE, desc = "The first sender saw the freed slot (possibly after rereading the consumer index) and took it; the receiver's own trySend found the channel full.")
    @Outcome(id = "0, 9, 1, 0, 1", expect = ACCEPTABLE, desc = "The first sender tried while the filler was still there: FULL; the receiver's trySend took the freed slot.")
    @Outcome(id = "1, 9, 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Over capacity: both trySends succeeded on a channel of capacity 1 with one slot freed.")
    @Outcome(id = "0, 9, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Leak: the slot was freed and yet both trySends saw the channel full.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value lost or duplicated, or the filler not received.")
    @State
    public static class TwoTrySendsOneFreedSlot {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        public TwoTrySendsOneFreedSlot() {
            if (ch.sender().trySend(FILLER) != TrySendResult.SENT) {
                throw new IllegalStateException("setup: fill the channel");
            }
        }

        @Actor
        public void sender(IIIII_Result r) {
            r.r1 = code(ch.sender().trySend(ONE));
        }

        @Actor
        public void receiverThenSender(IIIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
            r.r3 = code(ch.sender().trySend(TWO));
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r4 = d.count(1);
            r.r5 = d.count(2);
        }
    }

    /**
     * Two senders, each reads {@code len()} (0 if {@code isEmpty()}) right after its own send
     * completed (loom {@code len_nonzero_after_send}, {@code nonempty_after_send}).
     */
    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The first sender read len before the second send; the second saw both.")
    @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "Mirror image.")
    @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "Both read len after both sends.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Each saw only its own message: the two sends and len reads are not linearizable.")
    @Outcome(expect = FORBIDDEN, desc = "len 0 (or isEmpty) after a completed send, or more messages than were sent.")
    @State
    public static class LenAfterSend {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> other = ch.sender().duplicate();

        static int length(Mpsc.Receiver<Integer> rx) {
            return rx.isEmpty() ? 0 : rx.len();
        }

        @Actor
        public void first(II_Result r) {
            ch.sender().trySend(ONE);
            r.r1 = length(ch.receiver());
        }

        @Actor
        public void second(II_Result r) {
            other.trySend(TWO);
            r.r2 = length(ch.receiver());
        }
    }

    /** As {@link LenAfterSend} on an unbounded channel. */
    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The first sender read len before the second send; the second saw both.")
    @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "Mirror image.")
    @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "Both read len after both sends.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Each saw only its own message: not linearizable.")
    @Outcome(expect = FORBIDDEN, desc = "len 0 (or isEmpty) after a completed send, or more messages than were sent.")
    @State
    public static class UnboundedLenAfterSend {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> other = ch.sender().duplicate();

        @Actor
        public void first(II_Result r) {
            ch.sender().send(ONE);
            r.r1 = LenAfterSend.length(ch.receiver());
        }

        @Actor
        public void second(II_Result r) {
            other.send(TWO);
            r.r2 = LenAfterSend.length(ch.receiver());
        }
    }

    /**
     * Two senders; the second is also the receiver and tries to receive right after its own send
     * completed. The first sender may have claimed the head index and not written it yet: tryRecv
     * must wait for it, never report empty (loom {@code try_recv}).
     * <p>Result: (what tryRecv got, times the first message was received overall, times the second was).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The first sender's message was ahead (possibly still being written, and waited for).")
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "The receiver's own message was at the head.")
    @Outcome(id = "0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Spurious empty after our own send completed.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost or duplicated.")
    @State
    public static class TryRecvNotEmptyAfterOwnSend {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void sender() {
            ch.sender().trySend(ONE);
        }

        @Actor
        public void senderThenReceiver(III_Result r) {
            other.trySend(TWO);
            r.r1 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1) + (r.r1 == 1 ? 1 : 0);
            r.r3 = d.count(2) + (r.r1 == 2 ? 1 : 0);
        }
    }

    /** As {@link TryRecvNotEmptyAfterOwnSend} on an unbounded channel. */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The first sender's message was ahead (possibly still being written, and waited for).")
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "The receiver's own message was at the head.")
    @Outcome(id = "0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Spurious empty after our own send completed.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost or duplicated.")
    @State
    public static class UnboundedTryRecvNotEmptyAfterOwnSend {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> other = ch.sender().duplicate();

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
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1) + (r.r1 == 1 ? 1 : 0);
            r.r3 = d.count(2) + (r.r1 == 2 ? 1 : 0);
        }
    }
}
