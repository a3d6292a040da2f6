package dev.channels.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.Objects;

/**
 * The pending-future face of {@link Waiter}: an asynchronous operation that had to wait.
 *
 * <p>The waiter owns a {@link PendingFuture}, the stage handed to the user. Cancelling that future
 * (or completing it from outside, as {@code orTimeout} does) first tries to {@linkplain #tryCancel()
 * cancel} the waiter: if that succeeds the operation is withdrawn from the channel by
 * {@link #withdraw()} and had no effect, and only then does the future complete; if a channel
 * claimed the waiter first, the cancel returns false and the operation completes normally.
 *
 * <p>Completions run on the thread that completes the waiter (the sender, receiver or closer that
 * made the operation possible), or on the {@link Executor} given at creation; if that executor
 * rejects the task, on the completing thread after all.
 *
 * @param <T> the result type of the future
 */
public abstract class FutureWaiter<T> extends Waiter {
    private final PendingFuture<T> future = new PendingFuture<>(this);
    private final Executor executor;

    protected FutureWaiter(Executor executor) {
        this.executor = executor;
    }

    public final CompletableFuture<T> future() {
        return future;
    }

    /**
     * The user's cancellation (or external completion) of the future: true if the operation is
     * withdrawn before it took effect (then {@link #withdraw()} follows). By default one
     * {@link #tryCancel()}, which fails once a channel has claimed the waiter.
     */
    protected boolean cancelOperation() {
        return tryCancel();
    }

    /**
     * Takes the operation back out of its channel after a successful {@link #tryCancel()}:
     * deregisters the waiter and returns anything it held (capacity, a slot promised to it).
     */
    protected abstract void withdraw();

    /** Completes the user's future with a value on this thread: for a result available at once. */
    protected final void succeedHere(T value) {
        future.succeed(value);
    }

    /** Completes the user's future exceptionally on this thread: for a result available at once. */
    protected final void failHere(Throwable failure) {
        future.fail(failure);
    }

    /**
     * Completes the user's future as cancelled on this thread: for an operation that gave its wait
     * up on a cancel request that could not wait for it (see the select's cancel protocol).
     */
    protected final void cancelHere() {
        future.cancelled();
    }

    /**
     * Completes the user's future with a value, on the executor if one was given. If the executor
     * rejects the task, the future is completed here instead: the operation has taken effect (a
     * value may have been taken from the channel), so its result must not be dropped.
     */
    protected final void succeed(T value) {
        if (executor == null) {
            future.succeed(value);
        } else {
            try {
                executor.execute(() -> future.succeed(value));
            } catch (RuntimeException rejected) {
                future.succeed(value);
            }
        }
    }

    /** Completes the user's future exceptionally, on the executor if one was given (see {@link #succeed}). */
    protected final void fail(Throwable failure) {
        if (executor == null) {
            future.fail(failure);
        } else {
            try {
                executor.execute(() -> future.fail(failure));
            } catch (RuntimeException rejected) {
                future.fail(failure);
            }
        }
    }

    /**
     * The future handed to users. External completion counts as cancellation of the operation.
     */
    static final class PendingFuture<T> extends CompletableFuture<T> {
        private final FutureWaiter<T> waiter;

        PendingFuture(FutureWaiter<T> waiter) {
            this.waiter = waiter;
        }

        void succeed(T value) {
            super.complete(value);
        }

        void fail(Throwable failure) {
            super.completeExceptionally(failure);
        }

        void cancelled() {
            super.cancel(false);
        }

        private boolean withdraw() {
            if (waiter.cancelOperation()) {
                waiter.withdraw();
                return true;
            }
            return false;
        }

        /**
         * Returns true only if the operation was withdrawn before it took effect: then nothing was
         * sent or received, and the future is cancelled.
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return withdraw() && super.cancel(mayInterruptIfRunning);
        }

        /** Completing from outside withdraws the operation first; see {@link #cancel(boolean)}. */
        @Override
        public boolean complete(T value) {
            return withdraw() && super.complete(value);
        }

        /** Completing from outside withdraws the operation first; see {@link #cancel(boolean)}. */
        @Override
        public boolean completeExceptionally(Throwable ex) {
            return withdraw() && super.completeExceptionally(ex);
        }

        /** Completing from outside withdraws the operation first; see {@link #cancel(boolean)}. */
        @Override
        public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
            Objects.requireNonNull(supplier, "supplier");
            Objects.requireNonNull(executor, "executor");
            return withdraw() ? super.completeAsync(supplier, executor) : this;
        }

        /** Completing from outside withdraws the operation first; see {@link #cancel(boolean)}. */
        @Override
        public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
            Objects.requireNonNull(supplier, "supplier");
            // not super.completeAsync(supplier): it calls the overridden two-argument form, which
            // would try to withdraw a second time
            return withdraw() ? super.completeAsync(supplier, defaultExecutor()) : this;
        }

        @Override
        public void obtrudeValue(T value) {
            throw new UnsupportedOperationException("a channel operation's future cannot be obtruded");
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException("a channel operation's future cannot be obtruded");
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }
}
