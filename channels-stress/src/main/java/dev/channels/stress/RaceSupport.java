package dev.channels.stress;

import dev.channels.Broadcast;
import dev.channels.ChannelClosedException;
import dev.channels.ChannelInterruptedException;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Select;
import dev.channels.TrySendResult;
import dev.channels.Watch;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the race suites {@link LoomParityTests}, {@link InterruptTests}, {@link TimeoutTests},
 * {@link CancelTests} and {@link CloseRaceTests} share: one table of result codes, valid for every
 * kind of channel (so that an outcome id reads the same in all five files), the calls that turn a
 * channel operation into a code, and the state of the interrupt races.
 *
 * <h2>Result codes</h2>
 * A value received is recorded as itself: the tests send small positive {@code Integer}s
 * ({@link #ONE}, {@link #TWO}, {@link #THREE}, {@link #FILLER}...). A field that records a send
 * uses the send codes ({@link #SENT}, {@link #HANDED_BACK}...), which never share a field with a
 * value. Everything else is one of the non-positive codes below, the same for every kind.
 *
 * <h2>Bounding the blocking calls</h2>
 * A Continuous-mode actor must never wait forever. A blocking call in a race is ended by the other
 * actor (an interrupt that is always sent, a send or close that always comes) or by its own short
 * timeout; a blocking call that only has to return (its wake-up is what the Termination tests
 * check) uses the timed form with {@link #SAFETY}, and a lost wake-up then shows as the FORBIDDEN
 * code {@link #TIMED_OUT} instead of a hung fork.
 */
final class RaceSupport {
    private RaceSupport() {
    }

    // ------------------------------------------------------------------ result codes

    /** In an outcome id (a regular expression over "r1, r2, ..."), any one result field. */
    static final String ANY = "-?[0-9]+";

    /** Nothing now: tryRecv found nothing, hasChanged false, a select's default ran. */
    static final int EMPTY = 0;
    /** End of stream / closed: recv returned null, a receive threw ChannelClosedException, changed returned false. */
    static final int END = -1;
    /** A blocking call threw InterruptedException. */
    static final int INTERRUPTED = -2;
    /** A future or stage that is still not complete. */
    static final int PENDING = -3;
    /** A oneshot receive threw IllegalStateException: the value was already received. */
    static final int TAKEN = -4;
    /** A future that was cancelled. */
    static final int CANCELLED = -5;
    /** A call or future that failed in a way no test expects. */
    static final int FAILED = -6;
    /** A timed call timed out (TimeoutException, false, null), or a future completed with TimeoutException. */
    static final int TIMED_OUT = -7;
    /** A call threw IllegalStateException (a closed handle). */
    static final int ILLEGAL_STATE = -8;
    /** An iterator threw ChannelInterruptedException. */
    static final int INTERRUPTED_UNCHECKED = -9;
    /** A broadcast lag of {@code n} values is recorded as {@code LAGGED - n}. */
    static final int LAGGED = -10;

    /** Watch: an unseen value (hasChanged true, changed returned true). */
    static final int CHANGED = 1;

    /** Send result: the channel was full (try forms only). */
    static final int FULL = 0;
    /** Send result: the value is in the channel. */
    static final int SENT = 1;
    /** Send result: closed, and the exception handed the value back. */
    static final int HANDED_BACK = 2;
    /** Send result: closed, but the exception did not carry the value (it would be lost). */
    static final int CLOSED_WITHOUT_VALUE = 3;

    /** The values the tests send. */
    static final Integer ONE = 1;
    static final Integer TWO = 2;
    static final Integer THREE = 3;
    /** A value a state's constructor puts in a channel (to fill it). */
    static final Integer FILLER = 9;
    /** Watch channels start at this value. */
    static final Integer ZERO = 0;

    /** The timeout of the races against a deadline: short enough to land inside the race. */
    static final Duration SHORT = Duration.ofNanos(20_000);
    /** The timeout of a call that must return, so that a lost wake-up cannot hang the fork. */
    static final Duration SAFETY = Duration.ofSeconds(10);
    /** A timeout that never passes in a test: the timed form's code path without its deadline. */
    static final Duration HOUR = Duration.ofHours(1);

    static int bit(boolean b) {
        return b ? 1 : 0;
    }

    static int lagged(long missed) {
        return (int) Math.max(Integer.MIN_VALUE, LAGGED - missed);
    }

    static void expect(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    static int closedCode(ChannelClosedException e, Integer v) {
        return e.hasValue() && v.equals(e.value()) ? HANDED_BACK : CLOSED_WITHOUT_VALUE;
    }

    // ------------------------------------------------------------------ mpsc

    /** A bounded channel of capacity 1 holding {@link #FILLER}. */
    static Mpsc.Channel<Integer> full() {
        return full(1);
    }

    /** A bounded channel of {@code capacity}, full of {@link #FILLER}s. */
    static Mpsc.Channel<Integer> full(int capacity) {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        for (int i = 0; i < capacity; i++) {
            expect(ch.sender().trySend(FILLER) == TrySendResult.SENT, "setup: fill the channel");
        }
        return ch;
    }

    static void sendOrFail(Mpsc.Sender<Integer> tx, Integer v) {
        expect(tx.trySend(v) == TrySendResult.SENT, "a channel with room must take the message");
    }

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

    /** Timed recv as a code: the message, {@link #END}, {@link #TIMED_OUT} or {@link #INTERRUPTED}. */
    static int recv(Mpsc.Receiver<Integer> rx, Duration timeout) {
        try {
            final Integer m = rx.recv(timeout);
            return m == null ? END : m;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        }
    }

    /** Blocking send as a code: {@link #SENT}, {@link #HANDED_BACK}, {@link #INTERRUPTED}, {@link #ILLEGAL_STATE}... */
    static int send(Mpsc.Sender<Integer> tx, Integer v) {
        try {
            tx.send(v);
            return SENT;
        } catch (ChannelClosedException e) {
            return closedCode(e, v);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (IllegalStateException e) {
            return ILLEGAL_STATE;
        }
    }

    /** Timed send as a code: as {@link #send(Mpsc.Sender, Integer)}, or {@link #TIMED_OUT}. */
    static int send(Mpsc.Sender<Integer> tx, Integer v, Duration timeout) {
        try {
            return tx.send(v, timeout) ? SENT : TIMED_OUT;
        } catch (ChannelClosedException e) {
            return closedCode(e, v);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (IllegalStateException e) {
            return ILLEGAL_STATE;
        }
    }

    /** A try-send result as a code; CLOSED means the caller kept the value. */
    static int code(TrySendResult r) {
        switch (r) {
            case SENT:
                return SENT;
            case FULL:
                return FULL;
            case CLOSED:
                return HANDED_BACK;
            default:
                throw new IllegalStateException("unknown result " + r);
        }
    }

    /** The state of a send's future, without waiting: SENT, HANDED_BACK, PENDING, CANCELLED, TIMED_OUT... */
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
            final Throwable cause = e.getCause();
            if (cause instanceof ChannelClosedException) {
                return closedCode((ChannelClosedException) cause, v);
            }
            return cause instanceof TimeoutException ? TIMED_OUT : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    /** The state of an mpsc receive's future, without waiting: the message, END, PENDING, CANCELLED, TIMED_OUT... */
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
            return e.getCause() instanceof TimeoutException ? TIMED_OUT : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    /** A permit taken by a timed reservation, as a code: SENT if it was used for {@code v}. */
    static int sendThrough(Mpsc.Permit<Integer> p, Integer v) {
        if (p == null) {
            return TIMED_OUT;
        }
        p.send(v);
        return SENT;
    }

    /** Blocking reserve, then a send through the permit, as a code: SENT, HANDED_BACK (rejected), INTERRUPTED. */
    static int reserveAndSend(Mpsc.Sender<Integer> tx, Integer v) {
        try {
            return sendThrough(tx.reserve(), v);
        } catch (ChannelClosedException e) {
            return HANDED_BACK;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** Timed reserve, then a send through the permit: as {@link #reserveAndSend}, or TIMED_OUT. */
    static int reserveAndSend(Mpsc.Sender<Integer> tx, Integer v, Duration timeout) {
        try {
            return sendThrough(tx.reserve(timeout), v);
        } catch (ChannelClosedException e) {
            return HANDED_BACK;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** Free capacity after draining: the channel's whole capacity unless a slot leaked. */
    static int capacityAfterDrain(Mpsc.Channel<Integer> ch) {
        Drain.of(ch.receiver());
        return ch.sender().capacity();
    }

    /** What a drain with tryRecv finds: how often each message came, and whether it ended at end of stream. */
    static final class Drain {
        private final int[] counts = new int[16];
        private int total;
        private boolean ended;

        static Drain of(Mpsc.Receiver<Integer> rx) {
            final Drain d = new Drain();
            for (int guard = 0; guard < 2000; guard++) { // no test buffers that many
                final int m = tryRecv(rx);
                if (m == END) {
                    d.ended = true;
                    return d;
                }
                if (m == EMPTY) {
                    return d;
                }
                d.counts[m < d.counts.length ? m : 0]++;
                d.total++;
            }
            throw new IllegalStateException("the channel never ran dry");
        }

        /** How many times message {@code m} was received. */
        int count(int m) {
            return counts[m];
        }

        /** How many messages were received. */
        int total() {
            return total;
        }

        /** 1 if the drain ended at end of stream, 0 if at an open, empty channel. */
        int end() {
            return ended ? 1 : 0;
        }
    }

    // ------------------------------------------------------------------ oneshot

    static int misuse(Oneshot.Receiver<?> rx) {
        return rx.isTerminated() ? TAKEN : ILLEGAL_STATE;
    }

    /** oneshot tryRecv as a code: the value, {@link #EMPTY}, {@link #END}, {@link #TAKEN}... */
    static int tryRecv(Oneshot.Receiver<Integer> rx) {
        try {
            final Integer v = rx.tryRecv();
            return v == null ? EMPTY : v;
        } catch (ChannelClosedException e) {
            return END;
        } catch (IllegalStateException e) {
            return misuse(rx);
        }
    }

    /** oneshot blocking recv as a code. */
    static int recv(Oneshot.Receiver<Integer> rx) {
        try {
            return rx.recv();
        } catch (ChannelClosedException e) {
            return END;
        } catch (IllegalStateException e) {
            return misuse(rx);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** oneshot timed recv as a code. */
    static int recv(Oneshot.Receiver<Integer> rx, Duration timeout) {
        try {
            return rx.recv(timeout);
        } catch (ChannelClosedException e) {
            return END;
        } catch (IllegalStateException e) {
            return misuse(rx);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        }
    }

    /** oneshot send as a code: {@link #SENT}, {@link #HANDED_BACK}, {@link #ILLEGAL_STATE}... */
    static int send(Oneshot.Sender<Integer> tx, Integer v) {
        try {
            tx.send(v);
            return SENT;
        } catch (ChannelClosedException e) {
            return closedCode(e, v);
        } catch (IllegalStateException e) {
            return ILLEGAL_STATE;
        }
    }

    /** The state of a oneshot receive's future, without waiting: the value, END, PENDING, CANCELLED... */
    static int oneshotFuture(CompletionStage<Integer> stage) {
        final CompletableFuture<Integer> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            return PENDING;
        }
        if (f.isCancelled()) {
            return CANCELLED;
        }
        try {
            final Integer v = f.get();
            return v == null ? FAILED : v;
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            return cause instanceof ChannelClosedException ? END : cause instanceof TimeoutException ? TIMED_OUT : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    // ------------------------------------------------------------------ broadcast

    /** broadcast tryRecv as a code: the value, {@link #EMPTY}, {@link #END} or a lag code. */
    static int tryRecv(Broadcast.Receiver<Integer> rx) {
        try {
            final Integer m = rx.tryRecv();
            return m == null ? EMPTY : m;
        } catch (ChannelClosedException e) {
            return END;
        } catch (Broadcast.LaggedException e) {
            return lagged(e.missed());
        } catch (IllegalStateException e) {
            return ILLEGAL_STATE;
        }
    }

    /** broadcast blocking recv as a code. */
    static int recv(Broadcast.Receiver<Integer> rx) {
        try {
            final Integer m = rx.recv();
            return m == null ? END : m;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (Broadcast.LaggedException e) {
            return lagged(e.missed());
        } catch (IllegalStateException e) {
            return ILLEGAL_STATE;
        }
    }

    /** broadcast timed recv as a code. */
    static int recv(Broadcast.Receiver<Integer> rx, Duration timeout) {
        try {
            final Integer m = rx.recv(timeout);
            return m == null ? END : m;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        } catch (Broadcast.LaggedException e) {
            return lagged(e.missed());
        } catch (IllegalStateException e) {
            return ILLEGAL_STATE;
        }
    }

    /** broadcast send as a code: the receiver count it returned, or {@link #HANDED_BACK}... */
    static int send(Broadcast.Sender<Integer> tx, Integer v) {
        try {
            return tx.send(v);
        } catch (ChannelClosedException e) {
            return closedCode(e, v);
        }
    }

    /** The state of a broadcast receive's future, without waiting: the value, END, a lag code, PENDING... */
    static int broadcastFuture(CompletionStage<Integer> stage) {
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
            final Throwable cause = e.getCause();
            if (cause instanceof Broadcast.LaggedException) {
                return lagged(((Broadcast.LaggedException) cause).missed());
            }
            return cause instanceof TimeoutException ? TIMED_OUT : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    // ------------------------------------------------------------------ watch

    /** hasChanged as a code: {@link #CHANGED}, {@link #EMPTY} or {@link #END}. */
    static int hasChanged(Watch.Receiver<Integer> rx) {
        try {
            return rx.hasChanged() ? CHANGED : EMPTY;
        } catch (ChannelClosedException e) {
            return END;
        }
    }

    /** A non-blocking changed (zero timeout) as a code: {@link #CHANGED}, {@link #EMPTY} or {@link #END}. */
    static int check(Watch.Receiver<Integer> rx) {
        try {
            return rx.changed(Duration.ZERO) ? CHANGED : END;
        } catch (TimeoutException e) {
            return EMPTY;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** Blocking changed as a code: {@link #CHANGED}, {@link #END}, {@link #INTERRUPTED}, {@link #ILLEGAL_STATE}. */
    static int changed(Watch.Receiver<Integer> rx) {
        try {
            return rx.changed() ? CHANGED : END;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (IllegalStateException e) {
            return ILLEGAL_STATE;
        }
    }

    /** Timed changed as a code: as {@link #changed(Watch.Receiver)}, or {@link #TIMED_OUT}. */
    static int changed(Watch.Receiver<Integer> rx, Duration timeout) {
        try {
            return rx.changed(timeout) ? CHANGED : END;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        } catch (IllegalStateException e) {
            return ILLEGAL_STATE;
        }
    }

    /** Blocking waitFor({@code x == want}) as a code: the value returned, {@link #END}, {@link #INTERRUPTED}. */
    static int waitFor(Watch.Receiver<Integer> rx, int want) {
        try {
            return rx.waitFor(x -> x == want);
        } catch (ChannelClosedException e) {
            return END;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** Timed waitFor({@code x == want}) as a code: as {@link #waitFor(Watch.Receiver, int)}, or {@link #TIMED_OUT}. */
    static int waitFor(Watch.Receiver<Integer> rx, int want, Duration timeout) {
        try {
            return rx.waitFor(x -> x == want, timeout);
        } catch (ChannelClosedException e) {
            return END;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        }
    }

    /** watch send as a code: {@link #SENT}, {@link #HANDED_BACK}... */
    static int send(Watch.Sender<Integer> tx, Integer v) {
        try {
            tx.send(v);
            return SENT;
        } catch (ChannelClosedException e) {
            return closedCode(e, v);
        }
    }

    /** The state of a changedAsync future, without waiting: CHANGED, END, PENDING, CANCELLED, TIMED_OUT... */
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
        } catch (ExecutionException e) {
            return e.getCause() instanceof TimeoutException ? TIMED_OUT : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    /** The state of a waitForAsync future, without waiting: the value, END, PENDING, CANCELLED... */
    static int valueFuture(CompletionStage<Integer> stage) {
        return oneshotFuture(stage); // the same mapping: a value, or ChannelClosedException as END
    }

    // ------------------------------------------------------------------ select

    /** A blocking select as a code: the handler's result, or {@link #INTERRUPTED}. */
    static int select(Select<Integer> s) {
        try {
            return s.select();
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** A timed blocking select as a code: the handler's result, {@link #TIMED_OUT} or {@link #INTERRUPTED}. */
    static int select(Select<Integer> s, Duration timeout) {
        try {
            return s.select(timeout);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        }
    }

    /** An asynchronous select that must wait (a state's constructor starts it). */
    static CompletionStage<Integer> waiting(Select<Integer> s) {
        final CompletionStage<Integer> stage = s.selectAsync();
        expect(!stage.toCompletableFuture().isDone(), "setup: the select must wait");
        return stage;
    }

    /** The state of a select's stage: the handler's result, PENDING, CANCELLED, TIMED_OUT... */
    static int selectFuture(CompletionStage<Integer> stage) {
        return oneshotFuture(stage); // the same mapping: a handler's result is never null here
    }

    // ------------------------------------------------------------------ futures and stages

    /** Cancels a stage: 1 if cancel returned true. */
    static int cancel(CompletionStage<?> stage) {
        return bit(stage.toCompletableFuture().cancel(false));
    }

    /** Waits up to ten seconds for a stage that a timer thread completes; returns it for chaining. */
    static <T> CompletionStage<T> settle(CompletionStage<T> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            // the code functions say which
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stage;
    }

    /** A closed() stage as a code: 1 completed, 0 pending, {@link #CANCELLED}, {@link #FAILED}. */
    static int closedStage(CompletionStage<Void> stage) {
        final CompletableFuture<Void> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            return 0;
        }
        if (f.isCancelled()) {
            return CANCELLED;
        }
        return f.isCompletedExceptionally() ? FAILED : 1;
    }

    /** A blocking awaitClosed as a code: 1 returned, {@link #INTERRUPTED}. */
    interface AwaitClosed {
        void await() throws InterruptedException;
    }

    static int awaitClosed(AwaitClosed a) {
        try {
            a.await();
            return 1;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** A timed awaitClosed as a code: 1 closed, {@link #TIMED_OUT}, {@link #INTERRUPTED}. */
    interface TimedAwaitClosed {
        boolean await() throws InterruptedException;
    }

    static int awaitClosed(TimedAwaitClosed a) {
        try {
            return a.await() ? 1 : TIMED_OUT;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** An iterator's hasNext/next as a code: the message, END, or {@link #INTERRUPTED_UNCHECKED}. */
    static int next(java.util.Iterator<Integer> it) {
        try {
            return it.hasNext() ? it.next() : END;
        } catch (ChannelInterruptedException e) {
            return INTERRUPTED_UNCHECKED;
        }
    }

    // ------------------------------------------------------------------ interrupts

    /**
     * What the interrupt races share: the waiting actor publishes its thread, the other actor
     * interrupts it (and then makes the wake-up happen), and the waiting actor, once its call
     * returned, waits until the interrupt was sent before it reads (and clears) its interrupt
     * status, so that no interrupt leaks into the next state.
     */
    public abstract static class InterruptState {
        volatile Thread waiting;
        volatile boolean interruptSent;

        /** The waiting actor, before its call. */
        void publish() {
            waiting = Thread.currentThread();
        }

        /** The interrupting actor: waits for the waiting actor to publish itself, then interrupts it. */
        void interrupt() {
            Thread t;
            while ((t = waiting) == null) {
                Thread.onSpinWait();
            }
            t.interrupt();
            interruptSent = true;
        }

        /** The waiting actor, after its call: 1 if its interrupt status is set once the interrupt was sent; clears it. */
        int interruptStatus() {
            while (!interruptSent) {
                Thread.onSpinWait();
            }
            return Thread.interrupted() ? 1 : 0;
        }
    }
}
