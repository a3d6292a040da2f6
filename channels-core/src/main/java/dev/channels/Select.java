package dev.channels;

import dev.channels.internal.SelectCase;
import dev.channels.internal.SelectEngine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Waits on several channel operations at once and completes exactly one of them (Tokio's
 * {@code select!}): receive from an {@link Mpsc mpsc}, {@link Oneshot oneshot} or
 * {@link Broadcast broadcast} channel, {@code changed} on a {@link Watch watch} receiver, send into
 * an mpsc channel, a timeout, and a default taken when nothing is possible now.
 *
 * <p>A select is built once and run as often as needed, so that a loop allocates nothing per
 * message while a clause is ready (a call that has to wait registers one waiter per clause, which
 * the next waits reuse). The seeds' loop over three receivers until all of them are closed:
 * <pre>{@code
 * Select<String> select = Select.<String>builder()
 *         .recv(rx1, msg -> msg)
 *         .recv(rx2, msg -> msg)
 *         .recv(rx3, msg -> msg)
 *         .ifAllClosed(() -> null)
 *         .build();
 * for (String msg; (msg = select.select()) != null; ) {
 *     System.out.println("Got " + msg);
 * }
 * System.out.println("All channels have been closed.");
 * }</pre>
 *
 * <h2>One call</h2>
 * <ol>
 *   <li>Every clause's precondition ({@link Builder#when}) is evaluated, and every send clause's
 *       value supplier; a false precondition, or a supplier that returns null, disables the clause
 *       for this call.</li>
 *   <li>The enabled clauses are tried once, from a random clause onwards (in declaration order if
 *       the select is {@linkplain Builder#biased() biased}); the first that is possible is taken.
 *       A clause whose channel is closed for it is either disabled for this call (the default) or
 *       taken, with its {@linkplain Builder#onClosed closed handler}, if it has one.</li>
 *   <li>If every clause is disabled, the {@linkplain Builder#ifAllClosed all-closed branch} runs;
 *       without one, the {@linkplain Builder#ifNoneReady default}; without one, the call waits for
 *       its timeout clause; without one, it throws {@link IllegalStateException}.</li>
 *   <li>If nothing is possible and there is a default, the default runs. Otherwise the call waits
 *       until a clause becomes possible (and then tries every clause again, from a new random
 *       start), or its timeout clause's deadline passes.</li>
 *   <li>The winning clause's handler runs last, after the select has withdrawn from every
 *       channel; its result is the call's result.</li>
 * </ol>
 *
 * <h2>Nothing is lost</h2>
 * Exactly one clause takes effect per call. A receive clause that does not win has taken nothing;
 * a send clause that does not win has sent nothing (its value stays with the caller: the supplier
 * is asked again on the next call). A call that is interrupted, times out, or whose stage is
 * cancelled with {@code cancel} returning true, took no effect at all. After a call, none of its
 * waiters is left registered in any channel. A handler that throws does so after its clause took
 * effect (the value received is then the handler's to lose).
 *
 * <h2>Threads</h2>
 * A select is used by one thread at a time, like the receivers it selects on: a call, blocking or
 * asynchronous, must finish before the next one starts (an overlapping call is detected on a best
 * effort basis and rejected with {@link IllegalStateException}). Handlers of a blocking call run on
 * the calling thread.
 *
 * <h2>Memory consistency effects</h2>
 * As for the operation of the winning clause: actions before a send that a receive clause takes
 * happen-before the handler; actions before a select call whose send clause wins happen-before the
 * receive of that value.
 *
 * @param <R> the result type of the handlers
 */
public final class Select<R> {
    private final Clause<R>[] clauses;
    private final SelectEngine engine;
    private final boolean hasTimeout;
    private final long timeoutNanos;
    private final BooleanSupplier timeoutWhen;
    private final Supplier<? extends R> onTimeout;
    private final Supplier<? extends R> ifNoneReady;
    private final Supplier<? extends R> ifAllClosed;
    private final boolean hasSends;
    /** The asynchronous form's callbacks, made once. */
    private final SelectEngine.Finisher finisher = this::result;
    private final Runnable exit = this::exit;
    /**
     * Whether a call is running: the misuse check. Acquire/release, not a CAS: a call must not
     * pay a full fence for a check that only needs to catch a call started before the last one
     * ended (an asynchronous call still pending); truly concurrent calls are a misuse that it may
     * miss, as a receiver's single-consumer rule is not checked either.
     */
    private boolean busy;

    private Select(Builder<R> b) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Clause<R>[] cs = b.clauses.toArray(new Clause[0]);
        this.clauses = cs;
        final SelectCase[] cases = new SelectCase[cs.length];
        boolean sends = false;
        for (int i = 0; i < cs.length; i++) {
            cs[i] = cs[i].copy(); // the builder may go on changing its own
            cases[i] = cs[i].makeCase(cs[i].onClosed != null);
            sends |= cs[i].value != null;
        }
        this.hasSends = sends;
        this.engine = new SelectEngine(cases, b.biased);
        this.hasTimeout = b.timeout != null;
        this.timeoutNanos = b.timeout == null ? 0L : Timeouts.nanos(b.timeout);
        this.timeoutWhen = b.timeoutWhen;
        this.onTimeout = b.onTimeout;
        this.ifNoneReady = b.ifNoneReady;
        this.ifAllClosed = b.ifAllClosed;
    }

    /**
     * Starts building a select.
     *
     * @param <R> the result type of the handlers
     * @return a new builder
     */
    public static <R> Builder<R> builder() {
        return new Builder<>();
    }

    /**
     * Runs the select, waiting as long as it takes for a clause to become possible (or for the
     * timeout clause's deadline). Spins briefly before parking.
     *
     * @return the result of the handler that ran
     * @throws InterruptedException if interrupted while waiting; no clause took effect
     * @throws IllegalStateException if every clause is disabled and there is no all-closed branch,
     *     default or timeout; if a handle of a clause was closed (a sender, or a broadcast or
     *     watch receiver); if a oneshot clause's value was already received; or if another call of
     *     this select is running
     */
    public R select() throws InterruptedException {
        enter();
        try {
            prepare(engine.call());
            engine.selectBlocking(false, 0L);
            return result(engine.call());
        } finally {
            clear(engine.call());
            exit();
        }
    }

    /**
     * Runs the select, waiting at most {@code timeout} (a timeout clause with an earlier deadline
     * still runs its handler).
     *
     * @param timeout how long to wait; zero or negative means do not wait
     * @return the result of the handler that ran
     * @throws InterruptedException if interrupted while waiting; no clause took effect
     * @throws TimeoutException if no clause was possible in time; no clause took effect
     * @throws IllegalStateException as for {@link #select()}
     * @throws NullPointerException if {@code timeout} is null
     */
    public R select(Duration timeout) throws InterruptedException, TimeoutException {
        final long nanos = Timeouts.nanos(timeout);
        enter();
        try {
            prepare(engine.call());
            if (engine.selectBlocking(true, nanos) == SelectEngine.CALL_TIMED_OUT) {
                throw new TimeoutException("no clause of the select was possible within " + timeout);
            }
            return result(engine.call());
        } finally {
            clear(engine.call());
            exit();
        }
    }

    /**
     * Runs the select asynchronously. A clause possible now is taken on this thread, and its
     * handler runs here; otherwise the handler runs on the thread that made a clause possible (a
     * sender, a receiver that made room, a closer, or the timer thread of a timeout clause), and
     * the stage completes there with its result, or exceptionally with what it threw.
     *
     * <p>If cancelling the stage's {@code toCompletableFuture()} returns true, no clause took effect
     * (completing it from outside, as {@code orTimeout} does, counts as cancelling). The select may
     * be called again once the stage is complete.
     *
     * @return a stage completed with the result of the handler that ran
     * @throws IllegalStateException as for {@link #select()}
     */
    public CompletionStage<R> selectAsync() {
        return selectAsync(null);
    }

    /**
     * As {@link #selectAsync()}, running the handler and completing the stage on {@code executor}
     * (or, if it rejects the task, on the thread that made the clause possible: the clause has
     * taken effect, so its result is not dropped).
     *
     * @param executor where the handler runs; null for the thread that made a clause possible
     * @return a stage completed with the result of the handler that ran
     * @throws IllegalStateException as for {@link #select()}
     */
    public CompletionStage<R> selectAsync(Executor executor) {
        enter();
        final CompletableFuture<Object> f;
        try {
            prepare(engine.call());
            f = engine.selectAsync(executor, finisher, exit);
        } catch (RuntimeException | Error e) {
            exit();
            throw e;
        } finally {
            clear(engine.call()); // a call that waits works on its own copy
        }
        @SuppressWarnings("unchecked")
        final CompletionStage<R> stage = (CompletionStage<R>) (CompletionStage<?>) f;
        return stage;
    }

    /** How many channel clauses this select has (the timeout, default and all-closed branch not counted). */
    public int clauseCount() {
        return clauses.length;
    }

    private void enter() {
        if ((boolean) BUSY.getAcquire(this)) {
            throw new IllegalStateException("this select is already running (a select is used by one thread at a "
                    + "time, and an asynchronous call must complete before the next call)");
        }
        BUSY.setRelease(this, true); // release: the misuse check only, see busy
    }

    private void exit() {
        BUSY.setRelease(this, false); // release: this call's writes come before the next call's acquire
    }

    /** Evaluates preconditions and send values: the user code that runs before any clause is tried. */
    private void prepare(SelectEngine.Call c) {
        c.clearOutcome();
        int live = 0;
        final Clause<R>[] cs = clauses;
        for (int i = 0; i < cs.length; i++) {
            final Clause<R> cl = cs[i];
            cl.ensureOpen();
            boolean on = cl.when == null || cl.when.getAsBoolean();
            if (on && cl.ensureReceivable != null) {
                cl.ensureReceivable.run(); // before any clause is tried: another could win instead
            }
            Object v = null;
            if (on && cl.value != null) {
                v = cl.value.get();
                on = v != null;
            }
            c.values[i] = v;
            c.disabled[i] = !on;
            if (on) {
                live++;
            }
        }
        c.live = live;
        c.hasDefault = ifNoneReady != null;
        c.hasAllClosed = ifAllClosed != null;
        c.timeoutEnabled = hasTimeout && (timeoutWhen == null || timeoutWhen.getAsBoolean());
        c.timeoutNanos = timeoutNanos;
    }

    /** Drops the references a finished call holds (values offered, a value taken). */
    private void clear(SelectEngine.Call c) {
        c.taken = null;
        if (hasSends) {
            Arrays.fill(c.values, null);
        }
    }

    /** Runs the handler of the call's outcome. */
    private R result(SelectEngine.Call c) {
        final Object taken = c.taken;
        clear(c); // before the handler: an asynchronous call's copy lives on with its stage
        switch (c.kind) {
            case SelectCase.TAKEN:
                return clauses[c.winner].onValue.apply(taken);
            case SelectCase.CLOSED:
                return clauses[c.winner].onClosed.get();
            case SelectCase.LAGGED:
                return clauses[c.winner].onLagged.apply(c.missed);
            case SelectEngine.TIMEOUT:
                return onTimeout.get();
            case SelectEngine.DEFAULT:
                return ifNoneReady.get();
            case SelectEngine.ALL_CLOSED:
                return ifAllClosed.get();
            default:
                throw new IllegalStateException("select ended with outcome " + c.kind);
        }
    }

    @Override
    public String toString() {
        return "Select[" + clauses.length + " clauses" + (hasTimeout ? ", timeout" : "")
                + (ifNoneReady != null ? ", default" : "") + (ifAllClosed != null ? ", all-closed branch" : "") + "]";
    }

    /** Makes a clause's case once the closed behaviour is known. */
    @FunctionalInterface
    private interface CaseMaker {
        SelectCase make(boolean reportsClosed);
    }

    /** One channel clause as built. */
    private static final class Clause<R> {
        final Object handle;
        final String what;
        final CaseMaker caseMaker;
        final Runnable ensureOpen;
        final Function<Object, ? extends R> onValue;
        final LongFunction<? extends R> onLagged;
        final Supplier<?> value;
        BooleanSupplier when;
        Supplier<? extends R> onClosed;
        /** For a oneshot clause: throws if the value was already received (checked when enabled). */
        Runnable ensureReceivable;

        @SuppressWarnings("unchecked")
        Clause(Object handle, String what, CaseMaker caseMaker, Runnable ensureOpen,
                Function<?, ? extends R> onValue, LongFunction<? extends R> onLagged, Supplier<?> value) {
            this.handle = handle;
            this.what = what;
            this.caseMaker = caseMaker;
            this.ensureOpen = ensureOpen;
            this.onValue = (Function<Object, ? extends R>) onValue;
            this.onLagged = onLagged;
            this.value = value;
        }

        Clause<R> copy() {
            final Clause<R> c = new Clause<>(handle, what, caseMaker, ensureOpen, onValue, onLagged, value);
            c.when = when;
            c.onClosed = onClosed;
            c.ensureReceivable = ensureReceivable;
            return c;
        }

        SelectCase makeCase(boolean reportsClosed) {
            return caseMaker.make(reportsClosed);
        }

        void ensureOpen() {
            if (ensureOpen != null) {
                ensureOpen.run();
            }
        }
    }

    /**
     * Builds a {@link Select}. Clauses are tried in declaration order when the select is biased;
     * {@link #when} and {@link #onClosed} apply to the clause added last. A call rejected with an
     * exception (a null argument, a receiver added twice, a second timeout, ...) leaves the builder
     * as it was.
     *
     * @param <R> the result type of the handlers
     */
    public static final class Builder<R> {
        private final List<Clause<R>> clauses = new ArrayList<>();
        private final Map<Object, Boolean> receivers = new IdentityHashMap<>();
        /** The clause that when/onClosed apply to: a channel clause, or the timeout (-1 for none). */
        private int last = -1;
        private boolean lastIsTimeout;
        private Duration timeout;
        private BooleanSupplier timeoutWhen;
        private Supplier<? extends R> onTimeout;
        private Supplier<? extends R> ifNoneReady;
        private Supplier<? extends R> ifAllClosed;
        private boolean biased;

        private Builder() {
        }

        private Builder<R> add(Clause<R> c, boolean receiving) {
            if (receiving && receivers.put(c.handle, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("the receiver " + c.handle + " is already in a clause of this select");
            }
            clauses.add(c);
            last = clauses.size() - 1;
            lastIsTimeout = false;
            return this;
        }

        /**
         * Adds a clause that receives the next message of an mpsc channel (bounded or unbounded).
         * At end of stream the clause is disabled for the call, unless it has an {@link #onClosed}
         * handler.
         *
         * @param receiver the receiver; the select becomes its consumer while it runs
         * @param onValue the handler, given the message received
         * @param <T> the message type
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code receiver} is in a clause of this builder already
         */
        public <T> Builder<R> recv(Mpsc.Receiver<T> receiver, Function<? super T, ? extends R> onValue) {
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(onValue, "onValue");
            return add(new Clause<>(receiver, "mpsc receive", r -> SelectCase.mpscRecv(receiver.core(), r), null, onValue, null,
                    null), true);
        }

        /**
         * Adds a clause that receives the value of a oneshot channel. If the sender closed without
         * a value (or the receiver was closed with none), the clause is disabled for the call,
         * unless it has an {@link #onClosed} handler. Once the value was received (by this select or
         * otherwise), a call with this clause enabled throws {@link IllegalStateException}: disable
         * it with a {@link #when} precondition.
         *
         * @param receiver the receiver
         * @param onValue the handler, given the value
         * @param <T> the value type
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code receiver} is in a clause of this builder already
         */
        public <T> Builder<R> recv(Oneshot.Receiver<T> receiver, Function<? super T, ? extends R> onValue) {
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(onValue, "onValue");
            final Clause<R> c = new Clause<>(receiver, "oneshot receive", r -> SelectCase.oneshotRecv(receiver, r), null,
                    onValue, null, null);
            c.ensureReceivable = receiver::ensureNotReceived;
            return add(c, true);
        }

        /**
         * Adds a clause that receives the next value of a broadcast receiver. A lag is a result of
         * its own: {@code onLagged} is given the number of values missed, and the receiver goes on
         * from the oldest value kept (nothing is skipped silently). At end of stream the clause is
         * disabled for the call, unless it has an {@link #onClosed} handler.
         *
         * @param receiver the receiver (open)
         * @param onValue the handler, given the value
         * @param onLagged the handler of a lag, given the number of values missed
         * @param <T> the value type
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code receiver} is in a clause of this builder already
         */
        public <T> Builder<R> recv(Broadcast.Receiver<T> receiver, Function<? super T, ? extends R> onValue,
                LongFunction<? extends R> onLagged) {
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(onValue, "onValue");
            Objects.requireNonNull(onLagged, "onLagged");
            return add(new Clause<>(receiver, "broadcast receive", r -> SelectCase.broadcastRecv(receiver, r),
                    receiver::ensureOpen, onValue, onLagged, null), true);
        }

        /**
         * Adds a clause that waits for a value of a watch channel that the receiver has not seen
         * (Tokio's {@code changed}), marks it seen and gives it to the handler. When every sender
         * is closed and the current value was seen, the clause is disabled for the call, unless it
         * has an {@link #onClosed} handler.
         *
         * @param receiver the receiver (open)
         * @param onChange the handler, given the new value
         * @param <T> the value type
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code receiver} is in a clause of this builder already
         */
        public <T> Builder<R> changed(Watch.Receiver<T> receiver, Function<? super T, ? extends R> onChange) {
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(onChange, "onChange");
            return add(new Clause<>(receiver, "watch changed", r -> SelectCase.watchChanged(receiver, r), receiver::ensureOpen,
                    onChange, null, null), true);
        }

        /**
         * Adds a clause that sends into a bounded mpsc channel. Each call asks {@code value} once
         * for the value to offer; null disables the clause for that call (so {@code queue::peek}
         * offers the head of a queue while there is one). If another clause wins, the value was
         * not sent. Waiting senders get capacity first come, first served, and this clause waits
         * among them. When the receiver is closed the clause is disabled for the call, unless it
         * has an {@link #onClosed} handler.
         *
         * @param sender the sender (open)
         * @param value supplies the value to offer, or null for none
         * @param onSent the handler, given the value sent
         * @param <T> the message type
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public <T> Builder<R> send(Mpsc.Sender<T> sender, Supplier<? extends T> value,
                Function<? super T, ? extends R> onSent) {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(onSent, "onSent");
            return add(new Clause<>(sender, "mpsc send", r -> SelectCase.boundedSend(sender.ring(), r), sender::ensureOpen, onSent,
                    null, value), false);
        }

        /**
         * Adds a clause that sends into an unbounded mpsc channel: it is possible whenever the
         * receiver is open. As for {@link #send(Mpsc.Sender, Supplier, Function)}.
         *
         * @param sender the sender (open)
         * @param value supplies the value to offer, or null for none
         * @param onSent the handler, given the value sent
         * @param <T> the message type
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public <T> Builder<R> send(Mpsc.UnboundedSender<T> sender, Supplier<? extends T> value,
                Function<? super T, ? extends R> onSent) {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(onSent, "onSent");
            return add(new Clause<>(sender, "unbounded mpsc send", r -> SelectCase.unboundedSend(sender.ring(), r),
                    sender::ensureOpen, onSent, null, value), false);
        }

        /**
         * Adds a timeout clause: if no other clause was possible within {@code timeout} of the
         * start of a call, {@code onTimeout} runs. The deadline is set anew by each call (as a
         * {@code sleep} future created in each iteration of a Tokio loop). At most one per select.
         *
         * @param timeout the time from the start of each call; zero or negative: only clauses
         *     possible at once can win
         * @param onTimeout the handler
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalStateException if this builder has a timeout clause already
         */
        public Builder<R> timeout(Duration timeout, Supplier<? extends R> onTimeout) {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(onTimeout, "onTimeout");
            if (this.timeout != null) {
                throw new IllegalStateException("a select has at most one timeout clause");
            }
            this.timeout = timeout;
            this.onTimeout = onTimeout;
            lastIsTimeout = true;
            return this;
        }

        /**
         * A precondition for the clause added last (a channel clause or the timeout): evaluated at
         * the start of every call; when false, the clause is disabled for that call (Tokio's
         * {@code , if condition}).
         *
         * @param precondition the precondition
         * @return this builder
         * @throws NullPointerException if {@code precondition} is null
         * @throws IllegalStateException if no clause was added yet, or it has a precondition already
         */
        public Builder<R> when(BooleanSupplier precondition) {
            Objects.requireNonNull(precondition, "precondition");
            if (lastIsTimeout) {
                if (timeoutWhen != null) {
                    throw new IllegalStateException("the timeout clause has a precondition already");
                }
                timeoutWhen = precondition;
                return this;
            }
            final Clause<R> c = lastClause("when");
            if (c.when != null) {
                throw new IllegalStateException("the " + c.what + " clause has a precondition already");
            }
            c.when = precondition;
            return this;
        }

        /**
         * Makes the channel clause added last report its channel's closure: instead of being
         * disabled for the call, the clause wins with {@code onClosed} as its handler (nothing was
         * received or sent).
         *
         * @param onClosed the handler of the closure
         * @return this builder
         * @throws NullPointerException if {@code onClosed} is null
         * @throws IllegalStateException if the clause added last is not a channel clause, or it has
         *     a closed handler already
         */
        public Builder<R> onClosed(Supplier<? extends R> onClosed) {
            Objects.requireNonNull(onClosed, "onClosed");
            if (lastIsTimeout) {
                throw new IllegalStateException("onClosed applies to a channel clause, not to the timeout");
            }
            final Clause<R> c = lastClause("onClosed");
            if (c.onClosed != null) {
                throw new IllegalStateException("the " + c.what + " clause has a closed handler already");
            }
            c.onClosed = onClosed;
            return this;
        }

        private Clause<R> lastClause(String modifier) {
            if (last < 0) {
                throw new IllegalStateException(modifier + " applies to the clause added last, and there is none");
            }
            return clauses.get(last);
        }

        /**
         * The default: taken by a call when no clause is possible at once, so that the call never
         * waits (and when every clause is disabled, if there is no all-closed branch).
         *
         * @param handler the handler
         * @return this builder
         * @throws NullPointerException if {@code handler} is null
         * @throws IllegalStateException if this builder has a default already
         */
        public Builder<R> ifNoneReady(Supplier<? extends R> handler) {
            Objects.requireNonNull(handler, "handler");
            if (ifNoneReady != null) {
                throw new IllegalStateException("a select has at most one default");
            }
            ifNoneReady = handler;
            return this;
        }

        /**
         * The all-closed branch (Tokio's {@code else}): runs when every channel clause is disabled,
         * by its channel's closure or by its precondition.
         *
         * @param handler the handler
         * @return this builder
         * @throws NullPointerException if {@code handler} is null
         * @throws IllegalStateException if this builder has an all-closed branch already
         */
        public Builder<R> ifAllClosed(Supplier<? extends R> handler) {
            Objects.requireNonNull(handler, "handler");
            if (ifAllClosed != null) {
                throw new IllegalStateException("a select has at most one all-closed branch");
            }
            ifAllClosed = handler;
            return this;
        }

        /**
         * Tries the clauses in declaration order on every pass, instead of from a random clause
         * (Tokio's {@code biased;}). Fairness is then the caller's: a clause that is always
         * possible starves the ones after it.
         *
         * @return this builder
         */
        public Builder<R> biased() {
            biased = true;
            return this;
        }

        /**
         * Builds the select. The builder may be used on (a later {@code build} includes the
         * clauses added since).
         *
         * @return the select
         * @throws IllegalStateException if there is no clause, timeout, default or all-closed branch
         */
        public Select<R> build() {
            if (clauses.isEmpty() && timeout == null && ifNoneReady == null && ifAllClosed == null) {
                throw new IllegalStateException("a select needs at least one clause or branch");
            }
            return new Select<>(this);
        }
    }

    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(Select.class, "busy", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
