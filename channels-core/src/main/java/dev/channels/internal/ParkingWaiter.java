package dev.channels.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The parked-thread face of {@link Waiter}: the owning thread spins briefly, then parks until a
 * channel claims and completes the waiter, its deadline passes, or it is interrupted.
 */
public class ParkingWaiter extends Waiter {
    /** Result of {@link #await}: the waiter is done (claimed and completed). */
    public static final int COMPLETED = 0;
    /** Result of {@link #await}: the deadline passed first; the waiter is still WAITING or CLAIMED. */
    public static final int TIMED_OUT = 1;
    /** Result of {@link #await}: the thread was interrupted (status cleared); still WAITING or CLAIMED. */
    public static final int INTERRUPTED = 2;

    /** volatile: written by the owner before it publishes the waiter, read by the waker. */
    private volatile Thread thread;

    /**
     * Whether the owning thread is using this (per-thread, reusable) waiter; plain: only the
     * owning thread reads and writes it.
     */
    boolean inUse;

    public ParkingWaiter() {
    }

    /** Binds the waiter to the calling thread; the owner calls this before publishing it. */
    public final ParkingWaiter bind() {
        thread = Thread.currentThread();
        return this;
    }

    /** Makes this waiter wait again (see {@link Waiter#reset()}). */
    public final ParkingWaiter rearm() {
        reset();
        return bind();
    }

    @Override
    protected void onComplete() {
        LockSupport.unpark(thread);
    }

    /**
     * Parks until the waiter is done, its deadline passes, or the thread is interrupted. (The
     * callers spin before they publish the waiter, so there is no spin here.)
     *
     * @param timed whether {@code deadline} applies
     * @param deadline a {@link System#nanoTime()} deadline, used only if {@code timed}
     * @return {@link #COMPLETED}, {@link #TIMED_OUT} or {@link #INTERRUPTED}
     */
    public final int await(boolean timed, long deadline) {
        while (!isDone()) {
            if (Thread.interrupted()) {
                return INTERRUPTED;
            }
            if (timed) {
                final long remaining = deadline - System.nanoTime();
                if (remaining <= 0L) {
                    return TIMED_OUT;
                }
                LockSupport.parkNanos(this, remaining);
            } else {
                LockSupport.park(this);
            }
        }
        return COMPLETED;
    }

    /**
     * Waits, without regard to interrupts, for a claimed waiter to be completed. The claimant
     * completes promptly (it never blocks between claim and completion), so this is short.
     * An interrupt seen meanwhile is kept pending for the caller.
     */
    public final void awaitClaimed() {
        boolean interrupted = false;
        while (!isDone()) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
