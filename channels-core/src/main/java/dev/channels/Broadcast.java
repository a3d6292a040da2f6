package dev.channels;

import dev.channels.internal.BroadcastCore;
import dev.channels.internal.BroadcastCursor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import java.util.concurrent.Executor;

import java.util.concurrent.TimeoutException;

/**
 * Multi-producer, multi-consumer channels in which every receiver sees every value (Tokio's
 * {@code tokio::sync::broadcast}): events, fan-out, shutdown notices.
 *
 * <pre>{@code
 * Broadcast.Channel<Event> ch = Broadcast.channel(16);
 * Broadcast.Receiver<Event> a = ch.receiver();
 * Broadcast.Receiver<Event> b = ch.sender().subscribe();   // sees values sent from now on
 * ch.sender().send(new Event("deployed"));                // both a and b receive it
 * try {
 *     Event e = a.recv();                                   // null once every sender is closed
 * } catch (Broadcast.LaggedException lagged) {
 *     log.warn("missed {} events", lagged.missed());        // then continue from the oldest kept
 * }
 * }</pre>
 *
 * <h2>Capacity and lag</h2>
 * The channel keeps the last {@link Sender#capacity() capacity} values, the requested capacity
 * rounded up to a power of two. Senders never wait for receivers: a send overwrites the oldest
 * value. (Two sends racing for the same slot a whole ring apart are ordered: the later one waits
 * the few instructions until the earlier one has published.) A send also completes the async
 * receives waiting on the channel, on the sending thread, and their continuations unless they
 * were given an executor. A receiver
 * that falls more than the capacity behind gets a {@link LaggedException} whose
 * {@link LaggedException#missed()} is exactly the number of values it missed, and continues from
 * the oldest value still kept; it may lag again if more sends overwrite that one first. Lag is
 * reported before the kept values, and those before end of stream. Every receiver receives the
 * same references, in send order.
 *
 * <h2>Closing</h2>
 * When every sender handle is closed, receivers get the values they have not read, then end of
 * stream ({@link Receiver#recv()} returns null). A send with no receiver fails and hands the value
 * back (it is not stored; later subscribers do not see it). When the last receiver closes,
 * {@link Sender#closed()} completes; a later {@link Sender#subscribe()} reopens the channel.
 * Sending, subscribing, receiving, duplicating, downgrading or upgrading through a handle after
 * closing it throws {@link IllegalStateException}; its queries (the counts, {@code len},
 * {@code isEmpty}, {@code isClosed}, {@code capacity}, {@code closed}, {@code awaitClosed}) still
 * answer, for the channel.
 *
 * <h2>Bad input</h2>
 * Bad input is rejected at the call, before anything changes: a null value or argument with a
 * {@link NullPointerException} naming it, a capacity out of range with an
 * {@link IllegalArgumentException} giving the limit, a closed handle with an
 * {@link IllegalStateException}.
 *
 * <h2>Memory</h2>
 * The ring is allocated up front: one slot object (about 24 bytes) per position of the rounded
 * capacity. A value stays reachable from the channel until {@code capacity} later sends have
 * overwritten it, even after every receiver read it. Send and receive take no lock and allocate
 * nothing (a receiver that has to park allocates a small wait-list node).
 *
 * <p>Java has no destructors: a receiver that is abandoned without {@link Receiver#close()} still
 * counts as a receiver (in {@link Sender#receiverCount()}, for {@link Sender#closed()} and, as the
 * slowest reader, in {@link Sender#len()}), and the channel keeps it reachable. Close receivers
 * you no longer use, for example with try-with-resources.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it sends a value <i>happen-before</i> the actions that follow the
 * receipt of that value in each receiving thread.
 */
public final class Broadcast {
    /** The largest capacity: 2<sup>30</sup>. */
    public static final int MAX_CAPACITY = BroadcastCore.MAX_CAPACITY;

    private Broadcast() {
    }

