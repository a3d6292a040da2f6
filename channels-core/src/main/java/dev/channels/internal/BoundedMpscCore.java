package dev.channels.internal;

import dev.channels.ChannelClosedException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded mpsc ring: exact capacity, one CAS per send, no read-modify-write per receive,
 * FIFO hand-off of freed capacity to waiting senders, and permits.
 *
 * <h2>Layout</h2>
 * <pre>
 *  state (one long, CASed by producers):
 *   63                       33 32                        4 3     0
 *  +---------------------------+---------------------------+-------+
 *  | P: producer index mod 2^31| R: outstanding permits    | flags |
 *  +---------------------------+---------------------------+-------+
 *
 *  buffer (length = capacity rounded up to a power of two, index & mask):
 *    slot[i & mask] holds message i from the moment its producer writes it (release store)
 *    until the consumer takes it and nulls the slot; null otherwise.
 * </pre>
 * The capacity in use is {@code used = (P - C) + R}: messages sent but not received plus
 * permits reserved but not yet used, with C the consumer index. A send or reservation succeeds
 * only while {@code used < capacity}; receiving a message is what gives its slot back, exactly as
 * Tokio's semaphore does. A send through a permit moves one unit from R to P in a single CAS.
 * Since {@code P - C <= capacity <= buffer.length}, a producer never overtakes the consumer in the
 * array. P is kept modulo 2^31, which is enough because every difference taken is at most
 * {@link #MAX_CAPACITY}.
 *
 * <h2>Linearization points</h2>
 * <ul>
 *   <li>send / trySend / reserve: the successful CAS of {@code state};</li>
 *   <li>receive: the read of a non-null slot (or, when empty, the read of {@code state} showing
 *       P == C); the slot's capacity returns at the volatile store of the consumer index;</li>
 *   <li>receiver close: the CAS that sets RX_CLOSED. A send CASes {@code state} too, so a send and
 *       a close are totally ordered: the message is either in the ring before the close (and stays
 *       receivable) or the send fails and hands its value back.</li>
 * </ul>
 *
 * <h2>Waiting senders</h2>
 * Senders that find no capacity queue up in a FIFO list of {@link Waiter}s guarded by
 * {@link #lock} (like Tokio's batch semaphore, whose wait list is behind a mutex: the lock is taken
 * only by senders that must wait, and by the consumer while senders are waiting; it is never held
 * while parking or while running user code). While the list is non-empty the TX_WAITING flag makes
 * every fast-path send and reservation fail as full, so freed capacity cannot be stolen from the
 * queue: it is assigned to the head waiter (partially, for a multi-permit reservation) by
 * {@link #dispatchLocked()}, which for a send also enqueues the waiter's value itself, so that a
 * woken sender finds its message already in the ring.
 * <h2>How the consumer notices waiting senders</h2>
 * The consumer learns that senders wait through {@link #sendersWaiting}, a flag on a cold cache
 * line set while the queue is non-empty. Noticing it reliably is a Dekker handshake: the waiter
 * stores the flag and then re-reads the consumer index (in its dispatch); the consumer stores the
 * consumer index and then reads the flag. Both pairs must be sequentially consistent, or both sides
 * can miss each other and strand a sender while a slot is free. So a receive publishes its index
 * with a volatile store (one full fence; still no read-modify-write), where DESIGN.md's sketch has
 * a release store. A relaxed mode (release stores until senders queue) was tried and removed: a
 * sender queued while the consumer is relaxed cannot rely on the consumer seeing it, and covering
 * that window needs a timer per channel, whose tasks pile up under channel churn.
 *
 * <h2>Differences from Tokio</h2>
 * A reservation larger than the capacity is a bad argument here (IllegalArgumentException in the
 * API), where Tokio returns an error value; a cancelled asynchronous send loses nothing.
 *
 * @param <E> the message type
 */
public final class BoundedMpscCore<E> extends MpscCore<E> {
    /** The largest capacity: keeps (P - C) + R well inside the 29- and 31-bit fields. */
    public static final int MAX_CAPACITY = 1 << 28;

    private static final int R_SHIFT = FLAG_BITS;
    private static final long R_ONE = 1L << R_SHIFT;
    private static final long R_LOW_MASK = (1L << 29) - 1;
    private static final int P_SHIFT = 33;
    private static final long P_ONE = 1L << P_SHIFT;
    private static final long MOD = (1L << 31) - 1;

    /** Results of the sending operations. */
    public static final int OK = 0;
    public static final int FULL = 1;
    public static final int CLOSED = 2;
    public static final int TIMEOUT = 3;

    /** Outcomes a claimant writes into a queued waiter. */
    static final int GRANTED = 1;
    static final int REJECTED = 2;

    private final Object[] buffer;
    private final int mask;
    private final int capacity;

    /** Whether the sender queue is non-empty; volatile: half of the consumer's Dekker handshake. */
    private volatile boolean sendersWaiting;
    private final ReentrantLock lock = new ReentrantLock();
    /** The FIFO queue of waiting senders; under {@link #lock}. */
    private Waiter head;
    private Waiter tail;
    /** Claimed waiters to complete after unlocking, in claim order, linked by {@code next}; under {@link #lock}. */
    private Waiter signals;
    private Waiter signalsTail;
    /** Whether the receiver must be woken after unlocking; under {@link #lock}. */
    private boolean wakeReceiverPending;

    public BoundedMpscCore(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "capacity must be between 1 and " + MAX_CAPACITY + ", was " + capacity);
        }
        this.capacity = capacity;
        final int length = capacity == 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
        this.buffer = new Object[length];
        this.mask = length - 1;
    }

    public int capacity() {
        return capacity;
    }

    // ------------------------------------------------------------------ word fields

    private static long p(long w) {
        return w >>> P_SHIFT;
    }

    private static int r(long w) {
        return (int) ((w >>> R_SHIFT) & R_LOW_MASK);
    }

    /** Capacity in use given word {@code w} and a consumer index no newer than when w was read. */
    private static int used(long w, long c) {
        return (int) ((p(w) - c) & MOD) + r(w);
    }

    @Override
    boolean drained(long w, long c) {
        return p(w) == (c & MOD) && r(w) == 0;
    }

    @Override
    boolean available(long w, long c) {
        return p(w) != (c & MOD);
    }

    @Override
    int reserved(long w) {
        return r(w);
    }

    @Override
    public long length() {
        for (long c = lvConsumerIndex();;) {
            final long w = lvState();
            final long again = lvConsumerIndex();
            if (again == c) {
                // C held at the read of the word: (P - C) is the length at that instant
                return (p(w) - c) & MOD;
            }
            c = again; // a receive ran in between (possibly followed by sends): P - C could be a length never held
        }
    }

    /** Free capacity now (Tokio's {@code capacity()}): goes down on send and reserve, up on receive. */
    public int freeCapacity() {
        for (long c = lvConsumerIndex();;) {
            final long w = lvState();
            final long again = lvConsumerIndex();
            if (again == c) {
                return Math.max(0, capacity - used(w, c)); // exact at the read of the word, as in length()
            }
            c = again;
        }
    }

    /** acquire: pairs with the release store in {@link #refreshConsumerIndexCache()}. */
    private long laConsumerIndexCache() {
        return (long) CONSUMER_INDEX_CACHE.getAcquire(this);
    }

    /**
     * The admission check of trySend and tryReserve, given a word {@code w} and a consumer index
     * {@code c} read <em>before</em> it (so that {@code c <= P(w)}: every index the consumer has
     * passed was claimed by then). Returns {@link #FITS} if {@code n} units fit; {@link #FULL_NOW}
     * if the channel was full when {@code w} was read; otherwise a fresh consumer index with which
     * to repeat the check against a word read after it.
     * It reads the consumer's line only when {@code c} says full, and the verdict full needs two
     * equal reads of the consumer index around a word: then {@code used} was exact for that word.
     */
    private long admit(long w, long c, boolean fresh, int n) {
        if (used(w, c) + n <= capacity) {
            return FITS;
        }
        final long now = lvConsumerIndex();
        return fresh && now == c ? FULL_NOW : now;
    }

    /** admit()'s verdicts; a consumer index is never negative. */
    private static final long FITS = -1L;
    private static final long FULL_NOW = -2L;

    /** release: publishes the message (and what the sender wrote before sending it) to the consumer. */
    private void soSlot(long index, Object e) {
        SLOT.setRelease(buffer, (int) index & mask, e);
    }

    // ------------------------------------------------------------------ sending

    /** Non-blocking send: {@link #OK}, {@link #FULL} or {@link #CLOSED}. Allocates nothing. */
    public int trySend(E e) {
        long c = laConsumerIndexCache(); // before the word: see admit()
        boolean fresh = false;
        for (;;) {
            final long w = lvState();
            if ((w & (CLOSED_MASK | TX_WAITING)) != 0) {
                // SENDERS_GONE here: a send racing the close of its own handle (onSendersGone())
                return (w & CLOSED_MASK) != 0 ? CLOSED : FULL;
            }
            final long admitted = admit(w, c, fresh, 1);
            if (admitted != FITS) {
                if (admitted == FULL_NOW) {
                    return FULL;
                }
                c = admitted;
                fresh = true;
                continue;
            }
            if (casState(w, (w + P_ONE) & ~RX_WAITING)) {
                soSlot(p(w), e);
                if (fresh) {
                    updateConsumerIndexCache(c);
                }
                if ((w & RX_WAITING) != 0) {
                    wakeReceiver();
                }
                return OK;
            }
        }
    }

    /**
     * Shares a fresher consumer index with the other producers; written only after it showed
     * room, so that producers spinning on a full ring do not keep invalidating their line.
     * Release: a producer that reads the cache with acquire also sees the consumer's nulling of
     * the slots below it, which happened before the consumer's store of the index.
     */
    private void updateConsumerIndexCache(long c) {
        CONSUMER_INDEX_CACHE.setRelease(this, c);
    }

    /**
     * Sends through a reserved unit of capacity: moves it from R to P. Never fails, also after
     * the receiver closed. Returns whether the receiver must be woken (the caller does it).
     */
    private boolean enqueueReserved(Object e) {
        for (;;) {
            final long w = lvState();
            if (casState(w, (w + P_ONE - R_ONE) & ~RX_WAITING)) {
                soSlot(p(w), e);
                return (w & RX_WAITING) != 0;
            }
        }
    }

    /** A permit's send. */
    public void sendReserved(E e) {
        if (enqueueReserved(e)) {
            wakeReceiver();
        }
    }

    /** Non-blocking reservation of {@code n} units: {@link #OK}, {@link #FULL} or {@link #CLOSED}. */
    public int tryReserve(int n) {
        long c = laConsumerIndexCache(); // before the word: see admit()
        boolean fresh = false;
        for (;;) {
            final long w = lvState();
            if ((w & CLOSED_MASK) != 0) {
                return CLOSED;
            }
            if (n == 0) {
                return OK;
            }
            if ((w & TX_WAITING) != 0) {
                return FULL;
            }
            final long admitted = admit(w, c, fresh, n);
            if (admitted != FITS) {
                if (admitted == FULL_NOW) {
                    return FULL;
                }
                c = admitted;
                fresh = true;
                continue;
            }
            if (casState(w, w + n * R_ONE)) {
                if (fresh) {
                    updateConsumerIndexCache(c);
                }
                return OK;
            }
        }
    }

    /**
     * Blocking send: {@link #OK}, {@link #CLOSED} or {@link #TIMEOUT}; on CLOSED, TIMEOUT or an
     * interrupt the value was not sent.
     */
    public int send(E e, boolean timed, long timeoutNanos) throws InterruptedException {
        final int r = trySend(e);
        return r != FULL ? r : acquireSlow(e, 1, timed, timeoutNanos);
    }

    /** Blocking reservation of {@code n >= 1} units: {@link #OK}, {@link #CLOSED} or {@link #TIMEOUT}. */
    public int reserve(int n, boolean timed, long timeoutNanos) throws InterruptedException {
        final int r = tryReserve(n);
        return r != FULL ? r : acquireSlow(null, n, timed, timeoutNanos);
    }

    /** The waiting part of send and reserve; the deadline is computed here, once it must wait. */
    private int acquireSlow(Object e, int n, boolean timed, long timeoutNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (timed && timeoutNanos <= 0L) {
            return TIMEOUT;
        }
        final long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        final SpinPolicy spin = txSpin;
        final int spins = spin.budget();
        for (int i = 0; i < spins; i++) {
            SpinPolicy.spin(i);
            @SuppressWarnings("unchecked")
            final int r = e != null ? trySend((E) e) : tryReserve(n);
            if (r != FULL) {
                spin.succeeded();
                return r;
            }
            if (timed && (i & 63) == 63 && deadline - System.nanoTime() <= 0L) {
                return TIMEOUT;
            }
        }
        if (spins > 0) {
            spin.failed();
        }
        ParkingWaiter w = SEND_WAITER.get();
        if (w.inUse) {
            // This thread is already queued as a sender further up its stack: a continuation it
            // is running (an async completion) sends again. Use a waiter of its own.
            w = new ParkingWaiter();
        }
        w.rearm();
        w.inUse = true;
        try {
            return awaitGrant(w, e, n, timed, deadline);
        } finally {
            w.inUse = false;
            w.item = null;
        }
    }

    private int awaitGrant(ParkingWaiter w, Object e, int n, boolean timed, long deadline)
            throws InterruptedException {
        w.item = e;
        w.needed = n;
        w.assigned = 0;
        w.outcome = 0;
        if (!enqueue(w)) {
            return CLOSED;
        }
        final int r = w.await(timed, deadline);
        if (r != ParkingWaiter.COMPLETED) {
            if (w.tryCancel()) {
                withdraw(w);
                if (r == ParkingWaiter.INTERRUPTED) {
                    throw new InterruptedException();
                }
                return TIMEOUT;
            }
            // Claimed before we could withdraw: the operation took effect (or was rejected).
            w.awaitClaimed();
            if (r == ParkingWaiter.INTERRUPTED) {
                Thread.currentThread().interrupt(); // it succeeded: keep the interrupt for the caller
            }
        }
        return w.outcome == GRANTED ? OK : CLOSED;
    }

    /** Asynchronous send; the future completes when the value is in the ring. */
    public CompletableFuture<Void> sendAsync(E e, Executor executor) {
        final int r = trySend(e);
        if (r == OK) {
            return CompletableFuture.completedFuture(null);
        }
        if (r == CLOSED) {
            return CompletableFuture.failedFuture(closedFor(e));
        }
        final AsyncSend w = new AsyncSend(executor, e);
        if (!enqueue(w)) {
            return CompletableFuture.failedFuture(closedFor(e));
        }
        return w.future();
    }

    private static ChannelClosedException closedFor(Object e) {
        return new ChannelClosedException("the receiver is closed; the value was not sent", e);
    }

    /** The pending-future face of a send waiting for capacity. */
    private final class AsyncSend extends FutureWaiter<Void> {
        AsyncSend(Executor executor, Object e) {
            super(executor);
            item = e;
            needed = 1;
        }

        @Override
        protected void onComplete() {
            if (outcome == GRANTED) {
                succeed(null);
            } else {
                fail(closedFor(item));
            }
        }

        @Override
        protected void withdraw() {
            BoundedMpscCore.this.withdraw(this);
        }
    }

    // ------------------------------------------------------------------ the sender queue

    /** Queues a waiter for capacity; false if the receiver closed first. */
    private boolean enqueue(Waiter w) {
        lock.lock();
        try {
            if ((lvState() & CLOSED_MASK) != 0) {
                return false;
            }
            w.queued = true;
            w.prev = tail;
            if (tail == null) {
                head = w;
                // First half of the waiter's Dekker handshake with the consumer and with permit
                // releases: publish the flag (volatile), set TX_WAITING (atomic), then the
                // dispatch below re-reads the consumer index and the word.
                sendersWaiting = true;
                STATE.getAndBitwiseOr(this, TX_WAITING);
            } else {
                tail.next = w;
            }
            tail = w;
            dispatchLocked();
            return true;
        } finally {
            unlockAndSignal();
        }
    }

    /**
     * Queues a select case's waiter to send {@code e} once capacity is free: a dispatcher that
     * claims it (through its selector) enqueues {@code e} and marks it granted, exactly as for an
     * asynchronous send. Returns false, queueing nothing, if the receiver is closed.
     */
    boolean enqueueSelect(Waiter w, Object e) {
        w.item = e;
        w.needed = 1;
        w.assigned = 0;
        w.outcome = 0;
        if (!enqueue(w)) {
            w.item = null;
            return false;
        }
        return true;
    }

    /** Whether a claimed select send waiter's value was enqueued (else the channel closed). */
    static boolean granted(Waiter w) {
        return w.outcome == GRANTED;
    }

    /** Takes a cancelled waiter out of the queue and gives back what it had been assigned. */
    void withdraw(Waiter w) {
        lock.lock();
        try {
            if (w.queued) {
                unlink(w);
                releaseLocked(w);
                dispatchLocked();
            }
        } finally {
            unlockAndSignal();
        }
    }

    /**
     * Hands free capacity to the queue, oldest waiter first. A send waiter's value is enqueued
     * here, in queue order, before TX_WAITING can clear, so that a sender's messages keep their
     * order even when one of them waited asynchronously.
     */
    private void dispatchLocked() {
        for (Waiter n; (n = head) != null; ) {
            if (n.isCancelled()) {
                unlink(n); // its owner's withdraw() will find it unlinked
                releaseLocked(n);
                continue;
            }
            final long c = lvConsumerIndex(); // before the word, so that c <= P(w)
            final long w = lvState();
            if ((w & CLOSED_MASK) != 0) {
                return; // the closer rejects the whole queue
            }
            final int free = capacity - used(w, c);
            if (free <= 0) {
                return;
            }
            final int give = Math.min(free, n.needed - n.assigned);
            if (!casState(w, w + give * R_ONE)) {
                continue;
            }
            n.assigned += give;
            if (n.assigned < n.needed) {
                return; // the head holds part of its request; FIFO: nobody passes it
            }
            unlink(n);
            if (n.tryClaim()) {
                n.assigned = 0; // the units now belong to the waiter (or to its message)
                final Object item = n.item;
                if (item != null) {
                    n.item = null;
                    if (enqueueReserved(item)) {
                        wakeReceiverPending = true;
                    }
                }
                n.outcome = GRANTED;
                addSignal(n);
            } else {
                releaseLocked(n); // cancelled, or a select that was won elsewhere
            }
        }
        clearSendersWaiting();
    }

    private void clearSendersWaiting() {
        sendersWaiting = false;
        STATE.getAndBitwiseAnd(this, ~TX_WAITING);
    }

    private void unlink(Waiter n) {
        final Waiter prev = n.prev;
        final Waiter next = n.next;
        if (prev == null) {
            head = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.prev = prev;
        }
        n.prev = null;
        n.next = null;
        n.queued = false;
    }

    /** Gives back the units assigned to an unlinked waiter that will not use them. */
    private void releaseLocked(Waiter n) {
        final int units = n.assigned;
        n.assigned = 0;
        if (units > 0 && releaseUnits(units)) {
            wakeReceiverPending = true;
        }
    }

    /**
     * Returns {@code units} of reserved capacity. Returns whether the receiver must be woken: it
     * is, when it waits on a closed channel, which may have just become idle.
     */
    private boolean releaseUnits(int units) {
        for (;;) {
            final long w = lvState();
            final boolean wake = (w & RX_WAITING) != 0 && (w & CLOSED_MASK) != 0;
            final long nw = w - units * R_ONE;
            if (casState(w, wake ? nw & ~RX_WAITING : nw)) {
                return wake;
            }
        }
    }

    /** An unused permit (or the unused rest of a batch) goes back; freed capacity goes to the queue. */
    public void releasePermits(int units) {
        final boolean wake = releaseUnits(units);
        // The CAS above and this volatile read are the releaser's half of the Dekker handshake
        // with a sender that is queueing (see enqueue()).
        if (sendersWaiting) {
            lock.lock();
            try {
                dispatchLocked();
            } finally {
                unlockAndSignal();
            }
        }
        if (wake) {
            wakeReceiver();
        }
    }

    private void addSignal(Waiter n) {
        if (signalsTail == null) {
            signals = n;
        } else {
            signalsTail.next = n;
        }
        signalsTail = n;
    }

    /**
     * Unlocks, then completes the waiters claimed under the lock, in claim order, and wakes the
     * receiver if due. Parked threads are released first, then the receiver, then futures:
     * waking an async receive or completing a future runs continuations, which may take long, and
     * must not hold up senders granted before them.
     */
    private void unlockAndSignal() {
        Waiter s = signals;
        signals = null;
        signalsTail = null;
        final boolean wake = wakeReceiverPending;
        wakeReceiverPending = false;
        lock.unlock();
        if (s == null) {
            if (wake) {
                wakeReceiver();
            }
            return;
        }
        // Split into parked threads and futures, keeping claim order; nothing is completed yet,
        // so no owner can be reusing a waiter (and its next link) while we relink them.
        Waiter parked = null;
        Waiter parkedTail = null;
        Waiter futures = null;
        Waiter futuresTail = null;
        while (s != null) {
            final Waiter next = s.next;
            s.next = null;
            if (s instanceof ParkingWaiter) {
                if (parkedTail == null) {
                    parked = s;
                } else {
                    parkedTail.next = s;
                }
                parkedTail = s;
            } else {
                if (futuresTail == null) {
                    futures = s;
                } else {
                    futuresTail.next = s;
                }
                futuresTail = s;
            }
            s = next;
        }
        completeAll(parked);
        // Waking an async receive or completing a future runs continuations: after the parked
        // senders are released.
        if (wake) {
            wakeReceiver();
        }
        completeAll(futures);
    }

    /** Completes a list of claimed waiters; each link is read and cleared before its waiter completes. */
    private static void completeAll(Waiter s) {
        while (s != null) {
            final Waiter next = s.next;
            s.next = null;
            s.complete();
            s = next;
        }
    }

    @Override
    void onSendersGone() {
        onReceiverClosed(); // the same: reject whatever is queued
    }

    @Override
    void onReceiverClosed() {
        lock.lock();
        try {
            for (Waiter n; (n = head) != null; ) {
                unlink(n);
                releaseLocked(n);
                if (n.tryClaim()) {
                    n.outcome = REJECTED;
                    addSignal(n);
                }
            }
            clearSendersWaiting();
        } finally {
            unlockAndSignal();
        }
    }

    // ------------------------------------------------------------------ receiving

    @Override
    @SuppressWarnings("unchecked")
    public E poll() {
        final long c = lpConsumerIndex(); // plain: only the consumer writes it
        final Object e = peekAt(c);
        if (e != null) {
            consume(c);
        }
        return (E) e;
    }

    @Override
    @SuppressWarnings("unchecked")
    public E peek() {
        return (E) peekAt(lpConsumerIndex()); // plain: only the consumer writes it
    }

    @Override
    public void skip() {
        consume(lpConsumerIndex()); // plain: only the consumer writes it
    }

    @Override
    boolean headFilled() {
        // plain index: consumer only; acquire slot: pairs with the producer's release store
        return SLOT.getAcquire(buffer, (int) lpConsumerIndex() & mask) != null;
    }

    /** The message at consumer index {@code c}, or null if no producer has claimed {@code c}. */
    private Object peekAt(long c) {
        final Object[] buffer = this.buffer;
        final int i = (int) c & mask;
        final Object e = SLOT.getAcquire(buffer, i); // acquire: pairs with the producer's release store
        if (e != null) {
            return e;
        }
        if (p(lvState()) == (c & MOD)) {
            return null; // no producer has claimed index c: empty
        }
        return awaitSlot(buffer, i); // claimed, not yet written: never report a spurious empty
    }

    /** Takes the message at {@code c} out of the ring: its slot's capacity goes back. */
    private void consume(long c) {
        SLOT.set(buffer, (int) c & mask, null); // plain: ordered before the store of the index below, which producers read before reusing the slot
        CONSUMER_INDEX.setVolatile(this, c + 1); // volatile, not release: the consumer's half of the Dekker handshake with queued senders
        if (sendersWaiting) {
            dispatchFromConsumer();
        }
    }

    private void dispatchFromConsumer() {
        lock.lock();
        try {
            dispatchLocked();
        } finally {
            unlockAndSignal();
        }
    }

    private static Object awaitSlot(Object[] buffer, int i) {
        Object e;
        for (int spin = 0; (e = SLOT.getAcquire(buffer, i)) == null; spin++) {
            SpinPolicy.spin(spin);
        }
        return e;
    }

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    /**
     * Each thread's reusable waiter for blocking sends and reservations, so that a sender that
     * parks allocates nothing. Reuse is safe because a queued waiter is claimed only under the
     * queue lock while it is linked, and the owner reuses it only after it was unlinked and is
     * DONE or CANCELLED; a late {@code complete()} by a dispatcher after that only unparks this
     * same thread spuriously. A thread waits in one channel at a time.
     */
    private static final ThreadLocal<ParkingWaiter> SEND_WAITER = ThreadLocal.withInitial(ParkingWaiter::new);
}
