package dev.channels;

import dev.channels.internal.BoundedMpscCore;
import dev.channels.internal.FanOutCore;
import dev.channels.internal.MpscCore;
import dev.channels.internal.OneshotCore;
import dev.channels.internal.WaitList;
import dev.channels.internal.Waiter;

import java.lang.reflect.Field;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Helpers shared by the select tests. Besides the public API, a few look into the channels'
 * state by reflection (the tests run on the class path) to check what the API cannot show: that a
 * select that finished left no waiter registered in any channel it waited on.
 */
final class SelectTestSupport {
    static final long GUARD_SECONDS = MpscTestSupport.GUARD_SECONDS;

    private static final Field RX_WAITER = field(MpscCore.class, "rxWaiter");
    private static final Field QUEUE_HEAD = field(BoundedMpscCore.class, "head");
    private static final Field SENDERS_WAITING = field(BoundedMpscCore.class, "sendersWaiting");
    private static final Field FAN_OUT_WAITERS = field(FanOutCore.class, "waiters");
    private static final Field LIST_HEAD = field(className("dev.channels.internal.WaitListHead"), "head");
    private static final Field NODE_NEXT = field(WaitList.Node.class, "next");
    private static final Field NODE_WAITER = field(WaitList.Node.class, "waiter");
    private static final Field REGISTRATION = field(Waiter.class, "registration");
    private static final Field ONESHOT_STATE = field(OneshotCore.class, "state");
    private static final Field BROADCAST_CORE = field(className("dev.channels.internal.BroadcastCursor"), "core");

    private SelectTestSupport() {
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
            throw new AssertionError("the select tests look at " + c.getName() + "." + name, e);
        }
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ registrations

    /** The waiter registered by the receiving side of an mpsc channel, or null. */
    static Object rxWaiter(Mpsc.Receiver<?> rx) {
        return get(RX_WAITER, rx.core());
    }

    /** Whether any sender (a blocking send, an async send, a select's send clause) is queued for capacity. */
    static boolean sendersQueued(Mpsc.Sender<?> tx) {
        return get(QUEUE_HEAD, tx.ring()) != null || (Boolean) get(SENDERS_WAITING, tx.ring());
    }

    /**
     * Live registrations in a broadcast or watch wait list: nodes whose waiter has not withdrawn
     * them (not cancelled, and the node is still the waiter's current registration).
     */
    private static int liveNodes(FanOutCore core) {
        final WaitList list = (WaitList) get(FAN_OUT_WAITERS, core);
        int live = 0;
        for (Object n = get(LIST_HEAD, list); n != null; n = get(NODE_NEXT, n)) {
            final Waiter w = (Waiter) get(NODE_WAITER, n);
            if (!w.isCancelled() && get(REGISTRATION, w) == n) {
                live++;
            }
        }
        return live;
    }

    /** All nodes (live or garbage) in a broadcast or watch wait list. */
    private static int allNodes(FanOutCore core) {
        final WaitList list = (WaitList) get(FAN_OUT_WAITERS, core);
        int n = 0;
        for (Object node = get(LIST_HEAD, list); node != null; node = get(NODE_NEXT, node)) {
            n++;
        }
        return n;
    }

    static int liveWaiters(Broadcast.Receiver<?> rx) {
        return liveNodes((FanOutCore) get(BROADCAST_CORE, rx));
    }

    static int liveWaiters(Watch.Receiver<?> rx) {
        return liveNodes(rx.channelCore());
    }

    static int listLength(Broadcast.Receiver<?> rx) {
        return allNodes((FanOutCore) get(BROADCAST_CORE, rx));
    }

    static int listLength(Watch.Receiver<?> rx) {
        return allNodes(rx.channelCore());
    }

    /** Whether a oneshot channel's state holds a waiting receive (a select's case waiter, say). */
    static boolean oneshotHasWaiter(Oneshot.Receiver<?> rx) {
        return get(ONESHOT_STATE, rx) instanceof Waiter;
    }

    static void assertNoWaiter(Mpsc.Receiver<?> rx) {
        assertNull(rxWaiter(rx), "a waiter is left registered on the mpsc receiver");
    }

    static void assertNoWaiter(Mpsc.Sender<?> tx) {
        assertFalse(sendersQueued(tx), "a sender is left queued for capacity");
    }

    static void assertNoWaiter(Broadcast.Receiver<?> rx) {
        assertEquals(0, liveWaiters(rx), "live waiters left in the broadcast wait list");
    }

    static void assertNoWaiter(Watch.Receiver<?> rx) {
        assertEquals(0, liveWaiters(rx), "live waiters left in the watch wait list");
    }

    static void assertNoWaiter(Oneshot.Receiver<?> rx) {
        assertFalse(oneshotHasWaiter(rx), "a waiter is left in the oneshot state");
    }

    // ------------------------------------------------------------------ waiting states

    /** Waits until {@code t} is parked in a select (or another channel wait). A state check, not a sleep. */
    static void awaitParked(Thread t) {
        MpscTestSupport.awaitParkedInChannel(t);
    }

    /** Waits (hang guard) until {@code condition} holds. */
    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("hang guard: " + what);
            }
            LockSupport.parkNanos(100_000L);
        }
    }

    /** The value of a stage, waiting at most the hang guard; rethrows what it failed with. */
    static <T> T await(CompletionStage<T> stage) throws Exception {
        return MpscTestSupport.await(stage);
    }

    /** The exception a stage completed with; fails if it completed normally. */
    static Throwable awaitFailure(CompletionStage<?> stage) throws Exception {
        return MpscTestSupport.awaitFailure(stage);
    }

    /** Runs a blocking select with the hang guard as its call timeout: a hang fails the test. */
    static <R> R selectGuarded(Select<R> s) throws InterruptedException {
        try {
            return s.select(java.time.Duration.ofSeconds(GUARD_SECONDS));
        } catch (TimeoutException e) {
            throw new AssertionError("hang guard: the select did not complete", e);
        }
    }
}
