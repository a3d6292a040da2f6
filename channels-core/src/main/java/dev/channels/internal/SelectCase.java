package dev.channels.internal;

/**
 * One channel operation of a select, as the {@link SelectEngine} sees it: try it now, register a
 * waiter for it, look whether it became possible, withdraw the waiter.
 *
 * <p>Only {@link #attempt} takes effect (takes a value, marks a version seen, sends), and only the
 * select's owner calls it. Registering never takes anything, except that a bounded send's waiter
 * may be granted capacity by the channel, which then enqueues the value: that grant is a claim of
 * the whole select, so it happens at most once per select and only if no other case won
 * (DESIGN.md §5: capacity is the one thing handed over).
 *
 * <p>A case object belongs to one {@code Select} and holds no state of a particular select call;
 * what a call needs (the value to send, the outcome) lives in its {@link SelectEngine.Call}.
 */
public abstract class SelectCase {
    /** {@link #attempt}: nothing possible now. */
    static final int PENDING = 0;
    /** {@link #attempt}: took effect; the value received or sent is in the call's {@code taken}. */
    public static final int TAKEN = 1;
    /** {@link #attempt}: the channel is closed for this operation; nothing was taken. */
    public static final int CLOSED = 2;
    /** {@link #attempt}: a broadcast receiver lagged; the call's {@code missed} says by how much. */
    public static final int LAGGED = 3;

    /** Whether this case reports a closure (to its handler) rather than being disabled by it. */
    final boolean reportsClosed;

    SelectCase(boolean reportsClosed) {
        this.reportsClosed = reportsClosed;
    }

    /** Tries the operation now: {@link #PENDING}, {@link #TAKEN}, {@link #CLOSED} or {@link #LAGGED}. */
    abstract int attempt(SelectEngine.Call c, int i);

    /**
     * Registers {@code w} so that a change that may make this case possible claims the select.
     * Returns false, registering nothing, if the case is possible (or closed) already.
     */
    abstract boolean register(SelectEngine.Call c, int i, Waiter w);

    /**
     * Whether the case may be possible now, given its registered waiter {@code w} (null when
     * none is registered); no side effects (the second look after registering).
     */
    abstract boolean ready(Waiter w);

    /** A cheaper look for the spin before parking, with nothing registered; may miss a closure. */
    boolean likelyReady() {
        return ready(null);
    }

    /** Withdraws {@code w}, registered by {@link #register}; harmless if it was never registered. */
    abstract void deregister(Waiter w);

    /**
     * For a case whose claim itself takes effect (a bounded send granted capacity): the outcome
     * of the claim of {@code w}, {@link #TAKEN} or {@link #CLOSED}; {@link #PENDING} for every
     * other case, whose claim only means "look again".
     */
    int claimOutcome(Waiter w) {
        return PENDING;
    }

    // ------------------------------------------------------------------ the cases

    /** Receive from an mpsc channel (bounded or unbounded). */
    public static SelectCase mpscRecv(MpscCore<?> core, boolean reportsClosed) {
        return new MpscRecv(core, reportsClosed);
    }

    /** Send into a bounded mpsc channel. */
    public static SelectCase boundedSend(BoundedMpscCore<?> core, boolean reportsClosed) {
        return new BoundedSend(core, reportsClosed);
    }

    /** Send into an unbounded mpsc channel. */
    public static SelectCase unboundedSend(UnboundedMpscCore<?> core, boolean reportsClosed) {
        return new UnboundedSend(core, reportsClosed);
    }

    /** Receive the value of a oneshot channel. */
    public static SelectCase oneshotRecv(OneshotCore<?> core, boolean reportsClosed) {
        return new OneshotRecv(core, reportsClosed);
    }

    /** Receive from a broadcast receiver. */
    public static SelectCase broadcastRecv(BroadcastCursor<?> cursor, boolean reportsClosed) {
        return new BroadcastRecv(cursor, reportsClosed);
    }

    /** {@code changed} on a watch receiver: the new value, marked seen. */
    public static SelectCase watchChanged(WatchCursor<?> cursor, boolean reportsClosed) {
        return new WatchChanged(cursor, reportsClosed);
    }

    private static final class MpscRecv extends SelectCase {
        private final MpscCore<?> core;

        MpscRecv(MpscCore<?> core, boolean reportsClosed) {
            super(reportsClosed);
            this.core = core;
        }

        @Override
        int attempt(SelectEngine.Call c, int i) {
            final Object e = core.poll();
            if (e != null) {
                c.taken = e;
                return TAKEN;
            }
            return core.terminated() ? CLOSED : PENDING;
        }

        @Override
        boolean register(SelectEngine.Call c, int i, Waiter w) {
            core.registerRxWaiter(w); // the receiver's Dekker handshake, as a blocking receive's
            return true;
        }

        @Override
        boolean ready(Waiter w) {
            return core.receiveReady();
        }

        @Override
        boolean likelyReady() {
            return core.headFilled(); // the head slot only: the producers' word stays theirs
        }

        @Override
        void deregister(Waiter w) {
            core.clearRxWaiter(w);
        }
    }

    private static final class BoundedSend extends SelectCase {
        private final BoundedMpscCore<?> core;

