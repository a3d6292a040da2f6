package dev.channels;

import java.time.Duration;
import java.util.Objects;

/**
 * Turns a {@link Duration} into nanoseconds for the cores, which compute a deadline only if they
 * have to wait (a timed operation that completes at once does not read the clock).
 */
final class Timeouts {
    /** The longest wait: about 146 years, so that {@code nanoTime() + nanos} cannot overflow. */
    static final long MAX_NANOS = Long.MAX_VALUE / 2;

    private Timeouts() {
    }

    /** The timeout in nanoseconds, 0 if negative, at most {@link #MAX_NANOS}. */
    static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0L;
        }
        try {
            return Math.min(timeout.toNanos(), MAX_NANOS);
        } catch (ArithmeticException tooLong) {
            return MAX_NANOS;
        }
    }
}
