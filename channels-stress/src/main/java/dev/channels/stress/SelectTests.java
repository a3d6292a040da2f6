package dev.channels.stress;

import dev.channels.Broadcast;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Select;
import dev.channels.TrySendResult;
import dev.channels.Watch;
import dev.channels.stress.MpscTests.Drain;
import dev.channels.stress.MpscTests.Msg;
import dev.channels.stress.MpscTests.VisibilityState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIIIII_Result;
import org.openjdk.jcstress.infra.results.IIIIII_Result;
import org.openjdk.jcstress.infra.results.IIIII_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.channels.stress.MpscTests.fill;
import static dev.channels.stress.MpscTests.observe;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of {@link Select}, in Continuous mode: two actors race, an arbiter (which runs
 * after both) looks at what is left in the channels, and every outcome is listed with the
 * interleaving that produces it. The wake-ups of a waiting select are in
 * {@link SelectTerminationTests}.
 *
 * <p>The property under test is DESIGN.md §5, "select without loss": exactly one clause takes
 * effect per call, a clause that loses has taken (or sent) nothing, and a call that is cancelled,
 * interrupted or timed out took no effect at all. The races:
 * <ul>
 *   <li>exactly one clause: a select over two mpsc channels against their senders, in every form
 *       (a default taken at once, a blocking select woken by either send, an asynchronous select
 *       waiting or still registering), a select called twice in a row (the second call reuses the
 *       first call's waiters: a stale claim is only a spurious wake-up), and the visibility of a
 *       receive or send clause's value;</li>
 *   <li>send clauses and capacity: a send clause against a competing sender for the one slot of a
 *       channel; a queued send clause (the one case whose claim itself takes effect: the channel
 *       grants it a slot and enqueues its value) against the receive that frees the slot and
 *       against another clause winning the select; FIFO hand-off of freed capacity between a
 *       queued send clause and a queued plain send; no value sent twice, no slot leaked;</li>
 *   <li>close: a receive clause against the last sender's close (the message sent before the close
 *       first, then the closure, reported by {@code onClosed} or the all-closed branch only once
 *       drained); a send clause against the receiver's close (sent and receivable, xor the clause
 *       reported closed and nothing in the channel);</li>
 *   <li>cancel, timeout, interrupt: an asynchronous select cancelled against a send, a grant of
 *       capacity, a close, its own timer, and a retry that registers again (cancel true: nothing
 *       taken, and the select is free for its next call; false: the stage has the result); a
 *       blocking select's timeout clause, call timeout and interrupt against a send and a grant
 *       (timed out or interrupted: nothing taken; an interrupt that came while a clause took effect
 *       is kept, never swallowed);</li>
 *   <li>oneshot, broadcast and watch clauses against their senders: the value taken exactly once
 *       (or still there), a broadcast lag reported through the select, a watch change seen by the
 *       select or left unseen.</li>
 * </ul>
 *
 * <p>Every scenario has two actors: jcstress cannot schedule three actors on a two-CPU machine and
 * silently skips such tests. A third party of a race is therefore either set up by the state's
 * constructor (an asynchronous select already waiting, a plain send already queued, a full
 * channel) or sequenced inside one actor (send, then close; receive, then interrupt).
 *
 * <h2>Result codes</h2>
 * A select's handlers return what the clause took: a receive clause the message, a send clause
 * the value it sent. The values are small positive {@code Integer}s, chosen so that the result
 * says which clause won: {@link #ONE} and {@link #TWO} are sent by the actors, {@link #SEVEN} and
 * {@link #EIGHT} are offered by select send clauses, {@link #FILLER} fills a channel. The other
 * results are the codes below ({@link #NONE}, {@link #END}, {@link #TIMED_OUT}...). Fields that
 * record a try-send use {@link MpscTests#code}'s codes, and fields that record a channel's
 * {@code tryRecv} the codes of that channel's own tests ({@link MpscTests#EMPTY}...).
 */
public final class SelectTests {
    private SelectTests() {
    }

    // ------------------------------------------------------------------ result codes

    /** In an outcome id (a regular expression over "r1, r2, ..."), any one result field. */
    static final String ANY = "-?[0-9]+";

    /** The select took its default ({@code ifNoneReady}): nothing was possible at once. */
    static final int NONE = 0;
    /** The select reported a closure: an {@code onClosed} handler or the all-closed branch ran. */
    static final int END = -1;
    /** A blocking select threw InterruptedException. */
    static final int INTERRUPTED = -2;
    /** An asynchronous select's stage is still not complete. */
    static final int PENDING = -3;
    /** A oneshot receive threw IllegalStateException: the value was already received (by the select). */
    static final int TAKEN = -4;
    /** An asynchronous select's stage was cancelled. */
    static final int CANCELLED = -5;
    /** A call or stage failed in a way no test expects. */
    static final int FAILED = -6;
    /** The select's timeout clause ran. */
    static final int TIMED_OUT = -7;
    /** A timed {@code select(Duration)} threw TimeoutException. */
    static final int CALL_TIMED_OUT = -8;
    /** A oneshot receive threw IllegalStateException because another receive is still registered. */
    static final int BUSY = -9;
    /** A broadcast lag of {@code n} values, reported by the clause's {@code onLagged}, is {@code LAGGED - n}. */
    static final int LAGGED = -10;

    /** The messages the actors send. */
    static final Integer ONE = 1;
    static final Integer TWO = 2;
    /** The values select send clauses offer. */
    static final Integer SEVEN = 7;
    static final Integer EIGHT = 8;
    /** A message put in a channel by a state's constructor (to fill it). */
    static final Integer FILLER = 9;

    /** The timeouts of the races against a deadline: short enough to land inside the race. */
    static final Duration SHORT = Duration.ofNanos(20_000);

    // ------------------------------------------------------------------ helpers

    /** A blocking select as a code: the handler's result, or {@link #INTERRUPTED}. */
    static int select(Select<Integer> s) {
        try {
            return s.select();
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** A timed blocking select as a code: the handler's result, {@link #CALL_TIMED_OUT} or {@link #INTERRUPTED}. */
    static int select(Select<Integer> s, Duration timeout) {
        try {
            return s.select(timeout);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (TimeoutException e) {
            return CALL_TIMED_OUT;
        }
    }

    /** An asynchronous select that must wait (the state's constructor starts it). */
    static CompletionStage<Integer> waiting(Select<Integer> s) {
        final CompletionStage<Integer> stage = s.selectAsync();
        if (stage.toCompletableFuture().isDone()) {
            throw new IllegalStateException("setup: the select must wait");
        }
        return stage;
    }

    /** Cancels an asynchronous select's stage: 1 if cancel returned true. */
    static int cancel(CompletionStage<Integer> stage) {
        return stage.toCompletableFuture().cancel(false) ? 1 : 0;
    }

    /** The state of an asynchronous select's stage, without waiting: the result, PENDING, CANCELLED... */
    static int selectFuture(CompletionStage<Integer> stage) {
        final CompletableFuture<Integer> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            return PENDING;
        }
        return result(f);
    }

    /** As {@link #selectFuture}, waiting (for a timer thread) up to ten seconds. */
    static int awaitSelectFuture(CompletionStage<Integer> stage) {
        final CompletableFuture<Integer> f = stage.toCompletableFuture();
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return PENDING;
        } catch (ExecutionException | InterruptedException | CancellationException e) {
            // result() says which
        }
        return result(f);
    }

    private static int result(CompletableFuture<Integer> f) {
        if (f.isCancelled()) {
            return CANCELLED;
        }
        try {
            final Integer v = f.get();
            return v == null ? FAILED : v;
        } catch (ExecutionException | InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    /** A oneshot tryRecv as a code: the value, {@link MpscTests#EMPTY}, {@link #END}, {@link #TAKEN} or {@link #BUSY}. */
    static int tryRecv(Oneshot.Receiver<Integer> rx) {
        final int r = OneshotTests.tryRecv(rx);
        return r == OneshotTests.TAKEN ? TAKEN : r == OneshotTests.BUSY ? BUSY : r;
    }

    /** A broadcast lag as the select's result. */
    static Integer lagged(long missed) {
        return BroadcastTests.lagged(missed);
    }

    /** Fills a channel of capacity 1. */
    static Mpsc.Channel<Integer> full() {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        if (ch.sender().trySend(FILLER) != TrySendResult.SENT) {
            throw new IllegalStateException("setup: fill the channel");
        }
        return ch;
    }

    /** Whether a drained channel of capacity 1 takes a message: 1 if it does, 0 if a slot leaked. */
    static int probe(Mpsc.Channel<Integer> ch) {
        return ch.sender().trySend(EIGHT) == TrySendResult.SENT ? 1 : 0;
    }

    static void sendOrFail(Mpsc.Sender<Integer> tx, Integer v) {
        if (tx.trySend(v) != TrySendResult.SENT) {
            throw new IllegalStateException("a channel with room must take the message");
        }
    }

    // ================================================================== 1. exactly one clause

    /**
     * Two senders fill two channels; the arbiter, after both, runs a select with a default over
     * both. Both clauses are possible: the select takes exactly one message (from a random start),
     * and the other stays in its channel.
     * <p>Result: (select, tryRecv of channel A afterwards, tryRecv of channel B afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "The select's pass started at A: it took ONE; TWO is still in B.")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "The select's pass started at B: it took TWO; ONE is still in A.")
    @Outcome(id = "0, 1, 2", expect = FORBIDDEN, desc = "The default ran although both clauses were possible.")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "TWO vanished: taken by the clause that lost.")
    @Outcome(id = "2, 0, 0", expect = FORBIDDEN, desc = "ONE vanished: taken by the clause that lost.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a message duplicated.")
    @State
    public static class TwoSendsThenSelect {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void senderA() {
            sendOrFail(a.sender(), ONE);
        }

        @Actor
        public void senderB() {
            sendOrFail(b.sender(), TWO);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = select(select);
            r.r2 = MpscTests.tryRecv(a.receiver());
            r.r3 = MpscTests.tryRecv(b.receiver());
        }
    }

    /**
     * Channel B holds TWO (constructor); one actor sends ONE into A while the other runs a select
     * with a default over A and B. B's clause is always possible, so the default never runs;
     * exactly one message is taken.
     * <p>Result: (select, tryRecv of A afterwards, tryRecv of B afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "ONE was there and the pass started at A: it took ONE; TWO stays in B.")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "The pass took TWO from B (started there, or ONE was not there yet); ONE stays in A.")
    @Outcome(id = "0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "The default ran although B's clause was possible.")
    @Outcome(id = "2, 0, 0", expect = FORBIDDEN, desc = "ONE vanished: the clause that lost took it.")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "TWO vanished: the clause that lost took it.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SelectVsSendWithOtherReady {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        public SelectVsSendWithOtherReady() {
            sendOrFail(b.sender(), TWO);
        }

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
        }

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
            r.r3 = MpscTests.tryRecv(b.receiver());
        }
    }

    /**
     * One actor sends ONE into A, then TWO into B; the other runs a select with a default over A
     * and B (a bounded and an unbounded channel).
     * <p>Result: (select, tryRecv of A afterwards, tryRecv of B afterwards).
     */
    @JCStressTest
    @Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "The select ran before the first send: the default; both messages stay.")
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "The select took ONE (before or after TWO was sent); TWO stays.")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "The select ran after both sends and its pass started at B: it took TWO; ONE stays.")
    @Outcome(id = "2, 0, " + ANY, expect = FORBIDDEN, desc = "The select took TWO and ONE is gone: the losing clause took it (or ONE was lost).")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "TWO vanished.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SelectVsTwoSends {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.UnboundedChannel<Integer> b = Mpsc.unbounded();
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
            b.sender().send(TWO);
        }

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
            r.r3 = MpscTests.tryRecv(b.receiver());
        }
    }

    /**
     * As {@link SelectVsTwoSends} without a default: the select waits (spins, registers a waiter in
     * both channels, parks) and is woken by either send; the wake-up only claims the select, and
     * the retry that follows takes exactly one message.
     * <p>Result: (select, tryRecv of A afterwards, tryRecv of B afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "The select took ONE (woken by its send, or it found it first); TWO stays.")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "The select's retry ran after both sends and started at B: it took TWO; ONE stays.")
    @Outcome(id = "2, 0, " + ANY, expect = FORBIDDEN, desc = "The select took TWO and ONE is gone: the clause woken first took it and lost.")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "TWO vanished: taken by the losing clause's waiter.")
    @Outcome(id = "-2, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BlockingSelectVsTwoSends {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .build();

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
            sendOrFail(b.sender(), TWO);
        }

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
            r.r3 = MpscTests.tryRecv(b.receiver());
        }
    }

    /**
     * An asynchronous select over A and B is waiting (constructor); one actor sends ONE into A,
     * the other TWO into B. The first send claims the select and the claimant's thread runs the
     * retry: exactly one message is taken, and the stage is complete once both sends returned.
     * <p>Result: (stage, tryRecv of A afterwards, tryRecv of B afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "The stage completed with ONE; TWO stays in B.")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "The stage completed with TWO; ONE stays in A.")
    @Outcome(id = "-3, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Stranded: both channels hold a message and the stage never completed (a claim got lost between the two wakers).")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "TWO vanished.")
    @Outcome(id = "2, 0, 0", expect = FORBIDDEN, desc = "ONE vanished.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the stage failed.")
    @State
    public static class AsyncSelectVsTwoSenders {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .build());

        @Actor
        public void senderA() {
            sendOrFail(a.sender(), ONE);
        }

        @Actor
        public void senderB() {
            sendOrFail(b.sender(), TWO);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = selectFuture(pending);
            r.r2 = MpscTests.tryRecv(a.receiver());
            r.r3 = MpscTests.tryRecv(b.receiver());
        }
    }

    /**
     * One actor starts an asynchronous select over A and an idle channel (the first pass, then
     * the registration of one waiter per clause, on that actor's thread); the other sends ONE into
     * A. A claim that lands while the select is still registering is handed to the registering
     * thread (phase WOKEN), which runs the retry: the stage is complete once both actors are done.
     * <p>Result: (stage, tryRecv of A afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The stage has ONE: taken by the first pass, by the registrant's re-check or hand-off, or by the retry on the sender's thread.")
    @Outcome(id = "-3, 1", expect = FORBIDDEN, desc = "Stranded: ONE is in A, yet the stage never completed (a claim during registration was lost).")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the stage failed.")
    @State
    public static class AsyncSelectStartVsSend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(idle.receiver(), v -> v)
                .recv(a.receiver(), v -> v)
                .build();
        CompletionStage<Integer> pending; // plain: written by the starter, read by the arbiter

        @Actor
        public void starter() {
            pending = select.selectAsync();
        }

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = selectFuture(pending);
            r.r2 = MpscTests.tryRecv(a.receiver());
        }
    }

    /**
     * A blocking select over A and B runs twice in one actor (the second call reuses the first
     * call's selector and case waiters); the other actor sends ONE into A, then TWO into B. A
     * claim left over from the first call can only be a spurious wake-up of the second: each
     * message is taken exactly once.
     * <p>Result: (first select, second select).
     */
    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "ONE, then TWO.")
    @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "The first call ran after both sends and started at B: TWO, then ONE.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a message taken twice (or a call that never returned would hang the test).")
    @State
    public static class BlockingSelectTwiceVsTwoSends {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .build();

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
            sendOrFail(b.sender(), TWO);
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }
    }

    /** A receive clause's handler sees every plain write made before the send it took. */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "The select ran before the send: the default (null).")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "The select took the message: every plain write made before the send is visible.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt: the clause's receive does not publish.")
    @State
    public static class RecvClauseVisibility extends VisibilityState {
        final Mpsc.Channel<Msg> a = Mpsc.bounded(1);
        final Select<Msg> select = Select.<Msg>builder()
                .recv(a.receiver(), m -> m)
                .ifNoneReady(() -> null)
                .build();

        @Actor
        public void sender() {
            if (a.sender().trySend(fill(new Msg(), this)) != TrySendResult.SENT) {
                throw new IllegalStateException("an empty channel of capacity 1 must take one message");
            }
        }

        @Actor
        public void receiver(IIII_Result r) {
            try {
                observe(select.select(), this, r);
            } catch (InterruptedException e) {
                r.r1 = INTERRUPTED;
            }
        }
    }

    /**
     * A send clause's value (made by its supplier at the start of the call) is seen complete by the
     * receive that takes it, with every write made before the select.
     */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the send clause took the slot: empty.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the value the select sent; every write made before the select is visible.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt: the send clause does not publish.")
    @State
    @SuppressWarnings("this-escape") // the supplier lambda captures this; javac 21+ lint, unknown to (and ignored by) 17
    public static class SendClauseVisibility extends VisibilityState {
        final Mpsc.Channel<Msg> a = Mpsc.bounded(1);
        final Select<Msg> select = Select.<Msg>builder()
                .send(a.sender(), () -> fill(new Msg(), this), m -> m)
                .ifNoneReady(() -> null)
                .build();

        @Actor
        public void sender() {
            try {
                if (select.select() == null) {
                    throw new IllegalStateException("an empty channel of capacity 1 must take the value");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("nobody interrupts the actors", e);
            }
        }

        @Actor
        public void receiver(IIII_Result r) {
            observe(a.receiver().tryRecv(), this, r);
        }
    }

    /**
     * An asynchronous select is waiting on an unbounded channel (constructor); the send claims it
     * and runs the retry and the handler on the sender's thread. The thread that waits on the stage
     * sees every write made before the send.
     */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "The stage delivered the message; all earlier writes are visible to the thread that waited on it.")
    @Outcome(id = "-2, -2, -2, -2", expect = FORBIDDEN, desc = "Waiting on the stage was interrupted, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or the stage failed.")
    @State
    public static class AsyncRecvClauseVisibility extends VisibilityState {
        final Mpsc.UnboundedChannel<Msg> a = Mpsc.unbounded();
        final CompletableFuture<Msg> pending;

        public AsyncRecvClauseVisibility() {
            pending = Select.<Msg>builder()
                    .recv(a.receiver(), m -> m)
                    .build()
                    .selectAsync()
                    .toCompletableFuture();
            if (pending.isDone()) {
                throw new IllegalStateException("setup: the select must wait");
            }
        }

        @Actor
        public void sender() {
            a.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            try {
                observe(pending.get(), this, r);
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

    // ================================================================== 2. send clauses and capacity

    /**
     * Capacity 1, empty. A plain trySend and a select's send clause (with a receive clause on an
     * idle channel and a default) compete for the one slot.
     * <p>Result: (trySend: 1 SENT, 0 FULL; select; first tryRecv afterwards; second tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "trySend took the slot first; the select found the channel full and took its default.")
    @Outcome(id = "0, 7, 7, 0", expect = ACCEPTABLE, desc = "The send clause took the slot first; trySend found the channel FULL.")
    @Outcome(id = "1, 7, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Over capacity: both sent into a channel of capacity 1.")
    @Outcome(id = "0, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Neither sent, though the slot was free.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a value lost or duplicated.")
    @State
    public static class SendClauseVsTrySend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> other = a.sender().duplicate();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(idle.receiver(), v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void sender(IIII_Result r) {
            r.r1 = RaceSupport.code(other.trySend(ONE));
        }

        @Actor
        public void selector(IIII_Result r) {
            r.r2 = select(select);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = MpscTests.tryRecv(a.receiver());
            r.r4 = MpscTests.tryRecv(a.receiver());
        }
    }

    /**
     * Capacity 1, empty. Two selects, each with a send clause into the channel and a default,
     * compete for the one slot.
     * <p>Result: (first select, second select, first tryRecv afterwards, second tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "7, 0, 7, 0", expect = ACCEPTABLE, desc = "The first select took the slot; the second found the channel full.")
    @Outcome(id = "0, 8, 8, 0", expect = ACCEPTABLE, desc = "The second select took the slot; the first found the channel full.")
    @Outcome(id = "7, 8, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Over capacity: both sent.")
    @Outcome(id = "0, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Neither sent, though the slot was free.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TwoSendClausesOneSlot {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> first = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .ifNoneReady(() -> NONE)
                .build();
        final Select<Integer> second = Select.<Integer>builder()
                .send(a.sender().duplicate(), () -> EIGHT, v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void first(IIII_Result r) {
            r.r1 = select(first);
        }

        @Actor
        public void second(IIII_Result r) {
            r.r2 = select(second);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = MpscTests.tryRecv(a.receiver());
            r.r4 = MpscTests.tryRecv(a.receiver());
        }
    }

    /**
     * Capacity 1, full. An asynchronous select with a send clause into it and a receive clause on a
     * control channel is waiting (constructor): its send waiter is queued for capacity. One actor
     * receives the filler, which grants the freed slot to the queued clause (and enqueues SEVEN as
     * part of that claim); the other sends ONE on the control channel, which claims the select for a
     * retry. Exactly one clause wins; a clause that loses sent or took nothing; the freed slot is
     * never leaked.
     * <p>Result: (receive, stage, times SEVEN was received, tryRecv of the control channel afterwards, probe trySend after the drain).
     */
    @JCStressTest
    @Outcome(id = "9, 7, 1, 1, 1", expect = ACCEPTABLE, desc = "The send clause won: by the grant of the freed slot, or by the retry after the control send's claim finding the slot free; ONE stays in the control channel.")
    @Outcome(id = "9, 1, 0, 0, 1", expect = ACCEPTABLE, desc = "The receive clause won: the retry took ONE; the send waiter was withdrawn and the freed slot went back to the channel.")
    @Outcome(id = "9, 1, 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Both clauses took effect: ONE was taken, and SEVEN was sent too (a grant to a select already claimed).")
    @Outcome(id = "9, 7, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost: the stage says SEVEN was sent, but it never arrives.")
    @Outcome(id = "9, 7, 1, 0, " + ANY, expect = FORBIDDEN, desc = "Both clauses took effect: SEVEN was sent and ONE is gone.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL (a slot promised to the losing send waiter never passed on).")
    @Outcome(id = "9, -3, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Stranded: a slot was freed and ONE was sent, yet the stage is still pending.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the filler not received first, or the stage failed.")
    @State
    public static class QueuedSendClauseVsRecvVsOtherClause {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.UnboundedChannel<Integer> control = Mpsc.unbounded();
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(control.receiver(), v -> v)
                .build());

        @Actor
        public void receiver(IIIII_Result r) {
            r.r1 = MpscTests.tryRecv(a.receiver());
        }

        @Actor
        public void controller() {
            control.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = Drain.of(a.receiver()).count(SEVEN);
            r.r4 = MpscTests.tryRecv(control.receiver());
            r.r5 = probe(a);
        }
    }

    /**
     * The blocking form of {@link QueuedSendClauseVsRecvVsOtherClause}: the select runs in an actor
     * (and may spin, register its send waiter in the capacity queue, and park); the other actor
     * first sends ONE on the control channel, then receives the filler.
     * <p>Result: (select, receive, times SEVEN was received, tryRecv of the control channel afterwards, probe trySend after the drain).
     */
    @JCStressTest
    @Outcome(id = "7, 9, 1, 1, 1", expect = ACCEPTABLE, desc = "The send clause won (the slot was granted to its waiter, or a retry found it free); ONE stays in the control channel.")
    @Outcome(id = "1, 9, 0, 0, 1", expect = ACCEPTABLE, desc = "The receive clause won; the send waiter was withdrawn (or its grant refused) and the slot went back to the channel.")
    @Outcome(id = "1, 9, 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Both took effect: ONE taken and SEVEN sent.")
    @Outcome(id = "7, 9, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost: the select says SEVEN was sent, but it never arrives.")
    @Outcome(id = "7, 9, 1, 0, " + ANY, expect = FORBIDDEN, desc = "Both took effect: SEVEN sent and ONE gone.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BlockingSendClauseVsRecvAndOtherClause {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.UnboundedChannel<Integer> control = Mpsc.unbounded();
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(control.receiver(), v -> v)
                .build();

        @Actor
        public void selector(IIIII_Result r) {
            r.r1 = select(select);
        }

        @Actor
        public void controllerThenReceiver(IIIII_Result r) {
            control.sender().send(ONE);
            r.r2 = MpscTests.tryRecv(a.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = Drain.of(a.receiver()).count(SEVEN);
            r.r4 = MpscTests.tryRecv(control.receiver());
            r.r5 = probe(a);
        }
    }

    /**
     * Capacity 1, full. A blocking select with a send clause runs twice in one actor (offering
     * SEVEN, then EIGHT; the second call reuses the first call's send waiter); the other actor
     * receives three times. Each value is sent exactly once, in order.
     * <p>Result: (first select, second select, first, second and third receive).
     */
    @JCStressTest
    @Outcome(id = "7, 8, 9, 7, 8", expect = ACCEPTABLE, desc = "SEVEN, then EIGHT, each sent once (granted a freed slot, or found one free); the receiver gets the filler, SEVEN, EIGHT.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value lost, duplicated or reordered (a stale grant to the reused waiter).")
    @State
    public static class BlockingSendClauseTwiceVsRecvs {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        int calls; // plain: only the selecting actor's supplier touches it
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> calls++ == 0 ? SEVEN : EIGHT, v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(IIIII_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }

        @Actor
        public void receiver(IIIII_Result r) {
            r.r3 = MpscTests.recv(a.receiver());
            r.r4 = MpscTests.recv(a.receiver());
            r.r5 = MpscTests.recv(a.receiver());
        }
    }

    /**
     * Capacity 1, full. One actor starts an asynchronous select whose send clause must queue for
     * capacity (registering on that actor's thread); the other receives the filler. A grant that
     * lands during the registration completes the select's send as part of the claim, and the
     * registrant hands it on: the stage is complete once both actors are done.
     * <p>Result: (stage, receive, times SEVEN was received, probe trySend after the drain).
     */
    @JCStressTest
    @Outcome(id = "7, 9, 1, 1", expect = ACCEPTABLE, desc = "SEVEN was sent: by the first pass (slot already free), by the grant, or by a retry.")
    @Outcome(id = "-3, 9, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Stranded: the slot was freed, yet the stage never completed.")
    @Outcome(id = "7, 9, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the stage says SEVEN was sent, but it never arrives.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncSendClauseStartVsRecv {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(idle.receiver(), v -> v)
                .build();
        CompletionStage<Integer> pending; // plain: written by the starter, read by the arbiter

        @Actor
        public void starter() {
            pending = select.selectAsync();
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r1 = selectFuture(pending);
            r.r3 = Drain.of(a.receiver()).count(SEVEN);
            r.r4 = probe(a);
        }
    }

    /**
     * Capacity 1, full. A plain sendAsync(ONE) is queued first, then an asynchronous select's send
     * clause (constructor). One actor receives the filler: the freed slot belongs to the oldest
     * waiter, the plain send. The other actor sends TWO on the select's control channel, which
     * claims the select: its retry must not find the promised slot free. So the select always
     * takes TWO, and SEVEN is never sent.
     * <p>Result: (receive, stage, plain send's future, times SEVEN was received, times ONE was received, probe trySend after the drain).
     */
    @JCStressTest
    @Outcome(id = "9, 2, 1, 0, 1, 1", expect = ACCEPTABLE, desc = "The slot went to the plain send (FIFO); the select took TWO from the control channel.")
    @Outcome(id = "9, 7, .*", expect = FORBIDDEN, desc = "The select's send clause stole the slot promised to the older plain send (or a retry's trySend saw it free before the hand-off).")
    @Outcome(id = "9, 2, -3, .*", expect = FORBIDDEN, desc = "Stranded: the slot was freed but the plain send still waits.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a value lost or duplicated, or the stage pending.")
    @State
    public static class SendClauseSecondInLine {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.UnboundedChannel<Integer> control = Mpsc.unbounded();
        final CompletionStage<Void> plain = a.sender().sendAsync(ONE);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(control.receiver(), v -> v)
                .build());

        @Actor
        public void receiver(IIIIII_Result r) {
            r.r1 = MpscTests.tryRecv(a.receiver());
        }

        @Actor
        public void controller() {
            control.sender().send(TWO);
        }

        @Arbiter
        public void arbiter(IIIIII_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = MpscTests.sendFuture(plain, ONE);
            final Drain d = Drain.of(a.receiver());
            r.r4 = d.count(SEVEN);
            r.r5 = d.count(ONE);
            r.r6 = probe(a);
        }
    }

    /**
     * Capacity 1, full. An asynchronous select's send clause is queued first, then a plain
     * sendAsync(ONE) (constructor). One actor receives the filler: the freed slot belongs to the
     * select's waiter, and is granted to it unless the select was claimed first, by the other
     * actor's send on the control channel, in which case the slot passes on to the plain send.
     * <p>Result: (receive, stage, plain send's future before the drain, first, second and third tryRecv of the drain, probe trySend after it).
     */
    @JCStressTest
    @Outcome(id = "9, 7, -3, 7, 1, 0, 1", expect = ACCEPTABLE, desc = "The grant won: SEVEN took the slot; the plain send waits until the drain frees it, then ONE follows; TWO stays in the control channel.")
    @Outcome(id = "9, 2, 1, 1, 0, 0, 1", expect = ACCEPTABLE, desc = "The control send claimed the select first: its retry took TWO; the slot passed on to the plain send (its grant to the select refused, or the select's waiter already withdrawn).")
    @Outcome(id = "9, 2, -3, .*", expect = FORBIDDEN, desc = "Stranded: the select lost, yet the slot promised to its waiter never passed on to the plain send.")
    @Outcome(id = "9, 2, " + ANY + ", 7, .*", expect = FORBIDDEN, desc = "Both clauses took effect: TWO taken and SEVEN sent.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. FIFO broken, a value lost or duplicated, or the stage pending.")
    @State
    public static class SendClauseFirstInLine {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.UnboundedChannel<Integer> control = Mpsc.unbounded();
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(control.receiver(), v -> v)
                .build());
        final CompletionStage<Void> plain = a.sender().sendAsync(ONE);

        @Actor
        public void receiver(IIIIIII_Result r) {
            r.r1 = MpscTests.tryRecv(a.receiver());
        }

        @Actor
        public void controller() {
            control.sender().send(TWO);
        }

        @Arbiter
        public void arbiter(IIIIIII_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = MpscTests.sendFuture(plain, ONE);
            r.r4 = MpscTests.tryRecv(a.receiver());
            r.r5 = MpscTests.tryRecv(a.receiver());
            r.r6 = MpscTests.tryRecv(a.receiver());
            r.r7 = probe(a);
        }
    }

    /**
     * Capacity 1, full. A blocking select with a send clause and a short timeout clause, against the
     * receive that frees the slot: the grant races the deadline's withdrawal.
     * <p>Result: (select, receive, times SEVEN was received, probe trySend after the drain).
     */
    @JCStressTest
    @Outcome(id = "7, 9, 1, 1", expect = ACCEPTABLE, desc = "The send clause got the freed slot before the deadline; SEVEN arrives.")
    @Outcome(id = "-7, 9, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: the timeout clause ran, the send waiter was withdrawn, SEVEN never arrives and the slot went back to the channel.")
    @Outcome(id = "-7, 9, 1, " + ANY, expect = FORBIDDEN, desc = "The timeout clause ran, yet SEVEN was sent.")
    @Outcome(id = "7, 9, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the select says SEVEN was sent, but it never arrives.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. an interrupt nobody sent.")
    @State
    public static class TimeoutClauseVsGrant {
        final Mpsc.Channel<Integer> a = full();
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .timeout(SHORT, () -> TIMED_OUT)
                .build();

        @Actor
        public void selector(IIII_Result r) {
            r.r1 = select(select);
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = Drain.of(a.receiver()).count(SEVEN);
            r.r4 = probe(a);
        }
    }

    // ================================================================== 3. close

    /**
     * The only sender sends ONE and closes; the other actor runs a select with a default over the
     * channel (whose clause reports the closure) twice. The closure is reported only once the
     * message was taken.
     * <p>Result: (first select, second select, times the drain got ONE, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE, desc = "Both selects before the send: the default twice; the drain gets ONE, then end of stream.")
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "The default, then ONE.")
    @Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE, desc = "ONE, then the default (before the close).")
    @Outcome(id = "1, -1, 0, 1", expect = ACCEPTABLE, desc = "ONE, then the closure reported by onClosed.")
    @Outcome(id = "0, -1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "The closure reported before ONE, which was sent before the close.")
    @Outcome(id = "-1, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "The closure reported on the first select, before ONE.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: ONE lost or duplicated, or no end of stream at the end.")
    @State
    public static class LastSenderCloseVsSelect {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> END)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
            a.sender().close();
        }

        @Actor
        public void selector(IIII_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(a.receiver());
            r.r3 = d.count(ONE);
            r.r4 = d.end();
        }
    }

    /**
     * The blocking form of {@link LastSenderCloseVsSelect}: each select waits, and is woken by the
     * send and by the close.
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then the closure (each select possibly after parking).")
    @Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "The closure reported before ONE.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class LastSenderCloseVsBlockingSelect {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> END)
                .build();

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
            a.sender().close();
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }
    }

    /**
     * Two unbounded channels, B's sender closed already (constructor); the only sender of A sends
     * ONE and closes. A blocking select over both, without closed handlers but with an all-closed
     * branch, runs twice: ONE, then the all-closed branch (B's clause is disabled at once, A's when
     * it is drained and closed).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then the all-closed branch.")
    @Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "The all-closed branch ran before ONE, which was sent before A's close.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class LastSenderCloseVsAllClosed {
        final Mpsc.UnboundedChannel<Integer> a = Mpsc.unbounded();
        final Mpsc.UnboundedChannel<Integer> b = Mpsc.unbounded();
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .ifAllClosed(() -> END)
                .build();

        public LastSenderCloseVsAllClosed() {
            b.sender().close();
        }

        @Actor
        public void sender() {
            a.sender().send(ONE);
            a.sender().close();
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }
    }

    /**
     * Another thread sends ONE and then half-closes the receiver that a blocking select waits on:
     * ONE stays receivable after the half-close, and the closure comes after it.
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then the closure reported by onClosed.")
    @Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "The closure reported before ONE, which was sent before the close.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ReceiverCloseVsBlockingSelect {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> END)
                .build();

        @Actor
        public void senderThenCloser() {
            sendOrFail(a.sender(), ONE);
            a.receiver().close();
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }
    }

    /**
     * Capacity 1, empty. A select with a send clause (reporting closure) and a default, against the
     * receiver's half-close: SEVEN is sent and stays receivable, xor the clause reports the closure
     * and nothing was sent.
     * <p>Result: (select, times SEVEN was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "7, 1, 1", expect = ACCEPTABLE, desc = "The send clause won: SEVEN survives the half-close, then end of stream.")
    @Outcome(id = "-1, 0, 1", expect = ACCEPTABLE, desc = "The close came first: onClosed ran; nothing was sent.")
    @Outcome(id = "7, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the select says SEVEN was sent, but it never arrives.")
    @Outcome(id = "-1, 1, " + ANY, expect = FORBIDDEN, desc = "The clause reported the closure, yet SEVEN was sent.")
    @Outcome(id = "0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "The default ran, though the slot was free or the channel closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. no end of stream after close and drain.")
    @State
    public static class SendClauseVsReceiverClose {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v).onClosed(() -> END)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Actor
        public void closer() {
            a.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(a.receiver());
            r.r2 = d.count(SEVEN);
            r.r3 = d.end();
        }
    }

    /**
     * As {@link SendClauseVsReceiverClose}, but the send clause has no closed handler: a closure
     * disables it for the call, and with every clause disabled (and no all-closed branch) the
     * default runs.
     */
    @JCStressTest
    @Outcome(id = "7, 1, 1", expect = ACCEPTABLE, desc = "The send clause won: SEVEN survives the half-close, then end of stream.")
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "The close came first: the clause was disabled and the default ran; nothing was sent.")
    @Outcome(id = "7, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the select says SEVEN was sent, but it never arrives.")
    @Outcome(id = "0, 1, " + ANY, expect = FORBIDDEN, desc = "The default ran, yet SEVEN was sent.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class DisabledSendClauseVsReceiverClose {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Actor
        public void closer() {
            a.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(a.receiver());
            r.r2 = d.count(SEVEN);
            r.r3 = d.end();
        }
    }

    /** As {@link SendClauseVsReceiverClose} into an unbounded channel. */
    @JCStressTest
    @Outcome(id = "7, 1, 1", expect = ACCEPTABLE, desc = "The send clause won: SEVEN survives the half-close, then end of stream.")
    @Outcome(id = "-1, 0, 1", expect = ACCEPTABLE, desc = "The close came first: onClosed ran; nothing was sent.")
    @Outcome(id = "7, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the select says SEVEN was sent, but it never arrives.")
    @Outcome(id = "-1, 1, " + ANY, expect = FORBIDDEN, desc = "The clause reported the closure, yet SEVEN was sent.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class UnboundedSendClauseVsReceiverClose {
        final Mpsc.UnboundedChannel<Integer> a = Mpsc.unbounded();
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v).onClosed(() -> END)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Actor
        public void closer() {
            a.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(a.receiver());
            r.r2 = d.count(SEVEN);
            r.r3 = d.end();
        }
    }

    /**
     * Capacity 1, full. An asynchronous select's send clause (reporting closure) is queued for
     * capacity (constructor). One actor receives the filler (the grant enqueues SEVEN), the other
     * half-closes the receiver (which rejects the queued waiter: the select reports the closure).
     * <p>Result: (receive, stage, times SEVEN was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "9, 7, 1, 1", expect = ACCEPTABLE, desc = "The grant came first: SEVEN was sent and survives the half-close; then end of stream.")
    @Outcome(id = "9, -1, 0, 1", expect = ACCEPTABLE, desc = "The close came first: it rejected the queued send waiter, onClosed ran; nothing was sent (the filler is still received after the half-close).")
    @Outcome(id = "9, 7, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the stage says SEVEN was sent, but it never arrives.")
    @Outcome(id = "9, -1, 1, " + ANY, expect = FORBIDDEN, desc = "The clause reported the closure, yet SEVEN was sent.")
    @Outcome(id = "9, -3, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Stranded: the slot was freed and the channel closed, yet the stage is pending.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "No end of stream after the close and the drain (a send waiter's slot left outstanding).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class QueuedSendClauseVsReceiverClose {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v).onClosed(() -> END)
                .recv(idle.receiver(), v -> v)
                .build());

        @Actor
        public void receiver(IIII_Result r) {
            r.r1 = MpscTests.tryRecv(a.receiver());
        }

        @Actor
        public void closer() {
            a.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = selectFuture(pending);
            final Drain d = Drain.of(a.receiver());
            r.r3 = d.count(SEVEN);
            r.r4 = d.end();
        }
    }

    /**
     * Capacity 1, full. A blocking select waits on its send clause (reporting closure); the
     * receiver is half-closed: the close must reject the waiter (the slot never frees).
     * <p>Result: (select, fillers drained, times SEVEN was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "-1, 1, 0, 1", expect = ACCEPTABLE, desc = "The close rejected the queued send waiter (or the select found the channel closed): onClosed ran; the filler is still received, then end of stream.")
    @Outcome(id = "7, .*", expect = FORBIDDEN, desc = "SEVEN sent into a full channel that was never drained.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BlockingSendClauseVsReceiverClose {
        final Mpsc.Channel<Integer> a = full();
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v).onClosed(() -> END)
                .build();

        @Actor
        public void selector(IIII_Result r) {
            r.r1 = select(select);
        }

        @Actor
        public void closer() {
            a.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(a.receiver());
            r.r2 = d.count(FILLER);
            r.r3 = d.count(SEVEN);
            r.r4 = d.end();
        }
    }

    // ================================================================== 4. cancel, timeout and interrupt

    /**
     * An asynchronous select over A and an idle channel is waiting (constructor); one actor sends
     * ONE into A while the other cancels the stage. Cancel true: nothing was taken, ONE is still in
     * A. Cancel false: the stage has ONE.
     * <p>Result: (cancel returned true, stage, tryRecv of A afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won (before the send, or before its claim); ONE stays in A.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The send's claim won: cancel returned false (possibly after waiting for the retry), the stage has ONE.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Lost: cancel returned true, yet ONE is gone from A.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "Duplicated: the stage has ONE and it is still in A.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, yet the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncCancelVsSend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build());

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = MpscTests.tryRecv(a.receiver());
        }
    }

    /**
     * Capacity 1, full. An asynchronous select's send clause is queued for capacity (constructor);
     * one actor receives the filler (granting the slot, which enqueues SEVEN), the other cancels the
     * stage. Cancel true: SEVEN is not in the channel and the slot went back. Cancel false: the
     * stage has SEVEN and it arrives.
     * <p>Result: (cancel returned true, receive, stage, times SEVEN was received, probe trySend after the drain).
     */
    @JCStressTest
    @Outcome(id = "1, 9, -5, 0, 1", expect = ACCEPTABLE, desc = "The cancel won: SEVEN was never sent; the freed slot went back to the channel.")
    @Outcome(id = "0, 9, 7, 1, 1", expect = ACCEPTABLE, desc = "The grant won: cancel returned false, the stage has SEVEN and it arrives.")
    @Outcome(id = "1, 9, " + ANY + ", 1, " + ANY, expect = FORBIDDEN, desc = "Cancel returned true, yet SEVEN was sent.")
    @Outcome(id = "0, 9, " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Cancel returned false, yet SEVEN never arrives.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL (the slot granted to a cancelled waiter never passed on).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the stage pending after cancel returned false.")
    @State
    public static class AsyncCancelVsGrant {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(idle.receiver(), v -> v)
                .build());

        @Actor
        public void canceller(IIIII_Result r) {
            r.r1 = cancel(pending);
        }

        @Actor
        public void receiver(IIIII_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = selectFuture(pending);
            r.r4 = Drain.of(a.receiver()).count(SEVEN);
            r.r5 = probe(a);
        }
    }

    /**
     * An asynchronous select over A (reporting closure) and an idle channel is waiting
     * (constructor); one actor closes A's only sender, the other cancels the stage.
     * <p>Result: (cancel returned true, stage).
     */
    @JCStressTest
    @Outcome(id = "1, -5", expect = ACCEPTABLE, desc = "The cancel won: the stage is cancelled.")
    @Outcome(id = "0, -1", expect = ACCEPTABLE, desc = "The close's claim won: cancel returned false, the stage reports the closure.")
    @Outcome(id = "0, -3", expect = FORBIDDEN, desc = "Stranded: cancel returned false, yet the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncCancelVsClose {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> END)
                .recv(idle.receiver(), v -> v)
                .build());

        @Actor
        public void closer() {
            a.sender().close();
        }

        @Actor
        public void canceller(II_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = selectFuture(pending);
        }
    }

    /**
     * An asynchronous select over A (no closed handler) and an idle channel is waiting
     * (constructor). One actor closes A's only sender: its claim runs a retry on that thread, which
     * disables A's clause and, with the idle clause still live, registers the select again (phase
     * REGISTERING); the other actor cancels the stage meanwhile. Nothing can ever complete the
     * stage, so the cancel must succeed, whether it lands before the close, during the retry (the
     * cancel-request handshake), during the re-registration (handed to the registering thread) or
     * after it. The arbiter then sends TWO on the idle channel and calls the same select again: it
     * must be free to run (its previous call is over) and take TWO.
     * <p>Result: (cancel returned true, stage, the next call's stage).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 2", expect = ACCEPTABLE, desc = "The cancel succeeded wherever it landed; the next call took TWO at once.")
    @Outcome(id = "0, .*", expect = FORBIDDEN, desc = "cancel returned false, though no clause could ever complete the stage.")
    @Outcome(id = "1, -5, -6", expect = FORBIDDEN, desc = "The next call failed: the cancelled call still counts as running (or a waiter left registered broke it).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the stage completed although nothing was possible.")
    @State
    public static class AsyncCancelVsReRegistration {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();
        final CompletionStage<Integer> pending = waiting(select);

        @Actor
        public void closer() {
            a.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = selectFuture(pending);
            sendOrFail(idle.sender(), TWO);
            try {
                r.r3 = selectFuture(select.selectAsync());
            } catch (IllegalStateException e) {
                r.r3 = FAILED;
            }
        }
    }

    /**
     * One actor sends ONE into A; the other starts an asynchronous select over A with a short
     * timeout clause and at once cancels its stage, so the send's claim, the timer thread's claim
     * and the cancel race (the first pass may also find ONE, and complete the stage at once). The
     * arbiter waits for the stage (the timer's completion may still be running).
     * <p>Result: (cancel returned true, stage, tryRecv of A afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won: nothing taken, ONE stays in A.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The select took ONE (at once, or after the send's claim) before the timer and the cancel.")
    @Outcome(id = "0, -7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timer won before the cancel: the timeout clause ran; ONE stays in A.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Lost: cancel returned true, yet ONE is gone.")
    @Outcome(id = "0, -7, 0", expect = FORBIDDEN, desc = "Lost: the timeout clause ran, yet ONE is gone.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "Duplicated: the stage has ONE and it is still in A.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, yet the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncCancelVsSendVsTimer {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .timeout(SHORT, () -> TIMED_OUT)
                .build();
        CompletionStage<Integer> pending; // plain: written by the canceller, read by the arbiter

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
        }

        @Actor
        public void startThenCancel(III_Result r) {
            pending = select.selectAsync();
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = awaitSelectFuture(pending);
            r.r3 = MpscTests.tryRecv(a.receiver());
        }
    }

    /**
     * A blocking select over A with a short timeout clause, against a send into A.
     * <p>Result: (select, tryRecv of A afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline: the select took it.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: the timeout clause ran; ONE stays in A.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "Lost: the timeout clause ran, yet ONE is gone.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. an interrupt nobody sent.")
    @State
    public static class TimeoutClauseVsSend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .timeout(SHORT, () -> TIMED_OUT)
                .build();

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
        }
    }

    /**
     * A timed {@code select(Duration)} over A and an idle channel (no timeout clause), against a
     * send into A.
     * <p>Result: (select, tryRecv of A afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline: the select took it.")
    @Outcome(id = "-8, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException; ONE stays in A.")
    @Outcome(id = "-8, 0", expect = FORBIDDEN, desc = "Lost: TimeoutException, yet ONE is gone.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. an interrupt nobody sent.")
    @State
    public static class TimedSelectVsSend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select, SHORT);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
        }
    }

    /**
     * What the interrupt tests share: the selecting actor publishes its thread, the other actor
     * interrupts it, and the selecting actor waits until the interrupt was sent before it reads
     * (and clears) its interrupt status, so that no interrupt leaks into the next state.
     */
    public abstract static class InterruptState {
        volatile Thread selecting;
        volatile boolean interruptSent;

        void publish() {
            selecting = Thread.currentThread();
        }

        void interrupt() {
            Thread t;
            while ((t = selecting) == null) {
                Thread.onSpinWait();
            }
            t.interrupt();
            interruptSent = true;
        }

        /** 1 if the interrupt status is set once the interrupt was sent; clears it. */
        int interruptStatus() {
            while (!interruptSent) {
                Thread.onSpinWait();
            }
            return Thread.interrupted() ? 1 : 0;
        }
    }

    /**
     * A blocking select over A and an idle channel; the other actor interrupts the selecting
     * thread and then sends ONE into A. The select returns ONE (and the interrupt stays pending:
     * it came after, or it came while the send's claim took effect and was kept), xor it throws
     * InterruptedException having taken nothing.
     * <p>Result: (select, tryRecv of A afterwards, interrupt status after the select).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The select took ONE (found by a pass before it looked at the interrupt, or its claim beat the cancel of the selector); the interrupt is pending (never looked at, or restored).")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: the select cancelled its selector before the send's claim and threw InterruptedException; ONE stays in A.")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "Swallowed: the select returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE is gone.")
    @Outcome(id = "-2, 1, 1", expect = FORBIDDEN, desc = "The interrupt was both thrown and left pending.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class InterruptVsSend extends InterruptState {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(III_Result r) {
            publish();
            r.r1 = select(select);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            sendOrFail(a.sender(), ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = MpscTests.tryRecv(a.receiver());
        }
    }

    /**
     * Capacity 1, full. A blocking select waits on its send clause; the other actor interrupts the
     * selecting thread and then receives the filler (granting the slot to the select's queued
     * waiter, if it is still queued). The select returns SEVEN, sent (keeping the interrupt), xor
     * throws having sent nothing, the slot back in the channel.
     * <p>Result: (select, receive, times SEVEN was received, probe trySend after the drain, interrupt status after the select).
     */
    @JCStressTest
    @Outcome(id = "7, 9, 1, 1, 1", expect = ACCEPTABLE, desc = "The send clause won (the grant beat the cancel of the selector, or a pass found the slot free); the interrupt is pending (never looked at, or restored).")
    @Outcome(id = "-2, 9, 0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: the select withdrew its send waiter and threw; SEVEN never sent, the freed slot went back to the channel.")
    @Outcome(id = "7, 9, 1, 1, 0", expect = FORBIDDEN, desc = "Swallowed: the select returned and the interrupt status is clear.")
    @Outcome(id = "-2, 9, 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "InterruptedException, yet SEVEN was sent.")
    @Outcome(id = "7, 9, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost: the select says SEVEN was sent, but it never arrives.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Leak: with the channel drained and nobody waiting, trySend reports FULL.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class InterruptVsGrant extends InterruptState {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(IIIII_Result r) {
            publish();
            r.r1 = select(select);
            r.r5 = interruptStatus();
        }

        @Actor
        public void interrupterThenReceiver(IIIII_Result r) {
            interrupt();
            r.r2 = MpscTests.tryRecv(a.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = Drain.of(a.receiver()).count(SEVEN);
            r.r4 = probe(a);
        }
    }

    // ================================================================== 5. oneshot, broadcast and watch clauses

    /**
     * A oneshot send against a select with a default over the oneshot receiver: the value is taken
     * by the select xor still there.
     * <p>Result: (select, tryRecv of the oneshot afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -4", expect = ACCEPTABLE, desc = "The select took the value; the receiver is used up (tryRecv: already received).")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The select ran before the send: the default; the value is still there.")
    @Outcome(id = "0, -4", expect = FORBIDDEN, desc = "Lost: the default ran, yet the value was taken.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated: the select took the value and it is still there.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a closure nobody caused.")
    @State
    public static class OneshotClauseVsSend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * The oneshot sender closes without a value, against a select with a default whose oneshot
     * clause reports the closure.
     * <p>Result: (select, tryRecv of the oneshot afterwards).
     */
    @JCStressTest
    @Outcome(id = "0, -1", expect = ACCEPTABLE, desc = "The select ran before the close: the default; the receiver then sees the closure.")
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The select saw the close: onClosed ran.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a value nobody sent.")
    @State
    public static class OneshotClauseVsSenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v).onClosed(() -> END)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A blocking select over a oneshot receiver and an mpsc channel B; the other actor sends ONE on
     * the oneshot, then TWO into B. Exactly one is taken; the other is still there.
     * <p>Result: (select, tryRecv of the oneshot afterwards, tryRecv of B afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -4, 2", expect = ACCEPTABLE, desc = "The select took the oneshot's value; TWO stays in B.")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "The retry ran after both sends and started at B: TWO; the oneshot's value is still there.")
    @Outcome(id = "2, -4, " + ANY, expect = FORBIDDEN, desc = "Both taken: the oneshot clause took the value and lost.")
    @Outcome(id = "1, -4, 0", expect = FORBIDDEN, desc = "TWO vanished.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the oneshot clause left registered (BUSY).")
    @State
    public static class BlockingOneshotAndMpscVsSends {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Mpsc.Channel<Integer> b = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .build();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            sendOrFail(b.sender(), TWO);
        }

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
            r.r3 = MpscTests.tryRecv(b.receiver());
        }
    }

    /**
     * An asynchronous select over a oneshot receiver is waiting (constructor); one actor sends,
     * the other cancels the stage.
     * <p>Result: (cancel returned true, stage, tryRecv of the oneshot afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won: the oneshot clause was withdrawn, the value is still there.")
    @Outcome(id = "0, 1, -4", expect = ACCEPTABLE, desc = "The send's claim won: the stage has the value, the receiver is used up.")
    @Outcome(id = "1, " + ANY + ", -4", expect = FORBIDDEN, desc = "Lost: cancel returned true, yet the value was taken.")
    @Outcome(id = "1, " + ANY + ", -9", expect = FORBIDDEN, desc = "Cancel returned true, yet the select's waiter is still registered in the oneshot.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, yet the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncOneshotCancelVsSend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .recv(ch.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build());

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * A broadcast send against a select with a default over the broadcast receiver.
     * <p>Result: (select, tryRecv of the broadcast receiver afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The select took ONE; nothing left.")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The select ran before the send: the default; ONE is still there.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost: the default ran, and yet ONE is gone.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a lag on a channel that never wrapped.")
    @State
    public static class BroadcastClauseVsSend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v, SelectTests::lagged)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = BroadcastTests.tryRecv(ch.receiver());
        }
    }

    /**
     * Capacity 1, ONE sent already (constructor); a send of TWO overwrites it while a select with a
     * default reads: the select gets ONE or reports the lag through {@code onLagged}, and the
     * receiver goes on with TWO.
     * <p>Result: (select, tryRecv of the broadcast receiver afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The select read ONE before the overwrite; TWO follows.")
    @Outcome(id = "-11, 2", expect = ACCEPTABLE_INTERESTING, desc = "The overwrite came first: the select reported Lagged(1) through onLagged; the receiver goes on with TWO.")
    @Outcome(id = "2, .*", expect = FORBIDDEN, desc = "The select skipped ONE silently: a lag not reported.")
    @Outcome(id = "0, .*", expect = FORBIDDEN, desc = "The default ran though a value (or a lag) was there.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a wrong lag count.")
    @State
    public static class BroadcastLagVsSelect {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v, SelectTests::lagged)
                .ifNoneReady(() -> NONE)
                .build();

        public BroadcastLagVsSelect() {
            ch.sender().send(ONE);
        }

        @Actor
        public void sender() {
            ch.sender().send(TWO);
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = BroadcastTests.tryRecv(ch.receiver());
        }
    }

    /**
     * The only broadcast sender sends ONE and closes; a blocking select (its clause reporting the
     * closure) runs twice: ONE, then the closure.
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then the closure (each possibly after parking in the wait list).")
    @Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "The closure reported before ONE.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastSendThenCloseVsBlockingSelect {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v, SelectTests::lagged).onClosed(() -> END)
                .build();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }
    }

    /**
     * An asynchronous select over a broadcast receiver is waiting (constructor); one actor sends
     * ONE, the other cancels the stage.
     * <p>Result: (cancel returned true, stage, tryRecv of the broadcast receiver afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won: nothing read; ONE is still there.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The send's claim won: the stage has ONE.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Lost: cancel returned true, yet ONE was read.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, yet the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncBroadcastCancelVsSend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .recv(ch.receiver(), v -> v, SelectTests::lagged)
                .build());

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = BroadcastTests.tryRecv(ch.receiver());
        }
    }

    /**
     * A watch send against a select with a default over {@code changed}: the new value is seen by
     * the select xor still unseen.
     * <p>Result: (select, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The select saw ONE and marked it seen.")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The select ran before the send: the default; ONE is unseen.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost: the default ran, yet ONE was marked seen.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "The select saw ONE, yet it is still unseen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchClauseVsSend {
        final Watch.Channel<Integer> ch = Watch.channel(WatchTests.ZERO);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(ch.receiver(), v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = WatchTests.hasChanged(ch.receiver());
        }
    }

    /**
     * Two watch sends (ONE, then TWO) against a select with a default over {@code changed}: the
     * last value is either seen by the select or still unseen, never marked seen unread.
     * <p>Result: (select, hasChanged afterwards, current value).
     */
    @JCStressTest
    @Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "The select ran before the first send: the default; TWO is unseen.")
    @Outcome(id = "1, 1, 2", expect = ACCEPTABLE_INTERESTING, desc = "The select saw ONE between the two sends; TWO is unseen.")
    @Outcome(id = "2, 0, 2", expect = ACCEPTABLE, desc = "The select ran after both sends: it saw TWO.")
    @Outcome(id = "1, 0, 2", expect = FORBIDDEN, desc = "Lost: TWO was marked seen by a select that returned ONE.")
    @Outcome(id = "0, 0, 2", expect = FORBIDDEN, desc = "Lost: the default ran, yet TWO was marked seen.")
    @Outcome(id = "2, 1, 2", expect = FORBIDDEN, desc = "The select saw TWO, yet it is still unseen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchClauseVsTwoSends {
        final Watch.Channel<Integer> ch = Watch.channel(WatchTests.ZERO);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(ch.receiver(), v -> v)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = WatchTests.hasChanged(ch.receiver());
            r.r3 = ch.receiver().borrow();
        }
    }

    /**
     * The only watch sender sends ONE and closes; a select with a default over {@code changed}
     * (reporting the closure) runs twice. An unseen value is delivered before the closure.
     * <p>Result: (first select, second select).
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Both selects before the send: the default twice.")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The default, then ONE (before or after the close).")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE, then the default (before the close).")
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then the closure.")
    @Outcome(id = "0, -1", expect = FORBIDDEN, desc = "The closure reported while ONE, sent before the close, was unseen.")
    @Outcome(id = "-1, " + ANY, expect = FORBIDDEN, desc = "The closure reported on the first select, before ONE.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchSendThenCloseVsSelect {
        final Watch.Channel<Integer> ch = Watch.channel(WatchTests.ZERO);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(ch.receiver(), v -> v).onClosed(() -> END)
                .ifNoneReady(() -> NONE)
                .build();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }
    }

    /**
     * A blocking select over a watch receiver's {@code changed} and an mpsc channel B; the other
     * actor sends ONE on the watch, then TWO into B.
     * <p>Result: (select, hasChanged afterwards, tryRecv of B afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "The select saw ONE; TWO stays in B.")
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "The retry ran after both sends and started at B: TWO; ONE is still unseen.")
    @Outcome(id = "2, 0, " + ANY, expect = FORBIDDEN, desc = "Both took effect: the watch clause marked ONE seen and lost.")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "TWO vanished.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BlockingWatchAndMpscVsSends {
        final Watch.Channel<Integer> ch = Watch.channel(WatchTests.ZERO);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(ch.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .build();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            sendOrFail(b.sender(), TWO);
        }

        @Actor
        public void selector(III_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = WatchTests.hasChanged(ch.receiver());
            r.r3 = MpscTests.tryRecv(b.receiver());
        }
    }

    /**
     * A blocking select over a broadcast receiver and a watch receiver's {@code changed} runs twice
     * in one actor (each wait pushes fresh nodes on both wait lists, and withdraws them); the other
     * actor sends ONE on the broadcast channel, then TWO on the watch.
     * <p>Result: (first select, second select).
     */
    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "ONE, then TWO.")
    @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "The first call ran after both sends and started at the watch: TWO, then ONE.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value taken twice, or a lag.")
    @State
    public static class BroadcastAndWatchSelectTwiceVsSends {
        final Broadcast.Channel<Integer> bc = Broadcast.channel(2);
        final Watch.Channel<Integer> w = Watch.channel(WatchTests.ZERO);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(bc.receiver(), v -> v, SelectTests::lagged)
                .changed(w.receiver(), v -> v)
                .build();

        @Actor
        public void sender() {
            bc.sender().send(ONE);
            w.sender().send(TWO);
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
            r.r2 = select(select);
        }
    }

    /**
     * An asynchronous select over a watch receiver's {@code changed} is waiting (constructor); one
     * actor sends ONE, the other cancels the stage.
     * <p>Result: (cancel returned true, stage, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won: ONE is still unseen.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The send's claim won: the stage has ONE, marked seen.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Lost: cancel returned true, yet ONE was marked seen.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "The stage has ONE, yet it is still unseen.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, yet the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncWatchCancelVsSend {
        final Watch.Channel<Integer> ch = Watch.channel(WatchTests.ZERO);
        final CompletionStage<Integer> pending = waiting(Select.<Integer>builder()
                .changed(ch.receiver(), v -> v)
                .build());

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = WatchTests.hasChanged(ch.receiver());
        }
    }
}
