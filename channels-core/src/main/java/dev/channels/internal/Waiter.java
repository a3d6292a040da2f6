package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One pending operation that a channel may wake: the single abstraction of the waiting layer.
 *
 * <h2>State machine</h2>
 * <pre>
 *   WAITING --tryClaim()--&gt; CLAIMED --complete()--&gt; DONE
 *      |
 *      +-----tryCancel()--&gt; CANCELLED
 * </pre>
 * Exactly one of {@code tryClaim} and {@code tryCancel} succeeds on a given wait. The channel
 * that claims a waiter owns it: it performs whatever the claim stands for (a capacity grant, a
 * value enqueued on the waiter's behalf, or simply "something changed, retry") and then calls
 * {@link #complete()}, which publishes the outcome and wakes the face. The owner of the wait
 * (the parked thread, the future's canceller, the select) cancels with {@code tryCancel}; if that
 * fails, the claim won and the owner waits for {@code DONE}.
 *
 * <h2>Faces</h2>
 * <ul>
 *   <li>{@link ParkingWaiter}: a thread parked with {@link java.util.concurrent.locks.LockSupport};</li>
 *   <li>{@link FutureWaiter}: a pending {@code CompletableFuture}; completing it runs its continuation;</li>
 *   <li>{@link SelectEngine.CaseWaiter}, a select's waiter in one channel: its {@link #tryClaim()}
 *       claims the select's shared selector, so that a select registered in several channels is
 *       won by exactly one of them; the losers' claims fail as if the case were cancelled.</li>
 * </ul>
 * A waiter is reused by its owner after it is DONE or CANCELLED only through {@link #reset()},
 * and only where a stale claim by a slow waker is harmless (it then looks like a spurious wake-up).
 */
public abstract class Waiter {
    static final int WAITING = 0;
    static final int CLAIMED = 1;
    static final int DONE = 2;
    static final int CANCELLED = 3;

    private volatile int state;

    // Queue-node fields: a waiter that waits for capacity sits in its channel's FIFO queue. All of
    // them are read and written only under that queue's lock, except `outcome` and `item`, which
    // the claimant writes before complete() and the face reads after seeing DONE.
    Waiter prev;
    Waiter next;
    boolean queued;
    /** Capacity units wanted, and how many the queue has assigned so far (partial hand-off). */
    int needed;
    int assigned;
    /** The value to enqueue on the waiter's behalf once its capacity is granted, or null. */
    Object item;
    /** What the claimant did: one of the queue's outcome codes. */
    int outcome;
    /**
     * The waiter's latest node in a {@link WaitList}; volatile: written by the registering thread,
     * read by sweeps, which unlink the older nodes.
     */
    volatile WaitList.Node registration;
    /**
     * Raised by a {@link WaitList} notifier just before it tries to claim this waiter. A waiter that
     * registers while it owns itself (an async list wait re-registering) reads it after making
     * itself claimable: a notifier that detached the new node while the claim could not succeed
     * has raised it by then, so the wake-up is not lost with the node.
     */
    volatile boolean wakeRequested;

    /** Claims this waiter for a wake-up; false if it was already claimed or cancelled. */
    public boolean tryClaim() {
        return STATE.compareAndSet(this, WAITING, CLAIMED);
    }

    /** Withdraws this waiter; false if a channel claimed it first (then wait for {@link #isDone()}). */
    public boolean tryCancel() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    /**
     * Publishes the outcome of a claim and wakes the face. Called once, by the claimant, after it
     * has written whatever outcome fields the face reads.
     */
    public final void complete() {
        // volatile store: publishes the outcome fields written by the claimant before it.
        state = DONE;
        onComplete();
    }

    /** Wakes the face after {@link #complete()}: unpark, complete a future, re-run a select. */
    protected abstract void onComplete();

    public final boolean isDone() {
        return state == DONE;
    }

    public final boolean isCancelled() {
        return state == CANCELLED;
    }

    /** Whether the waiter can be claimed or cancelled now. */
    final boolean isWaiting() {
        return state == WAITING;
    }

    /** Makes a finished waiter wait again; only its owner calls this. */
    protected final void reset() {
        state = WAITING;
    }

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
