package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The shared state of a broadcast channel: a lock-free ring of sequence-stamped slots that many
 * senders write and many receivers read, each receiver with its own cursor (Tokio's
 * {@code tokio::sync::broadcast}).
 *
 * <h2>Layout</h2>
 * <pre>
 *   tail word:  [ next position to claim : 63 bits | CLOSED : 1 bit ]      (senders getAndAdd 2)
 *
 *   ring (L = capacity, a power of two; position p lives in slot p &amp; (L-1)):
 *   +--------------------+--------------------+-----+
 *   | seq | value        | seq | value        | ... |
 *   +--------------------+--------------------+-----+
 *   seq = 2p + 2   the slot holds the value of position p
 *   seq = 2p + 1   the value of position p is being written
 *   initially slot i holds "position i - L" (seq 2(i - L) + 2), i.e. nothing
 * </pre>
 *
 * <h2>Send</h2>
 * A sender claims position p with one {@code getAndAdd} on the tail word, waits until its slot
 * holds position p - L (only if a sender L positions behind has not finished writing: a sender
 * never waits for receivers), marks the slot busy, writes the value, and publishes {@code 2p + 2}
 * with a release store. It then reads the wait-list head and wakes the waiting receivers.
 *
 * <h2>Receive (a seqlock read)</h2>
 * A receiver at cursor {@code next} reads its slot's seq (acquire), the value, and the seq again
 * after a load-load fence. Equal to {@code 2 next + 2} both times: the value is position
 * {@code next}'s, unless the tail, read next, shows that position {@code next + L} or a later one
 * has been claimed: then a send that claimed this slot has not marked it yet, but a later send may
 * already have returned, and the receiver reports the lag as below rather than return a value every
 * order of those sends overwrote. Larger: the slot was overwritten, the receiver lagged; it reads the tail and
 * jumps to the oldest retained position {@code tail - L}, reporting {@code tail - L - next}
 * missed values (at least one, since position {@code next + L} was claimed). Smaller: not written
 * yet; if the tail says the position was claimed, the send is in flight and the receiver spins
 * the few instructions until it is published, so a receive never reports a spurious empty;
 * otherwise the channel is empty (or ended, if the tail word is CLOSED).
 *
 * <h2>Waiting</h2>
 * A receiver pushes a node on the wait list (sequentially consistent) and re-reads the tail; a
 * sender's {@code getAndAdd} of the tail comes before its read of the list head. Either the
 * receiver sees the claimed position (and spins until it is published), or the sender sees the
 * waiter and wakes it. A send with nobody waiting costs one volatile read of the head.
 *
 * <h2>Reachability of values</h2>
 * A value stays referenced by its slot until L later sends overwrite it (or the channel is
 * collected): unlike Tokio, which counts readers per slot, nothing is cleared when every receiver
 * has read it (that would cost an atomic operation per receive). Values that hold large resources
 * should go through a channel of small capacity.
 *
 * <h2>Linearization points</h2>
 * Send: its {@code getAndAdd} of the tail (the value is then visible to a receive once published;
 * receives that see the claim wait for it). Receive: the tail read after the seqlock read (a value
 * whose slot no claim has reached yet), or the tail read that found it empty, ended or lagged. Close: the {@code getAndBitwiseOr} setting
 * CLOSED.
 *
 * <h2>What does not hold</h2>
 * {@link #tailPosition()} counts claimed positions, some perhaps not yet published. A send racing
 * the close of its own (last) sender handle, a misuse, may publish after receivers saw the end.
 *
 * @param <T> the value type
 */
public final class BroadcastCore<T> extends BroadcastPad1 {
    /** The largest capacity: 2<sup>30</sup>. */
    public static final int MAX_CAPACITY = 1 << 30;

    static final long CLOSED = 1L;

    /** Outcome of {@link BroadcastCursor#poll()}: nothing to receive now. Never reaches a user. */
    static final Object EMPTY = new Object();
    /** Outcome of {@link BroadcastCursor#poll()}: end of stream. Never reaches a user. */
    static final Object END = new Object();
    /** Outcome of {@link BroadcastCursor#poll()}: the receiver lagged. Never reaches a user. */
    static final Object LAGGED = new Object();

    /** One slot of the ring. */
    static final class Slot {
        /** See the class comment: 2p + 2 when holding position p, 2p + 1 while being written. */
        volatile long seq;
        /** plain: written between the busy mark and the release of seq; readers validate by seq. */
        Object value;

        Slot(long seq) {
            this.seq = seq;
        }
    }

    final Slot[] ring;
    final int mask;
    final int capacity;

    /** The receivers, for {@link #len()}; copy-on-write, replaced by CAS on subscribe and close. */
    private volatile BroadcastCursor<?>[] receivers = new BroadcastCursor<?>[0];

    public BroadcastCore(int requested, int receivers) {
        super(1, receivers);
        if (requested < 1 || requested > MAX_CAPACITY) {
            throw new IllegalArgumentException("broadcast capacity must be between 1 and " + MAX_CAPACITY
                    + ", was " + requested);
        }
        final int l = requested == 1 ? 1 : Integer.highestOneBit(requested - 1) << 1;
        this.capacity = l;
        this.mask = l - 1;
        this.ring = new Slot[l];
        for (int i = 0; i < l; i++) {
            ring[i] = new Slot(written(i - l));
        }
    }

    static long written(long pos) {
        return 2 * pos + 2;
    }

    static long busy(long pos) {
        return 2 * pos + 1;
    }

    public int capacity() {
        return capacity;
    }

    // ------------------------------------------------------------------ accessors

    final long lvTail() {
        return tail;
    }

    /** The number of positions claimed so far (the sent count). */
    public long tailPosition() {
        return tail >>> 1;
    }

    public boolean isClosed() {
        return (tail & CLOSED) != 0;
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends {@code value}; returns the receiver count it was sent to, or 0 if there was no
     * receiver (then nothing was stored).
     */
    public int send(T value) {
        final int receivers = receiverCount();
        if (receivers == 0) {
            return 0;
        }
        final long pos = (long) TAIL.getAndAdd(this, 2L) >>> 1; // the claim (sequentially consistent)
        final Slot s = ring[(int) pos & mask];
        final long previous = written(pos - capacity);
        if (s.seq != previous) {
            awaitPreviousWriter(s, previous);
        }
        // release: a receiver that sees the busy mark also sees our claim of the tail (its lag
        // count reads the tail); the fence then keeps the mark before the value (seqlock write)
        SEQ.setRelease(s, busy(pos));
        VarHandle.storeStoreFence();
        s.value = value; // plain: published by the release store below
        SEQ.setRelease(s, written(pos)); // release: publishes the value
        waiters.wakeAll(); // a volatile read of the head; ordered after the claim above
        return receivers;
    }

    /** A sender L positions behind has claimed this slot but not yet published: wait for it. */
    private static void awaitPreviousWriter(Slot s, long previous) {
        for (int i = 0; s.seq != previous; i++) {
            SpinPolicy.spin(i);
        }
    }

    @Override
    protected void onSendersGone() {
        TAIL.getAndBitwiseOr(this, CLOSED); // sequentially consistent, then the head read
        waiters.wakeAll();
    }

    // ------------------------------------------------------------------ receivers

    /** Counts a new receiver (subscribe, resubscribe); its cursor then starts at the tail. */
    public void subscribeCount() {
        addReceiver();
    }

    /** Adds a receiver's cursor to the registry that {@link #len()} reads. */
    final void track(BroadcastCursor<?> cursor) {
        for (;;) {
            final BroadcastCursor<?>[] old = receivers;
            final BroadcastCursor<?>[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = cursor;
            if (RECEIVERS.compareAndSet(this, old, grown)) {
                return;
            }
        }
    }

    final void unsubscribe(BroadcastCursor<?> cursor) {
        for (;;) {
            final BroadcastCursor<?>[] old = receivers;
            int i = 0;
            while (i < old.length && old[i] != cursor) {
                i++;
            }
            if (i == old.length) {
                return;
            }
            final BroadcastCursor<?>[] shrunk = new BroadcastCursor<?>[old.length - 1];
            System.arraycopy(old, 0, shrunk, 0, i);
            System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
            if (RECEIVERS.compareAndSet(this, old, shrunk)) {
                dropReceiver();
                return;
            }
        }
    }

    /**
     * The number of retained values that some receiver has not read yet (Tokio's
     * {@code Sender::len}): an estimate under concurrent receives.
     */
    public long len() {
        final long t = tailPosition();
        final long oldest = Math.max(0L, t - capacity);
        long min = t;
        for (BroadcastCursor<?> c : receivers) {
            min = Math.min(min, Math.max(oldest, c.position()));
        }
        return t - min;
    }

    private static final VarHandle TAIL;
    private static final VarHandle RECEIVERS;
    static final VarHandle SEQ;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(BroadcastTail.class, "tail", long.class);
            RECEIVERS = l.findVarHandle(BroadcastCore.class, "receivers", BroadcastCursor[].class);
            SEQ = l.findVarHandle(Slot.class, "seq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

/** 144 bytes of padding (128 and what field packing may move into alignment gaps) between the shared base's fields and the tail. */
abstract class BroadcastPad0 extends FanOutCore {
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
    byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
    byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
    byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
    byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;
    byte p128, p129, p130, p131, p132, p133, p134, p135, p136, p137, p138, p139, p140, p141, p142, p143;
    BroadcastPad0(int senders, int receivers) {
        super(senders, receivers);
    }
}

/** The tail word, which every send RMWs, on a line of its own. */
abstract class BroadcastTail extends BroadcastPad0 {
    /** Next position (bits 1..63) and CLOSED (bit 0); volatile, getAndAdd by senders. */
    volatile long tail;

    BroadcastTail(int senders, int receivers) {
        super(senders, receivers);
    }
}

/** 144 bytes of padding after the tail (see {@link BroadcastPad0}). */
abstract class BroadcastPad1 extends BroadcastTail {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
    byte q128, q129, q130, q131, q132, q133, q134, q135, q136, q137, q138, q139, q140, q141, q142, q143;
    BroadcastPad1(int senders, int receivers) {
        super(senders, receivers);
    }
}
