package dev.channels.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One receiver of a watch channel: the version it has seen, and its waits. The public
 * {@code Watch.Receiver} extends this class, so a receiver is one object.
 *
 * <p>A receiver's methods that read or mark its seen version must not run concurrently (one
 * thread at a time, or an async wait whose completion hands the receiver back); its seen version
 * is therefore a plain field.
 *
 * @param <T> the value type
 */
public abstract class WatchCursor<T> extends FanOutCore.Condition {
    protected final WatchCore<T> core;
    /** The version this receiver has seen, or {@link WatchCore#UNSEEN}; plain: receiver-confined. */
    private long seen;
    /** The receiver's reusable parked-thread waiter; plain: receiver-confined. */
    private ParkingWaiter parker;
    /** While a blocking wait runs: the version it waits to see replaced; plain: receiver-confined. */
    private long waitingBeyond;

    protected WatchCursor(WatchCore<T> core, long seen) {
        this.core = core;
        this.seen = seen;
    }

    protected final long seenVersion() {
        return seen;
    }

    protected final T borrowValue() {
        return core.current().value;
    }

    protected final T borrowAndMark() {
        final WatchCore.Version<T> v = core.current();
        seen = v.version;
        return v.value;
    }

    /** Whether the current value is unseen; does not look at closing. */
    protected final boolean unseen() {
        return core.current().version != seen;
    }

    protected final void markSeen() {
        seen = core.current().version;
    }

    protected final void markUnseen() {
        seen = WatchCore.UNSEEN;
    }

    /** The blocking waits' condition: a version other than {@link #waitingBeyond}, or the close. */
    @Override
    final boolean ready() {
        return core.current().version != waitingBeyond || core.isClosed();
    }

    /** Waits for a version other than {@code version} or the close; false at the deadline. */
    private boolean await(long version, boolean timed, long deadline) throws InterruptedException {
        if (timed && deadline - System.nanoTime() <= 0L) {
            return false;
        }
        waitingBeyond = version;
        return core.awaitReady(this, parker(), timed, deadline);
    }

    private ParkingWaiter parker() {
        ParkingWaiter w = parker;
        if (w == null) {
            parker = w = new ParkingWaiter();
        }
        return w;
    }

    /** Result of {@link #changed}: a new value was marked seen. */
    protected static final int CHANGED = 0;
    /** Result of {@link #changed}: the channel is closed and the current value was seen. */
    protected static final int ENDED = 1;
    /** Result of {@link #changed}: the deadline passed. */
    protected static final int TIMED_OUT = 2;

    /** Tokio's {@code changed()}: {@link #CHANGED}, {@link #ENDED} or {@link #TIMED_OUT}. */
    protected final int changed(boolean timed, long timeoutNanos) throws InterruptedException {
        long deadline = 0L; // read the clock only if this has to wait
        for (boolean first = true;; first = false) {
            final Object r = pollChange();
            if (r != NO_CHANGE) {
                return r == ENDED_SEEN ? ENDED : CHANGED;
            }
            if (first && timed) {
                deadline = System.nanoTime() + timeoutNanos;
            }
            if (!await(seen, timed, deadline)) {
                return TIMED_OUT;
            }
        }
    }

    /**
     * Tokio's {@code wait_for}: the first value (the current one included, seen or not) that
     * {@code p} accepts, marked seen; or null when the channel closed with the last value
     * rejected; or {@code timedOut} when the deadline passed.
     */
    protected final Object waitFor(Predicate<? super T> p, boolean timed, long timeoutNanos, Object timedOut)
            throws InterruptedException {
        long deadline = 0L; // read the clock only if this has to wait
        for (boolean first = true;; first = false) {
            final boolean closed = core.isClosed();
            final WatchCore.Version<T> v = core.current();
            seen = v.version; // as Tokio's wait_for: every value tested is marked seen
            if (p.test(v.value)) {
                return v.value;
            }
            if (closed) {
                return null;
            }
            if (first && timed) {
                deadline = System.nanoTime() + timeoutNanos;
            }
            if (!await(v.version, timed, deadline)) {
                return timedOut;
            }
        }
    }

    /** {@link #pollChange()}: the current value was seen and the channel is open. Never reaches a user. */
    static final Object NO_CHANGE = new Object();
    /** {@link #pollChange()}: the channel is closed and the current value was seen. Never reaches a user. */
    static final Object ENDED_SEEN = new Object();

    /**
     * One look of Tokio's {@code changed()}: the unseen current value, now marked seen; or
     * {@link #ENDED_SEEN}; or {@link #NO_CHANGE}.
     */
    final Object pollChange() {
        final boolean closed = core.isClosed(); // before current: see the class comment of WatchCore
        final WatchCore.Version<T> v = core.current();
        if (v.version != seen) {
            seen = v.version;
            return v.value;
        }
        return closed ? ENDED_SEEN : NO_CHANGE;
    }

    /** Whether {@link #pollChange()} would not return {@link #NO_CHANGE}. */
    final boolean changeReady() {
        return core.current().version != seen || core.isClosed();
    }

    /** Asynchronous {@code changed()}: true for a change, false when closed. */
    protected final CompletableFuture<Boolean> startChangedAsync(Executor executor) {
        final ChangedWaiter w = new ChangedWaiter(executor);
        w.start();
        return w.future();
    }

    /** Asynchronous {@code wait_for}: the accepted value, or exceptionally {@code closed.get()}. */
    protected final CompletableFuture<T> startWaitForAsync(Predicate<? super T> p, Executor executor,
            Supplier<RuntimeException> closed) {
        final WaitForWaiter w = new WaitForWaiter(p, executor, closed);
        w.start();
        return w.future();
    }

    private final class ChangedWaiter extends ListFutureWaiter<Boolean> {
        ChangedWaiter(Executor executor) {
            super(core.waiters, executor);
        }

        @Override
        boolean ready() {
            return changeReady();
        }

        @Override
        boolean attempt() {
            final Object r = pollChange();
            if (r == NO_CHANGE) {
                return false;
            }
            finish(r != ENDED_SEEN);
            return true;
        }
    }

    private final class WaitForWaiter extends ListFutureWaiter<T> {
        private final Predicate<? super T> predicate;
        private final Supplier<RuntimeException> closedFailure;
        /** The version last tested; plain: only the attempting thread (which holds the claim) reads it. */
        private WatchCore.Version<T> tested;

        WaitForWaiter(Predicate<? super T> predicate, Executor executor, Supplier<RuntimeException> closedFailure) {
            super(core.waiters, executor);
            this.predicate = predicate;
            this.closedFailure = closedFailure;
        }

        @Override
        boolean ready() {
            return core.current() != tested || core.isClosed();
        }

        @Override
        boolean attempt() {
            final boolean closed = core.isClosed();
            final WatchCore.Version<T> v = core.current();
            if (v != tested) {
                tested = v;
                seen = v.version; // as Tokio's wait_for: every value tested is marked seen
                final boolean accepted;
                try {
                    accepted = predicate.test(v.value);
                } catch (Throwable t) {
                    finishExceptionally(t); // ends the wait; it never reaches the writer
                    return true;
                }
                if (accepted) {
                    finish(v.value);
                    return true;
                }
            }
            if (closed) {
                finishExceptionally(closedFailure.get());
                return true;
            }
            return false;
        }
    }
}
