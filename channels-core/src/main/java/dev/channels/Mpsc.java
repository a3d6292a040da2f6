package dev.channels;

import dev.channels.internal.BoundedMpscCore;
import dev.channels.internal.MpscCore;
import dev.channels.internal.UnboundedMpscCore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletionStage;

import java.util.concurrent.Executor;

import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Multi-producer, single-consumer channels: many senders, one receiver, messages in the order
 * each sender sent them (Tokio's {@code tokio::sync::mpsc}).
 *
 * <pre>{@code
 * Mpsc.Channel<Command> ch = Mpsc.bounded(32);
 * Mpsc.Sender<Command> tx = ch.sender();
 * Mpsc.Receiver<Command> rx = ch.receiver();
 *
 * // the task that owns the resource
 * Thread.ofVirtual().start(() -> {
 *     for (Command cmd : rx) {      // ends when every sender is closed and the buffer drained
 *         cmd.apply(resource);
 *     }
 * });
 * tx.send(new Get("hello"));        // waits while the channel is full
 * tx.close();
 * }</pre>
 *
 * <h2>Kinds</h2>
 * A {@linkplain #bounded(int) bounded} channel holds exactly {@code capacity} messages: a slot is
 * taken by a send or a {@linkplain Sender#reserve() reservation} and given back only when its
 * message is received. Senders that find it full wait in FIFO order, and a freed slot goes to the
 * oldest of them, so a {@link Sender#trySend} cannot take a slot already promised to a waiting
 * sender. An {@linkplain #unbounded() unbounded} channel never makes a sender wait.
 *
 * <h2>Closing</h2>
 * Handles are {@link AutoCloseable}. Closing a {@link Sender} releases that handle; when the last
 * one is closed (and no {@link Permit} is outstanding), the receiver gets the buffered messages and
 * then end of stream. Closing the {@link Receiver} is a half-close: every later send fails and
 * hands its value back in a {@link ChannelClosedException}, waiting senders fail the same way, and
 * the messages already buffered (plus those sent through outstanding permits) stay receivable.
 * Sending, reserving, duplicating or downgrading through a sender handle after closing it throws
 * {@link IllegalStateException}; its queries ({@code isClosed}, the counts, the capacity,
 * {@code closed}, {@code awaitClosed}) still answer, for the channel.
 *
 * <h2>Bad input</h2>
 * Bad input is rejected at the call, before anything changes: a null value or argument with a
 * {@link NullPointerException} naming it, an out-of-range number with an
 * {@link IllegalArgumentException} giving the limit, a used permit or a closed handle with an
 * {@link IllegalStateException}.
 *
 * <h2>No silent loss</h2>
 * Every value is received, handed back to its sender, or still receivable. A send that fails
 * because the receiver closed throws {@link ChannelClosedException} carrying the value; a send that
 * times out or is interrupted did not send; if cancelling the future of {@link Sender#sendAsync}
 * returns true, the value was not sent; a {@link Receiver#recvAsync} whose future was cancelled took
 * nothing.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it sends a message <i>happen-before</i> the actions that follow the
 * receipt of that message in another thread, whichever forms (blocking, try, async, permit) the
 * two sides use. Actions before a close happen-before the observation of that close by the other
 * side.
 */
public final class Mpsc {
    /** The largest capacity of a bounded channel: 2<sup>28</sup> messages. */
    public static final int MAX_CAPACITY = BoundedMpscCore.MAX_CAPACITY;

    private Mpsc() {
    }

    /**
     * Creates a bounded channel that holds exactly {@code capacity} messages. Its ring is allocated
     * up front (the capacity rounded up to a power of two, one reference each).
     *
     * @param capacity the number of messages the channel holds, from 1 to {@link #MAX_CAPACITY}
     * @param <T> the message type
     * @return the sender and receiver of the new channel
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static <T> Channel<T> bounded(int capacity) {
        final BoundedMpscCore<T> core = new BoundedMpscCore<>(capacity);
        return new Channel<>(new Sender<>(core), new Receiver<>(core));
    }

    /**
     * Creates an unbounded channel: sends never wait, and memory is the only limit.
     *
     * @param <T> the message type
     * @return the sender and receiver of the new channel
     */
    public static <T> UnboundedChannel<T> unbounded() {
        final UnboundedMpscCore<T> core = new UnboundedMpscCore<>();
        return new UnboundedChannel<>(new UnboundedSender<>(core), new Receiver<>(core));
    }

    /**
     * The two ends of a new bounded channel.
     *
     * @param sender the first sender handle
     * @param receiver the receiver
     * @param <T> the message type
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
     * The two ends of a new unbounded channel.
     *
     * @param sender the first sender handle
     * @param receiver the receiver
     * @param <T> the message type
     */
    public record UnboundedChannel<T>(UnboundedSender<T> sender, Receiver<T> receiver) {
        /**
         * @throws NullPointerException if {@code sender} or {@code receiver} is null
         */
        public UnboundedChannel {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
        }
    }

    static <T> T requireValue(T value) {
        return Objects.requireNonNull(value, "value");
    }

    static ChannelClosedException closedFor(Object value) {
        return new ChannelClosedException("the receiver is closed; the value was not sent", value);
    }

    /** What a sender handle shares: the closed flag of the handle and the sender count. */
    abstract static class SenderHandle implements AutoCloseable {
        final MpscCore<?> core;
        /** Whether this handle was closed; volatile, CASed once by close(). */
        private volatile boolean handleClosed;

        SenderHandle(MpscCore<?> core) {
            this.core = core;
        }

        final void ensureOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this sender handle is closed");
            }
        }

        /**
         * Closes this handle (Tokio's drop of a sender). When the last sender handle is closed and
         * no permit is outstanding, the receiver gets the buffered messages, then end of stream.
         * Idempotent.
         */
        @Override
        public final void close() {
            if (HANDLE_CLOSED.compareAndSet(this, false, true)) {
                core.dropSender();
            }
        }

        /**
         * Whether the receiver has closed (or half-closed). Other senders do not matter. Once
         * true, it stays true and every send fails.
         *
         * @return whether sends fail from now on
         */
        public final boolean isClosed() {
            return core.isReceiverClosed();
        }

        /**
         * Waits until the receiver closes.
         *
         * @throws InterruptedException if interrupted while waiting
         */
        public final void awaitClosed() throws InterruptedException {
            Signals.await(core.closedFuture());
        }

        /**
         * Waits until the receiver closes, at most {@code timeout}.
         *
         * @param timeout how long to wait; zero or negative means do not wait
         * @return whether the receiver closed
         * @throws InterruptedException if interrupted while waiting
         * @throws NullPointerException if {@code timeout} is null
         */
        public final boolean awaitClosed(Duration timeout) throws InterruptedException {
            return Signals.await(core.closedFuture(), timeout);
        }

        /**
         * A stage completed when the receiver closes; already complete if it has. Each call
         * returns a new stage: cancelling it affects no one else. Continuations run on the closing
         * thread unless an async method is used.
         *
         * @return a stage completed when the receiver closes
         */
        public final CompletionStage<Void> closed() {
            return core.closedFuture().copy();
        }

        /**
         * @return the number of open sender handles of this channel (permits not included)
         */
        public final int strongCount() {
            return core.senderCount();
        }

        /**
         * @return the number of weak sender handles of this channel
         */
        public final int weakCount() {
            return core.weakCount();
        }

        /**
         * @param other another sender handle, or null
         * @return whether both handles send into the same channel
         */
        public final boolean sameChannel(SenderHandle other) {
            return other != null && other.core == core;
        }

        private static final VarHandle HANDLE_CLOSED;

        static {
            try {
                HANDLE_CLOSED = MethodHandles.lookup().findVarHandle(SenderHandle.class, "handleClosed", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * A sending handle of a bounded channel. Thread-safe: one handle may be shared, or each
     * producer may take its own with {@link #duplicate()}.
     *
     * @param <T> the message type
     */
    public static final class Sender<T> extends SenderHandle {
        private final BoundedMpscCore<T> ring;

        BoundedMpscCore<T> ring() {
            return ring;
        }

        Sender(BoundedMpscCore<T> ring) {
            super(ring);
            this.ring = ring;
        }

        /**
         * Sends {@code value}, waiting (in FIFO order with other waiting senders) while the channel
         * is full. Spins briefly before parking.
         *
         * @param value the message
         * @throws InterruptedException if interrupted while waiting; the value was not sent
         * @throws ChannelClosedException if the receiver closed, before or while waiting; it
         *     carries the value
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public void send(T value) throws InterruptedException {
            requireValue(value);
            ensureOpen();
            if (ring.send(value, false, 0L) == BoundedMpscCore.CLOSED) {
                throw closedFor(value);
            }
        }

        /**
         * Sends {@code value}, waiting at most {@code timeout} for capacity.
         *
         * @param value the message
         * @param timeout how long to wait for capacity; zero or negative means do not wait
         * @return true if sent, false if the timeout passed first (the value was not sent)
         * @throws InterruptedException if interrupted while waiting; the value was not sent
         * @throws ChannelClosedException if the receiver closed; it carries the value
         * @throws NullPointerException if {@code value} or {@code timeout} is null
         * @throws IllegalStateException if this handle is closed
         */
        public boolean send(T value, Duration timeout) throws InterruptedException {
            requireValue(value);
            final long nanos = Timeouts.nanos(timeout);
            ensureOpen();
            final int r = ring.send(value, true, nanos);
            if (r == BoundedMpscCore.CLOSED) {
                throw closedFor(value);
            }
            return r == BoundedMpscCore.OK;
        }

        /**
         * Sends {@code value} if there is capacity now. Never waits and allocates nothing. A
         * channel that is both full and closed reports {@link TrySendResult#CLOSED}.
         *
         * @param value the message
         * @return {@code SENT}, {@code FULL} or {@code CLOSED}; the value was sent only for {@code SENT}
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public TrySendResult trySend(T value) {
            requireValue(value);
            ensureOpen();
            final int r = ring.trySend(value);
            return r == BoundedMpscCore.OK ? TrySendResult.SENT
                    : r == BoundedMpscCore.FULL ? TrySendResult.FULL : TrySendResult.CLOSED;
        }

        /**
         * Sends asynchronously: the stage completes when the value is in the channel, or
         * exceptionally with a {@link ChannelClosedException} carrying the value if the receiver
         * closes first. If cancelling the stage's {@code toCompletableFuture()} returns true, the
         * value was not sent (completing it from outside counts as cancelling). Continuations run
         * on the thread that made room (usually the receiver's) or that closed the channel.
         *
         * @param value the message
         * @return a stage completed when the value is sent
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public CompletionStage<Void> sendAsync(T value) {
            return sendAsync(value, null);
        }

        /**
         * As {@link #sendAsync(Object)}, with continuations run on {@code executor} when the send
         * had to wait.
         *
         * @param value the message
         * @param executor where the stage is completed when the send had to wait; null for the
         *     completing thread
         * @return a stage completed when the value is sent
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public CompletionStage<Void> sendAsync(T value, Executor executor) {
            requireValue(value);
            ensureOpen();
            return ring.sendAsync(value, executor);
        }

        /**
         * Reserves one slot, waiting in FIFO order while the channel is full. The slot is held
         * until the message sent through the permit is received, or the permit is closed unused.
         *
         * @return a permit to send one message
         * @throws InterruptedException if interrupted while waiting; nothing was reserved
         * @throws ChannelClosedException if the receiver closed
         * @throws IllegalStateException if this handle is closed
         */
        public Permit<T> reserve() throws InterruptedException {
            ensureOpen();
            if (ring.reserve(1, false, 0L) == BoundedMpscCore.CLOSED) {
                throw new ChannelClosedException("the receiver is closed");
            }
            return new Permit<>(ring);
        }

        /**
         * Reserves one slot, waiting at most {@code timeout}.
         *
         * @param timeout how long to wait; zero or negative means do not wait
         * @return a permit, or null if the timeout passed first
         * @throws InterruptedException if interrupted while waiting; nothing was reserved
         * @throws ChannelClosedException if the receiver closed
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalStateException if this handle is closed
         */
        public Permit<T> reserve(Duration timeout) throws InterruptedException {
            final long nanos = Timeouts.nanos(timeout);
            ensureOpen();
            final int r = ring.reserve(1, true, nanos);
            if (r == BoundedMpscCore.CLOSED) {
                throw new ChannelClosedException("the receiver is closed");
            }
            return r == BoundedMpscCore.OK ? new Permit<>(ring) : null;
        }

        /**
         * Reserves one slot if one is free now.
         *
         * @return a permit, or null if the channel is full
         * @throws ChannelClosedException if the receiver closed
         * @throws IllegalStateException if this handle is closed
         */
        public Permit<T> tryReserve() {
            ensureOpen();
            final int r = ring.tryReserve(1);
            if (r == BoundedMpscCore.CLOSED) {
                throw new ChannelClosedException("the receiver is closed");
            }
            return r == BoundedMpscCore.OK ? new Permit<>(ring) : null;
        }

        /**
         * Reserves {@code n} slots, waiting in FIFO order until all are held (it may hold some of
         * them while it waits, and blocks smaller requests behind it). {@code n == 0} returns an
         * empty batch at once on an open channel.
         *
         * @param n how many slots, from 0 to {@link #maxCapacity()}
         * @return a batch of {@code n} permits
         * @throws IllegalArgumentException if {@code n} is negative or larger than the capacity
         * @throws InterruptedException if interrupted while waiting; nothing was reserved
         * @throws ChannelClosedException if the receiver closed
         * @throws IllegalStateException if this handle is closed
         */
        public Permits<T> reserveMany(int n) throws InterruptedException {
            checkBatch(n);
            ensureOpen();
            final int r = n == 0 ? ring.tryReserve(0) : ring.reserve(n, false, 0L);
            if (r == BoundedMpscCore.CLOSED) {
                throw new ChannelClosedException("the receiver is closed");
            }
            return new Permits<>(ring, n);
        }

        /**
         * Reserves {@code n} slots if that many are free now (and no sender is waiting).
         *
         * @param n how many slots, from 0 to {@link #maxCapacity()}
         * @return a batch of {@code n} permits, or null if they are not free now
         * @throws IllegalArgumentException if {@code n} is negative or larger than the capacity
         * @throws ChannelClosedException if the receiver closed (also for {@code n == 0})
         * @throws IllegalStateException if this handle is closed
         */
        public Permits<T> tryReserveMany(int n) {
            checkBatch(n);
            ensureOpen();
            final int r = ring.tryReserve(n);
            if (r == BoundedMpscCore.CLOSED) {
                throw new ChannelClosedException("the receiver is closed");
            }
            return r == BoundedMpscCore.OK ? new Permits<>(ring, n) : null;
        }

        private void checkBatch(int n) {
            if (n < 0 || n > ring.capacity()) {
                throw new IllegalArgumentException(
                        "n must be between 0 and the capacity " + ring.capacity() + ", was " + n);
            }
        }

        /**
         * Free slots now: goes down on send and reserve, and up when a message is received or a
         * permit is closed unused.
         *
         * @return the number of free slots
         */
        public int capacity() {
            return ring.freeCapacity();
        }

        /**
         * @return the capacity the channel was created with
         */
        public int maxCapacity() {
            return ring.capacity();
        }

        /**
         * Another sender handle for the same channel (Tokio's {@code Sender::clone}); it keeps the
         * channel open until it too is closed.
         *
         * @return a new sender handle
         * @throws IllegalStateException if this handle is closed
         */
        public Sender<T> duplicate() {
            ensureOpen();
            if (!ring.tryAddSender()) {
                throw new IllegalStateException("this sender handle is closed");
            }
            return new Sender<>(ring);
        }

        /**
         * A weak handle that does not keep the channel open.
         *
         * @return a new weak sender
         * @throws IllegalStateException if this handle is closed
         */
        public WeakSender<T> downgrade() {
            ensureOpen();
            return new WeakSender<>(ring);
        }

        @Override
        public String toString() {
            return "Mpsc.Sender[capacity=" + ring.capacity() + ", closed=" + isClosed() + "]";
        }
    }

    /**
     * A sending handle of an unbounded channel: sends never wait. Thread-safe.
     *
     * @param <T> the message type
     */
    public static final class UnboundedSender<T> extends SenderHandle {
        private final UnboundedMpscCore<T> ring;

        UnboundedMpscCore<T> ring() {
            return ring;
        }

        UnboundedSender(UnboundedMpscCore<T> ring) {
            super(ring);
            this.ring = ring;
        }

        /**
         * Sends {@code value}; never waits.
         *
         * @param value the message
         * @throws ChannelClosedException if the receiver closed; it carries the value
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public void send(T value) {
            requireValue(value);
            ensureOpen();
            if (ring.send(value) != UnboundedMpscCore.OK) {
                throw closedFor(value);
            }
        }

        /**
         * Sends {@code value} without throwing on a closed channel; allocates nothing but the
         * channel's own storage.
         *
         * @param value the message
         * @return {@code SENT} or {@code CLOSED} (never {@code FULL})
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this handle is closed
         */
        public TrySendResult trySend(T value) {
            requireValue(value);
            ensureOpen();
            return ring.send(value) == UnboundedMpscCore.OK ? TrySendResult.SENT : TrySendResult.CLOSED;
        }

        /**
         * Another sender handle for the same channel (Tokio's {@code clone}).
         *
         * @return a new sender handle
         * @throws IllegalStateException if this handle is closed
         */
        public UnboundedSender<T> duplicate() {
            ensureOpen();
            if (!ring.tryAddSender()) {
                throw new IllegalStateException("this sender handle is closed");
            }
            return new UnboundedSender<>(ring);
        }

        /**
         * A weak handle that does not keep the channel open.
         *
         * @return a new weak sender
         * @throws IllegalStateException if this handle is closed
         */
        public WeakUnboundedSender<T> downgrade() {
            ensureOpen();
            return new WeakUnboundedSender<>(ring);
        }

        @Override
        public String toString() {
            return "Mpsc.UnboundedSender[closed=" + isClosed() + "]";
        }
    }

    /** What weak handles share. */
    abstract static class WeakHandle {
        final MpscCore<?> core;
        private volatile boolean released;

        WeakHandle(MpscCore<?> core) {
            this.core = core;
            core.addWeak();
        }

        /**
         * @return the number of open sender handles of the channel
         */
        public final int strongCount() {
            return core.senderCount();
        }

        /**
         * @return the number of unreleased weak handles of the channel
         */
        public final int weakCount() {
            return core.weakCount();
        }

        /** Releases this weak handle (it stops counting in {@link #weakCount()}). Idempotent. */
        public final void release() {
            if (WEAK_RELEASED.compareAndSet(this, false, true)) {
                core.dropWeak();
            }
        }

        final boolean tryUpgrade() {
            if (released) {
                throw new IllegalStateException("this weak sender is released");
            }
            return core.tryAddSender();
        }

        private static final VarHandle WEAK_RELEASED;

        static {
            try {
                WEAK_RELEASED = MethodHandles.lookup().findVarHandle(WeakHandle.class, "released", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * A weak sender of a bounded channel: it does not keep the channel open, and can be upgraded
     * to a {@link Sender} while some sender is still open.
     *
     * @param <T> the message type
     */
    public static final class WeakSender<T> extends WeakHandle {
        private final BoundedMpscCore<T> ring;

        WeakSender(BoundedMpscCore<T> ring) {
            super(ring);
            this.ring = ring;
        }

        /**
         * @return a new sender handle, or null if every sender handle has been closed
         * @throws IllegalStateException if this weak handle was released
         */
        public Sender<T> upgrade() {
            return tryUpgrade() ? new Sender<>(ring) : null;
        }
    }

    /**
     * A weak sender of an unbounded channel.
     *
     * @param <T> the message type
     */
    public static final class WeakUnboundedSender<T> extends WeakHandle {
        private final UnboundedMpscCore<T> ring;

        WeakUnboundedSender(UnboundedMpscCore<T> ring) {
            super(ring);
            this.ring = ring;
        }

        /**
         * @return a new sender handle, or null if every sender handle has been closed
         * @throws IllegalStateException if this weak handle was released
         */
        public UnboundedSender<T> upgrade() {
            return tryUpgrade() ? new UnboundedSender<>(ring) : null;
        }
    }

    /**
     * A reserved slot of a bounded channel: {@link #send} cannot fail and does not wait, even
     * after the receiver closed (the receiver still gets the message). Closing an unused permit
     * gives the slot back. An outstanding permit keeps the channel open for the receiver, like a
     * sender. Use it from one thread at a time.
     *
     * @param <T> the message type
     */
    public static final class Permit<T> implements AutoCloseable {
        private final BoundedMpscCore<T> ring;
        private volatile boolean used;

        Permit(BoundedMpscCore<T> ring) {
            this.ring = ring;
        }

        /**
         * Sends through the reserved slot.
         *
         * @param value the message
         * @throws IllegalStateException if this permit was already used or closed
         * @throws NullPointerException if {@code value} is null (the permit stays usable)
         */
        public void send(T value) {
            requireValue(value);
            if (!PERMIT_USED.compareAndSet(this, false, true)) {
                throw new IllegalStateException("this permit was already used or closed");
            }
            ring.sendReserved(value);
        }

        /** Gives the slot back if the permit was not used. Idempotent. */
        @Override
        public void close() {
            if (PERMIT_USED.compareAndSet(this, false, true)) {
                ring.releasePermits(1);
            }
        }

        /**
         * @return whether the permit was used or closed
         */
        public boolean isUsed() {
            return used;
        }

        private static final VarHandle PERMIT_USED;

        static {
            try {
                PERMIT_USED = MethodHandles.lookup().findVarHandle(Permit.class, "used", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * A batch of reserved slots (Tokio's {@code PermitIterator}): exactly {@code n} permits, taken
     * one at a time with {@link #next()} or used directly with {@link #send}. Closing the batch
     * gives back the slots not taken. Thread-safe.
     *
     * @param <T> the message type
     */
    public static final class Permits<T> implements Iterator<Permit<T>>, AutoCloseable {
        private final BoundedMpscCore<T> ring;
        private volatile int remaining;

        Permits(BoundedMpscCore<T> ring, int n) {
            this.ring = ring;
            this.remaining = n;
        }

        private boolean take() {
            for (;;) {
                final int r = remaining;
                if (r == 0) {
                    return false;
                }
                if (REMAINING.compareAndSet(this, r, r - 1)) {
                    return true;
                }
            }
        }

        /**
         * @return the number of permits not yet taken
         */
        public int remaining() {
            return remaining;
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        /**
         * Takes one permit out of the batch.
         *
         * @return a permit
         * @throws NoSuchElementException if none is left
         */
        @Override
        public Permit<T> next() {
            if (!take()) {
                throw new NoSuchElementException("no permit left in this batch");
            }
            return new Permit<>(ring);
        }

        /**
         * Sends through one of the batch's slots.
         *
         * @param value the message
         * @throws IllegalStateException if no permit is left
         * @throws NullPointerException if {@code value} is null (no permit is used)
         */
        public void send(T value) {
            requireValue(value);
            if (!take()) {
                throw new IllegalStateException("no permit left in this batch");
            }
            ring.sendReserved(value);
        }

        /** Gives back the slots not taken. Idempotent. */
        @Override
        public void close() {
            final int r = (int) REMAINING.getAndSet(this, 0);
            if (r > 0) {
                ring.releasePermits(r);
            }
        }

        private static final VarHandle REMAINING;

        static {
            try {
                REMAINING = MethodHandles.lookup().findVarHandle(Permits.class, "remaining", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * The receiving end of a bounded or unbounded channel.
     *
     * <p>There is one consumer: call the receiving methods from one thread at a time (an
     * outstanding {@link #recvAsync()} counts as a receive in progress until its stage completes).
     * {@link #close()}, {@link #len()}, {@link #isEmpty()} and {@link #isClosed()} may be called
     * from any thread.
     *
     * <p>End of stream: {@link #recv()} returns null, {@link #tryRecv()} throws
     * {@link ChannelClosedException}, iteration ends. It comes when the buffer is drained and
     * either every sender handle is closed with no permit outstanding, or the receiver was closed
     * with no permit outstanding.
     *
     * @param <T> the message type
     */
    public static final class Receiver<T> implements Iterable<T>, AutoCloseable {
        private final MpscCore<T> core;

        Receiver(MpscCore<T> core) {
            this.core = core;
        }

        MpscCore<T> core() {
            return core;
        }

        /**
         * Receives the next message, waiting while the channel is empty. Spins briefly before
         * parking.
         *
         * @return the message, or null at end of stream
         * @throws InterruptedException if interrupted while waiting; nothing was taken
         */
        public T recv() throws InterruptedException {
            @SuppressWarnings("unchecked")
            final T e = (T) core.recv(false, 0L);
            return e;
        }

        /**
         * Receives the next message, waiting at most {@code timeout}.
         *
         * @param timeout how long to wait; zero or negative means do not wait
         * @return the message, or null at end of stream
         * @throws InterruptedException if interrupted while waiting; nothing was taken
         * @throws TimeoutException if the timeout passed with nothing to receive; nothing was taken
         * @throws NullPointerException if {@code timeout} is null
         */
        public T recv(Duration timeout) throws InterruptedException, TimeoutException {
            final Object r = core.recv(true, Timeouts.nanos(timeout));
            if (r == MpscCore.TIMED_OUT) {
                throw new TimeoutException("nothing received within " + timeout);
            }
            @SuppressWarnings("unchecked")
            final T e = (T) r;
            return e;
        }

        /**
         * Receives the next message if there is one now. Never waits, allocates nothing, and
         * never reports empty while a message is being sent into the head of the channel (it
         * waits the few instructions until that send completes).
         *
         * @return the message, or null if the channel is empty but not finished
         * @throws ChannelClosedException at end of stream (closed and drained)
         */
        public T tryRecv() {
            final T e = core.poll();
            if (e == null && core.terminated()) {
                throw new ChannelClosedException("the channel is closed and drained");
            }
            return e;
        }

        /**
         * Receives asynchronously: the stage completes with the next message, or with null at end
         * of stream. If cancelling its {@code toCompletableFuture()} returns true, no message was
         * taken. Continuations of a receive that had to wait run on the thread that sent the
         * message (or closed the channel). When a message is already there the stage is returned
         * completed, and a continuation attached to it runs at once on the calling thread: a
         * receive loop written as continuations that call {@code recvAsync()} again recurses
         * while messages are queued; loop with {@code thenComposeAsync} or an executor instead.
         *
         * @return a stage completed with the next message, or null at end of stream
         */
        public CompletionStage<T> recvAsync() {
            return core.recvAsync(null);
        }

        /**
         * As {@link #recvAsync()}, with continuations run on {@code executor} when the receive had
         * to wait.
         *
         * @param executor where the stage is completed when the receive had to wait; null for the
         *     completing thread
         * @return a stage completed with the next message, or null at end of stream
         */
        public CompletionStage<T> recvAsync(Executor executor) {
            return core.recvAsync(executor);
        }

        /**
         * Waits for at least one message, then moves up to {@code limit} available messages into
         * {@code buffer}, in order. {@code limit == 0} returns 0 at once. The existing contents of
         * {@code buffer} are left as they are. A message is taken from the channel only once
         * {@code buffer.add} has accepted it: if {@code add} throws, the exception propagates and
         * that message is still the next to be received.
         *
         * @param buffer where the messages are added
         * @param limit the most messages to add
         * @return how many messages were added; 0 only at end of stream (or for {@code limit == 0})
         * @throws InterruptedException if interrupted while waiting; nothing was taken
         * @throws IllegalArgumentException if {@code limit} is negative
         * @throws NullPointerException if {@code buffer} is null
         */
        public int recvMany(Collection<? super T> buffer, int limit) throws InterruptedException {
            Objects.requireNonNull(buffer, "buffer");
            if (limit < 0) {
                throw new IllegalArgumentException("limit must not be negative, was " + limit);
            }
            if (limit == 0) {
                return 0;
            }
            T e = core.awaitMessage();
            int n = 0;
            // Each message is taken only after buffer.add accepted it: if add throws, that message
            // stays in the channel for the next receive.
            for (; e != null; e = n < limit ? core.peek() : null) {
                buffer.add(e);
                core.skip();
                n++;
            }
            return n;
        }

        /**
         * @return the number of messages sent and not yet received (not counting the end-of-stream
         *     marker); saturates at {@link Integer#MAX_VALUE}
         */
        public int len() {
            return (int) Math.min(Integer.MAX_VALUE, core.length());
        }

        /**
         * @return whether no message is buffered now
         */
        public boolean isEmpty() {
            return core.length() == 0;
        }

        /**
         * Whether no new message can come from senders: the receiver was closed, or every sender
         * handle is closed and no permit is outstanding. True even while buffered messages remain.
         *
         * @return whether the channel is closed for new messages
         */
        public boolean isClosed() {
            return core.isClosedForReceiver();
        }

        /**
         * Half-closes the channel (Tokio's {@code Receiver::close}): every later send, and every
         * waiting one, fails and hands its value back; messages already buffered, and those sent
         * through outstanding permits, stay receivable. May be called from any thread; a receive
         * waiting on an empty channel with no permit outstanding returns end of stream.
         * Idempotent.
         */
        @Override
        public void close() {
            core.closeReceiver();
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
         * A blocking iterator over the messages, ending at end of stream. {@code hasNext()} waits
         * for the next message; if interrupted it throws {@link ChannelInterruptedException} with
         * the interrupt status set again.
         *
         * @return an iterator that receives from this channel
         */
        @Override
        public Iterator<T> iterator() {
            return new Iterator<>() {
                private T next;
                private boolean ended;

                @Override
                public boolean hasNext() {
                    if (next != null) {
                        return true;
                    }
                    if (ended) {
                        return false;
                    }
                    try {
                        next = recv();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ChannelInterruptedException(e);
                    }
                    ended = next == null;
                    return !ended;
                }

                @Override
                public T next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException("end of stream");
                    }
                    final T e = next;
                    next = null;
                    return e;
                }
            };
        }

        /**
         * A sequential, ordered stream of the messages, ending at end of stream; it blocks like
         * {@link #iterator()}.
         *
         * @return a stream that receives from this channel
         */
        public Stream<T> stream() {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
                    Spliterator.ORDERED | Spliterator.NONNULL), false);
        }

        @Override
        public String toString() {
            return "Mpsc.Receiver[len=" + len() + ", closed=" + isClosed() + "]";
        }
    }
}
