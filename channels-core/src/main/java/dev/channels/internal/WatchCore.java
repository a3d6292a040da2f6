package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The shared state of a watch channel: one current value with a version, many readers, many
 * writers (Tokio's {@code tokio::sync::watch}).
 *
 * <h2>State</h2>
 * {@link #current} is an immutable {@link Version} (value, version number), replaced as a whole by
 * every notifying write. Reading is one volatile load, with no lock and no allocation, and a reader
 * always sees a value together with its own version; writers never wait for readers. Writers CAS
 * the reference: a {@code sendModify} computes the new value from the one it read and retries if
 * another write came first, so concurrent modifications compose and none is lost (its function
 * may therefore run more than once, as with {@code AtomicReference.updateAndGet}). Each write
 * allocates one small {@code Version}.
 *
 * <h2>Closing</h2>
 * {@link #closed} is set when the last strong sender closes. A receiver reads {@code closed}
 * <em>before</em> {@code current}: a value written before the close is then always seen before
 * the close is reported (Tokio's "changed() still reports an unseen value first").
 *
 * <h2>Waiting</h2>
 * Receivers wait in the {@link FanOutCore#waiters} list. A writer's CAS (sequentially consistent)
 * comes before its read of the list head, and a receiver pushes its node before it re-reads
 * {@code current}: a Dekker handshake, so a change is never missed and a write with nobody
 * waiting costs one extra volatile read.
 *
 * <h2>Linearization points</h2>
 * A write: its CAS of {@code current}. A read ({@code borrow}, {@code changed}): its load of
 * {@code current}. Close: the store of {@code closed}.
 *
 * <h2>Differences from Tokio</h2>
 * Values are replaced, not modified in place (Java readers hold references without a lock), so
 * {@code sendModify} and {@code sendIfModified} take functions from the old value to the new one;
 * {@code sendIfModified} treats "returned the same reference" as "not modified". A function that
 * throws changes nothing. There is no silent modification.
 *
 * @param <T> the value type
 */
public final class WatchCore<T> extends FanOutCore {
    /** The first version number; {@link #UNSEEN} is below every real version. */
    static final long FIRST_VERSION = 0L;
    /** A receiver's seen version after {@code markChanged()}: differs from every version. */
    public static final long UNSEEN = -1L;

    /** A value with its version; immutable. */
    public static final class Version<T> {
        public final T value;
        public final long version;

        Version(T value, long version) {
            this.value = value;
            this.version = version;
        }
    }

    private volatile Version<T> current;
    /** Set once, when the last strong sender closed; volatile: read by receivers before current. */
    private volatile boolean closed;

    public WatchCore(T initial, int receivers) {
        super(1, receivers);
        this.current = new Version<>(initial, FIRST_VERSION);
    }

    public Version<T> current() {
        return current;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    protected void onSendersGone() {
        closed = true; // volatile store, then the list read: a waiter either sees it or is woken
        waiters.wakeAll();
    }

    /** Stores {@code value} as the new version and wakes the receivers; returns the previous version. */
    public Version<T> replace(T value) {
        for (;;) {
            final Version<T> old = current;
            if (CURRENT.compareAndSet(this, old, new Version<>(value, old.version + 1))) {
                waiters.wakeAll(); // after the CAS: the writer's half of the handshake
                return old;
            }
        }
    }

    /**
     * Applies {@code f} to the current value and stores its result (not null) as a new version,
     * retrying if another write came first. If {@code onlyIfChanged} and {@code f} returns its
     * argument, nothing is stored and null is returned.
     */
    public Version<T> modify(UnaryOperator<T> f, boolean onlyIfChanged) {
        for (;;) {
            final Version<T> old = current;
            final T value = Objects.requireNonNull(f.apply(old.value), "the modify function returned null");
            if (onlyIfChanged && value == old.value) {
                return null;
            }
            final Version<T> next = new Version<>(value, old.version + 1);
            if (CURRENT.compareAndSet(this, old, next)) {
                waiters.wakeAll();
                return next;
            }
        }
    }

    /** Adds a receiver (subscribe, duplicate of a receiver); reopens a channel that had none. */
    public void subscribe() {
        addReceiver();
    }

    public void unsubscribe() {
        dropReceiver();
    }

    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(WatchCore.class, "current", Version.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
