package dev.channels;

import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers shared by the bad-input tests of every kind. */
final class BadInputSupport {
    /** The longest {@link Duration}: about 292 billion years, more than a long of nanoseconds holds. */
    static final Duration LONGEST = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    /** The most negative {@link Duration}. */
    static final Duration MOST_NEGATIVE = Duration.ofSeconds(Long.MIN_VALUE);

    private BadInputSupport() {
    }

    /** A {@link NullPointerException} whose message names {@code argument}. */
    static NullPointerException assertNpeNaming(String argument, Executable call) {
        final NullPointerException e = assertThrows(NullPointerException.class, call);
        assertNotNull(e.getMessage(), "the exception names the argument");
        assertTrue(e.getMessage().contains(argument), "message names " + argument + ": " + e.getMessage());
        return e;
    }

    /** An {@link IllegalStateException} whose message says {@code expectedInMessage}. */
    static IllegalStateException assertIllegalState(String expectedInMessage, Executable call) {
        return assertIllegalState(expectedInMessage, call, "");
    }

    static IllegalStateException assertIllegalState(String expectedInMessage, Executable call, String what) {
        final IllegalStateException e = assertThrows(IllegalStateException.class, call, what);
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(expectedInMessage),
                what + ": the message says '" + expectedInMessage + "': " + e.getMessage());
        return e;
    }

    /** An {@link IllegalArgumentException} whose message gives {@code limit}. */
    static IllegalArgumentException assertIllegalArgument(String limit, Executable call) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(limit), "the message gives " + limit + ": " + e.getMessage());
        return e;
    }
}
