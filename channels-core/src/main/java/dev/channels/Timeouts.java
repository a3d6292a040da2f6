package dev.channels;

import java.time.Duration;
import java.util.Objects;

/** Turns a {@link Duration} into a {@link System#nanoTime()} deadline, saturating. */
final class Timeouts {
    private Timeouts() {
    }

    static long deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        final long now = System.nanoTime();
        if (timeout.isNegative()) {
            return now;
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        // Saturate: a deadline past the end of the nanoTime range waits "forever" (292 years).
        return nanos > Long.MAX_VALUE / 2 ? now + Long.MAX_VALUE / 2 : now + nanos;
    }
}
