package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * One receiver of a broadcast channel: its cursor into the ring and its waits. The public
 * {@code Broadcast.Receiver} extends this class, so a receiver is one object.
 *
 * <p>A receiver's receives must not run concurrently (one thread at a time, or one async receive
 * whose completion hands the receiver back). Its cursor is written only by the receiving thread;
 * other threads read it (for {@code Sender.len()}) with an opaque load, as an estimate.
 *
 * @param <T> the value type
 */
public abstract class BroadcastCursor<T> extends FanOutCore.Condition {
    /** Outcome of a receive: nothing now. Never reaches a user. */
    protected static final Object EMPTY = BroadcastCore.EMPTY;
    /** Outcome of a receive: end of stream. Never reaches a user. */
    protected static final Object END = BroadcastCore.END;
    /** Outcome of a receive: lagged; {@link #missed()} says by how much. Never reaches a user. */
    protected static final Object LAGGED = BroadcastCore.LAGGED;
    /** Outcome of a timed receive: the deadline passed. Never reaches a user. */
    protected static final Object TIMED_OUT = new Object();

    protected final BroadcastCore<T> core;
    private final BroadcastCore.Slot[] ring;
    private final int mask;
    private final int capacity;
    /** Next position to read; written only by the receiver (opaque, for len()'s readers). */
    private long next;
    /** How many values the last LAGGED outcome skipped; plain: receiver-confined. */
    private long missed;
    /** The receiver's reusable parked-thread waiter; plain: receiver-confined. */
    private ParkingWaiter parker;

    /**
     * A receiver of {@code core}: the first one of a new channel ({@code subscribe} false), already
     * counted by the core, starts at position 0; any later one ({@code subscribe} true) is counted
     * here and starts at the current tail. Its tail is read <em>before</em> the receiver is
     * counted: a send reads the count before it claims its position, so a send that counted this
     * receiver claims a position at or after the start and this receiver can receive it (reading
     * the tail after counting could start past a send that counted it: a value reported sent that
     * nobody can receive). A send concurrent with the subscribe may therefore reach the new
     * receiver without counting it. If many sends passed between the two reads, the start moves up
     * to the oldest value still kept, so that a new receiver does not begin with a lag.
     */
    protected BroadcastCursor(BroadcastCore<T> core, boolean subscribe) {
        this.core = core;
        this.ring = core.ring;
        this.mask = core.mask;
        this.capacity = core.capacity;
        this.next = subscribe ? subscribeStart(core) : 0L;
        core.track(this);
    }

    private static long subscribeStart(BroadcastCore<?> core) {
        final long before = core.tailPosition();
        core.subscribeCount();
        return Math.max(before, core.tailPosition() - core.capacity);
    }

    /** The cursor, for {@link BroadcastCore#len()}: opaque, an estimate from another thread. */
    final long position() {
        return (long) NEXT.getOpaque(this);
    }

    private void advance(long to) {
        NEXT.setOpaque(this, to); // opaque: only len() reads it from other threads, as an estimate
    }

    protected final long missed() {
        return missed;
    }

    /**
     * Values sent and not yet received by this receiver, overwritten ones included. May run on any
     * thread while the receiver receives: the cursor is read before and after the tail, and the
     * pair is used only if the cursor did not move, so that the result is the length at the read
     * of the tail (a cursor read after receives and sends that followed the tail read could give
     * a length the receiver never had).
     */
    protected final long length() {
        for (long n = (long) NEXT.getAcquire(this);;) { // acquire: the tail read below stays after it
            final long t = core.tailPosition(); // volatile
            final long again = position();
            if (again == n) {
                return Math.max(0L, t - n);
            }
            n = again;
        }
    }

    /** Stops counting this receiver. */
    protected final void unsubscribe() {
        core.unsubscribe(this);
    }