    /**
     * Creates a broadcast channel with one sender and one receiver.
     *
     * @param capacity how many values the channel keeps, from 1 to {@link #MAX_CAPACITY}; rounded
     *     up to a power of two
     * @param <T> the value type
     * @return the sender and receiver
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static <T> Channel<T> channel(int capacity) {
        final BroadcastCore<T> core = new BroadcastCore<>(capacity, 1);
        return new Channel<>(new Sender<>(core), new Receiver<>(core, false));
    }

    /**
     * Creates a broadcast channel with one sender and no receiver (Tokio's {@code Sender::new}):
     * sends fail until somebody subscribes.
     *
     * @param capacity how many values the channel keeps, from 1 to {@link #MAX_CAPACITY}; rounded
     *     up to a power of two
     * @param <T> the value type
     * @return the sender
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static <T> Sender<T> sender(int capacity) {
        return new Sender<>(new BroadcastCore<>(capacity, 0));
    }

    /**
     * The two ends of a new broadcast channel.
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

    /**
     * A receiver fell more than the capacity behind: {@link #missed()} values were overwritten
     * before it read them. The receiver stays subscribed; its next receive returns the oldest value
     * still kept. Created without a stack trace: lag is an expected event, not a bug.
     */
    public static final class LaggedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long missed;

        /**
         * @param missed how many values were missed, at least 1
         * @throws IllegalArgumentException if {@code missed} is less than 1
         */
        public LaggedException(long missed) {
            super(null, null, false, false);
            if (missed < 1) {
                throw new IllegalArgumentException("missed must be at least 1, was " + missed);
            }
            this.missed = missed;
        }

        /** Built on demand: lag is frequent under load, and most handlers read only {@link #missed()}. */
        @Override
        public String getMessage() {
            return "the receiver lagged behind and missed " + missed + " values";
        }

