package dev.channels.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free set of waiters that are all woken together: the receivers of a broadcast or watch
 * channel waiting for the next change, the waiting side of "notify all".
 *
 * <h2>Structure</h2>
 * A Treiber stack of {@link Node}s, a fresh node per registration. A waiter that wants to wait
 * pushes a node, then re-checks its condition. A notifier first publishes its change with a
 * sequentially consistent operation, then reads {@link #head}: if it is non-null it detaches the
 * whole stack with one {@code getAndSet(null)} and claims and completes every waiter on it. Either
 * the waiter's re-check sees the change, or the notifier's read of {@code head} sees the waiter's
 * push (both first steps are sequentially consistent: a Dekker handshake). A notifier that finds
 * the stack empty pays one volatile read on a line that only waiters write.
 *
 * <h2>Withdrawn waiters</h2>
 * A waiter that withdraws (timeout, interrupt, cancelled future) pops its node if it is still the
 * head; otherwise the node stays behind as garbage and is counted. Once the count reaches
 * {@link #GARBAGE_LIMIT} and half the number of live nodes found by the last sweep, the
 * withdrawing thread sweeps: it walks the stack and unlinks, in place, every node whose waiter is
 * cancelled or has registered again since (its {@link Waiter#registration} is a newer node). The
 * sweep wakes nobody and claims nothing: a live waiter is never disturbed. Unlinking only changes a
 * {@code next} pointer to skip garbage nodes, and never the {@code next} of the skipped nodes, so a
 * notifier traversing a chain it detached concurrently still reaches every live node; nodes are
 * only ever inserted at the head, so a skip never jumps over a live node. The cost is amortised
 * constant per withdrawal, and at most about as many garbage nodes as live ones (or
 * {@code GARBAGE_LIMIT}) stay reachable.
 *
 * <h2>What does not hold</h2>
 * Waiters may be woken spuriously (by a change that another waiter consumed, or by a notifier that
 * detached a node superseded by a newer registration of the same waiter); every waiter re-checks
 * its condition. {@link #hasWaiters()} is a snapshot.
 */
public final class WaitList extends WaitListPad1 {
    /** The least number of withdrawn nodes tolerated in the stack before a sweep. */
    static final int GARBAGE_LIMIT = 64;

    /** One registration of a waiter. */
    public static final class Node {
        final Waiter waiter;
        /** Written before the push publishes the node; later only by sweeps, to skip garbage. */
        volatile Node next;

        Node(Waiter waiter) {
            this.waiter = waiter;
        }

        /** Garbage: the waiter withdrew, or registered again with a newer node. */
        boolean isGarbage() {
            return waiter.isCancelled() || waiter.registration != this;
        }
    }

    public WaitList() {
    }

    /**
     * Registers {@code w}: pushes a fresh node for it (sequentially consistent) and makes it the
     * waiter's current registration. The caller then re-checks its condition before it waits.
     *
     * @return the node, to be passed to {@link #withdrawn(Node)} if the waiter withdraws
     */
    public Node push(Waiter w) {
        final Node n = new Node(w);
        w.registration = n; // volatile store: read by sweeps
        for (;;) {
            final Node h = head;
            NEXT.set(n, h); // plain: published by the CAS below
            if (HEAD.compareAndSet(this, h, n)) {
                return n;
            }
        }
    }

    /** Whether anybody may be waiting; a volatile read, the notifier's half of the handshake. */
    public boolean hasWaiters() {
        return head != null;
    }

    /**
     * Wakes every registered waiter. Call after publishing the change with a sequentially
     * consistent operation; cheap when nobody waits.
     */
    public void wakeAll() {
        if (head != null) {
            Node n = (Node) HEAD.getAndSet(this, null);
            while (n != null) {
                final Node next = n.next;
                final Waiter w = n.waiter;
                w.wakeRequested = true; // volatile, before the claim: see Waiter#wakeRequested
                if (w.tryClaim()) {
                    w.complete();
                }
                n = next;
            }
        }
    }

    /**
     * Called by the owner of {@code n}'s waiter after it withdrew the waiter (its
     * {@link Waiter#tryCancel()} succeeded, or it will register again), so that the node does not
     * stay reachable: pops it if it is the head, or counts it and sweeps once enough garbage may
     * have built up.
     */
    public void withdrawn(Node n) {
        if (n == null) {
            return;
        }
        // No ABA: nodes are never pushed twice, so head == n means n is still on top.
        if (head == n && HEAD.compareAndSet(this, n, n.next)) {
            return;
        }
        final int g = (int) GARBAGE.getAndAdd(this, 1) + 1;
        // Sweep once the garbage may outnumber what is left alive since the last sweep (each
        // withdrawal takes one node from the live and adds one to the garbage): the sweeps' work
        // is then amortised over the withdrawals, and garbage never exceeds the live nodes by
        // much, nor GARBAGE_LIMIT when nothing is left alive.
        if (g >= GARBAGE_LIMIT && 2 * g >= liveAtSweep) {
            sweep();
        }
    }

    /**
     * Gives up {@code w}'s current registration for good (the waiter finished, or withdrew from a
     * select): its node, if any, becomes garbage that a sweep may unlink. Called by the owner of
     * {@code w}.
     */
    public void deregister(Waiter w) {
        final Node n = w.registration;
        if (n != null) {
            w.registration = null; // volatile: a sweep now sees the node as superseded
            withdrawn(n);
        }
    }

    /** Unlinks the garbage nodes; see the class comment. One sweeper at a time. */
    private void sweep() {
        if (!SWEEPING.compareAndSet(this, 0, 1)) {
            return;
        }
        try {
            garbage = 0;
            Node h;
            while ((h = head) != null && h.isGarbage() && HEAD.compareAndSet(this, h, h.next)) {
                // popped a garbage head
            }
            int live = 0;
            Node prev = head;
            if (prev != null) {
                live++;
                Node cur = prev.next;
                while (cur != null) {
                    if (cur.isGarbage()) {
                        cur = cur.next;
                        prev.next = cur; // volatile store: skips the garbage node, keeps its own next
                    } else {
                        live++;
                        prev = cur;
                        cur = cur.next;
                    }
                }
            }
            liveAtSweep = live; // plain: read racily by withdrawn(), only a trigger
        } finally {
            sweeping = 0;
        }
    }

    private static final VarHandle HEAD;
    private static final VarHandle GARBAGE;
    private static final VarHandle SWEEPING;
    private static final VarHandle NEXT;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(WaitListHead.class, "head", Node.class);
            GARBAGE = l.findVarHandle(WaitListHead.class, "garbage", int.class);
            SWEEPING = l.findVarHandle(WaitListHead.class, "sweeping", int.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

/** 128 bytes of padding before the head: notifiers read it on every change, only waiters write it. */
abstract class WaitListPad0 {
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
    byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
    byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
    byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
    byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;
}

abstract class WaitListHead extends WaitListPad0 {
    /** Top of the stack; volatile: the waiter's push and the notifier's read form the handshake. */
    volatile WaitList.Node head;
    /** Withdrawn nodes that may still be in the stack (an estimate). */
    volatile int garbage;
    /** 1 while a thread sweeps. */
    volatile int sweeping;
    /** Live nodes found by the last sweep; plain: a heuristic, written by sweeps only. */
    int liveAtSweep;
}

/** 128 bytes of padding after the head. */
abstract class WaitListPad1 extends WaitListHead {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
}
