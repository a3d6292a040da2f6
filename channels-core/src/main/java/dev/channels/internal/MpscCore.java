package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What the bounded and unbounded mpsc cores share: the producer word's flag bits, the receive
 * side (blocking, timed and async receive on top of the ring's {@link #poll()}), the receiver's
 * waiter, sender counting and the closed notification.
 *
 * <h2>The producer word ({@code state})</h2>
 * One {@code long} that every producer CASes once per send. Its low four bits are flags:
 * <pre>
 *   bit 0  RX_CLOSED     the receiver half-closed: no new capacity, sends fail
 *   bit 1  SENDERS_GONE  the last strong sender closed
 *   bit 2  RX_WAITING    the receiver registered a waiter in {@link #rxWaiter}
 *   bit 3  TX_WAITING    senders are queued for capacity (bounded only)
 * </pre>
 * The rest holds the producer index, and for the bounded ring the count of outstanding permits;
 * the subclasses say how. Because the flags live in the word that a send CASes anyway, a send
 * learns in the same atomic step whether the channel is closed and whether the receiver sleeps:
 * waking costs nothing when nobody waits.
 *
 * <h2>Receiver waiting (a Dekker handshake)</h2>
 * The receiver publishes its waiter with a volatile store and sets RX_WAITING with an atomic
 * read-modify-write, then looks at the ring again. A producer CASes the word (clearing
 * RX_WAITING if it was set), writes its element, and if the bit was set, claims and wakes the
 * waiter. Both sides' first steps are sequentially consistent, so either the receiver's second
 * look sees the producer's claim on the word, or the producer's CAS sees RX_WAITING. Any other
 * change that can end a receiver's wait (a close, the last sender leaving, the last permit going
 * back after a close) clears the bit and wakes the receiver the same way.
 *
 * <h2>Single consumer</h2>
 * {@link #poll()} and everything built on it run on one consumer at a time: the user's receiving
 * thread, or, for a pending async receive, the thread that claimed its waiter (the claim hands it
 * the consumer role, and the future's completion hands it back). The consumer index is therefore
 * written with plain or release stores only.
 *
 * @param <E> the message type
 */
public abstract class MpscCore<E> extends MpscPad2 {
    static final long RX_CLOSED = 1L;
    static final long SENDERS_GONE = 2L;
    static final long RX_WAITING = 4L;
    static final long TX_WAITING = 8L;
    static final long CLOSED_MASK = RX_CLOSED | SENDERS_GONE;
    static final int FLAG_BITS = 4;

    /** Returned by the timed receive when its deadline passed. Never reaches a user. */
    public static final Object TIMED_OUT = new Object();

    /** The receiver's current waiter, or null; volatile: half of the Dekker handshake. */
    private volatile Waiter rxWaiter;
    /** The receiver's reusable parked-thread waiter; plain: only the consumer touches it. */
    private ParkingWaiter rxParker;
    /** Spin budget of the receive side. */
    final SpinPolicy rxSpin = new SpinPolicy();
    /** Spin budget of the send side. */
    final SpinPolicy txSpin = new SpinPolicy();

    /** Strong senders (sender handles); reaching 0 sets SENDERS_GONE for good. */
    private volatile int senderCount = 1;
    private volatile int weakCount;
    /** Completed when the receiver closes; created on first demand. */
    private volatile CompletableFuture<Void> closedFuture;

    MpscCore() {
    }

    // ------------------------------------------------------------------ ring-specific parts

    /**
     * Takes the next message, or returns null if none has been claimed by a producer. Consumer
     * only. Never a spurious null: a message whose producer has claimed its index but not yet
     * written it is waited for.
     */
    public abstract E poll();

    /** The next message without taking it, or null as for {@link #poll()}. Consumer only. */
    public abstract E peek();

    /**
     * Whether the head slot holds a message, reading nothing but that slot (true where that
     * cannot be told cheaply: the caller then does the full check). Consumer only.
     */
    abstract boolean headFilled();

    /** Takes the message that {@link #peek()} returned. Consumer only. */
    public abstract void skip();

    /** True if, in producer word {@code w}, every claimed index below is received and no permit is outstanding. */
    abstract boolean drained(long w, long consumerIndex);

    /** True if, in producer word {@code w}, a producer has claimed the index {@code consumerIndex}. */
    abstract boolean available(long w, long consumerIndex);

    /** Outstanding permits in {@code w} (0 for the unbounded ring). */
    abstract int reserved(long w);

    /** Messages sent and not yet received. */
    public abstract long length();

    /** Called once, after RX_CLOSED is set: fail queued senders. */
    abstract void onReceiverClosed();

    /**
     * Called once, after SENDERS_GONE is set. A send can still be in flight then only if it races
     * the close of its own handle (a misuse): such sends fail and hand their value back rather
     * than deliver a message after end of stream was reported.
     */
    abstract void onSendersGone();

    // ------------------------------------------------------------------ accessors

    final long lvState() {
        return state;
    }

    final boolean casState(long expect, long update) {
        return STATE.compareAndSet(this, expect, update);
    }

    /** plain: the consumer reads its own index. */
    final long lpConsumerIndex() {
        return (long) CONSUMER_INDEX.get(this);
    }

    final long lvConsumerIndex() {
        return (long) CONSUMER_INDEX.getVolatile(this);
    }

    // ------------------------------------------------------------------ status

    /** The receiver is closed and drained: nothing will ever be received. Consumer only. */
    public final boolean terminated() {
        final long w = lvState();
        return (w & CLOSED_MASK) != 0 && drained(w, lpConsumerIndex());
    }

    /** Whether the receiver half-closed (what senders see as closed). */
    public final boolean isReceiverClosed() {
        return (lvState() & RX_CLOSED) != 0;
    }

    /** Receiver-side closed: half-closed, or no strong sender and no outstanding permit left. */
    public final boolean isClosedForReceiver() {
        final long w = lvState();
        return (w & RX_CLOSED) != 0 || ((w & SENDERS_GONE) != 0 && reserved(w) == 0);
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Blocking receive. Returns the message, null at end of stream, or {@link #TIMED_OUT}.
     * Consumer only.
     *
     * @param timed whether {@code timeoutNanos} applies
     * @param timeoutNanos how long to wait, at most {@code Long.MAX_VALUE / 2}; the deadline is
     *     computed only if the receive has to wait
     */
    public final Object recv(boolean timed, long timeoutNanos) throws InterruptedException {
        final E e = poll();
        return e != null ? e : recvSlow(true, timed, timeoutNanos);
    }

    /**
     * Waits until a message can be received, without taking it: returns it (as {@link #peek()}
     * would), or null at end of stream. Consumer only.
     */
    public final E awaitMessage() throws InterruptedException {
        final E e = peek();
        if (e != null) {
            return e;
        }
        @SuppressWarnings("unchecked")
        final E waited = (E) recvSlow(false, false, 0L);
        return waited;
    }

    /** next message: taken ({@link #poll()}) or only looked at ({@link #peek()}). */
    private E next(boolean take) {
        return take ? poll() : peek();
    }

    /** The waiting part of a receive; the caller has just found no message. */
    private Object recvSlow(boolean take, boolean timed, long timeoutNanos) throws InterruptedException {
        E e;
        if (terminated()) {
            return null;
        }
        if (timed && timeoutNanos <= 0L) {
            return TIMED_OUT;
        }
        final long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        final SpinPolicy spin = rxSpin;
        final int spins = spin.budget();
        for (int i = 0; i < spins; i++) {
            SpinPolicy.spin(i);
            // Watch the head slot (a line the producer writes anyway); only every 16th spin also
            // reads the producers' word, whose line their CAS needs exclusively.
            if (!headFilled() && (i & 15) != 15) {
                continue;
            }
            if ((e = next(take)) != null) {
                spin.succeeded();
                return e;
            }
            if (terminated()) {
                return null;
            }
            if (timed && deadline - System.nanoTime() <= 0L) {
                return TIMED_OUT;
            }
        }
        if (spins > 0) {
            spin.failed();
        }
        ParkingWaiter w = rxParker;
        if (w == null) {
            rxParker = w = new ParkingWaiter();
        }
        for (;;) {
            w.rearm();
            registerRxWaiter(w);
            // Second look of the Dekker handshake: anything claimed before our registration.
            if ((e = next(take)) != null || terminated()) {
                w.tryCancel();
                return e;
            }
            final int r = w.await(timed, deadline);
            if (r != ParkingWaiter.COMPLETED) {
                if (w.tryCancel()) {
                    clearRxWaiter(w);
                } else {
                    w.awaitClaimed();
                }
                if (r == ParkingWaiter.INTERRUPTED) {
                    Thread.interrupted(); // awaitClaimed may have re-asserted it; we report it by throwing
                    throw new InterruptedException();
                }
                return TIMED_OUT;
            }
            if ((e = next(take)) != null) {
                return e;
            }
            if (terminated()) {
                return null;
            }
        }
    }

    /** Asynchronous receive: completes with the message, or null at end of stream. Consumer only. */
    public final CompletableFuture<E> recvAsync(Executor executor) {
        final E e = poll();
        if (e != null) {
            return CompletableFuture.completedFuture(e);
        }
        if (terminated()) {
            return CompletableFuture.completedFuture(null);
        }
        final RecvWaiter w = new RecvWaiter(executor);
        w.arm();
        return w.future();
    }

    /** The pending-future face of a receive: claimed by a waker, it receives on the user's behalf. */
    private final class RecvWaiter extends FutureWaiter<E> {
        RecvWaiter(Executor executor) {
            super(executor);
        }

        /** Registers this waiter; if something is already there, claims itself and delivers. */
        void arm() {
            registerRxWaiter(this);
            if (receiveReady() && tryClaim()) {
                complete();
            }
        }

        @Override
        protected void onComplete() {
            // We hold the claim, hence the consumer role, until the future completes or we re-arm.
            final E e = poll();
            if (e != null) {
                succeed(e);
            } else if (terminated()) {
                succeed(null);
            } else {
                // Nothing for us after all (a stale claim): wait again. Publish ourselves while
                // still DONE (neither claimable nor cancellable), and only then become WAITING: a
                // cancel can then only come after the publication, and its clearRxWaiter() cannot
                // be undone by a late store of ours over a newer waiter of the receiver's.
                rxWaiter = this;
                reset();
                STATE.getAndBitwiseOr(MpscCore.this, RX_WAITING); // sequentially consistent: as in registerRxWaiter()
                if (receiveReady() && tryClaim()) {
                    complete();
                }
            }
        }

        @Override
        protected void withdraw() {
            clearRxWaiter(this);
        }
    }

    /**
     * Whether a receive would not wait: a producer has claimed the next index (its message may be
     * a few instructions from written), or the channel is closed and drained. Consumer only.
     */
    final boolean receiveReady() {
        final long w = lvState();
        final long c = lpConsumerIndex(); // plain: the consumer reads its own index
        return available(w, c) || ((w & CLOSED_MASK) != 0 && drained(w, c));
    }

    final void registerRxWaiter(Waiter w) {
        rxWaiter = w; // volatile store: the waker reads it after seeing RX_WAITING
        STATE.getAndBitwiseOr(this, RX_WAITING); // sequentially consistent: first half of the handshake
    }

    final void clearRxWaiter(Waiter w) {
        // Drops the reference so that a withdrawn waiter is not retained; RX_WAITING may stay set
        // (the next producer clears it and finds no waiter).
        RX_WAITER.compareAndSet(this, w, null);
    }

    /** Wakes the receiver's waiter; called by whoever cleared RX_WAITING, after its change is visible. */
    final void wakeReceiver() {
        final Waiter w = rxWaiter;
        if (w != null && w.tryClaim()) {
            w.complete();
        }
    }

    /**
     * Sets {@code flag} in the producer word, clearing RX_WAITING; wakes the receiver if it was
     * waiting. Returns false if the flag was already set.
     */
    final boolean setFlagAndWake(long flag) {
        for (;;) {
            final long w = lvState();
            if ((w & flag) != 0) {
                return false;
            }
            if (casState(w, (w | flag) & ~RX_WAITING)) {
                if ((w & RX_WAITING) != 0) {
                    wakeReceiver();
                }
                return true;
            }
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * The receiver's half-close: idempotent. The closed future completes before queued senders
     * fail and before the waiting receive is woken, so that their continuations, which may look
     * at {@code closed()}, find it complete.
     */
    public final void closeReceiver() {
        for (;;) {
            final long w = lvState();
            if ((w & RX_CLOSED) != 0) {
                return;
            }
            if (casState(w, (w | RX_CLOSED) & ~RX_WAITING)) {
                final CompletableFuture<Void> f = closedFuture;
                if (f != null) {
                    f.complete(null);
                }
                onReceiverClosed();
                if ((w & RX_WAITING) != 0) {
                    wakeReceiver();
                }
                return;
            }
        }
    }

    /** A future completed when the receiver closes (shared: hand out copies only). */
    public final CompletableFuture<Void> closedFuture() {
        CompletableFuture<Void> f = closedFuture;
        if (f == null) {
            final CompletableFuture<Void> created = new CompletableFuture<>();
            if (CLOSED_FUTURE.compareAndSet(this, null, created)) {
                f = created;
                // Dekker with closeReceiver(): it sets RX_CLOSED, then reads closedFuture.
                if ((lvState() & RX_CLOSED) != 0) {
                    f.complete(null);
                }
            } else {
                f = closedFuture;
            }
        }
        return f;
    }

    // ------------------------------------------------------------------ sender counting

    /** Adds a strong sender if any is left (clone, upgrade); false once all have gone. */
    public final boolean tryAddSender() {
        for (;;) {
            final int n = senderCount;
            if (n == 0) {
                return false;
            }
            if (n == Integer.MAX_VALUE) {
                throw new IllegalStateException("too many sender handles: " + n);
            }
            if (SENDER_COUNT.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
    }

    /** Removes a strong sender; the last one marks the channel SENDERS_GONE and wakes the receiver. */
    public final void dropSender() {
        if ((int) SENDER_COUNT.getAndAdd(this, -1) == 1 && setFlagAndWake(SENDERS_GONE)) {
            onSendersGone();
        }
    }

    public final int senderCount() {
        return senderCount;
    }

    public final void addWeak() {
        WEAK_COUNT.getAndAdd(this, 1);
    }

    public final void dropWeak() {
        WEAK_COUNT.getAndAdd(this, -1);
    }

    public final int weakCount() {
        return weakCount;
    }

    private static final VarHandle RX_WAITER;
    private static final VarHandle SENDER_COUNT;
    private static final VarHandle WEAK_COUNT;
    private static final VarHandle CLOSED_FUTURE;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            RX_WAITER = l.findVarHandle(MpscCore.class, "rxWaiter", Waiter.class);
            SENDER_COUNT = l.findVarHandle(MpscCore.class, "senderCount", int.class);
            WEAK_COUNT = l.findVarHandle(MpscCore.class, "weakCount", int.class);
            CLOSED_FUTURE = l.findVarHandle(MpscCore.class, "closedFuture", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
