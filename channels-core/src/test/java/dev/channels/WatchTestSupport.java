package dev.channels;

import dev.channels.internal.FanOutCore;
import dev.channels.internal.WaitList;
import dev.channels.internal.WatchCore;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Helpers shared by the watch tests. Besides the public API, a few look into the channel's state
 * (its version number and its wait list), to check what the API cannot show: that a write that
 * must not notify anybody really did not touch the waiters, and that cancelled waits do not pile
 * up. They use reflection on the internal classes (the tests run on the class path).
 */
final class WatchTestSupport {
    private static final Field SENDER_CORE = field(Watch.Sender.class, "core");
    private static final Field WAITERS = field(FanOutCore.class, "waiters");
    private static final Field HEAD = field(className("dev.channels.internal.WaitListHead"), "head");
    private static final Field NEXT = field(WaitList.Node.class, "next");
    private static final Field GARBAGE_LIMIT = field(WaitList.class, "GARBAGE_LIMIT");

    private WatchTestSupport() {
    }

    private static Class<?> className(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static Field field(Class<?> c, String name) {
        try {
            final Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the watch tests look at " + c.getName() + "." + name, e);
        }
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    static WatchCore<?> core(Watch.Receiver<?> rx) {
        return rx.channelCore();
    }

    static WatchCore<?> core(Watch.Sender<?> tx) {
        return (WatchCore<?>) get(SENDER_CORE, tx);
    }

    /** The channel's current version number (one more per notifying write). */
    static long version(Watch.Receiver<?> rx) {
        return core(rx).current().version;
    }

    static long version(Watch.Sender<?> tx) {
        return core(tx).current().version;
    }

    private static WaitList waitList(WatchCore<?> core) {
        return (WaitList) get(WAITERS, core);
    }

    /**
     * The top node of the channel's wait list, or null. A notifying write detaches the whole list,
     * and a pending async wait that is woken without a change registers a fresh node: so while an
     * async wait is pending, an unchanged head means that nobody was notified.
     */
    static Object waitListHead(Watch.Receiver<?> rx) {
        return get(HEAD, waitList(core(rx)));
    }

    /** How many nodes (live or withdrawn) the channel's wait list holds now. */
    static int waitListLength(Watch.Receiver<?> rx) {
        int n = 0;
        for (Object node = waitListHead(rx); node != null; node = get(NEXT, node)) {
            n++;
        }
        return n;
    }

    /** Withdrawn nodes the wait list tolerates before it sweeps. */
    static int garbageLimit() {
        return (Integer) get(GARBAGE_LIMIT, null);
    }

    /**
     * Asserts that the receiver has no unseen value, without waiting: a zero-timeout
     * {@code changed} only checks, and must time out (marking nothing).
     */
    static void assertNothingUnseen(Watch.Receiver<?> rx) {
        assertThrows(TimeoutException.class, () -> rx.changed(Duration.ZERO),
                "changed() would have to wait");
    }
}
