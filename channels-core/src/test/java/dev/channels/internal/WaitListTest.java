package dev.channels.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notify-all wait list: wake-ups, withdrawal, and the bound on what withdrawn waiters leave behind. */
class WaitListTest {
    /** A waiter that counts its completions. */
    static final class CountingWaiter extends Waiter {
        int completions;

        @Override
        protected void onComplete() {
            completions++;
        }
    }

    private static int reachable(WaitList list) {
        int n = 0;
        for (WaitList.Node node = list.head; node != null; node = node.next) {
            n++;
        }
        return n;
    }

    @Test
    void wakeAllCompletesEveryRegisteredWaiterOnceAndEmptiesTheList() {
        final WaitList list = new WaitList();
        final List<CountingWaiter> waiters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            final CountingWaiter w = new CountingWaiter();
            waiters.add(w);
            list.push(w);
        }
        assertTrue(list.hasWaiters());
        list.wakeAll();
        assertFalse(list.hasWaiters());
        for (CountingWaiter w : waiters) {
            assertEquals(1, w.completions);
            assertTrue(w.isDone());
        }
        list.wakeAll();
        for (CountingWaiter w : waiters) {
            assertEquals(1, w.completions, "a waiter is completed once");
        }
    }

    @Test
    void wakeAllSkipsCancelledWaiters() {
        final WaitList list = new WaitList();
        final CountingWaiter live = new CountingWaiter();
        final CountingWaiter cancelled = new CountingWaiter();
        list.push(live);
        list.push(cancelled);
        assertTrue(cancelled.tryCancel());
        list.wakeAll();
        assertEquals(1, live.completions);
        assertEquals(0, cancelled.completions);
    }

    @Test
    void aWithdrawnHeadIsPoppedAtOnce() {
        final WaitList list = new WaitList();
        final CountingWaiter below = new CountingWaiter();
        list.push(below);
        for (int i = 0; i < 1_000_000; i++) {
            final CountingWaiter w = new CountingWaiter();
            final WaitList.Node n = list.push(w);
            assertTrue(w.tryCancel());
            list.withdrawn(n);
        }
        assertEquals(1, reachable(list), "only the live waiter stays");
        assertEquals(0, below.completions, "popping the head does not disturb the others");
    }

    @Test
    void withdrawnNodesBelowTheHeadAreBoundedBySweeps() {
        final WaitList list = new WaitList();
        final CountingWaiter top = new CountingWaiter();
        final List<WaitList.Node> buried = new ArrayList<>();
        final List<CountingWaiter> buriedWaiters = new ArrayList<>();
        int max = 0;
        for (int round = 0; round < 10_000; round++) {
            final CountingWaiter w = new CountingWaiter();
            buried.add(list.push(w));
            buriedWaiters.add(w);
            if (round == 0) {
                list.push(top); // keeps the later withdrawals from being plain pops... until a sweep
            }
            // withdraw the oldest buried node, which is never the head
            final CountingWaiter old = buriedWaiters.remove(0);
            final WaitList.Node oldNode = buried.remove(0);
            if (old.tryCancel()) {
                list.withdrawn(oldNode);
            }
            max = Math.max(max, reachable(list));
        }
        assertTrue(max <= WaitList.GARBAGE_LIMIT + 2,
                "withdrawn nodes must not pile up: up to " + max + " nodes were reachable");
        assertEquals(0, top.completions, "a sweep wakes nobody");
        assertFalse(top.isCancelled() || top.isDone(), "a sweep leaves a live waiter waiting");
    }

    @Test
    void aWaiterThatRegistersAgainLeavesItsOldNodesToTheSweep() {
        final WaitList list = new WaitList();
        final CountingWaiter top = new CountingWaiter();
        final CountingWaiter again = new CountingWaiter();
        list.push(again);
        list.push(top); // the re-registrations below are never the head when withdrawn
        int max = 0;
        for (int round = 0; round < 10_000; round++) {
            final WaitList.Node old = again.registration;
            list.push(again); // registers again (a reused parked waiter, an async re-arm)
            list.withdrawn(old);
            max = Math.max(max, reachable(list));
        }
        assertTrue(max <= WaitList.GARBAGE_LIMIT + 3, "superseded nodes must not pile up: " + max);
        list.wakeAll();
        assertEquals(1, again.completions, "the live registration is still there and wakes once");
        assertEquals(1, top.completions);
    }

    @Test
    void sweepsLeaveEveryLiveWaiterRegistered() {
        final WaitList list = new WaitList();
        final List<CountingWaiter> live = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            final CountingWaiter keep = new CountingWaiter();
            live.add(keep);
            list.push(keep);
            final CountingWaiter gone = new CountingWaiter();
            final WaitList.Node n = list.push(gone);
            list.push(new CountingWaiter()); // so that gone's node is not the head
            live.add((CountingWaiter) list.head.waiter);
            assertTrue(gone.tryCancel());
            list.withdrawn(n);
        }
        assertTrue(reachable(list) <= live.size() + WaitList.GARBAGE_LIMIT + live.size(),
                "garbage is bounded by the live count: " + reachable(list));
        list.wakeAll();
        for (CountingWaiter w : live) {
            assertEquals(1, w.completions, "every live waiter is woken exactly once");
        }
    }

    @Test
    void withdrawnOfNullIsIgnored() {
        final WaitList list = new WaitList();
        list.withdrawn(null);
        assertNull(list.head);
    }
}
