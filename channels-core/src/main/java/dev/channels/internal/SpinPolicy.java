package dev.channels.internal;

/**
 * The bounded, adaptive spin that precedes parking.
 *
 * <p>A park/unpark hand-off costs tens of microseconds on a small virtual machine, so a waiter
 * whose peer is running on another core does better to spin for a few microseconds first. On an
 * oversubscribed machine (more runnable threads than cores, or virtual threads) spinning only
 * delays the peer, so the budget adapts: it doubles after a spin that found what it waited for and
 * halves after one that did not, between {@link #MIN_SPINS} and {@link #MAX_SPINS}. With a single
 * processor there is no spin at all.
 *
 * <p>The budget is a plain field updated racily by every waiter of one channel side: a lost update
 * only changes how long the next spin is, never correctness.
 */
public final class SpinPolicy {
    static final int MIN_SPINS = 16;
    static final int MAX_SPINS = 4096;
    static final int INITIAL_SPINS = 256;
    /** Every this many spins the spinner yields its core, for the oversubscribed case. */
    static final int YIELD_EVERY = 64;

    private static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;

    /** plain: a heuristic shared racily by the waiters of one side; see the class comment. */
    private int budget = INITIAL_SPINS;

    /** How many spin iterations the next waiter may make; 0 on a single processor. */
    public int budget() {
        return MULTI_CORE ? budget : 0;
    }

    /** The spin ended because the awaited condition came true. */
    public void succeeded() {
        final int b = budget;
        if (b < MAX_SPINS) {
            budget = b << 1;
        }
    }

    /** The spin ran out and the waiter will park. */
    public void failed() {
        final int b = budget;
        if (b > MIN_SPINS) {
            budget = b >> 1;
        }
    }

    /** One spin iteration: a pause hint, and now and then a yield. */
    public static void spin(int i) {
        if ((i & (YIELD_EVERY - 1)) == YIELD_EVERY - 1) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }
}
