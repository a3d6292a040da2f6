package dev.channels.stress.soak;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Small helpers shared by the scenarios. */
final class Util {
    private static final long[] TIMEOUT_NANOS = {0L, 1_000L, 10_000L, 50_000L, 200_000L, 1_000_000L};

    private Util() {
    }

    /** A short timeout for a timed operation, often shorter than the wait it interrupts. */
    static Duration shortTimeout(SplittableRandom rnd) {
        return Duration.ofNanos(TIMEOUT_NANOS[rnd.nextInt(TIMEOUT_NANOS.length)]);
    }

    /** Varies a worker's pace: mostly nothing, sometimes a yield, now and then a short park. */
    static void pace(SplittableRandom rnd, int parkOneIn) {
        final int k = rnd.nextInt(parkOneIn);
        if (k == 0) {
            park(1_000L + rnd.nextInt(50_000));
        } else if (k < 4) {
            Thread.yield();
        }
    }

    /**
     * Parks a while, also when the thread's interrupt status is set: parkNanos would then return at
     * once, and a loop around it would spin (on a virtual thread, holding its carrier;
     * {@code Thread.yield()} does not reliably let the others run, and setting the status again
     * after the park leaves a park permit behind, so the next park returns at once too). So an
     * interrupt that lands in the soak's own pacing or polling is dropped: it was aimed at a
     * channel operation and missed.
     */
    static void park(long nanos) {
        Thread.interrupted();
        LockSupport.parkNanos(nanos);
    }

    /** One step of a polling loop: a few spins, then yields, then short parks. */
    static void backOff(int step) {
        if (step < 16) {
            Thread.onSpinWait();
        } else if (step < 64) {
            Thread.yield();
        } else {
            park(20_000L);
        }
    }

    /** Spins a few hundred nanoseconds at most: to land a cancel or a close inside a race window. */
    static void spin(SplittableRandom rnd) {
        for (int i = rnd.nextInt(64); i > 0; i--) {
            Thread.onSpinWait();
        }
    }

    /** Waits, ignoring interrupts (it is not a channel operation), until {@code done} holds. */
    static void awaitUninterruptibly(BooleanSupplier done) {
        for (int i = 0; !done.getAsBoolean(); i++) {
            backOff(i);
        }
    }

    /** What the soak completes a pending future with from outside. */
    static final class Withdrawn extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Withdrawn() {
            super("completed from outside by the soak", null, false, false);
        }
    }

    /**
     * Withdraws a pending operation in one of the ways a user can: {@code cancel} (either flag), or
     * completing its future from outside, which the javadoc counts as cancelling. Returns what
     * that call returned: true means the operation was withdrawn and took no effect.
     */
    static <T> boolean withdraw(CompletableFuture<T> f, SplittableRandom rnd) {
        switch (rnd.nextInt(6)) {
            case 0:
            case 1:
                return f.cancel(false);
            case 2:
            case 3:
                return f.cancel(true);
            case 4:
                return f.complete(null);
            default:
                return f.completeExceptionally(new Withdrawn());
        }
    }

    /** The outcome of a future, waited for without regard to interrupts. */
    static final class Outcome<T> {
        final T value;
        final Throwable failure;
        final boolean cancelled;

        private Outcome(T value, Throwable failure, boolean cancelled) {
            this.value = value;
            this.failure = failure;
            this.cancelled = cancelled;
        }

        boolean ok() {
            return failure == null && !cancelled;
        }
    }

    /** Joins {@code f} (join ignores interrupts) and tells value, failure (unwrapped) or cancellation apart. */
    static <T> Outcome<T> join(CompletableFuture<T> f) {
        try {
            return new Outcome<>(f.join(), null, false);
        } catch (CancellationException e) {
            return new Outcome<>(null, null, true);
        } catch (CompletionException e) {
            return new Outcome<>(null, e.getCause() != null ? e.getCause() : e, false);
        }
    }
}
