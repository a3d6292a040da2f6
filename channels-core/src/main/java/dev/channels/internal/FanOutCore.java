package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * What the broadcast and watch cores share: many senders and many receivers, the receivers'
 * {@link WaitList}, the counts of strong senders, weak senders and receivers, and the senders'
 * notification that no receiver is left.
 *
 * <h2>Counts</h2>
 * Sender and receiver counts are changed with atomic adds when handles are made and closed, never
 * on a send or a receive. The last strong sender's close calls {@link #onSendersGone()} exactly
 * once (the decrement that reaches zero does it; a count at zero never goes up again, since
 * {@link #tryAddSender()} refuses). The receiver count may go back up from zero (subscribe
 * reopens the channel).
 *
 * <h2>No receivers left</h2>
 * {@link #noReceivers()} hands out a future completed when the current open period ends (the
 * receiver count reaches zero), or a completed one if it is zero. The count and that future live in
 * one immutable pair swapped by CAS, so a future is never handed out for one open period and
 * completed by the end of an earlier one (a close racing a subscribe). Subscribing and closing
 * receivers allocate a pair; sends only read the count.
 */
public abstract class FanOutCore {
    /** The receivers waiting for the next change. */
    protected final WaitList waiters = new WaitList();
    /** Spin budget of the receivers' waits. */
    private final SpinPolicy rxSpin = new SpinPolicy();

    private volatile int senderCount;
    private volatile int weakCount;
    /** The receiver count and the senders' pending "no receivers" future, swapped together by CAS. */
    private volatile Receivers receivers;

    /**
     * An immutable (count, future) pair: the future handed out while the count is positive is the
     * one completed when that count reaches zero, never one of an earlier open period.
     */
    private static final class Receivers {
        final int count;
        /** Completed when this open period ends; null until somebody asks. */
        final CompletableFuture<Void> whenNone;

        Receivers(int count, CompletableFuture<Void> whenNone) {
            this.count = count;
            this.whenNone = whenNone;
        }
    }

    protected FanOutCore(int senders, int receivers) {
        this.senderCount = senders;
        this.receivers = new Receivers(receivers, null);
    }

    /** Called once, when the last strong sender closed, after the count reached zero. */
    protected abstract void onSendersGone();

    // ------------------------------------------------------------------ senders

    /** Adds a strong sender if any is left (duplicate, upgrade); false once all have gone. */
    public final boolean tryAddSender() {
        for (;;) {
            final int n = senderCount;
            if (n == 0) {
                return false;
            }
            if (n == Integer.MAX_VALUE) {
                throw new IllegalStateException("too many sender handles: " + n);
            }
            if (SENDER_COUNT.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
    }

    /** Removes a strong sender; the last one closes the channel. */
    public final void dropSender() {
        if ((int) SENDER_COUNT.getAndAdd(this, -1) == 1) {
            onSendersGone();
        }
    }

    public final int senderCount() {
        return senderCount;
    }

    public final void addWeak() {
        WEAK_COUNT.getAndAdd(this, 1);
    }

    public final void dropWeak() {
        WEAK_COUNT.getAndAdd(this, -1);
    }

    public final int weakCount() {
        return weakCount;
    }

    // ------------------------------------------------------------------ receivers

    public final int receiverCount() {
        return receivers.count;
    }

    /** Adds a receiver (subscribe, duplicate); reopens a channel that had none. */
    protected final void addReceiver() {
        for (;;) {
            final Receivers r = receivers;
            if (r.count == Integer.MAX_VALUE) {
                throw new IllegalStateException("too many receivers: " + r.count);
            }
            if (RECEIVERS.compareAndSet(this, r, new Receivers(r.count + 1, r.whenNone))) {
                return;
            }
        }
    }

    /** Removes a receiver; the last one completes the senders' {@link #noReceivers()} future. */
    protected final void dropReceiver() {
        for (;;) {
            final Receivers r = receivers;
            final boolean last = r.count == 1;
            if (RECEIVERS.compareAndSet(this, r, new Receivers(r.count - 1, last ? null : r.whenNone))) {
                if (last && r.whenNone != null) {
                    r.whenNone.complete(null); // after the CAS, outside any lock
                }
                return;
            }
        }
    }

    /**
     * A future completed when the current open period ends (the receiver count reaches zero), or
     * already complete if no receiver is open (shared: hand out copies only).
     */
    public final CompletableFuture<Void> noReceivers() {
        for (;;) {
            final Receivers r = receivers;
            if (r.count == 0) {
                return CompletableFuture.completedFuture(null);
            }
            if (r.whenNone != null) {
                return r.whenNone;
            }
            final CompletableFuture<Void> f = new CompletableFuture<>();
            if (RECEIVERS.compareAndSet(this, r, new Receivers(r.count, f))) {
                return f;
            }
        }
    }

    // ------------------------------------------------------------------ waiting

    /**
     * A receiver-side condition that a change may make true. An abstract class with package-private
     * methods rather than an interface, so that the public receivers, which extend it through their
     * cursors, do not expose {@code ready()} as public API.
     */
    abstract static class Condition {
        /** Whether the wait is over; called by the waiting thread, after each registration. */
        abstract boolean ready();

        /**
         * A cheaper look for the spin, which may miss some reasons to stop (the spin calls
         * {@link #ready()} every 16th iteration and before parking anyway).
         */
        boolean likelyReady() {
            return ready();
        }
    }

    /**
     * Blocks until {@code c.ready()}: spins briefly, then registers {@code w} (the caller's
     * reusable waiter) in {@link #waiters} and parks, re-checking after each wake-up.
     *
     * @return true when ready, false when the deadline passed first
     * @throws InterruptedException if interrupted first (status cleared)
     */
    protected final boolean awaitReady(Condition c, ParkingWaiter w, boolean timed, long deadline)
            throws InterruptedException {
        final SpinPolicy spin = rxSpin;
        final int spins = spin.budget();
        for (int i = 0; i < spins; i++) {
            SpinPolicy.spin(i);
            if ((i & 15) != 15 && !c.likelyReady()) {
                continue;
            }
            if (c.ready()) {
                spin.succeeded();
                return true;
            }
        }
        if (spins > 0) {
            spin.failed();
        }
        for (;;) {
            // A waiter claimed by a slow notifier in an earlier round may be completed after this
            // re-arm: that only looks like a spurious wake-up, and every wake-up re-checks.
            w.rearm();
            final WaitList.Node n = waiters.push(w);
            if (c.ready()) { // second look of the handshake
                if (w.tryCancel()) {
                    waiters.withdrawn(n);
                }
                return true;
            }
            final int r = w.await(timed, deadline);
            if (r == ParkingWaiter.COMPLETED) {
                if (c.ready()) {
                    return true;
                }
                continue;
            }
            if (w.tryCancel()) {
                waiters.withdrawn(n);
            }
            if (r == ParkingWaiter.INTERRUPTED) {
                throw new InterruptedException();
            }
            return c.ready();
        }
    }

    private static final VarHandle SENDER_COUNT;
    private static final VarHandle WEAK_COUNT;
    private static final VarHandle RECEIVERS;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            SENDER_COUNT = l.findVarHandle(FanOutCore.class, "senderCount", int.class);
            WEAK_COUNT = l.findVarHandle(FanOutCore.class, "weakCount", int.class);
            RECEIVERS = l.findVarHandle(FanOutCore.class, "receivers", Receivers.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
