package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The select combinator: waits on several {@link SelectCase}s and completes exactly one of them.
 *
 * <h2>Wake and retry</h2>
 * A call first <em>passes</em> over its enabled cases from a random start (or in order when
 * biased) and takes the first that is possible. If none is, it registers one {@link CaseWaiter}
 * per case in that case's channel. Every case waiter of a round claims the same <em>selector</em>
 * (a {@link Waiter} whose state CAS decides the round), so the first change that reaches any of
 * them claims the select and the others' claims fail as if cancelled. The owner then withdraws
 * every case waiter and passes again: values are only ever taken by the owner, in a pass, so a case
 * that loses has consumed nothing (DESIGN.md §5). The one exception is capacity: a bounded send's
 * waiter is granted a slot by the channel, which enqueues the value as part of that claim (as for
 * a blocking send), so that claim is the select's result; since it is a claim of the selector, it
 * happens at most once and never after another case won.
 *
 * <h2>Blocking form</h2>
 * The selector is a parked-thread waiter, reused with its case waiters by every call of one
 * {@code Select}: a wait allocates nothing but the wait-list nodes of broadcast and watch cases.
 * A claim by a slow waker from an earlier round can only land on a later round as a spurious
 * wake-up (every claim except a bounded send's means "look again", and a bounded send's waiter is
 * claimed only under its queue's lock while it is queued, and withdrawn under that lock before the
 * round ends). The owner does not start a round while the selector is claimed and not yet done.
 * Round: re-arm the selector (WAITING), register each case (stopping if claimed), re-check each
 * case without side effects (the second look of every channel's handshake), park. On a deadline
 * or an interrupt the owner cancels the selector; if a claim won, it waits for its completion and
 * returns a bounded send that took effect, otherwise nothing was taken.
 *
 * <h2>Asynchronous form</h2>
 * A fresh {@link AsyncSelector} (a pending future) and fresh case waiters per call that waits.
 * The thread that claims it runs the next pass (as an async receive does). Registration runs
 * while the selector is WAITING, so a claim or a cancel can land in the middle of it. A claimant
 * that finds {@code phase} REGISTERING sets WOKEN and leaves the pass to the registrant. A cancel
 * that lands during a registration waits for it to end and then withdraws every waiter itself, so
 * that the select is free for a new call only once nothing of the old one is left in any channel
 * (the mpsc receiver has a single waiter slot that a late registration would overwrite); a cancel
 * from a continuation running inside that registration, on the same thread, cannot wait, so it sets
 * CANCELLED and the registrant withdraws and ends the call when it is done. A cancel that finds
 * the selector owned by a pass waits for that pass (the cancel-request handshake of
 * {@link ListFutureWaiter}): if the pass takes nothing it gives the wait up for the canceller. A
 * timeout case is a timer task that claims the selector.
 *
 * <h2>What does not hold</h2>
 * Fairness across calls is only statistical (a random start per pass). A cancel waits for a
 * registration or a pass in progress on another thread, which may run continuations of other
 * operations (an mpsc send completed by a receive); a cancel from inside this select's own pass can
 * return false and the stage then ends cancelled (no clause took effect) once the pass finds
 * nothing.
 */
public final class SelectEngine {
    /** Outcome: the timeout case's deadline passed. */
    public static final int TIMEOUT = 10;
    /** Outcome: nothing was possible and there is a default case. */
    public static final int DEFAULT = 11;
    /** Outcome: every case is disabled (closed, or by its precondition) and there is an all-closed branch. */
    public static final int ALL_CLOSED = 12;
    /** Outcome: the deadline of a timed call passed (not a case). */
    public static final int CALL_TIMED_OUT = 13;

    private static final int PENDING = SelectCase.PENDING;

    /** Produces a call's result from its outcome (runs the user's handler). */
    @FunctionalInterface
    public interface Finisher {
        Object finish(Call c);
    }

    /**
     * What one call needs: which cases it may use, the values its send cases offer, and its
     * outcome. The blocking form reuses one; an asynchronous call that waits works on a copy.
     */
    public static final class Call {
        /** Cases disabled for this call (by a precondition, a missing value, or a closure). */
        public final boolean[] disabled;
        /** The value each send case offers in this call; null for other cases. */
        public final Object[] values;
        /** Enabled cases. */
        public int live;
        public boolean hasDefault;
        public boolean hasAllClosed;
        public boolean timeoutEnabled;
        public long timeoutNanos;
        /** The case that ended the call, or -1. */
        public int winner = -1;
        /** How it ended: a {@link SelectCase} outcome or one of the engine's. */
        public int kind;
        /** The value received or sent by the winner. */
        public Object taken;
        /** The lag reported by a broadcast winner. */
        public long missed;
        /** The case waiters of this call (created when it first waits); bound to one selector. */
        CaseWaiter[] waiters;

        Call(int n) {
            disabled = new boolean[n];
            values = new Object[n];
        }

        /** Clears the outcome; keeps nothing a finished call could retain. */
        public void clearOutcome() {
            winner = -1;
            taken = null;
            missed = 0L;
        }

        Call copyWithOutcome() {
            final Call c = copy();
            c.winner = winner;
            c.kind = kind;
            c.taken = taken;
            c.missed = missed;
            return c;
        }

        Call copy() {
            final Call c = new Call(disabled.length);
            System.arraycopy(disabled, 0, c.disabled, 0, disabled.length);
            System.arraycopy(values, 0, c.values, 0, values.length);
            c.live = live;
            c.hasDefault = hasDefault;
            c.hasAllClosed = hasAllClosed;
            c.timeoutEnabled = timeoutEnabled;
            c.timeoutNanos = timeoutNanos;
            return c;
        }
    }

    private final SelectCase[] cases;
    private final boolean biased;
    private final SpinPolicy spin = new SpinPolicy();
    /** The blocking form's call, selector and case waiters, reused; plain: one call at a time. */
    private final Call call;
    private BlockingSelector selector;

    public SelectEngine(SelectCase[] cases, boolean biased) {
        this.cases = cases.clone();
        this.biased = biased;
        this.call = new Call(cases.length);
    }

    /** The reusable call: the caller fills it in before {@link #selectBlocking} or {@link #selectAsync}. */
    public Call call() {
        return call;
    }

    // ------------------------------------------------------------------ passes

    /** Tries the enabled cases once, from a random start (or in order); the outcome or PENDING. */
    private int pass(Call c) {
        final SelectCase[] cases = this.cases;
        final int n = cases.length;
        int i = biased || n < 2 ? 0 : ThreadLocalRandom.current().nextInt(n);
        for (int k = 0; k < n; k++) {
            if (!c.disabled[i]) {
                final int r = cases[i].attempt(c, i);
                if (r != PENDING) {
                    if (r == SelectCase.CLOSED && !cases[i].reportsClosed) {
                        disable(c, i);
                    } else {
                        c.winner = i;
                        return c.kind = r;
                    }
                }
            }
            if (++i == n) {
                i = 0;
            }
        }
        return PENDING;
    }

    private static void disable(Call c, int i) {
        c.disabled[i] = true;
        c.live--;
    }

    /**
     * When nothing is possible: ALL_CLOSED, DEFAULT or (after the first pass only) a zero TIMEOUT,
     * PENDING (wait), or an error.
     */
    private static int nothingPossible(Call c, boolean first) {
        if (c.live == 0) {
            if (c.hasAllClosed) {
                return c.kind = ALL_CLOSED;
            }
            if (c.hasDefault) {
                return c.kind = DEFAULT;
            }
            if (!c.timeoutEnabled) {
                throw new IllegalStateException(
                        "every clause of the select is disabled (closed, or by its precondition) and it has no "
                                + "all-closed branch");
            }
            // only the timeout is left to wait for
        } else if (first && c.hasDefault) {
            return c.kind = DEFAULT;
        }
        if (first && c.timeoutEnabled && c.timeoutNanos <= 0L) {
            return c.kind = TIMEOUT;
        }
        return PENDING;
    }

    /** The outcome of a claim: a bounded send's grant or rejection; PENDING for "look again". */
    private int claimed(Call c, CaseWaiter w) {
        final int i = w.index;
        final int r = cases[i].claimOutcome(w);
        if (r == SelectCase.TAKEN) {
            c.winner = i;
            c.taken = c.values[i];
            return c.kind = r;
        }
        if (r == SelectCase.CLOSED && !c.disabled[i]) {
            if (!cases[i].reportsClosed) {
                disable(c, i);
                return PENDING;
            }
            c.winner = i;
            return c.kind = r;
        }
        return PENDING;
    }

    /** Registers a waiter per enabled case; true if a case turned out possible (stop and pass). */
    private boolean registerAll(Call c, Waiter selector) {
        final CaseWaiter[] ws = c.waiters;
        final SelectCase[] cases = this.cases;
        for (int i = 0; i < cases.length; i++) {
            if (c.disabled[i]) {
                continue;
            }
            if (!selector.isWaiting()) {
                return false; // claimed (or cancelled) already: the rest need not wait
            }
            final CaseWaiter w = ws[i];
            if (!cases[i].register(c, i, w)) {
                return true;
            }
            w.registered = true;
        }
        for (int i = 0; i < cases.length; i++) {
            if (ws[i].registered && cases[i].ready(ws[i])) {
                return true;
            }
        }
        return false;
    }

    private void deregisterAll(Call c) {
        final CaseWaiter[] ws = c.waiters;
        for (int i = 0; i < ws.length; i++) {
            final CaseWaiter w = ws[i];
            if (w.registered) {
                w.registered = false;
                cases[i].deregister(w);
            }
        }
    }

    private boolean anyLikelyReady(Call c) {
        for (int i = 0; i < cases.length; i++) {
            if (!c.disabled[i] && cases[i].likelyReady()) {
                return true;
            }
        }
        return false;
    }

    private static CaseWaiter[] waitersFor(Selection s, int n) {
        final CaseWaiter[] ws = new CaseWaiter[n];
        for (int i = 0; i < n; i++) {
            ws[i] = new CaseWaiter(s, i);
        }
        return ws;
    }

    // ------------------------------------------------------------------ blocking

    /**
     * The blocking select over {@link #call()}: returns its outcome (the call says which case).
     *
     * @param timed whether {@code nanos} bounds the whole call ({@link #CALL_TIMED_OUT})
     * @throws InterruptedException if interrupted while waiting; nothing took effect
     */
    public int selectBlocking(boolean timed, long nanos) throws InterruptedException {
        final Call c = call;
        int r = pass(c);
        if (r != PENDING || (r = nothingPossible(c, true)) != PENDING) {
            return r;
        }
        final boolean clauseTimed = c.timeoutEnabled;
        if (timed && nanos <= 0L) {
            return c.kind = CALL_TIMED_OUT;
        }
        final boolean anyTimed = timed || clauseTimed;
        final long now = anyTimed ? System.nanoTime() : 0L;
        final long clauseDeadline = now + c.timeoutNanos;
        final long callDeadline = now + nanos;
        final long deadline = !clauseTimed ? callDeadline
                : !timed ? clauseDeadline
                : (clauseDeadline - callDeadline < 0L ? clauseDeadline : callDeadline);

        if (c.live > 0) {
            final int spins = spin.budget();
            for (int i = 0; i < spins; i++) {
                SpinPolicy.spin(i);
                if ((i & 15) != 15 && !anyLikelyReady(c)) {
                    continue;
                }
                if ((r = pass(c)) != PENDING) {
                    spin.succeeded();
                    return r;
                }
                if ((r = nothingPossible(c, false)) != PENDING) {
                    return r;
                }
                if (anyTimed && deadline - System.nanoTime() <= 0L) {
                    return expired(c, clauseTimed, clauseDeadline);
                }
            }
            if (spins > 0) {
                spin.failed();
            }
        }

        BlockingSelector s = selector;
        if (s == null) {
            selector = s = new BlockingSelector();
            c.waiters = waitersFor(s, cases.length);
        }
        for (;;) {
            s.winner = null;
            s.rearm();
            final int a = registerAll(c, s) ? ParkingWaiter.COMPLETED : s.await(anyTimed, deadline);
            if (s.tryCancel()) {
                deregisterAll(c); // nobody claimed: every waiter is withdrawn, nothing was taken
            } else {
                s.awaitClaimed(); // keeps an interrupt that comes meanwhile pending
                final CaseWaiter w = s.winner;
                deregisterAll(c);
                if (w != null && (r = claimed(c, w)) != PENDING) {
                    if (a == ParkingWaiter.INTERRUPTED) {
                        Thread.currentThread().interrupt(); // it took effect: keep the interrupt
                    }
                    return r;
                }
            }
            if (a == ParkingWaiter.INTERRUPTED) {
                Thread.interrupted(); // awaitClaimed may have re-asserted it; we report it by throwing
                throw new InterruptedException();
            }
            if (a == ParkingWaiter.TIMED_OUT) {
                return expired(c, clauseTimed, clauseDeadline);
            }
            if ((r = pass(c)) != PENDING || (r = nothingPossible(c, false)) != PENDING) {
                return r;
            }
            if (anyTimed && deadline - System.nanoTime() <= 0L) {
                return expired(c, clauseTimed, clauseDeadline);
            }
        }
    }

    /** Which deadline passed: the timeout case's if it is enabled and due, else the call's. */
    private static int expired(Call c, boolean clauseTimed, long clauseDeadline) {
        return c.kind = clauseTimed && clauseDeadline - System.nanoTime() <= 0L ? TIMEOUT : CALL_TIMED_OUT;
    }

    /** The blocking form's selector: a parked thread, claimed through its case waiters. */
    private static final class BlockingSelector extends ParkingWaiter implements Selection {
        /** The case waiter whose claim won; plain: written before complete(), read after DONE. */
        CaseWaiter winner;

        @Override
        public boolean claimFor(CaseWaiter w) {
            if (tryClaim()) {
                winner = w;
                return true;
            }
            return false;
        }

        @Override
        public void claimedCaseCompleted() {
            complete();
        }
    }

    // ------------------------------------------------------------------ asynchronous

    /**
     * The asynchronous select over {@link #call()}. The first pass runs here; a result available
     * at once is finished on this thread (or the executor). {@code onDone} runs once, when the
     * call is over (finished or cancelled), before the future completes.
     */
    public CompletableFuture<Object> selectAsync(Executor executor, Finisher finisher, Runnable onDone) {
        final Call c0 = call;
        int r;
        try {
            r = pass(c0);
            if (r == PENDING) {
                r = nothingPossible(c0, true);
            }
        } catch (RuntimeException | Error e) {
            onDone.run();
            throw e;
        }
        if (r != PENDING) {
            return finishNow(c0, executor, finisher, onDone);
        }
        final Call c = c0.copy();
        final AsyncSelector s = new AsyncSelector(this, c, executor, finisher, onDone);
        c.waiters = waitersFor(s, cases.length);
        s.start();
        return s.future();
    }

    private static CompletableFuture<Object> finishNow(Call c, Executor executor, Finisher finisher, Runnable onDone) {
        final TakenFuture<Object> f = new TakenFuture<>();
        if (executor == null) {
            complete(f, c, finisher, onDone);
        } else {
            final Call outcome = c.copyWithOutcome(); // the reusable call is cleared when this returns
            execute(executor, () -> complete(f, outcome, finisher, onDone));
        }
        return f;
    }

    /**
     * Runs the handler's task on {@code executor}, or here if it rejects the task: the case took
     * effect, so its result must not be dropped.
     */
    private static void execute(Executor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RuntimeException rejected) {
            task.run();
        }
    }

    private static void complete(TakenFuture<Object> f, Call c, Finisher finisher, Runnable onDone) {
        final Object v;
        try {
            v = finisher.finish(c);
        } catch (Throwable t) {
            onDone.run();
            f.fail(t);
            return;
        }
        onDone.run();
        f.succeed(v);
    }

    /**
     * The stage of a call whose clause took effect at once (its handler may still wait for the
     * executor): the effect cannot be undone, so a cancel or a completion from outside fails.
     */
    private static final class TakenFuture<T> extends CompletableFuture<T> {
        void succeed(T v) {
            super.complete(v);
        }

        void fail(Throwable t) {
            super.completeExceptionally(t);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean complete(T value) {
            return false;
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            return false;
        }

        @Override
        public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
            return this;
        }

        @Override
        public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
            return this;
        }

        @Override
        public void obtrudeValue(T value) {
            throw new UnsupportedOperationException("a select's stage cannot be obtruded");
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException("a select's stage cannot be obtruded");
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }

    /** The asynchronous form's selector: the pending future; see the class comment. */
    private static final class AsyncSelector extends FutureWaiter<Object> implements Selection {
        private static final int IDLE = 0;
        private static final int REGISTERING = 1;
        private static final int WOKEN = 2;
        private static final int CANCELLED = 3;

        private final SelectEngine engine;
        private final Call c;
        private final Executor executor;
        private final Finisher finisher;
        private final Runnable onDone;
        /** Hand-offs to the registering thread; see the class comment of SelectEngine. */
        private volatile int phase;
        /** The case waiter whose claim won, null for the owner's or the timer's claim; plain as in BlockingSelector. */
        private CaseWaiter winner;
        private volatile boolean cancelRequested;
        /** Set by a cancel from inside this select's own pass, which could not wait for it. */
        private volatile boolean nestedCancel;
        private volatile boolean finished;
        /** The thread running a pass or a registration, for the nested-cancel check. */
        private volatile Thread driver;
        /**
         * Set by a nested cancel that left the withdrawal (and the end of the call) to the
         * registering thread; plain: read only by that cancel's own withdraw(), on its thread.
         */
        private boolean handedOff;
        /** The timeout case's deadline; plain: written in start() before the selector is published. */
        private long deadline;
        private volatile Future<?> timer;
        /** Whether withdraw() ran. */
        private volatile boolean withdrawn;

        AsyncSelector(SelectEngine engine, Call c, Executor executor, Finisher finisher, Runnable onDone) {
            super(null); // completions follow this class's own executor handling
            this.engine = engine;
            this.c = c;
            this.executor = executor;
            this.finisher = finisher;
            this.onDone = onDone;
        }

        void start() {
            tryClaim(); // own it (a new waiter is WAITING) until the first registration
            if (c.timeoutEnabled) {
                deadline = System.nanoTime() + c.timeoutNanos;
                timer = Timer.EXECUTOR.schedule(this::timerFired, c.timeoutNanos, TimeUnit.NANOSECONDS);
            }
            drive(false);
        }

        private void timerFired() {
            if (claimFor(null)) {
                complete();
            }
            // else the selector is owned (a pass checks the deadline) or over
        }

        @Override
        public boolean claimFor(CaseWaiter w) {
            if (tryClaim()) {
                winner = w;
                return true;
            }
            return false;
        }

        @Override
        public void claimedCaseCompleted() {
            complete();
        }

        @Override
        protected void onComplete() {
            if (PHASE.compareAndSet(this, REGISTERING, WOKEN)) {
                return; // the registering thread passes when it is done
            }
            drive(true);
        }

        private boolean due() {
            return c.timeoutEnabled && System.nanoTime() - deadline >= 0L;
        }

        /** Runs while this thread owns the selector (claimed, or done). */
        private void drive(boolean look) {
            final Thread previous = driver;
            driver = Thread.currentThread();
            try {
                for (;;) {
                    if (look) {
                        final CaseWaiter w = winner;
                        winner = null;
                        engine.deregisterAll(c);
                        int r = w == null ? PENDING : engine.claimed(c, w);
                        try {
                            if (r == PENDING) {
                                r = engine.pass(c);
                            }
                            if (r == PENDING) {
                                r = nothingPossible(c, false);
                            }
                        } catch (RuntimeException | Error e) {
                            finished = true;
                            cancelTimer();
                            onDone.run();
                            fail(e);
                            return;
                        }
                        if (r == PENDING && due()) {
                            r = c.kind = TIMEOUT;
                        }
                        if (r != PENDING) {
                            finish();
                            return;
                        }
                    }
                    look = true;
                    if (cancelRequested) {
                        // Nothing was taken: give the wait up, unregistered, for the canceller.
                        reset();
                        if (tryCancel() && nestedCancel) {
                            withdraw(); // the canceller returned already: finish its work
                            cancelHere();
                        }
                        return; // else a stale claim has it: that pass sees the request again
                    }
                    phase = REGISTERING; // volatile, before the selector becomes claimable
                    reset();
                    final boolean ready = engine.registerAll(c, this) || due();
                    if (ready && claimFor(null)) {
                        phase = IDLE;
                        continue; // we own it again: pass
                    }
                    final int p = (int) PHASE.getAndSet(this, IDLE);
                    if (p == WOKEN) {
                        continue; // a claimant left the pass to us
                    }
                    if (p == CANCELLED) {
                        engine.deregisterAll(c); // a cancel from inside the registration left the withdrawal to us
                        onDone.run();
                    }
                    return;
                }
            } finally {
                driver = previous;
            }
        }

        private void finish() {
            finished = true; // volatile: a spinning cancel stops and reports failure
            cancelTimer();
            if (executor == null) {
                completeHere();
            } else {
                execute(executor, this::completeHere);
            }
        }

        private void completeHere() {
            final Object v;
            try {
                v = finisher.finish(c);
            } catch (Throwable t) {
                onDone.run();
                failHere(t);
                return;
            }
            onDone.run();
            succeedHere(v);
        }

        private void cancelTimer() {
            final Future<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }

        @Override
        protected boolean cancelOperation() {
            cancelRequested = true;
            for (int i = 0;; i++) {
                if (tryCancel()) {
                    if (phase == REGISTERING) {
                        if (driver == Thread.currentThread()) {
                            // From a continuation run inside the registration on this thread: it
                            // cannot be waited for; it withdraws and ends the call when it is done.
                            handedOff = PHASE.compareAndSet(this, REGISTERING, CANCELLED);
                        } else {
                            // Wait for the registrant, so that the withdrawal below is complete
                            // when this returns: a new call could otherwise register in a slot
                            // (the mpsc receiver's one waiter) that the registrant then overwrites.
                            for (int j = 0; phase == REGISTERING; j++) {
                                SpinPolicy.spin(j);
                            }
                        }
                    }
                    return true;
                }
                if (finished) {
                    return false;
                }
                if (isCancelled()) {
                    return true; // a pass gave the wait up on our request
                }
                if (driver == Thread.currentThread()) {
                    // Called from inside this select's own pass (a continuation it ran): that pass
                    // cannot be waited for. If it takes nothing, it cancels the future itself.
                    nestedCancel = true;
                    return false;
                }
                SpinPolicy.spin(i);
            }
        }

        /**
         * After a successful cancel: withdraws the case waiters (unless the registering thread
         * does, see {@link #handedOff}) and ends the call. Once only: a second cancel of a cancelled
         * stage also lands here.
         */
        @Override
        protected void withdraw() {
            if (!WITHDRAWN.compareAndSet(this, false, true)) {
                return;
            }
            cancelTimer();
            if (!handedOff) {
                engine.deregisterAll(c);
                onDone.run();
            }
        }

        private static final VarHandle PHASE;
        private static final VarHandle WITHDRAWN;

        static {
            try {
                PHASE = MethodHandles.lookup().findVarHandle(AsyncSelector.class, "phase", int.class);
                WITHDRAWN = MethodHandles.lookup().findVarHandle(AsyncSelector.class, "withdrawn", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** The daemon timer of asynchronous timeout cases; cancelled tasks are removed at once. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor EXECUTOR;

        static {
            EXECUTOR = new ScheduledThreadPoolExecutor(1, r -> {
                final Thread t = new Thread(r, "channels-select-timer");
                t.setDaemon(true);
                return t;
            });
            EXECUTOR.setRemoveOnCancelPolicy(true);
        }
    }

    // ------------------------------------------------------------------ case waiters

    /** What a case waiter claims: the select's selector. */
    interface Selection {
        /** Claims the select for {@code w} (null: the owner or a timer); false if it is decided. */
        boolean claimFor(CaseWaiter w);

        /** The claimant of {@code winner} completed it: publish and wake. */
        void claimedCaseCompleted();
    }

    /**
     * A select's waiter in one channel. Its claim is a claim of the whole select; it is never
     * cancelled on its own (the selector is), and its own state is not used. Package-private and
     * final, so that no user value is one (a oneshot stores waiters and values in one field).
     */
    static final class CaseWaiter extends Waiter {
        final Selection selection;
        final int index;
        /**
         * Whether this waiter is registered in its channel; plain: only the selector's owner touches
         * it, and ownership passes through the selector's state CAS (a canceller reads it after its
         * CAS, once the registration is over).
         */
        boolean registered;

        CaseWaiter(Selection selection, int index) {
            this.selection = selection;
            this.index = index;
        }

        @Override
        public boolean tryClaim() {
            return selection.claimFor(this);
        }

        @Override
        protected void onComplete() {
            selection.claimedCaseCompleted();
        }
    }
}
