package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The unbounded mpsc ring: a linked list of fixed-size chunks, one CAS per send, no
 * read-modify-write per receive.
 *
 * <h2>Layout</h2>
 * <pre>
 *  state (one long, CASed by producers):
 *   63                                                 4 3     0
 *  +----------------------------------------------------+-------+
 *  | P: producer index (60 bits)                        | flags |
 *  +----------------------------------------------------+-------+
 *
 *  chunk(base) --next--&gt; chunk(base + CHUNK) --next--&gt; ...
 *    message i lives in the chunk whose base is i - i % CHUNK, at slot i % CHUNK
 * </pre>
 * A producer reads {@code producerChunk} <em>before</em> its CAS claims index p. Every chunk that
 * {@code producerChunk} ever points to was installed by a producer that had already claimed an
 * index inside it, so the chunk read before the claim has a base no greater than p, and the
 * producer walks forward from it, linking a new chunk with a CAS where none exists yet. The
 * consumer walks the same list; chunks behind both ends become garbage.
 *
 * <h2>Linearization points</h2>
 * Send: the CAS of {@code state}. Receive: the read of a non-null slot, or of P == C when empty.
 * Close: the CAS setting RX_CLOSED, ordered with every send by the same word.
 *
 * <p>No sender ever waits here, so the consumer publishes its index with a release store: there is
 * no Dekker handshake with senders to take part in.
 *
 * @param <E> the message type
 */
public final class UnboundedMpscCore<E> extends MpscCore<E> {
    static final int CHUNK = 512;
    private static final long P_ONE = 1L << FLAG_BITS;

    public static final int OK = 0;
    public static final int CLOSED = 2;

    static final class Chunk {
        final long base;
        final Object[] slots = new Object[CHUNK];
        volatile Chunk next;

        Chunk(long base) {
            this.base = base;
        }
    }

    public UnboundedMpscCore() {
        final Chunk first = new Chunk(0);
        producerChunk = first;
        consumerChunk = first;
    }

    private static long p(long w) {
        return w >>> FLAG_BITS;
    }

    @Override
    boolean drained(long w, long c) {
        return p(w) == c;
    }

    @Override
    boolean available(long w, long c) {
        return p(w) != c;
    }

    @Override
    int reserved(long w) {
        return 0;
    }

    @Override
    public long length() {
        for (long c = lvConsumerIndex();;) {
            final long w = lvState();
            final long again = lvConsumerIndex();
            if (again == c) {
                // C held at the read of the word: P - C is the length at that instant
                return p(w) - c;
            }
            c = again; // a receive ran in between (possibly followed by sends): P - C could be a length never held
        }
    }

    @Override
    void onReceiverClosed() {
        // nobody waits to send into an unbounded channel
    }

    @Override
    void onSendersGone() {
        // nobody waits to send into an unbounded channel
    }

    /** Sends: {@link #OK} or {@link #CLOSED}. */
    public int send(E e) {
        for (;;) {
            final long w = lvState();
            if ((w & CLOSED_MASK) != 0) {
                return CLOSED; // SENDERS_GONE here: a send racing the close of its own handle
            }
            final Chunk chunk = (Chunk) producerChunk; // volatile, and before the CAS: see the class comment
            if (casState(w, (w + P_ONE) & ~RX_WAITING)) {
                final long p = p(w);
                final Chunk target = chunkFor(chunk, p);
                // release: publishes the message (and what the sender wrote before sending) to the consumer
                SLOT.setRelease(target.slots, (int) (p - target.base), e);
                if ((w & RX_WAITING) != 0) {
                    wakeReceiver();
                }
                return OK;
            }
        }
    }

    private Chunk chunkFor(Chunk from, long p) {
        Chunk chunk = from;
        while (p >= chunk.base + CHUNK) {
            Chunk next = chunk.next;
            if (next == null) {
                final Chunk created = new Chunk(chunk.base + CHUNK);
                final Chunk witness = (Chunk) NEXT.compareAndExchange(chunk, null, created);
                next = witness == null ? created : witness;
            }
            chunk = next;
        }
        if (chunk != from) {
            advanceProducerChunk(chunk);
        }
        return chunk;
    }

    private void advanceProducerChunk(Chunk to) {
        for (;;) {
            final Chunk current = (Chunk) producerChunk;
            if (current.base >= to.base || PRODUCER_CHUNK.compareAndSet(this, current, to)) {
                return;
            }
        }
    }

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
        final long c = lpConsumerIndex(); // plain: consumer only
        final Chunk chunk = (Chunk) consumerChunk; // plain: consumer only
        final int offset = (int) (c - chunk.base);
        // at a chunk boundary the next chunk may not be linked yet: let the caller do the full check
        return offset == CHUNK || SLOT.getAcquire(chunk.slots, offset) != null; // acquire: as in peekAt()
    }

    /**
     * The message at consumer index {@code c}, or null if no producer has claimed {@code c}.
     * Moves {@code consumerChunk} to the chunk holding {@code c} (idempotent).
     */
    private Object peekAt(long c) {
        Chunk chunk = (Chunk) consumerChunk; // plain: consumer only
        int offset = (int) (c - chunk.base);
        if (offset == CHUNK) {
            Chunk next = chunk.next;
            if (next == null) {
                if (p(lvState()) == c) {
                    return null;
                }
                for (int spin = 0; (next = chunk.next) == null; spin++) {
                    SpinPolicy.spin(spin); // index c is claimed; its producer is linking the chunk
                }
            }
            consumerChunk = chunk = next; // plain: consumer only
            offset = 0;
        }
        final Object[] slots = chunk.slots;
        Object e = SLOT.getAcquire(slots, offset); // acquire: pairs with the producer's release store
        if (e == null) {
            if (p(lvState()) == c) {
                return null; // nothing claimed at c: empty
            }
            for (int spin = 0; (e = SLOT.getAcquire(slots, offset)) == null; spin++) {
                SpinPolicy.spin(spin); // claimed, not yet written: never report a spurious empty
            }
        }
        return e;
    }

    /** Takes the message at {@code c} (already peeked, so its chunk is consumerChunk). */
    private void consume(long c) {
        final Chunk chunk = (Chunk) consumerChunk; // plain: consumer only
        SLOT.set(chunk.slots, (int) (c - chunk.base), null); // plain: only lets the message be collected; no producer reuses the slot
        CONSUMER_INDEX.setRelease(this, c + 1); // release: no sender waits on it (see the class comment)
    }

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle NEXT;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            NEXT = l.findVarHandle(Chunk.class, "next", Chunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