        /**
         * @return how many values the receiver missed
         */
        public long missed() {
            return missed;
        }
    }

    /**
     * A sending handle. Thread-safe; more handles come from {@link #duplicate()}.
     *
     * @param <T> the value type
     */
    public static final class Sender<T> implements AutoCloseable {
        private final BroadcastCore<T> core;
        /** Whether this handle was closed; CASed once by close(). */
        private volatile boolean handleClosed;

        Sender(BroadcastCore<T> core) {
            this.core = core;
        }

        private void ensureOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this broadcast sender is closed");
            }
        }

        /**
         * Sends {@code value} to every receiver; never waits, allocates nothing. Overwrites the
         * oldest kept value. Returning normally does not mean every receiver will read it (one
         * may lag or close).
         *
         * @param value the value, not null
         * @return the number of receivers when the send began (each of them can receive the
         *     value unless it lags or closes; a receiver subscribing concurrently may receive it
         *     without being counted)
         * @throws ChannelClosedException if there is no receiver; the value was not stored and is
         *     {@link ChannelClosedException#value()}
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public int send(T value) {
            Objects.requireNonNull(value, "value");
            ensureOpen();
            final int n = core.send(value);
            if (n == 0) {
                throw new ChannelClosedException("the broadcast channel has no receivers; the value was not sent", value);
            }
            return n;
        }

        /**
         * A new receiver that receives the values sent from now on. Reopens a channel that had no
         * receiver.
         *
         * @return the new receiver
         * @throws IllegalStateException if this handle is closed
         */
        public Receiver<T> subscribe() {
            ensureOpen();
            return Receiver.subscribed(core);
        }

        /**
         * @return the number of open receivers
         */
        public int receiverCount() {
            return core.receiverCount();
        }

        /**
         * The number of kept values that some receiver has not read yet; at most the capacity.
         * An estimate while receivers are reading.
         *
         * @return the number of unread kept values
         */
        public int len() {
            return (int) core.len();
        }

        /**
         * @return whether every receiver has read every kept value
         */
        public boolean isEmpty() {
            return core.len() == 0;
        }

        /**
         * @return how many values the channel keeps (the requested capacity rounded up to a power
         *     of two)
         */
        public int capacity() {
            return core.capacity();
        }

        /**
         * @return the number of open sender handles
         */
        public int strongCount() {
            return core.senderCount();
        }

        /**
         * @return the number of weak sender handles
         */
        public int weakCount() {
            return core.weakCount();
        }

        /**
         * @return whether no receiver is open (a send would fail)
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
                throw new IllegalStateException("every sender of this broadcast channel is closed");
            }
            return new Sender<>(core);
        }

        /**
         * A weak handle that does not keep the channel open.
         *
         * @return a new weak sender
         * @throws IllegalStateException if this handle is closed
         */
        public WeakSender<T> downgrade() {
            ensureOpen();
            return new WeakSender<>(core);
        }

        /**
         * @param other another sender, or null
         * @return whether both belong to the same channel
         */
        public boolean sameChannel(Sender<?> other) {
            return other != null && other.core == core;
        }

        /**
         * Closes this handle. When the last sender closes, receivers get the values they have not
         * read, then end of stream. Idempotent.
         */
        @Override
        public void close() {
            if (HANDLE_CLOSED.compareAndSet(this, false, true)) {
                core.dropSender();
            }
        }

        @Override
        public String toString() {
            return "Broadcast.Sender[capacity=" + capacity() + ", receivers=" + receiverCount() + "]";
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
     * A weak sending handle: it does not keep the channel open, and can be upgraded to a sender
     * while some sender is open.
     *
     * @param <T> the value type
     */
    public static final class WeakSender<T> implements AutoCloseable {
        private final BroadcastCore<T> core;
        private volatile boolean released;

        WeakSender(BroadcastCore<T> core) {
            this.core = core;
            core.addWeak();
        }

        /**
         * @return a new sender handle, or null if every sender is closed
         * @throws IllegalStateException if this weak handle was closed
         */
        public Sender<T> upgrade() {
            if (released) {
                throw new IllegalStateException("this weak broadcast sender is closed");
            }
            return core.tryAddSender() ? new Sender<>(core) : null;
        }

        /**
         * @return the number of open sender handles
         */
        public int strongCount() {
            return core.senderCount();
        }

        /**
         * @return the number of weak sender handles
         */
        public int weakCount() {
            return core.weakCount();
        }

        /** Releases this weak handle (it no longer counts in {@link #weakCount()}). Idempotent. */
        @Override
        public void close() {
            if (RELEASED.compareAndSet(this, false, true)) {
                core.dropWeak();
            }
        }

        private static final VarHandle RELEASED;

        static {
            try {
                RELEASED = MethodHandles.lookup().findVarHandle(WeakSender.class, "released", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * A receiving handle with its own position in the channel. Its receives must not run
     * concurrently (give each consumer its own receiver with {@link #resubscribe()} or
     * {@link Sender#subscribe()}); {@link #len()}, {@link #isClosed()} and {@link #close()} may be
     * called from any thread.
     *
     * <p>End of stream: {@link #recv()} returns null, {@link #tryRecv()} throws
     * {@link ChannelClosedException}, once every sender is closed and this receiver has read every
     * kept value.
     *
     * @param <T> the value type
     */
    // The state lives in the (unexported) cursor superclass so that a receiver is one object; its
    // members are protected, and this class is final, so users reach none of them.
    @SuppressWarnings("exports")
    public static final class Receiver<T> extends BroadcastCursor<T> implements AutoCloseable {
        /** Whether this handle was closed; CASed once by close(). */
        private volatile boolean handleClosed;

        /** The first receiver of a new channel ({@code subscribe} false), or a later one. */
        private Receiver(BroadcastCore<T> core, boolean subscribe) {
            super(core, subscribe);
        }

        static <T> Receiver<T> subscribed(BroadcastCore<T> core) {
            return new Receiver<>(core, true);
        }

        void ensureOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this broadcast receiver is closed");
            }
        }

        private T result(Object r) throws LaggedException {
            if (r == LAGGED) {
                throw new LaggedException(missed());
            }
            if (r == END) {
                return null;
            }
            @SuppressWarnings("unchecked")
            final T v = (T) r;
            return v;
        }

        /**
         * Receives the next value, waiting while there is none. Spins briefly before parking.
         *
         * @return the value, or null at end of stream
         * @throws InterruptedException if interrupted while waiting; nothing was taken
         * @throws LaggedException if this receiver fell behind; it continues from the oldest kept value
         * @throws IllegalStateException if this receiver is closed
         */
        public T recv() throws InterruptedException, LaggedException {
            ensureOpen();
            return result(recv(false, 0L));
        }

        /**
         * As {@link #recv()}, waiting at most {@code timeout}.
         *
         * @param timeout how long to wait; zero or negative means do not wait
         * @return the value, or null at end of stream
         * @throws InterruptedException if interrupted while waiting; nothing was taken
         * @throws TimeoutException if nothing came in time; nothing was taken
         * @throws LaggedException if this receiver fell behind
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalStateException if this receiver is closed
         */
        public T recv(Duration timeout) throws InterruptedException, TimeoutException, LaggedException {
            ensureOpen();
            final Object r = recv(true, Timeouts.nanos(timeout));
            if (r == TIMED_OUT) {
                throw new TimeoutException("nothing received within " + timeout);
            }
            return result(r);
        }

        /**
         * Receives the next value if there is one now. Never waits (beyond a send already
         * publishing the next value), never reports empty spuriously, allocates nothing.
         *
         * @return the value, or null if there is none now
         * @throws ChannelClosedException at end of stream
         * @throws LaggedException if this receiver fell behind
         * @throws IllegalStateException if this receiver is closed
         */
        public T tryRecv() throws LaggedException {
            ensureOpen();
            final Object r = poll();
            if (r == EMPTY) {
                return null;
            }
            if (r == END) {
                throw new ChannelClosedException("every broadcast sender is closed and this receiver has read everything");
            }
            return result(r);
        }

        /**
         * Receives asynchronously: completes with the next value, with null at end of stream, or
         * exceptionally with {@link LaggedException}. If cancelling it returns true, nothing was
         * taken. Continuations of a receive that had to wait run on the sending thread.
         *
         * @return a future of the next value
         * @throws IllegalStateException if this receiver is closed
         */
        public CompletableFuture<T> recvAsync() {
            return recvAsync(null);
        }

        /**
         * As {@link #recvAsync()}, completed on {@code executor} when it had to wait.
         *
         * @param executor where the future is completed; null for the sending thread
         * @return a future of the next value
         * @throws IllegalStateException if this receiver is closed
         */
        public CompletableFuture<T> recvAsync(Executor executor) {
            ensureOpen();
            return recvAsync(executor, LaggedException::new);
        }

        /**
         * The number of values sent that this receiver has not read, including values already
         * overwritten (more than the capacity means the next receive reports lag). May be asked
         * from any thread; asked while this receiver is receiving, it may still count the value
         * being received (Tokio's {@code len} cannot run during a receive).
         *
         * @return the number of unread values, saturating at {@link Integer#MAX_VALUE}
         */
        public int len() {
            return (int) Math.min(Integer.MAX_VALUE, length());
        }

        /**
         * @return whether this receiver has read everything sent
         */
        public boolean isEmpty() {
            return length() == 0;
        }

        /**
         * @return whether every sender is closed (even with values left to read)
         */
        public boolean isClosed() {
            return core.isClosed();
        }

        /**
         * A new receiver of this channel starting at the current tail: it does not receive the
         * values this one has not read yet.
         *
         * @return the new receiver
         * @throws IllegalStateException if this receiver is closed
         */
        public Receiver<T> resubscribe() {
            ensureOpen();
            return subscribed(core);
        }

        /**
         * @return the number of open sender handles
         */
        public int senderStrongCount() {
            return core.senderCount();
        }

        /**
         * @return the number of weak sender handles
         */
        public int senderWeakCount() {
            return core.weakCount();
        }

        /**
         * @param other another receiver, or null
         * @return whether both belong to the same channel
         */
        public boolean sameChannel(Receiver<?> other) {
            return other != null && other.core == core;
        }

        /**
         * Closes this receiver: it stops counting as a receiver. When the last receiver closes,
         * {@link Sender#closed()} completes. A receive already waiting on this receiver is not
         * ended by the close: it returns at the next send or at end of stream (close a receiver
         * from the thread that uses it). Idempotent.
         */
        @Override
        public void close() {
            if (HANDLE_CLOSED.compareAndSet(this, false, true)) {
                unsubscribe();
            }
        }

        @Override
        public String toString() {
            return "Broadcast.Receiver[len=" + len() + ", closed=" + isClosed() + "]";
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
