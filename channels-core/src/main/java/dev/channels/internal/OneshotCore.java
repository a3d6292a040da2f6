package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The state of a oneshot channel: one value, sent at most once, received at most once. The public
 * {@code Oneshot.Receiver} extends this class, so a channel is this one object plus a thin sender
 * handle.
 *
 * <h2>One reference holds everything</h2>
 * <pre>
 *   EMPTY ----send----&gt; value ----receive----&gt; TAKEN
 *     |  \                  (a close leaves the value receivable)
 *     |   +--register--&gt; waiter --send--&gt; value (and the waiter is woken)
 *     |                     |   --sender closes--&gt; DROPPED
 *     |                     |   --receiver closes--&gt; CLOSED
 *     +--sender closes--&gt; DROPPED          (receive: closed without a value)
 *     +--receiver closes--&gt; CLOSED --send fails--&gt; CLOSED_USED
 * </pre>
 * Every transition is one CAS on {@link #state}, whose value is either a private marker, a waiting
 * receive (instances of private classes only), or the sent value itself. A send is one CAS (EMPTY
 * or a waiter to the value), a receive on the fast path is one CAS (the value to TAKEN).
 *
 * <h2>Who owns the value</h2>
 * Exactly one side. A send whose CAS stores the value gives it to the receiver, even if the
 * receiver closes right after (a value sent before the close is delivered); a send that finds
 * CLOSED keeps it and hands it back. Two racing sends through the same sender (a misuse) cannot
 * both store: the loser sees a value and reports the sender as used.
 *
 * <h2>Waiting</h2>
 * A receive that must wait CASes its waiter into the state; whoever replaces the waiter (a send, a
 * close of either side) then claims and completes it. A waiter that withdraws CASes the state back
 * to EMPTY; if that fails the state has moved on and nothing was taken. No Dekker handshake is
 * needed: one word. The sender's wait for the receiver closing is a lazily created future.
 *
 * <h2>Linearization points</h2>
 * Send, receive and close: their successful CAS, or the read that made them fail or find nothing.
 *
 * @param <T> the value type
 */
public abstract class OneshotCore<T> {
    /** Result of {@link #trySend}: the value was sent. */
    protected static final int SEND_OK = 0;
    /** Result of {@link #trySend}: the receiver had closed; the caller keeps the value. */
    protected static final int SEND_CLOSED = 1;
    /** Result of {@link #trySend}: the sender was already used (sent, failed or closed). */
    protected static final int SEND_USED = 2;

    /** Nothing yet: null, so that a new channel needs no store at all (values are never null). */
    private static final Object EMPTY = null;
    /** The sender closed without sending. */
    private static final Object DROPPED = new Marker("DROPPED");
    /** The receiver closed before a value came; the sender has not tried yet. */
    private static final Object CLOSED = new Marker("CLOSED");
    /** The receiver closed before a value came, and the sender has failed or closed since. */
    private static final Object CLOSED_USED = new Marker("CLOSED_USED");
    /** The value was received. */
    private static final Object TAKEN = new Marker("TAKEN");

    /** Returned by {@link #poll()} while nothing was sent. Never reaches a user. */
    protected static final Object NOTHING = new Marker("NOTHING");
    /** Returned by {@link #poll()} when the channel is closed without a value. Never reaches a user. */
    protected static final Object CLOSED_NO_VALUE = new Marker("CLOSED_NO_VALUE");
    /** Returned by {@link #poll()} after the value was taken. Never reaches a user. */
    protected static final Object ALREADY_TAKEN = new Marker("ALREADY_TAKEN");
    /** Returned by the timed receive when its deadline passed. Never reaches a user. */
    protected static final Object TIMED_OUT = new Marker("TIMED_OUT");

    /** EMPTY (null), a marker, a waiting receive, or the value; see the class comment. */
    private volatile Object state;
    /** Whether the receiver closed (for the sender's isClosed); volatile: read by the sender. */
    private volatile boolean receiverClosed;
    /** Completed when the receiver closes; created on first demand. */
    private volatile CompletableFuture<Void> closedFuture;

    protected OneshotCore() {
    }

    private static boolean isWaiter(Object s) {
        // Only these classes (private, or package-private and final) are ever stored as waiters,
        // so no user value is one.
        return s instanceof ParkedRecv || s instanceof OneshotCore<?>.AsyncRecv || s instanceof SelectEngine.CaseWaiter;
    }

    private static void wake(Object s) {
        final Waiter w = (Waiter) s;
        if (w.tryClaim()) {
            w.complete();
        }
    }

    // ------------------------------------------------------------------ sender side

    /**
     * Sends {@code v} (not null). Returns {@link #SEND_OK}, {@link #SEND_CLOSED} (the receiver
     * closed first: the caller keeps {@code v}) or {@link #SEND_USED}.
     */
    protected final int trySend(T v) {
        for (;;) {
            final Object s = state;
            if (s == EMPTY || isWaiter(s)) {
                if (STATE.compareAndSet(this, s, v)) {
                    if (s != EMPTY) {
                        wake(s);
                    }
                    return SEND_OK;
                }
            } else if (s == CLOSED) {
                if (STATE.compareAndSet(this, CLOSED, CLOSED_USED)) {
                    return SEND_CLOSED;
                }
            } else {
                return SEND_USED; // a value, TAKEN, DROPPED or CLOSED_USED
            }
        }
    }

    /** Closes the sender without a value (Tokio's drop of an unused sender). Idempotent. */
    protected final void dropSender() {
        for (;;) {
            final Object s = state;
            final Object next;
            if (s == EMPTY || isWaiter(s)) {
                next = DROPPED;
            } else if (s == CLOSED) {
                next = CLOSED_USED;
            } else {
                return;
            }
            if (STATE.compareAndSet(this, s, next)) {
                if (s != EMPTY && s != CLOSED) {
                    wake(s);
                }
                return;
            }
        }
    }

    /** Whether the receiver closed: a send fails from now on. */
    protected final boolean isReceiverClosed() {
        if (receiverClosed) {
            return true;
        }
        final Object s = state; // a close whose flag is not stored yet has done its CAS already
        return s == CLOSED || s == CLOSED_USED;
    }

    /** Whether the sender has sent, failed, or closed. */
    protected final boolean isSenderDone() {
        final Object s = state;
        return s != EMPTY && s != CLOSED && !isWaiter(s);
    }

    /** A future completed when the receiver closes (shared: hand out copies only). */
    protected final CompletableFuture<Void> closedFuture() {
        CompletableFuture<Void> f = closedFuture;
        if (f == null) {
            final CompletableFuture<Void> created = new CompletableFuture<>();
            if (CLOSED_FUTURE.compareAndSet(this, null, created)) {
                f = created;
                // Dekker with closeReceiver(): it sets receiverClosed, then reads closedFuture.
                if (receiverClosed) {
                    f.complete(null);
                }
            } else {
                f = closedFuture;
            }
        }
        return f;
    }

    // ------------------------------------------------------------------ receiver side

    /**
     * Takes the value if it is there: returns it, or {@link #NOTHING}, {@link #CLOSED_NO_VALUE} or
     * {@link #ALREADY_TAKEN}. One CAS when it takes the value. Throws IllegalStateException if
     * another receive of this receiver is waiting (receives must not run concurrently).
     */
    protected final Object poll() {
        for (;;) {
            final Object s = state;
            if (s == EMPTY) {
                return NOTHING;
            }
            if (s == TAKEN) {
                return ALREADY_TAKEN;
            }
            if (s == DROPPED || s == CLOSED || s == CLOSED_USED) {
                return CLOSED_NO_VALUE;
            }
            if (isWaiter(s)) {
                throw concurrentReceive();
            }
            if (STATE.compareAndSet(this, s, TAKEN)) {
                return s;
            }
        }
    }

    private static IllegalStateException concurrentReceive() {
        return new IllegalStateException("another receive is already waiting on this oneshot receiver");
    }

    /** Whether a value is stored and not yet taken. */
    protected final boolean hasValue() {
        final Object s = state;
        return s != EMPTY && !(s instanceof Marker) && !isWaiter(s);
    }

    /** Whether the value was taken. */
    protected final boolean isTaken() {
        return state == TAKEN;
    }

    /**
     * Blocking receive: the value, {@link #CLOSED_NO_VALUE}, {@link #ALREADY_TAKEN} or
     * {@link #TIMED_OUT}.
     */
    protected final Object recv(boolean timed, long timeoutNanos) throws InterruptedException {
        final Object r = poll();
        if (r != NOTHING) {
            return r;
        }
        if (timed && timeoutNanos <= 0L) {
            return TIMED_OUT;
        }
        final long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        final int spins = RX_SPIN.budget();
        for (int i = 0; i < spins; i++) {
            SpinPolicy.spin(i);
            if (state != EMPTY) {
                RX_SPIN.succeeded();
                return poll();
            }
        }
        if (spins > 0) {
            RX_SPIN.failed();
        }
        final ParkedRecv w = new ParkedRecv();
        w.bind();
        if (!STATE.compareAndSet(this, EMPTY, w)) {
            return poll(); // something arrived meanwhile (or a concurrent receive: poll throws)
        }
        final int outcome = w.await(timed, deadline);
        if (outcome != ParkingWaiter.COMPLETED) {
            if (w.tryCancel()) {
                // Withdraw; if the CAS fails the state moved on (a value or a close) and stays so.
                STATE.compareAndSet(this, w, EMPTY);
                if (outcome == ParkingWaiter.INTERRUPTED) {
                    throw new InterruptedException();
                }
                return TIMED_OUT;
            }
            w.awaitClaimed(); // a result arrived as we gave up: take it, keep the interrupt
            if (outcome == ParkingWaiter.INTERRUPTED) {
                Thread.currentThread().interrupt();
            }
        }
        return poll();
    }

    /**
     * Asynchronous receive: completes with the value, or exceptionally with {@code closed.get()}
     * when the channel is closed without a value. Throws IllegalStateException if the value was
     * already taken or another receive is waiting.
     */
    protected final CompletableFuture<T> recvAsync(Executor executor, ClosedFailure closed) {
        for (;;) {
            final Object r = poll();
            if (r == ALREADY_TAKEN) {
                throw alreadyTaken();
            }
            if (r == CLOSED_NO_VALUE) {
                return CompletableFuture.failedFuture(closed.get());
            }
            if (r != NOTHING) {
                @SuppressWarnings("unchecked")
                final T v = (T) r;
                return CompletableFuture.completedFuture(v);
            }
            final AsyncRecv w = new AsyncRecv(executor, closed);
            if (STATE.compareAndSet(this, EMPTY, w)) {
                return w.future();
            }
        }
    }

    /** Makes the exception with which a receive reports a closed channel. */
    @FunctionalInterface
    protected interface ClosedFailure {
        RuntimeException get();
    }

    protected static IllegalStateException alreadyTaken() {
        return new IllegalStateException("the oneshot value was already received");
    }

    /**
     * The receiver's half-close: later sends fail; a value sent before stays receivable.
     * Idempotent. The order matters: the state CAS first (so that once {@link #isReceiverClosed()}
     * is true a send fails), then the flag and the closed future, and only then the waiting
     * receive's wake-up, whose continuations may look at the sender's closed state.
     */
    protected final void closeReceiver() {
        Object woken = null;
        for (;;) {
            final Object s = state;
            if (s != EMPTY && !isWaiter(s)) {
                break; // a value (still receivable), TAKEN, DROPPED or already CLOSED
            }
            if (STATE.compareAndSet(this, s, CLOSED)) {
                if (s != EMPTY) {
                    woken = s;
                }
                break;
            }
        }
        receiverClosed = true; // volatile store: then read closedFuture (Dekker with closedFuture())
        final CompletableFuture<Void> f = closedFuture;
        if (f != null) {
            f.complete(null);
        }
        if (woken != null) {
            wake(woken);
        }
    }

    /**
     * Installs a select case's waiter: true if installed; false if the state holds a value, a
     * closure, or another receive's waiter (the select then polls, and its poll reports the
     * concurrent receive).
     */
    final boolean registerSelect(Waiter w) {
        return STATE.compareAndSet(this, EMPTY, w);
    }

    /** Withdraws a select case's waiter; if the CAS fails the state moved on and stays receivable. */
    final void withdrawSelect(Waiter w) {
        STATE.compareAndSet(this, w, EMPTY);
    }

    /** Whether the state moved on from the select case's waiter {@code w} (a value or a closure). */
    final boolean selectReady(Waiter w) {
        return state != w;
    }

    /** A receive's parked thread. Private, so that no user value is one. */
    private static final class ParkedRecv extends ParkingWaiter {
    }

    /** A receive's pending future. Private, so that no user value is one. */
    private final class AsyncRecv extends FutureWaiter<T> {
        private final ClosedFailure closed;

        AsyncRecv(Executor executor, ClosedFailure closed) {
            super(executor);
            this.closed = closed;
        }

        @Override
        protected void onComplete() {
            // The state moved from this waiter to a value or a closure, both final for a waiter.
            final Object r = poll();
            if (r == CLOSED_NO_VALUE) {
                fail(closed.get());
            } else if (r == ALREADY_TAKEN || r == NOTHING) {
                fail(new IllegalStateException("oneshot receive woken without a result: " + r));
            } else {
                @SuppressWarnings("unchecked")
                final T v = (T) r;
                succeed(v);
            }
        }

        @Override
        protected void withdraw() {
            // If the CAS fails the state moved on (a value or a close) and stays receivable.
            STATE.compareAndSet(OneshotCore.this, this, EMPTY);
        }
    }

    private static final class Marker {
        private final String name;

        Marker(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The spin budget shared by oneshot receives: each receive waits once, so a per-channel budget could not adapt. */
    private static final SpinPolicy RX_SPIN = new SpinPolicy();

    private static final VarHandle STATE;
    private static final VarHandle CLOSED_FUTURE;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(OneshotCore.class, "state", Object.class);
            CLOSED_FUTURE = l.findVarHandle(OneshotCore.class, "closedFuture", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
