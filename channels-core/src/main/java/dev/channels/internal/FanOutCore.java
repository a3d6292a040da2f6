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
 * {@link #noReceivers()} hands out a future completed the next time the receiver count reaches
 * zero (or at once if it is zero). The future is created on demand; a Dekker handshake between the
 * creator (publish the future, then read the count) and the last receiver's close (decrement the
 * count, then take the future) makes sure one of them completes it.
 */
public abstract class FanOutCore {
    /** The receivers waiting for the next change. */
    protected final WaitList waiters = new WaitList();
    /** Spin budget of the receivers' waits. */
    private final SpinPolicy rxSpin = new SpinPolicy();

    private volatile int senderCount;
    private volatile int weakCount;
    private volatile int receiverCount;
    private volatile CompletableFuture<Void> noReceivers;

    protected FanOutCore(int senders, int receivers) {
        this.senderCount = senders;
        this.receiverCount = receivers;
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
        return receiverCount;
    }

    /** Adds a receiver (subscribe, duplicate); reopens a channel that had none. */
    protected final void addReceiver() {
        for (;;) {
            final int n = receiverCount;
            if (n == Integer.MAX_VALUE) {
                throw new IllegalStateException("too many receivers: " + n);
            }
            if (RECEIVER_COUNT.compareAndSet(this, n, n + 1)) {
                return;
            }
        }
    }

    /** Removes a receiver; the last one completes the senders' {@link #noReceivers()} future. */
    protected final void dropReceiver() {
        if ((int) RECEIVER_COUNT.getAndAdd(this, -1) == 1) {
            // Dekker with noReceivers(): the count is published (above) before the future is taken.
            @SuppressWarnings("unchecked")
            final CompletableFuture<Void> f = (CompletableFuture<Void>) NO_RECEIVERS.getAndSet(this, null);
            if (f != null) {
                f.complete(null);
            }
        }
    }

    /**
     * A future completed the next time no receiver is left, or already complete if none is (shared:
     * hand out copies only).
     */
    public final CompletableFuture<Void> noReceivers() {
        for (;;) {
            if (receiverCount == 0) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = noReceivers;
            if (f != null) {
                return f;
            }
            f = new CompletableFuture<>();
            if (NO_RECEIVERS.compareAndSet(this, null, f)) {
                // Second half of the handshake: the count may have reached zero before we published.
                if (receiverCount == 0 && NO_RECEIVERS.compareAndSet(this, f, null)) {
                    f.complete(null);
                }
                return f;
            }
        }
    }

    // ------------------------------------------------------------------ waiting

    /** A receiver-side condition that a change may make true. */
    public interface Condition {
        /** Whether the wait is over; called by the waiting thread, after each registration. */
        boolean ready();

        /**
         * A cheaper look for the spin, which may miss some reasons to stop (the spin calls
         * {@link #ready()} every 16th iteration and before parking anyway).
         */
        default boolean likelyReady() {
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
    private static final VarHandle RECEIVER_COUNT;
    private static final VarHandle NO_RECEIVERS;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            SENDER_COUNT = l.findVarHandle(FanOutCore.class, "senderCount", int.class);
            WEAK_COUNT = l.findVarHandle(FanOutCore.class, "weakCount", int.class);
            RECEIVER_COUNT = l.findVarHandle(FanOutCore.class, "receiverCount", int.class);
            NO_RECEIVERS = l.findVarHandle(FanOutCore.class, "noReceivers", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
