package dev.channels;

import dev.channels.internal.WatchCore;
import dev.channels.internal.WatchCursor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import java.util.concurrent.Executor;

import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A channel that holds one current value: writers replace it, readers see the latest one and can
 * wait for the next change (Tokio's {@code tokio::sync::watch}). For configuration, state that many
 * tasks follow, and shutdown signals.
 *
 * <pre>{@code
 * Watch.Channel<Config> ch = Watch.channel(initialConfig);
 * Watch.Receiver<Config> rx = ch.receiver();
 * // a reader
 * while (rx.changed()) {            // false once every sender is closed
 *     apply(rx.borrowAndUpdate());
 * }
 * // the writer
 * ch.sender().send(newConfig);
 * }</pre>
 *
 * <h2>Versions and "seen"</h2>
 * Every notifying write makes a new version. Each receiver remembers the version it has seen; the
 * current value is <i>unseen</i> while its version differs. A new receiver, from
 * {@link Sender#subscribe()} or {@link Receiver#duplicate()}, starts having seen the current value
 * (a duplicate copies the original's seen version). Readers never block writers, and reading takes
 * no lock: {@link Receiver#borrow()} is one volatile read and allocates nothing.
 *
 * <h2>Writes</h2>
 * Values are immutable snapshots: a write replaces the whole value. {@link Sender#send} fails when
 * no receiver is left (the value is handed back and not stored); {@link Sender#sendReplace},
 * {@link Sender#sendModify} and {@link Sender#sendIfModified} always store. {@code sendModify}
 * computes the new value from the current one, atomically with respect to other writes: concurrent
 * modifications are all applied, none lost. Its function may be called more than once when writes
 * race (as {@link java.util.concurrent.atomic.AtomicReference#updateAndGet}), so it should have no
 * side effects; if it throws, nothing is changed and nobody is notified.
 *
 * <h2>Closing</h2>
 * When the last sender is closed the channel is closed: {@link Receiver#changed()} still reports a
 * value the receiver has not seen, then returns false. Closing receivers never closes the channel;
 * when the last receiver is closed, {@link Sender#closed()} completes (and a later
 * {@link Sender#subscribe()} reopens it). Writing, reading, waiting, subscribing or duplicating
 * through a handle after closing it throws {@link IllegalStateException}; its queries (the counts,
 * {@code isClosed}, {@code sameChannel}, {@code closed}, {@code awaitClosed}) still answer, for the
 * channel.
 *
 * <h2>Bad input</h2>
 * Bad input is rejected at the call, before anything changes: a null value, function or argument
 * with a {@link NullPointerException} naming it, a closed handle with an
 * {@link IllegalStateException}.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it writes a value <i>happen-before</i> the actions of another thread
 * after it reads that value (or a later one) by any method.
 */
public final class Watch {
    private Watch() {
    }

    /**
     * Creates a watch channel holding {@code initial}, with one sender and one receiver. The
     * receiver has seen the initial value.
     *
     * @param initial the initial value, not null
     * @param <T> the value type
     * @return the sender and receiver
     * @throws NullPointerException if {@code initial} is null
     */
    public static <T> Channel<T> channel(T initial) {
        final WatchCore<T> core = new WatchCore<>(Objects.requireNonNull(initial, "initial"), 1);
        return new Channel<>(new Sender<>(core), new Receiver<>(core, core.current().version));
    }

    /**
     * Creates a watch channel with one sender and no receiver (Tokio's {@code Sender::new}):
     * {@link Sender#send} fails until somebody subscribes.
     *
     * @param initial the initial value, not null
     * @param <T> the value type
     * @return the sender
     * @throws NullPointerException if {@code initial} is null
     */
    public static <T> Sender<T> sender(T initial) {
        return new Sender<>(new WatchCore<>(Objects.requireNonNull(initial, "initial"), 0));
    }

    /**
     * The two ends of a new watch channel.
     *
     * @param sender the first sender
     * @param receiver the first receiver
     * @param <T> the value type
     */
    public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {
        /**
         * @throws NullPointerException if {@code sender} or {@code receiver} is null
         */
        public Channel {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
        }
    }

    private static ChannelClosedException noReceivers(Object value) {
        return new ChannelClosedException("the watch channel has no receivers; the value was not stored", value);
    }

    private static ChannelClosedException sendersGone() {
        return new ChannelClosedException("every sender of the watch channel is closed");
    }

    /**
     * A writing handle. Thread-safe; more handles come from {@link #duplicate()}.
     *
     * @param <T> the value type
     */
    public static final class Sender<T> implements AutoCloseable {
        private final WatchCore<T> core;
        /** Whether this handle was closed; CASed once by close(). */
        private volatile boolean handleClosed;

        Sender(WatchCore<T> core) {
            this.core = core;
        }

        private void ensureOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this watch sender is closed");
            }
        }

        /**
         * Stores {@code value} as a new version and wakes the receivers, if there is a receiver.
         *
         * @param value the new value, not null
         * @throws ChannelClosedException if no receiver exists; the value was not stored and is
         *     {@link ChannelClosedException#value()}
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            ensureOpen();
            if (core.receiverCount() == 0) {
                throw noReceivers(value);
            }
            core.replace(value);
        }

        /**
         * Stores {@code value} as a new version and wakes the receivers, even when there is no
         * receiver.
         *
         * @param value the new value, not null
         * @return the previous value
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public T sendReplace(T value) {
            Objects.requireNonNull(value, "value");
            ensureOpen();
            return core.replace(value).value;
        }

        /**
         * Replaces the value with {@code modifier}'s result computed from the current value, as a
         * new version, and wakes the receivers, even when there is no receiver. Atomic with
         * respect to other writes; {@code modifier} may run more than once if writes race, and
         * should have no side effects. If it throws, the exception propagates and nothing changes.
         *
         * @param modifier computes the new value (not null) from the current one
         * @return the value stored
         * @throws NullPointerException if {@code modifier} is null or returns null; nothing changed
         * @throws IllegalStateException if this handle is closed
         */
        public T sendModify(UnaryOperator<T> modifier) {
            Objects.requireNonNull(modifier, "modifier");
            ensureOpen();
            return core.modify(modifier, false).value;
        }

        /**
         * Like {@link #sendModify}, but if {@code modifier} returns the very value it was given
         * (the same reference), nothing is stored and nobody is notified. Mind boxing: for an
         * {@code Integer} value, {@code x -> x > 9 ? x : x + 1} returns a re-boxed (new) object in
         * both branches; write {@code x -> x > 9 ? (Integer) x : Integer.valueOf(x + 1)}, or
         * compare and return the argument itself.
         *
         * @param modifier computes the new value (not null) from the current one, or returns it
         *     unchanged
         * @return whether a new version was stored
         * @throws NullPointerException if {@code modifier} is null or returns null; nothing changed
         * @throws IllegalStateException if this handle is closed
         */
        public boolean sendIfModified(UnaryOperator<T> modifier) {
            Objects.requireNonNull(modifier, "modifier");
            ensureOpen();
            return core.modify(modifier, true) != null;
        }

        /**
         * @return the current value; no lock, no allocation
         * @throws IllegalStateException if this handle is closed
         */
        public T borrow() {
            ensureOpen();
            return core.current().value;
        }

        /**
         * A new receiver that has seen the current value. Reopens a channel with no receivers.
         *
         * @return the new receiver
         * @throws IllegalStateException if this handle is closed
         */
        public Receiver<T> subscribe() {
            ensureOpen();
            // The version first, then the count (Tokio's order): a send that succeeds because this
            // receiver is counted stores after the version read, so the new receiver reports it as
            // a change. (The other order could mark that value seen: a change nobody is told of.)
            final long seen = core.current().version;
            core.subscribe();
            return new Receiver<>(core, seen);
        }

        /**
         * @return the number of open receivers
         */
        public int receiverCount() {
            return core.receiverCount();
        }

        /**
         * @return the number of open senders
         */
        public int senderCount() {
            return core.senderCount();
        }

        /**
         * @return whether no receiver is open (a {@link #send} would fail)
         */
        public boolean isClosed() {
            return core.receiverCount() == 0;
        }

        /**
         * A stage completed the next time no receiver is open, or already complete if none is.
         * Each call returns a new stage.
         *
         * @return a stage completed when the last receiver closes
         */
        public CompletionStage<Void> closed() {
            return core.noReceivers().copy();
        }

        /**
         * Waits until no receiver is open.
         *
         * @throws InterruptedException if interrupted while waiting
         */
        public void awaitClosed() throws InterruptedException {
            Signals.await(core.noReceivers());
        }

        /**
         * Waits at most {@code timeout} until no receiver is open.
         *
         * @param timeout how long to wait; zero or negative means do not wait
         * @return whether no receiver is open
         * @throws InterruptedException if interrupted while waiting
         * @throws NullPointerException if {@code timeout} is null
         */
        public boolean awaitClosed(Duration timeout) throws InterruptedException {
            return Signals.await(core.noReceivers(), timeout);
        }

        /**
         * Another sender handle of this channel (Tokio's {@code clone}).
         *
         * @return a new open sender handle
         * @throws IllegalStateException if this handle is closed
         */
        public Sender<T> duplicate() {
            ensureOpen();
            if (!core.tryAddSender()) {
                throw new IllegalStateException("every sender of this watch channel is closed");
            }
            return new Sender<>(core);
        }

        /**
         * @param other another handle, or null
         * @return whether both belong to the same channel
         */
        public boolean sameChannel(Sender<?> other) {
            return other != null && other.core == core;
        }

        /**
         * @param other a receiver, or null
         * @return whether both belong to the same channel
         */
        public boolean sameChannel(Receiver<?> other) {
            return other != null && other.channelCore() == core;
        }

        /**
         * Closes this handle. When the last sender closes, the channel is closed: receivers see
         * any unseen value, then the end. Idempotent.
         */
        @Override
        public void close() {
            if (HANDLE_CLOSED.compareAndSet(this, false, true)) {
                core.dropSender();
            }
        }

        @Override
        public String toString() {
            return "Watch.Sender[receivers=" + receiverCount() + ", version=" + core.current().version + "]";
        }

        private static final VarHandle HANDLE_CLOSED;

        static {
            try {
                HANDLE_CLOSED = MethodHandles.lookup().findVarHandle(Sender.class, "handleClosed", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * A reading handle: the latest value, and waiting for the next change. A receiver's methods
     * that wait or mark the value seen must not run concurrently (use {@link #duplicate()} to give
     * each thread its own); {@link #borrow()}, {@link #isClosed()} and {@link #close()} may be
     * called from any thread.
     *
     * @param <T> the value type
     */
    // The state lives in the (unexported) cursor superclass so that a receiver is one object; its
    // members are protected, and this class is final, so users reach none of them.
    @SuppressWarnings("exports")
    public static final class Receiver<T> extends WatchCursor<T> implements AutoCloseable {
        private static final Object TIMED_OUT_MARK = new Object();

        /**
         * Whether this handle was closed; set once by close() with a CAS. Read plain by the
         * misuse check: a receiver is used by one thread at a time, which sees its own close, and
         * the check stays off the cost of a {@link #borrow()}.
         */
        private boolean handleClosed;

        Receiver(WatchCore<T> core, long seen) {
            super(core, seen);
        }

        void ensureOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this watch receiver is closed");
            }
        }

        WatchCore<T> channelCore() {
            return core;
        }

        /**
         * The current value, without marking it seen. No lock, no allocation.
         *
         * @return the current value
         * @throws IllegalStateException if this receiver is closed
         */
        public T borrow() {
            ensureOpen();
            return borrowValue();
        }

        /**
         * The current value, marked seen.
         *
         * @return the current value
         * @throws IllegalStateException if this receiver is closed
         */
        public T borrowAndUpdate() {
            ensureOpen();
            return borrowAndMark();
        }

        /**
         * Whether the current value is unseen. Does not mark it seen.
         *
         * @return whether there is an unseen value
         * @throws ChannelClosedException if every sender is closed, even with an unseen value
         *     (as Tokio's {@code has_changed}; {@link #changed()} still delivers that value)
         * @throws IllegalStateException if this receiver is closed
         */
        public boolean hasChanged() {
            ensureOpen();
            if (core.isClosed()) {
                throw sendersGone();
            }
            return unseen();
        }

        /**
         * Waits until the value is unseen, then marks it seen (Tokio's {@code changed}). Returns at
         * once if it is unseen already, even when the channel is closed.
         *
         * @return true when a new value was marked seen; false when every sender is closed and the
         *     current value was seen
         * @throws InterruptedException if interrupted while waiting; nothing was marked
         * @throws IllegalStateException if this receiver is closed
         */
        public boolean changed() throws InterruptedException {
            ensureOpen();
            return changed(false, 0L) == CHANGED;
        }

        /**
         * As {@link #changed()}, waiting at most {@code timeout}.
         *
         * @param timeout how long to wait; zero or negative means only check
         * @return true when a new value was marked seen; false when the channel is closed
         * @throws InterruptedException if interrupted while waiting; nothing was marked
         * @throws TimeoutException if nothing changed in time; nothing was marked
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalStateException if this receiver is closed
         */
        public boolean changed(Duration timeout) throws InterruptedException, TimeoutException {
            ensureOpen();
            final int r = changed(true, Timeouts.nanos(timeout));
            if (r == TIMED_OUT) {
                throw new TimeoutException("no change within " + timeout);
            }
            return r == CHANGED;
        }

        /**
         * Asynchronous {@link #changed()}: completes with true when a new value was marked seen,
         * false when the channel is closed. If cancelling it returns true, nothing was marked.
         * Continuations of a wait run on the writing (or closing) thread.
         *
         * @return a future of the outcome
         * @throws IllegalStateException if this receiver is closed
         */
        public CompletableFuture<Boolean> changedAsync() {
            ensureOpen();
            return changedAsync(null);
        }

        /**
         * As {@link #changedAsync()}, completed on {@code executor} when it had to wait.
         *
         * @param executor where the future is completed; null for the writing thread
         * @return a future of the outcome
         * @throws IllegalStateException if this receiver is closed
         */
        public CompletableFuture<Boolean> changedAsync(Executor executor) {
            ensureOpen();
            return startChangedAsync(executor);
        }

        /**
         * Waits for a value that {@code predicate} accepts, testing the current value first (seen
         * or not), then each new one; intermediate values may be skipped. Every value tested is
         * marked seen (as Tokio's {@code wait_for}), the accepted one included: after a timeout,
         * an interrupt or a closed channel, the last value tested, which was rejected, is seen.
         *
         * @param predicate the condition; runs on this thread
         * @return the accepted value
         * @throws InterruptedException if interrupted while waiting
         * @throws ChannelClosedException if every sender closed with the last value rejected
         * @throws NullPointerException if {@code predicate} is null
         * @throws IllegalStateException if this receiver is closed
         */
        public T waitFor(Predicate<? super T> predicate) throws InterruptedException {
            Objects.requireNonNull(predicate, "predicate");
            ensureOpen();
            final Object r = waitFor(predicate, false, 0L, TIMED_OUT_MARK);
            if (r == null) {
                throw sendersGone();
            }
            @SuppressWarnings("unchecked")
            final T v = (T) r;
            return v;
        }

        /**
         * As {@link #waitFor(Predicate)}, waiting at most {@code timeout}.
         *
         * @param predicate the condition; runs on this thread
         * @param timeout how long to wait
         * @return the accepted value
         * @throws InterruptedException if interrupted while waiting
         * @throws TimeoutException if no accepted value came in time
         * @throws ChannelClosedException if every sender closed with the last value rejected
         * @throws NullPointerException if {@code predicate} or {@code timeout} is null
         * @throws IllegalStateException if this receiver is closed
         */
        public T waitFor(Predicate<? super T> predicate, Duration timeout) throws InterruptedException, TimeoutException {
            Objects.requireNonNull(predicate, "predicate");
            ensureOpen();
            final Object r = waitFor(predicate, true, Timeouts.nanos(timeout), TIMED_OUT_MARK);
            if (r == null) {
                throw sendersGone();
            }
            if (r == TIMED_OUT_MARK) {
                throw new TimeoutException("no accepted value within " + timeout);
            }
            @SuppressWarnings("unchecked")
            final T v = (T) r;
            return v;
        }

        /**
         * Asynchronous {@link #waitFor(Predicate)}. The predicate runs on the calling thread for the
         * current value, then on the writing thread (or {@code executor}'s completion) for later
         * ones; if it throws, the future completes exceptionally with that exception. Completes
         * exceptionally with {@link ChannelClosedException} when every sender closed with the
         * last value rejected. If cancelling it returns true, no value was accepted and no later
         * value is tested; the values it tested before (the value current at the call and any
         * rejected since) stay marked seen, as after a timed-out {@link #waitFor(Predicate, Duration)}
         * (and as a dropped {@code wait_for} future in Tokio).
         *
         * @param predicate the condition
         * @return a future of the accepted value
         * @throws NullPointerException if {@code predicate} is null
         * @throws IllegalStateException if this receiver is closed
         */
        public CompletableFuture<T> waitForAsync(Predicate<? super T> predicate) {
            return waitForAsync(predicate, null);
        }

        /**
         * As {@link #waitForAsync(Predicate)}, completed on {@code executor} when it had to wait.
         *
         * @param predicate the condition
         * @param executor where the future is completed; null for the writing thread
         * @return a future of the accepted value
         * @throws NullPointerException if {@code predicate} is null
         * @throws IllegalStateException if this receiver is closed
         */
        public CompletableFuture<T> waitForAsync(Predicate<? super T> predicate, Executor executor) {
            Objects.requireNonNull(predicate, "predicate");
            ensureOpen();
            return startWaitForAsync(predicate, executor, Watch::sendersGone);
        }

        /**
         * Makes the current value count as unseen: {@link #changed()} returns at once.
         *
         * @throws IllegalStateException if this receiver is closed
         */
        public void markChanged() {
            ensureOpen();
            markUnseen();
        }

        /**
         * Marks the current value seen.
         *
         * @throws IllegalStateException if this receiver is closed
         */
        public void markUnchanged() {
            ensureOpen();
            markSeen();
        }

        /**
         * Another receiver of this channel that has seen what this one has (Tokio's {@code clone}).
         *
         * @return a new open receiver
         * @throws IllegalStateException if this receiver is closed
         */
        public Receiver<T> duplicate() {
            ensureOpen();
            core.subscribe();
            return new Receiver<>(core, seenVersion());
        }

        /**
         * @return whether every sender is closed (even if this receiver has not seen the last value)
         */
        public boolean isClosed() {
            return core.isClosed();
        }

        /**
         * @param other another receiver, or null
         * @return whether both belong to the same channel
         */
        public boolean sameChannel(Receiver<?> other) {
            return other != null && other.core == core;
        }

        /**
         * Closes this receiver. When the last receiver closes, {@link Sender#closed()} completes.
         * A wait already in progress on this receiver is not ended by the close: it returns at the
         * next change or close of the channel (close a receiver from the thread that uses it).
         * Idempotent.
         */
        @Override
        public void close() {
            if (HANDLE_CLOSED.compareAndSet(this, false, true)) {
                core.unsubscribe();
            }
        }

        @Override
        public String toString() {
            return "Watch.Receiver[seen=" + seenVersion() + ", version=" + core.current().version + "]";
        }

        private static final VarHandle HANDLE_CLOSED;

        static {
            try {
                HANDLE_CLOSED = MethodHandles.lookup().findVarHandle(Receiver.class, "handleClosed", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
