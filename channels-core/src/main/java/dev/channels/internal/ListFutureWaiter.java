package dev.channels.internal;

import java.util.concurrent.Executor;

/**
 * An asynchronous wait in a {@link WaitList}: an async receive of a broadcast receiver, an async
 * {@code changed} or {@code waitFor} of a watch receiver.
 *
 * <h2>Ownership</h2>
 * {@link #attempt(boolean)} (which may take a value or mark one seen) runs only while this waiter is
 * owned by the running thread: before it is published, after a notifier claimed it (in
 * {@link #onComplete()}), or after this thread claimed it back itself with {@link #tryClaim()}. In
 * those states neither a notifier nor the user's {@code cancel} can take it, so a cancel that
 * returns true always means that nothing was taken. To wait again, {@link #drive()} registers a
 * fresh node while still owning the waiter (claimed or done, never cancelled: a sweep unlinks the
 * nodes of cancelled waiters), and only then makes it {@code WAITING} and re-checks
 * {@link #ready()} (the waiter's half of the list's handshake); if the re-check finds it ready it
 * claims itself back and loops. A finished waiter gives up its registration, so that a sweep can
 * unlink any node of it still in the list.
 *
 * @param <R> the result type of the future
 */
abstract class ListFutureWaiter<R> extends FutureWaiter<R> {
    private final WaitList list;
    /**
     * Whether this wait has been registered: later results go through the executor. Plain: only
     * the owner reads and writes it, and ownership passes through the waiter's state CAS.
     */
    private boolean waited;
    /** Set by a cancel in progress that found the waiter owned; see {@link #cancelOperation()}. */
    private volatile boolean cancelRequested;
    /** Set once an attempt finished the future (perhaps through the executor, later). */
    private volatile boolean finished;

    ListFutureWaiter(WaitList list, Executor executor) {
        super(executor);
        this.list = list;
    }

    /**
     * Finishes the future (through {@link #finish} or {@link #finishExceptionally}) if the wait
     * is over; returns false if it must wait on. Runs only while this waiter is owned.
     */
    abstract boolean attempt();

    /** Whether an attempt would finish; a cheap check without side effects. */
    abstract boolean ready();

    final void finish(R value) {
        finished = true; // volatile: a spinning cancel stops and reports failure
        if (waited) {
            succeed(value);
        } else {
            succeedHere(value); // a result at once: not through the executor
        }
    }

    final void finishExceptionally(Throwable failure) {
        finished = true;
        if (waited) {
            fail(failure);
        } else {
            failHere(failure);
        }
    }

    /** Starts the wait on the calling thread; the waiter is not yet published. */
    final void start() {
        // A new waiter is WAITING; own it (CLAIMED: neither claimable nor garbage to a sweep)
        // before drive() publishes it, so that no notifier can take it before drive()'s reset.
        tryClaim();
        drive();
    }

    /**
     * Attempts, and registers to wait if the attempt did not finish. The caller owns the waiter
     * (CLAIMED or DONE: a sweep keeps the node of such a waiter, unlike a CANCELLED one's).
     */
    private void drive() {
        for (;;) {
            wakeRequested = false; // volatile: the attempt below sees every change raised before
            if (attempt()) {
                list.deregister(this); // finished for good: any node of ours left is garbage
                return;
            }
            if (cancelRequested) {
                // A cancel is spinning on this waiter (see cancelOperation): nothing was taken,
                // so hand the waiter back WAITING, unregistered, and let that cancel withdraw it.
                reset();
                return;
            }
            waited = true;
            final WaitList.Node old = registration;
            list.push(this); // the new node becomes our registration; the old one is garbage
            if (old != null) {
                list.withdrawn(old);
            }
            reset(); // from here a notifier may claim it and the user may cancel it
            // A notifier may have detached the new node while we still owned the waiter (its
            // change came before our attempt, its read of the list after our push): its claim
            // failed and the node is gone, but it raised wakeRequested first. Re-check both.
            if (!wakeRequested && !ready()) {
                return;
            }
            if (!tryClaim()) {
                return; // a notifier claimed it (it runs onComplete) or the user cancelled it
            }
            // Ready already: we own it again and attempt on this thread.
        }
    }

    @Override
    protected final void onComplete() {
        drive(); // claimed by a notifier: we own the waiter
    }

    /**
     * Cancels even while a notifier's claim is being handled: a claim that ends in "wait again"
     * (a change this wait does not accept, or a spurious wake-up) took nothing, so the cancel must
     * succeed rather than report a failure for a future that then stays pending. The cancel
     * raises {@link #cancelRequested} and retries until it withdraws the waiter, or until an
     * attempt has finished the future (then it fails, as the operation took effect). The owner
     * checks the request after each failed attempt and, if set, makes the waiter WAITING without
     * registering it. The wait is short: one attempt of the owner.
     */
    @Override
    protected final boolean cancelOperation() {
        cancelRequested = true;
        for (int i = 0;; i++) {
            if (tryCancel()) {
                return true;
            }
            if (finished || isCancelled()) {
                return false;
            }
            SpinPolicy.spin(i);
        }
    }

    @Override
    protected final void withdraw() {
        list.withdrawn(registration);
    }
}
