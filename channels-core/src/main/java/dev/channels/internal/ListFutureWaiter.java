package dev.channels.internal;

import java.util.concurrent.Executor;

/**
 * An asynchronous wait in a {@link WaitList}: an async receive of a broadcast receiver, an async
 * {@code changed} or {@code waitFor} of a watch receiver.
 *
 * <h2>Ownership</h2>
 * {@link #attempt(boolean)} (which may take a value or mark one seen) runs only while this waiter is
 * owned by the running thread: before it is published, after a notifier claimed it (in
 * {@link #onComplete()}), or after this thread withdrew it itself with {@link #tryCancel()}. In
 * those states neither a notifier nor the user's {@code cancel} can take it, so a cancel that
 * returns true always means that nothing was taken. To wait again, {@link #drive()} registers a
 * fresh node while still owning the waiter, and only then makes it {@code WAITING} and re-checks
 * {@link #ready()} (the waiter's half of the list's handshake); if the re-check finds it ready it
 * withdraws the waiter again and loops, rather than claiming itself, so no completed waiter's node
 * is left in the list.
 *
 * @param <R> the result type of the future
 */
abstract class ListFutureWaiter<R> extends FutureWaiter<R> {
    private final WaitList list;
    /** Whether this wait has been registered: later results go through the executor. */
    private boolean waited;

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
        if (waited) {
            succeed(value);
        } else {
            succeedHere(value); // a result at once: not through the executor
        }
    }

    final void finishExceptionally(Throwable failure) {
        if (waited) {
            fail(failure);
        } else {
            failHere(failure);
        }
    }

    /** Starts the wait on the calling thread; the waiter is not yet published. */
    final void start() {
        // A new waiter is WAITING; make it owned (not claimable) before drive() publishes it, so
        // that a notifier cannot claim it between the push and drive()'s reset.
        tryCancel();
        drive();
    }

    /** Attempts, and registers to wait if the attempt did not finish. Caller owns the waiter. */
    private void drive() {
        for (;;) {
            if (attempt()) {
                return;
            }
            waited = true;
            final WaitList.Node n = list.push(this);
            reset(); // from here a notifier may claim it and the user may cancel it
            if (!ready()) {
                return;
            }
            if (!tryCancel()) {
                return; // a notifier claimed it (it runs onComplete) or the user cancelled it
            }
            list.withdrawn(n);
        }
    }

    @Override
    protected final void onComplete() {
        drive(); // claimed by a notifier: we own the waiter
    }

    @Override
    protected final void withdraw() {
        list.withdrawn(registration);
    }
}