    /**
     * Takes the next value: returns it, or {@link #EMPTY}, {@link #END} or {@link #LAGGED}. Never
     * waits except for a send that has claimed the next position and is publishing it.
     */
    protected final Object poll() {
        for (int spins = 0;; spins++) {
            final long n = next;
            final BroadcastCore.Slot s = ring[(int) n & mask];
            final long want = BroadcastCore.written(n);
            final long seq = (long) BroadcastCore.SEQ.getAcquire(s); // acquire: the value read comes after
            if (seq == want) {
                final Object v = s.value; // plain: validated by the re-read of seq below
                VarHandle.loadLoadFence(); // seqlock: the re-read comes after the value read
                if (s.seq == want) {
                    // The slot still holds position n, but a send may have claimed position
                    // n + capacity (or later) and not marked the slot yet while a later send has
                    // already returned: every order of those sends overwrote n, so returning v
                    // would not be linearizable. The claim is on the tail: read it after the value
                    // (volatile, ordered after the seq re-read) and report the lag it shows. Cost:
                    // the receiver reads the senders' tail line on every receive; measured in
                    // BroadcastBenchmark (JDK 25, 3 forks): lossless 1 and 2 receivers within
                    // -5%..+3%, a never-waiting sender's deliveries per receiver -5% (2) to -12% (1).
                    final long oldest = core.tailPosition() - capacity;
                    if (oldest > n) {
                        missed = oldest - n;
                        advance(oldest);
                        return LAGGED;
                    }
                    advance(n + 1);
                    return v;
                }
                continue; // overwritten while we read it: now lagged
            }
            if (seq > want) {
                // Position n + L (or later) has been claimed for this slot: we lagged.
                // The seq we acquired was released after that claim, so the tail shows it.
                final long oldest = core.tailPosition() - capacity;
                if (oldest <= n) {
                    throw new IllegalStateException("broadcast slot overwritten but the tail is " + (oldest + capacity)
                            + " at cursor " + n);
                }
                missed = oldest - n;
                advance(oldest);
                return LAGGED;
            }
            final long t = core.lvTail();
            if (n < (t >>> 1)) {
                SpinPolicy.spin(spins); // claimed, being published: a few instructions away
                continue;
            }
            return (t & BroadcastCore.CLOSED) != 0 ? END : EMPTY;
        }
    }

    /** Whether a receive would not wait (a value, lag, end, or a send in flight). */
    @Override
    final boolean ready() {
        final long n = next;
        final BroadcastCore.Slot s = ring[(int) n & mask];
        if (s.seq >= BroadcastCore.written(n)) {
            return true;
        }
        final long t = core.lvTail();
        return n < (t >>> 1) || (t & BroadcastCore.CLOSED) != 0;
    }

    /**
     * Looks only at the next slot, a line the sender writes anyway, not at the tail word, which
     * every send changes: spinning receivers would otherwise pull that line away from senders.
     */
    @Override
    final boolean likelyReady() {
        final long n = next;
        return ring[(int) n & mask].seq >= BroadcastCore.written(n);
    }

    /** Blocking receive: a value, {@link #END}, {@link #LAGGED} or {@link #TIMED_OUT}. */
    protected final Object recv(boolean timed, long timeoutNanos) throws InterruptedException {
        Object r = poll();
        if (r != EMPTY) {
            return r;
        }
        if (timed && timeoutNanos <= 0L) {
            return TIMED_OUT;
        }
        final long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        ParkingWaiter w = parker;
        if (w == null) {
            parker = w = new ParkingWaiter();
        }
        for (;;) {
            if (!core.awaitReady(this, w, timed, deadline)) {
                return TIMED_OUT;
            }
            r = poll();
            if (r != EMPTY) {
                return r;
            }
        }
    }

    /**
     * Asynchronous receive: completes with a value, or null at end of stream, or exceptionally
     * with {@code lagged.apply(missed)}.
     */
    protected final CompletableFuture<T> recvAsync(Executor executor, LongFunction<? extends Exception> lagged) {
        final RecvWaiter w = new RecvWaiter(executor, lagged);
        w.start();
        return w.future();
    }

    /** A pending async receive: a claim runs the receive on the claiming thread. */
    private final class RecvWaiter extends ListFutureWaiter<T> {
        private final LongFunction<? extends Exception> lagged;

        RecvWaiter(Executor executor, LongFunction<? extends Exception> lagged) {
            super(core.waiters, executor);
            this.lagged = lagged;
        }

        @Override
        boolean ready() {
            return BroadcastCursor.this.ready();
        }

        @Override
        boolean attempt() {
            // We own the waiter, hence the receiver, until the future completes or we wait again.
            final Object r = poll();
            if (r == EMPTY) {
                return false;
            }
            if (r == LAGGED) {
                finishExceptionally(lagged.apply(missed));
            } else if (r == END) {
                finish(null);
            } else {
                @SuppressWarnings("unchecked")
                final T v = (T) r;
                finish(v);
            }
            return true;
        }
    }

    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(BroadcastCursor.class, "next", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
