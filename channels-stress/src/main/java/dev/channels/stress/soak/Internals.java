package dev.channels.stress.soak;

import dev.channels.Broadcast;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Watch;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A look at the channels' waiter structures by reflection, for the leak check: the soak runs on
 * the class path (from the shaded jar), where {@code dev.channels.internal} is reachable. What it
 * reads: the mpsc receiver's waiter slot, the bounded channel's queue of waiting senders, the
 * oneshot state word, the broadcast and watch wait lists (every node, and the live ones: a node
 * whose waiter is not cancelled and still has it as its registration), and the queue of the
 * select's timer (timeout clauses of asynchronous selects).
 */
final class Internals {
    private static final Field MPSC_RX_CORE = field(Mpsc.Receiver.class, "core");
    private static final Field RX_WAITER = field(cls("dev.channels.internal.MpscCore"), "rxWaiter");
    private static final Field SENDER_RING = field(Mpsc.Sender.class, "ring");
    private static final Field QUEUE_HEAD = field(cls("dev.channels.internal.BoundedMpscCore"), "head");
    private static final Field QUEUE_TAIL = field(cls("dev.channels.internal.BoundedMpscCore"), "tail");
    private static final Field SENDERS_WAITING = field(cls("dev.channels.internal.BoundedMpscCore"), "sendersWaiting");
    private static final Field ONESHOT_STATE = field(cls("dev.channels.internal.OneshotCore"), "state");
    private static final Field BROADCAST_CORE = field(cls("dev.channels.internal.BroadcastCursor"), "core");
    private static final Field WATCH_CORE = field(cls("dev.channels.internal.WatchCursor"), "core");
    private static final Field WAITERS = field(cls("dev.channels.internal.FanOutCore"), "waiters");
    private static final Field LIST_HEAD = field(cls("dev.channels.internal.WaitListHead"), "head");
    private static final Field NODE_NEXT = field(cls("dev.channels.internal.WaitList$Node"), "next");
    private static final Field NODE_WAITER = field(cls("dev.channels.internal.WaitList$Node"), "waiter");
    private static final Field REGISTRATION = field(cls("dev.channels.internal.Waiter"), "registration");
    private static final Method IS_CANCELLED = method(cls("dev.channels.internal.Waiter"), "isCancelled");
    private static final Class<?> WAITER = cls("dev.channels.internal.Waiter");
    private static final Field TIMER = field(cls("dev.channels.internal.SelectEngine$Timer"), "EXECUTOR");
    /** The most garbage nodes a wait list keeps with nothing alive (its GARBAGE_LIMIT, 64, twice, and a little). */
    static final int WAIT_LIST_BOUND = 2 * 64 + 2;

    private Internals() {
    }

    private static Class<?> cls(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the leak check looks at " + name, e);
        }
    }

    private static Field field(Class<?> c, String name) {
        try {
            final Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("the leak check looks at " + c.getName() + "." + name, e);
        }
    }

    private static Method method(Class<?> c, String name) {
        try {
            final Method m = c.getDeclaredMethod(name);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("the leak check looks at " + c.getName() + "." + name, e);
        }
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Null if no receive is registered on the mpsc receiver, else what is. */
    static String mpscReceiver(Mpsc.Receiver<?> rx) {
        final Object w = get(RX_WAITER, get(MPSC_RX_CORE, rx));
        return w == null ? null : "the mpsc receiver still holds a waiter (" + w.getClass().getSimpleName() + ")";
    }

    /** Null if no sender is queued for capacity, else what is. */
    static String senderQueue(Mpsc.Sender<?> tx) {
        final Object ring = get(SENDER_RING, tx);
        final Object head = get(QUEUE_HEAD, ring);
        final Object tail = get(QUEUE_TAIL, ring);
        final boolean waiting = (Boolean) get(SENDERS_WAITING, ring);
        return head == null && tail == null && !waiting ? null
                : "the sender queue is not empty (head " + head + ", waiting flag " + waiting + ")";
    }

    /** Null if the oneshot state holds no waiter, else what it holds. */
    static String oneshot(Oneshot.Receiver<?> rx) {
        final Object s = get(ONESHOT_STATE, rx);
        return WAITER.isInstance(s) ? "the oneshot state still holds a waiter (" + s.getClass().getSimpleName() + ")" : null;
    }

    /** {total nodes, live nodes} of a wait list. */
    private static int[] waitList(Object fanOutCore) {
        final Object list = get(WAITERS, fanOutCore);
        int all = 0;
        int live = 0;
        for (Object n = get(LIST_HEAD, list); n != null; n = get(NODE_NEXT, n)) {
            all++;
            final Object w = get(NODE_WAITER, n);
            try {
                if (!(Boolean) IS_CANCELLED.invoke(w) && get(REGISTRATION, w) == n) {
                    live++;
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return new int[] {all, live};
    }

    static int[] waitList(Broadcast.Receiver<?> rx) {
        return waitList(get(BROADCAST_CORE, rx));
    }

    static int[] waitList(Watch.Receiver<?> rx) {
        return waitList(get(WATCH_CORE, rx));
    }

    /** Null if the wait list holds no live node and at most {@link #WAIT_LIST_BOUND} withdrawn ones. */
    static String waitListProblem(String what, int[] counts) {
        if (counts[1] > 0) {
            return what + " wait list still has " + counts[1] + " live node(s)";
        }
        if (counts[0] > WAIT_LIST_BOUND) {
            return what + " wait list keeps " + counts[0] + " withdrawn nodes (bound " + WAIT_LIST_BOUND + ")";
        }
        return null;
    }

    /** Tasks queued in the timer of asynchronous selects' timeout clauses. */
    static int selectTimerTasks() {
        return ((ScheduledThreadPoolExecutor) get(TIMER, null)).getQueue().size();
    }
}
