package dev.channels.stress;

import dev.channels.ChannelClosedException;
import dev.channels.Watch;
import dev.channels.stress.MpscTests.Msg;
import dev.channels.stress.MpscTests.VisibilityState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.channels.stress.MpscTests.fill;
import static dev.channels.stress.MpscTests.observe;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the watch channel ({@link Watch}), in Continuous mode: two actors race, an
 * arbiter (which runs after both) looks at the receiver's state, and every outcome is listed with
 * the interleaving that produces it. The blocking operations' wake-ups are in
 * {@link WatchTerminationTests}.
 *
 * <p>The races are those of Tokio's loom tests for watch ({@code loom_watch.rs} and the loom tests
 * in {@code watch.rs}) and those our own design adds (a versioned snapshot swapped by CAS,
 * asynchronous waits that can be cancelled):
 * <ul>
 *   <li>{@code changed} never misses the last write: whatever the interleaving, the last value is
 *       either seen or still unseen, never marked seen without being read (loom
 *       {@code watch_spurious_wakeup}); a borrow after {@code changed} sees that value or a newer
 *       one, with every write made before it (loom {@code smoke}, {@code watch_borrow});</li>
 *   <li>concurrent {@code sendModify} calls compose: no update lost, one version each;</li>
 *   <li>the last sender's close against receives: an unseen value is reported before the close,
 *       and the channel closes exactly when the last of several senders goes (loom
 *       {@code multiple_sender_drop_concurrently});</li>
 *   <li>{@code waitFor} returns the value its predicate accepted, and marks exactly that one seen
 *       (loom {@code wait_for_returns_correct_value});</li>
 *   <li>cancelling an asynchronous wait against the write that completes it: cancelled and nothing
 *       marked seen, xor completed;</li>
 *   <li>send against the last receiver's close, and against a subscribe that reopens the channel;
 *       the senders' {@code closed()} stage against the last receiver's close.</li>
 * </ul>
 *
 * <p>Every scenario has two actors: jcstress cannot schedule three actors on a two-CPU machine and
 * silently skips such tests. A third party of a race is therefore either set up by the state's
 * constructor (a second sender handle, a pending asynchronous wait) or sequenced inside one actor
 * (send, then close).
 *
 * <h2>Result codes</h2>
 * Values are small non-negative {@code Integer}s (the initial value is 0) and a value read is
 * recorded as itself. The other codes are the constants below ({@link #NO_CHANGE}, {@link #END},
 * {@link #SENT}...).
 */
public final class WatchTests {
    private WatchTests() {
    }

    // ------------------------------------------------------------------ result codes

    /** In an outcome id (a regular expression over "r1, r2, ..."), any one result field. */
    static final String ANY = "-?[0-9]+";

    /** changed / hasChanged: nothing unseen (a zero-timeout changed timed out; hasChanged false). */
    static final int NO_CHANGE = 0;
    /** changed / hasChanged: an unseen value (changed returned true and marked it; hasChanged true). */
    static final int CHANGED = 1;
    /** Every sender is closed: changed returned false, hasChanged or waitFor threw ChannelClosedException. */
    static final int END = -1;
    /** A blocking call threw InterruptedException (nobody interrupts these actors). */
    static final int INTERRUPTED = -2;
    /** A future that is still not complete. */
    static final int PENDING = -3;
    /** A future that was cancelled. */
    static final int CANCELLED = -5;
    /** A future or call that failed in a way no test expects. */
    static final int FAILED = -6;

    /** Send result: the value was stored. */
    static final int SENT = 1;
    /** Send result: no receiver; the value was handed back and not stored. */
    static final int HANDED_BACK = 2;
    /** Send result: closed, but the exception did not carry the value. */
    static final int CLOSED_WITHOUT_VALUE = 3;

    /** The values the tests write; the channels start at {@link #ZERO}. */
    static final Integer ZERO = 0;
    static final Integer ONE = 1;
    static final Integer TWO = 2;
    static final Integer THREE = 3;
    static final Integer TEN = 10;

    // ------------------------------------------------------------------ helpers

    /** A non-blocking changed (zero timeout) as a code: {@link #CHANGED}, {@link #NO_CHANGE} or {@link #END}. */
    static int check(Watch.Receiver<Integer> rx) {
        try {
            return rx.changed(Duration.ZERO) ? CHANGED : END;
        } catch (TimeoutException e) {
            return NO_CHANGE;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** A blocking changed as a code: {@link #CHANGED} or {@link #END}. */
    static int changed(Watch.Receiver<Integer> rx) {
        try {
            return rx.changed() ? CHANGED : END;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** hasChanged as a code: {@link #CHANGED}, {@link #NO_CHANGE} or {@link #END}. */
    static int hasChanged(Watch.Receiver<Integer> rx) {
        try {
            return rx.hasChanged() ? CHANGED : NO_CHANGE;
        } catch (ChannelClosedException e) {
            return END;
        }
    }

    /** send as a code: {@link #SENT}, {@link #HANDED_BACK}... */
    static int send(Watch.Sender<Integer> tx, Integer v) {
        try {
            tx.send(v);
            return SENT;
        } catch (ChannelClosedException e) {
            return e.hasValue() && v.equals(e.value()) ? HANDED_BACK : CLOSED_WITHOUT_VALUE;
        }
    }

    /** The state of a changedAsync future, without waiting: CHANGED, END, PENDING, CANCELLED... */
    static int changedFuture(CompletionStage<Boolean> stage) {
        final CompletableFuture<Boolean> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            return PENDING;
        }
        if (f.isCancelled()) {
            return CANCELLED;
        }
        try {
            return f.get() ? CHANGED : END;
        } catch (ExecutionException | InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    /** The state of a waitForAsync future, without waiting: the value, END, PENDING, CANCELLED... */
    static int valueFuture(CompletionStage<Integer> stage) {
        final CompletableFuture<Integer> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            return PENDING;
        }
        if (f.isCancelled()) {
            return CANCELLED;
        }
        try {
            return f.get();
        } catch (ExecutionException e) {
            return e.getCause() instanceof ChannelClosedException ? END : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    private static final Pattern VERSION = Pattern.compile("version=(-?[0-9]+)");

    /**
     * The channel's current version number, as the sender's {@code toString()} reports it (the
     * version is not otherwise public). The initial value is version 0; each notifying write adds 1.
     */
    static int version(Watch.Sender<?> tx) {
        final Matcher m = VERSION.matcher(tx.toString());
        if (!m.find()) {
            throw new IllegalStateException("no version in " + tx);
        }
        return Integer.parseInt(m.group(1));
    }

    static int bit(boolean b) {
        return b ? 1 : 0;
    }

    // ================================================================== 1. changed never misses the last write

    /**
     * The writer sends 1 then 2; the receiver waits with changed (woken by either send) and marks
     * what it reads with borrowAndUpdate. The arbiter asks whether anything is still unseen.
     * <p>Result: (changed, the value borrowAndUpdate read, the arbiter's hasChanged, the arbiter's borrowAndUpdate).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1, 2", expect = ACCEPTABLE, desc = "changed returned for 1 and the receiver read 1 before the second send: 2 is still unseen afterwards.")
    @Outcome(id = "1, 2, 0, 2", expect = ACCEPTABLE, desc = "The receiver read 2 (changed returned for 1 or 2): nothing is unseen afterwards.")
    @Outcome(id = "1, 1, 0, " + ANY, expect = FORBIDDEN, desc = "Missed update: the receiver read 1, yet 2 counts as seen.")
    @Outcome(id = "1, 2, 1, " + ANY, expect = FORBIDDEN, desc = "Spurious change: the receiver read 2, the last value, yet something is still unseen.")
    @Outcome(id = "1, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "changed returned true, yet the value read after it is the initial one.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. changed returned false on an open channel.")
    @State
    public static class ChangedThenBorrowAndUpdateSeesLastSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void writer() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }

        @Actor
        public void reader(IIII_Result r) {
            r.r1 = changed(ch.receiver());
            r.r2 = ch.receiver().borrowAndUpdate();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = hasChanged(ch.receiver());
            r.r4 = ch.receiver().borrowAndUpdate();
        }
    }

    /**
     * The writer sends 1 then 2; the receiver loops twice over a non-blocking changed, reading with
     * borrowAndUpdate each time it reports a change (the Tokio loop, loom
     * {@code watch_spurious_wakeup}). Afterwards the last value is either the one the receiver last
     * read, or unseen: a final check reports it.
     * <p>Result: (the last value the receiver read, or 0; the arbiter's final check; the value it then reads).
     */
    @JCStressTest
    @Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "Both checks came before the first send: nothing read; 2 is unseen afterwards.")
    @Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "The receiver read 1 (the second check came before the second send, or found nothing new): 2 is unseen afterwards.")
    @Outcome(id = "2, 0, 2", expect = ACCEPTABLE, desc = "The receiver read 2, on its first or second change: nothing is unseen afterwards.")
    @Outcome(id = "0, 0, " + ANY, expect = FORBIDDEN, desc = "Missed update: the receiver read nothing, yet the last value counts as seen.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "Missed update: the receiver last read 1, yet 2 counts as seen.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Spurious change: the receiver read the last value, yet a check still reports a change.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a check reported the channel closed.")
    @State
    public static class ChangedLoopNeverMissesLastSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void writer() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }

        @Actor
        public void reader(III_Result r) {
            int last = 0;
            for (int i = 0; i < 2; i++) {
                final int c = check(ch.receiver());
                if (c == CHANGED) {
                    last = ch.receiver().borrowAndUpdate();
                } else if (c != NO_CHANGE) {
                    last = c;
                    break;
                }
            }
            r.r1 = last;
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = check(ch.receiver());
            r.r3 = ch.receiver().borrowAndUpdate();
        }
    }

    /**
     * The writer writes a plain field, sends 1, writes another, sends 2. The receiver waits with
     * changed and then borrows (without marking): it sees the value changed reported or a newer
     * one, and every plain write made before the value it sees.
     * <p>Result: (the value borrowed, the first plain field, the second plain field).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The receiver borrowed 1 before the writer's second write: the write before send(1) is visible.")
    @Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "The receiver borrowed 1; the writer's second write happened to be visible too (it raced, nothing orders it).")
    @Outcome(id = "2, 1, 2", expect = ACCEPTABLE, desc = "The receiver borrowed 2: every write made before send(2) is visible.")
    @Outcome(id = "0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "changed returned true, yet the borrow after it shows the initial value.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "The receiver saw 1, but not the write made before send(1).")
    @Outcome(id = "2, " + ANY + ", 0", expect = FORBIDDEN, desc = "The receiver saw 2, but not the write made before send(2).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. changed reported a close.")
    @State
    public static class BorrowAfterChangedSeesThatValueOrNewer {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        int x;
        int y;

        @Actor
        public void writer() {
            x = 1; // plain: published by send(1)
            ch.sender().send(ONE);
            y = 2; // plain: published by send(2)
            ch.sender().send(TWO);
        }

        @Actor
        public void reader(III_Result r) {
            if (changed(ch.receiver()) != CHANGED) {
                r.r1 = FAILED;
                return;
            }
            r.r1 = ch.receiver().borrow();
            r.r2 = x;
            r.r3 = y;
        }
    }

    /** sendReplace / borrow: the snapshot swap publishes the value's contents. */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "borrow ran before the write: still the initial value.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "borrow saw the new value: every plain write made before the write is visible.")
    @Outcome(expect = FORBIDDEN, desc = "The new value (or the writer's earlier write) still shows a default value: the snapshot CAS does not publish.")
    @State
    public static class BorrowVisibility extends VisibilityState {
        static final Msg INITIAL = new Msg();
        final Watch.Channel<Msg> ch = Watch.channel(INITIAL);

        @Actor
        public void writer() {
            ch.sender().sendReplace(fill(new Msg(), this));
        }

        @Actor
        public void reader(IIII_Result r) {
            final Msg m = ch.receiver().borrow();
            observe(m == INITIAL ? null : m, this, r);
        }
    }

    // ================================================================== 2. concurrent writes

    /**
     * Two sender handles apply {@code x -> x + 1} at once: the CAS retry composes them, none lost,
     * and each made its own version.
     * <p>Result: (value the first stored, value the second stored, final value, final version).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 2, 2", expect = ACCEPTABLE, desc = "The first modify came first (the second retried on its CAS, or simply ran later).")
    @Outcome(id = "2, 1, 2, 2", expect = ACCEPTABLE, desc = "The second modify came first.")
    @Outcome(id = "1, 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost update: both modifies computed from the initial value and both stored.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 1", expect = FORBIDDEN, desc = "Two notifying writes, one version.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ConcurrentSendModifyLosesNoUpdate {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final Watch.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void first(IIII_Result r) {
            r.r1 = ch.sender().sendModify(x -> x + 1);
        }

        @Actor
        public void second(IIII_Result r) {
            r.r2 = other.sendModify(x -> x + 1);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = ch.sender().borrow();
            r.r4 = version(ch.sender());
        }
    }

    /**
     * sendModify({@code x -> x + 1}) against a plain send of 10: the modify applies to whichever
     * value it finds, none is lost.
     * <p>Result: (value the modify stored, final value, final version, receiver's hasChanged).
     */
    @JCStressTest
    @Outcome(id = "1, 10, 2, 1", expect = ACCEPTABLE, desc = "The modify came first (0 + 1); the send replaced it.")
    @Outcome(id = "11, 11, 2, 1", expect = ACCEPTABLE, desc = "The send came first; the modify applied to it (10 + 1).")
    @Outcome(id = "1, 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost send: the modify's CAS overwrote a value it did not compute from.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendModifyVsSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final Watch.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void modifier(IIII_Result r) {
            r.r1 = ch.sender().sendModify(x -> x + 1);
        }

        @Actor
        public void sender() {
            other.send(TEN);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = ch.sender().borrow();
            r.r3 = version(ch.sender());
            r.r4 = hasChanged(ch.receiver());
        }
    }

    // ================================================================== 3. the last sender's close against receives

    /**
     * The only sender sends 1 and closes; the receiver checks twice without blocking. The close is
     * reported only after the value sent before it (the receiver reads {@code closed} before the
     * value).
     * <p>Result: (first check, second check, the arbiter's check, the arbiter's next check).
     */
    @JCStressTest
    @Outcome(id = "0, 0, 1, -1", expect = ACCEPTABLE, desc = "Both checks before the send: the arbiter gets the unseen value, then the close.")
    @Outcome(id = "0, 1, -1, -1", expect = ACCEPTABLE, desc = "The second check saw the value (before or after the close): then only the close.")
    @Outcome(id = "1, 0, -1, -1", expect = ACCEPTABLE, desc = "The first check saw the value, the second came before the close.")
    @Outcome(id = "1, -1, -1, -1", expect = ACCEPTABLE, desc = "Value, then close.")
    @Outcome(id = "0, -1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "The close was reported before the value sent before it.")
    @Outcome(id = "-1, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "The close was reported before the value sent before it.")
    @Outcome(id = ".*-1, 1.*", expect = FORBIDDEN, desc = "A change reported after the close.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the value reported twice, or never.")
    @State
    public static class SendThenLastSenderCloseVsChangedChecks {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void writer() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void reader(IIII_Result r) {
            r.r1 = check(ch.receiver());
            r.r2 = check(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = check(ch.receiver());
            r.r4 = check(ch.receiver());
        }
    }

    /**
     * The only sender sends 1 and 2 and closes; the receiver runs the Tokio loop
     * ({@code while (changed()) borrowAndUpdate()}), blocking, until the close. It must read 2
     * before the loop ends.
     * <p>Result: (how many changes the loop saw, the last value it read).
     */
    @JCStressTest
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "One change (the sends coalesced, or the first read already found 2), then the close.")
    @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "Two changes (1, then 2), then the close.")
    @Outcome(id = ANY + ", 1", expect = FORBIDDEN, desc = "The loop ended at the close having read 1 only: the last value was lost to the close.")
    @Outcome(id = "0, " + ANY, expect = FORBIDDEN, desc = "The close was reported before any of the values sent before it.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. an interrupt nobody sent.")
    @State
    public static class ChangedLoopUntilCloseSeesLastSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void writer() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().close();
        }

        @Actor
        public void reader(II_Result r) {
            int changes = 0;
            int last = 0;
            for (int c = changed(ch.receiver()); c == CHANGED; c = changed(ch.receiver())) {
                changes++;
                last = ch.receiver().borrowAndUpdate();
                if (changes > 2) {
                    break; // more changes than writes: reported as is
                }
            }
            r.r1 = changes;
            r.r2 = last;
        }
    }

    /**
     * Two sender handles: one sends 1 and closes; the other closes and then, on the same thread,
     * runs the receiver's loop until the close. Whichever close is the last, it comes after the
     * send, so the loop must read 1 before it ends.
     * <p>Result: (how many changes the loop saw, the last value it read).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The value, then the close (by whichever handle closed last).")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "The close was reported before the value sent before it.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsOtherSenderCloseVsChangedLoop {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final Watch.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void writer() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void closerThenReader(II_Result r) {
            other.close();
            int changes = 0;
            int last = 0;
            for (int c = changed(ch.receiver()); c == CHANGED; c = changed(ch.receiver())) {
                changes++;
                last = ch.receiver().borrowAndUpdate();
                if (changes > 2) {
                    break;
                }
            }
            r.r1 = changes;
            r.r2 = last;
        }
    }

    /**
     * Two sender handles close at once (loom {@code multiple_sender_drop_concurrently}): the
     * channel is open while either remains and closed exactly once both are gone. One actor closes
     * its handle; the other checks, closes its own, and checks again.
     * <p>Result: (hasChanged before our close, after it, the arbiter's hasChanged, receiver's isClosed).
     */
    @JCStressTest
    @Outcome(id = "0, 0, -1, 1", expect = ACCEPTABLE, desc = "Our close was not the last: still open after it; closed once the other handle closed.")
    @Outcome(id = "0, -1, -1, 1", expect = ACCEPTABLE, desc = "Our close was the last: closed right after it.")
    @Outcome(id = "-1, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Closed while our handle was still open.")
    @Outcome(id = ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Both handles closed, yet the channel is open: a decrement lost.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class HasChangedVsTwoSendersClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final Watch.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void checkerThenCloser(IIII_Result r) {
            r.r1 = hasChanged(ch.receiver());
            other.close();
            r.r2 = hasChanged(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = hasChanged(ch.receiver());
            r.r4 = bit(ch.receiver().isClosed());
        }
    }

    // ================================================================== 4. waitFor

    /** The predicate {@code x >= 2}, remembering the last value it accepted. */
    static final class AtLeastTwo implements Predicate<Integer> {
        /** plain: written by whichever thread tests, read after the wait returned (or completed). */
        int accepted;

        @Override
        public boolean test(Integer x) {
            if (x >= 2) {
                accepted = x;
                return true;
            }
            return false;
        }
    }

    /**
     * The writer sends 1, 2, 3; the receiver waits for a value {@code >= 2} (loom
     * {@code wait_for_returns_correct_value}): it returns the very value the predicate accepted,
     * and marks that one seen, no later one.
     * <p>Result: (value returned, value the predicate accepted, the arbiter's hasChanged).
     */
    @JCStressTest
    @Outcome(id = "2, 2, 1", expect = ACCEPTABLE, desc = "waitFor accepted 2 before the third send: 3 is unseen afterwards.")
    @Outcome(id = "3, 3, 0", expect = ACCEPTABLE, desc = "waitFor accepted 3 (it found 3 first, or tested 2 too late): nothing is unseen.")
    @Outcome(id = "2, 2, 0", expect = FORBIDDEN, desc = "waitFor returned 2 but marked a newer version seen: 3 missed.")
    @Outcome(id = "3, 3, 1", expect = FORBIDDEN, desc = "waitFor returned the last value, yet a change is still unseen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the returned value differs from the accepted one, or fails the predicate.")
    @State
    public static class WaitForReturnsAcceptedValue {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final AtLeastTwo predicate = new AtLeastTwo();

        @Actor
        public void writer() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().send(THREE);
        }

        @Actor
        public void reader(III_Result r) {
            try {
                r.r1 = ch.receiver().waitFor(predicate);
                r.r2 = predicate.accepted;
            } catch (InterruptedException e) {
                r.r1 = INTERRUPTED;
            }
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = hasChanged(ch.receiver());
        }
    }

    /**
     * As {@link WaitForReturnsAcceptedValue} with waitForAsync: the predicate may run on the
     * writer's thread, which then completes the future.
     */
    @JCStressTest
    @Outcome(id = "2, 2, 1", expect = ACCEPTABLE, desc = "The future accepted 2 before the third send: 3 is unseen afterwards.")
    @Outcome(id = "3, 3, 0", expect = ACCEPTABLE, desc = "The future accepted 3: nothing is unseen.")
    @Outcome(id = "2, 2, 0", expect = FORBIDDEN, desc = "The future delivered 2 but a newer version was marked seen: 3 missed.")
    @Outcome(id = "3, 3, 1", expect = FORBIDDEN, desc = "The future delivered the last value, yet a change is still unseen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the delivered value differs from the accepted one, or fails the predicate, or the future failed.")
    @State
    public static class WaitForAsyncReturnsAcceptedValue {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final AtLeastTwo predicate = new AtLeastTwo();

        @Actor
        public void writer() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().send(THREE);
        }

        @Actor
        public void reader(III_Result r) {
            try {
                r.r1 = ch.receiver().waitForAsync(predicate).get();
                r.r2 = predicate.accepted;
            } catch (InterruptedException e) {
                r.r1 = INTERRUPTED;
            } catch (ExecutionException e) {
                r.r1 = FAILED;
            }
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = hasChanged(ch.receiver());
        }
    }

    // ================================================================== 5. cancelling an asynchronous wait

    /**
     * A changedAsync is pending (registered by the constructor); one actor cancels it, the other
     * sends. The send's wake-up claims the wait (which marks the value seen and completes with
     * true) xor the cancel withdraws it (and nothing is marked).
     * <p>Result: (cancel returned true, the future, the arbiter's hasChanged).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won (before or after the send): nothing was marked seen, the value is still unseen.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The send's wake-up won: the future completed with true and the value is marked seen.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Cancelled, and yet the value was marked seen: a change lost.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "The future reported the change, yet it is still unseen.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ChangedAsyncCancelVsSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletableFuture<Boolean> pending = ch.receiver().changedAsync();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = bit(pending.cancel(false));
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = changedFuture(pending);
            r.r3 = hasChanged(ch.receiver());
        }
    }

    /**
     * As {@link ChangedAsyncCancelVsSend} for a pending waitForAsync({@code x == 1}) and a send of
     * the accepted value.
     * <p>Result: (cancel returned true, the future, the arbiter's hasChanged).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won: nothing was marked seen.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The send's wake-up won: the future delivered 1 and marked it seen.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Cancelled, and yet the value was marked seen.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "The future delivered the value, yet it is still unseen.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WaitForAsyncCancelVsAcceptedSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletableFuture<Integer> pending = ch.receiver().waitForAsync(x -> x == 1);

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = bit(pending.cancel(false));
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = valueFuture(pending);
            r.r3 = hasChanged(ch.receiver());
        }
    }

    /**
     * A waitForAsync({@code x == 2}) is pending; one actor sends 1, which the predicate rejects (the
     * wake-up re-registers the wait), the other cancels. A rejected value does not end the wait,
     * so the cancel must succeed whenever it lands.
     * <p>Result: (cancel returned true, the future, the arbiter's hasChanged on the receiver).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel withdrew the wait before the send's wake-up tested 1: nothing marked seen.")
    @Outcome(id = "1, -5, 0", expect = ACCEPTABLE, desc = "The send's wake-up tested 1 (rejected; as Tokio's wait_for, a tested value is marked seen), then the cancel withdrew the wait, during its re-registration or after it.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false (it landed while the send's wake-up was re-registering the wait), yet the future is neither cancelled nor complete, and nothing will complete it.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the future completed with the rejected value.")
    @State
    public static class WaitForAsyncCancelVsRejectedSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletableFuture<Integer> pending = ch.receiver().waitForAsync(x -> x == 2);

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = bit(pending.cancel(false));
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = valueFuture(pending);
            r.r3 = hasChanged(ch.receiver());
        }
    }

    // ================================================================== 6. receivers coming and going

    /**
     * send against the last receiver's close: stored xor handed back (a send with no receiver does
     * not store its value).
     * <p>Result: (send, value the sender then borrows, sender's isClosed).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The send came first: stored, then the receiver closed.")
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "The close came first: send threw ChannelClosedException carrying the value, nothing stored.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Handed back and stored anyway.")
    @Outcome(id = "1, 0, " + ANY, expect = FORBIDDEN, desc = "Reported sent but not stored.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. isClosed false with no receiver left.")
    @State
    public static class SendVsLastReceiverClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

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
            r.r2 = ch.sender().borrow();
            r.r3 = bit(ch.sender().isClosed());
        }
    }

    /**
     * A sender without receivers ({@code Watch.sender}) sends while another thread subscribes
     * (reopening the channel): the value is handed back and not stored, or stored and unseen by
     * the new receiver. A subscribe reads the version before it counts the receiver, and a send
     * stores only after it saw a receiver counted, so a value stored because of the new receiver
     * is a change to it (the opposite order once let it start having seen 1).
     * <p>Result: (send, the new receiver's hasChanged, the value it borrows).
     */
    @JCStressTest
    @Outcome(id = "2, 0, 0", expect = ACCEPTABLE, desc = "The send came before the subscribe: handed back, not stored.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The new receiver read the version, then the send stored 1: unseen.")
    @Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "Stored because of the new receiver, yet marked seen: a change nobody is told of.")
    @Outcome(id = "2, " + ANY + ", 1", expect = FORBIDDEN, desc = "Handed back and stored anyway.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Reported sent but not stored.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsSubscribe {
        final Watch.Sender<Integer> tx = Watch.sender(ZERO);
        Watch.Receiver<Integer> rx;

        @Actor
        public void subscriber() {
            rx = tx.subscribe();
        }

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(tx, ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = hasChanged(rx);
            r.r3 = rx.borrow();
        }
    }

    /**
     * A sender asks for the {@code closed()} stage while the last receiver closes (the Dekker
     * handshake between publishing the shared future and the count reaching zero).
     * <p>Result: (stage complete when the arbiter looks, sender's isClosed).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The stage completed: at once (no receiver left), or by the close.")
    @Outcome(id = "0, " + ANY, expect = FORBIDDEN, desc = "Lost notification: the last receiver closed, but the closed() stage never completes.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ClosedStageVsLastReceiverClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
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
            r.r1 = bit(closed.toCompletableFuture().isDone());
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    /**
     * Two receivers close at once: exactly the last one completes the senders' {@code closed()}
     * stage, which was asked for by the constructor.
     * <p>Result: (stage complete, receiver count).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Both closed: no receiver left, the stage completed.")
    @Outcome(id = "0, " + ANY, expect = FORBIDDEN, desc = "Lost notification: no receiver is left, but the stage never completes.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a decrement lost.")
    @State
    public static class TwoReceiversCloseConcurrently {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final Watch.Receiver<Integer> other = ch.receiver().duplicate();
        final CompletionStage<Void> closed = ch.sender().closed();

        @Actor
        public void first() {
            ch.receiver().close();
        }

        @Actor
        public void second() {
            other.close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = bit(closed.toCompletableFuture().isDone());
            r.r2 = ch.sender().receiverCount();
        }
    }
}