        BoundedSend(BoundedMpscCore<?> core, boolean reportsClosed) {
            super(reportsClosed);
            this.core = core;
        }

        @Override
        int attempt(SelectEngine.Call c, int i) {
            final Object v = c.values[i];
            @SuppressWarnings("unchecked")
            final int r = ((BoundedMpscCore<Object>) core).trySend(v);
            if (r == BoundedMpscCore.OK) {
                c.taken = v;
                return TAKEN;
            }
            return r == BoundedMpscCore.CLOSED ? CLOSED : PENDING;
        }

        @Override
        boolean register(SelectEngine.Call c, int i, Waiter w) {
            // The queue dispatches at once if capacity is free: the claim may come right here.
            return core.enqueueSelect(w, c.values[i]);
        }

        @Override
        boolean ready(Waiter w) {
            return false; // the queue hands capacity to the waiter itself, and rejects it on close
        }

        @Override
        void deregister(Waiter w) {
            core.withdraw(w); // under the queue lock: a slot promised to w passes on
            w.item = null; // unlinked: no dispatcher reads it any more
        }

        @Override
        int claimOutcome(Waiter w) {
            return BoundedMpscCore.granted(w) ? TAKEN : CLOSED;
        }
    }

    private static final class UnboundedSend extends SelectCase {
        private final UnboundedMpscCore<?> core;

        UnboundedSend(UnboundedMpscCore<?> core, boolean reportsClosed) {
            super(reportsClosed);
            this.core = core;
        }

        @Override
        int attempt(SelectEngine.Call c, int i) {
            final Object v = c.values[i];
            @SuppressWarnings("unchecked")
            final int r = ((UnboundedMpscCore<Object>) core).send(v);
            if (r == UnboundedMpscCore.OK) {
                c.taken = v;
                return TAKEN;
            }
            return CLOSED; // never full
        }

        @Override
        boolean register(SelectEngine.Call c, int i, Waiter w) {
            return false; // never waits
        }

        @Override
        boolean ready(Waiter w) {
            return true;
        }

        @Override
        void deregister(Waiter w) {
        }
    }

    private static final class OneshotRecv extends SelectCase {
        private final OneshotCore<?> core;

        OneshotRecv(OneshotCore<?> core, boolean reportsClosed) {
            super(reportsClosed);
            this.core = core;
        }

        @Override
        int attempt(SelectEngine.Call c, int i) {
            final Object r = core.poll();
            if (r == OneshotCore.NOTHING) {
                return PENDING;
            }
            if (r == OneshotCore.CLOSED_NO_VALUE) {
                return CLOSED;
            }
            if (r == OneshotCore.ALREADY_TAKEN) {
                throw OneshotCore.alreadyTaken();
            }
            c.taken = r;
            return TAKEN;
        }

        @Override
        boolean register(SelectEngine.Call c, int i, Waiter w) {
            return core.registerSelect(w);
        }

        @Override
        boolean ready(Waiter w) {
            return core.selectReady(w);
        }

        @Override
        void deregister(Waiter w) {
            core.withdrawSelect(w);
        }
    }

    /** A case that waits in a broadcast or watch channel's {@link WaitList}. */
    private abstract static class ListCase extends SelectCase {
        private final WaitList list;

        ListCase(WaitList list, boolean reportsClosed) {
            super(reportsClosed);
            this.list = list;
        }

        @Override
        final boolean register(SelectEngine.Call c, int i, Waiter w) {
            list.push(w); // sequentially consistent: the list's handshake
            return true;
        }

        @Override
        final void deregister(Waiter w) {
            list.deregister(w);
        }
    }

    private static final class BroadcastRecv extends ListCase {
        private final BroadcastCursor<?> cursor;

        BroadcastRecv(BroadcastCursor<?> cursor, boolean reportsClosed) {
            super(cursor.core.waiters, reportsClosed);
            this.cursor = cursor;
        }

        @Override
        int attempt(SelectEngine.Call c, int i) {
            final Object r = cursor.poll();
            if (r == BroadcastCursor.EMPTY) {
                return PENDING;
            }
            if (r == BroadcastCursor.END) {
                return CLOSED;
            }
            if (r == BroadcastCursor.LAGGED) {
                c.missed = cursor.missed();
                return LAGGED;
            }
            c.taken = r;
            return TAKEN;
        }

        @Override
        boolean ready(Waiter w) {
            return cursor.ready();
        }

        @Override
        boolean likelyReady() {
            return cursor.likelyReady();
        }
    }

    private static final class WatchChanged extends ListCase {
        private final WatchCursor<?> cursor;

        WatchChanged(WatchCursor<?> cursor, boolean reportsClosed) {
            super(cursor.core.waiters, reportsClosed);
            this.cursor = cursor;
        }

        @Override
        int attempt(SelectEngine.Call c, int i) {
            final Object r = cursor.pollChange();
            if (r == WatchCursor.NO_CHANGE) {
                return PENDING;
            }
            if (r == WatchCursor.ENDED_SEEN) {
                return CLOSED;
            }
            c.taken = r;
            return TAKEN;
        }

        @Override
        boolean ready(Waiter w) {
            return cursor.changeReady();
        }
    }
}
