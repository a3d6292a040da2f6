package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.SelectTestSupport.assertNoWaiter;
import static dev.channels.SelectTestSupport.await;
import static dev.channels.SelectTestSupport.awaitParked;
import static dev.channels.SelectTestSupport.selectGuarded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a select that waited on several channels ends, by one of them, a timeout, an interrupt or
 * a cancel, no waiter of it is left in any channel: the channels' own operations behave as if the
 * select had never waited on them.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectWaiterCleanupTest {

    /** One channel of each kind, and a select waiting on all of them. */
    private static final class AllKinds {
        final Mpsc.Channel<Integer> m1 = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> m2 = Mpsc.bounded(2);
        final Mpsc.UnboundedChannel<Integer> u = Mpsc.unbounded();
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Broadcast.Channel<Integer> b = Broadcast.channel(4);
        final Watch.Channel<Integer> w = Watch.channel(0);
        final Mpsc.Channel<Integer> out = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> outOther;
        final Select<String> select;

        AllKinds() throws InterruptedException {
            out.sender().send(-1); // full: the send clause waits for capacity
            outOther = out.sender().duplicate();
            select = Select.<String>builder()
                    .recv(m1.receiver(), v -> "m1 " + v)
                    .recv(m2.receiver(), v -> "m2 " + v)
                    .recv(u.receiver(), v -> "u " + v)
                    .recv(o.receiver(), v -> "o " + v).when(() -> !o.receiver().isTerminated())
                    .recv(b.receiver(), v -> "b " + v, missed -> "lagged " + missed)
                    .changed(w.receiver(), v -> "w " + v)
                    .send(out.sender(), () -> 99, v -> "sent " + v)
                    .build();
        }

        void assertNothingRegistered() {
            assertNoWaiter(m1.receiver());
            assertNoWaiter(m2.receiver());
            assertNoWaiter(u.receiver());
            assertNoWaiter(o.receiver());
            assertNoWaiter(b.receiver());
            assertNoWaiter(w.receiver());
            assertNoWaiter(out.sender());
        }

        /** The channels' own receives and sends work, and nothing of the select's is in them. */
        void assertChannelsWorkAlone(String won) throws Exception {
            // Blocking receives on the losing mpsc receivers: each is woken by its own sender.
            for (Mpsc.Channel<Integer> ch : List.of(m1, m2)) {
                final Forked<Integer> recv = fork("recv", () -> ch.receiver().recv());
                awaitParked(recv.thread);
                ch.sender().send(5);
                assertEquals(5, recv.join());
            }
            final Forked<Integer> urecv = fork("recv", () -> u.receiver().recv());
            awaitParked(urecv.thread);
            u.sender().send(6);
            assertEquals(6, urecv.join());
            if (!won.startsWith("o ")) {
                final Forked<Integer> orecv = fork("recv", () -> o.receiver().recv());
                awaitParked(orecv.thread);
                o.sender().send(7);
                assertEquals(7, orecv.join());
            }
            final Forked<Integer> brecv = fork("recv", () -> b.receiver().recv());
            awaitParked(brecv.thread);
            b.sender().send(8);
            assertEquals(8, brecv.join());
            final Forked<Boolean> wrecv = fork("changed", () -> w.receiver().changed());
            awaitParked(wrecv.thread);
            w.sender().send(9);
            assertTrue(wrecv.join());
            // The send clause that lost holds no slot and sent nothing.
            if (won.startsWith("sent")) {
                assertEquals(List.of(99), drainNow(out.receiver()));
            } else {
                assertEquals(List.of(-1), drainNow(out.receiver()));
            }
            assertEquals(TrySendResult.SENT, outOther.trySend(10), "capacity is free and nobody queues");
            assertEquals(List.of(10), drainNow(out.receiver()));
        }
    }

    @Test
    void blockingSelectWonByEachKindLeavesNoWaiter() throws Exception {
        final String[] expected = {"m1 1", "m2 2", "u 3", "o 4", "b 5", "w 6", "sent 99"};
        for (int k = 0; k < expected.length; k++) {
            final AllKinds c = new AllKinds();
            final Forked<String> selecting = fork("select", () -> selectGuarded(c.select));
            awaitParked(selecting.thread);
            switch (k) {
                case 0: c.m1.sender().send(1); break;
                case 1: c.m2.sender().send(2); break;
                case 2: c.u.sender().send(3); break;
                case 3: c.o.sender().send(4); break;
                case 4: c.b.sender().send(5); break;
                case 5: c.w.sender().send(6); break;
                default: assertEquals(-1, c.out.receiver().recv()); break;
            }
            final String won = selecting.join();
            assertEquals(expected[k], won);
            c.assertNothingRegistered();
            c.assertChannelsWorkAlone(won);
        }
    }

    @Test
    void asyncSelectWonByEachKindLeavesNoWaiter() throws Exception {
        final String[] expected = {"m1 1", "m2 2", "u 3", "o 4", "b 5", "w 6", "sent 99"};
        for (int k = 0; k < expected.length; k++) {
            final AllKinds c = new AllKinds();
            final CompletableFuture<String> f = c.select.selectAsync().toCompletableFuture();
            assertFalse(f.isDone());
            final int kind = k;
            fork("trigger", () -> {
                switch (kind) {
                    case 0: c.m1.sender().send(1); break;
                    case 1: c.m2.sender().send(2); break;
                    case 2: c.u.sender().send(3); break;
                    case 3: c.o.sender().send(4); break;
                    case 4: c.b.sender().send(5); break;
                    case 5: c.w.sender().send(6); break;
                    default: assertEquals(-1, c.out.receiver().recv()); break;
                }
                return null;
            }).join();
            final String won = await(f);
            assertEquals(expected[k], won);
            c.assertNothingRegistered();
            c.assertChannelsWorkAlone(won);
        }
    }

    @Test
    void aSelectThatEndsWithoutAClauseLeavesNoWaiter() throws Exception {
        // A timed call.
        AllKinds c = new AllKinds();
        final Select<String> s1 = c.select;
        assertThrows(TimeoutException.class, () -> s1.select(Duration.ofMillis(5)));
        c.assertNothingRegistered();
        c.assertChannelsWorkAlone("");

        // An interrupted call.
        c = new AllKinds();
        final Select<String> s2 = c.select;
        final Forked<Boolean> selecting = fork("select", () -> {
            try {
                s2.select();
                return false;
            } catch (InterruptedException expected) {
                return true;
            }
        });
        awaitParked(selecting.thread);
        selecting.thread.interrupt();
        assertTrue(selecting.join());
        c.assertNothingRegistered();
        c.assertChannelsWorkAlone("");

        // A cancelled async call.
        c = new AllKinds();
        final CompletableFuture<String> f = c.select.selectAsync().toCompletableFuture();
        assertTrue(f.cancel(false));
        c.assertNothingRegistered();
        c.assertChannelsWorkAlone("");
    }

    @Test
    void waitingOnlyWhileWaiting() throws Exception {
        final AllKinds c = new AllKinds();
        final CompletableFuture<String> f = c.select.selectAsync().toCompletableFuture();
        // While it waits, the select is registered everywhere (the check of the check).
        assertNotNull(SelectTestSupport.rxWaiter(c.m1.receiver()));
        assertNotNull(SelectTestSupport.rxWaiter(c.u.receiver()));
        assertTrue(SelectTestSupport.oneshotHasWaiter(c.o.receiver()));
        assertEquals(1, SelectTestSupport.liveWaiters(c.b.receiver()));
        assertEquals(1, SelectTestSupport.liveWaiters(c.w.receiver()));
        assertTrue(SelectTestSupport.sendersQueued(c.out.sender()));
        c.m2.sender().send(1);
        assertEquals("m2 1", await(f));
        c.assertNothingRegistered();
    }

    @Test
    void repeatedLosingWaitsDoNotPileUpInTheWaitLists() throws Exception {
        final Broadcast.Channel<Integer> b = Broadcast.channel(4);
        final Watch.Channel<Integer> w = Watch.channel(0);
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(b.receiver(), v -> "b", missed -> "lagged")
                .changed(w.receiver(), v -> "w")
                .recv(m.receiver(), v -> "m")
                .build();
        final Forked<Void> producer = fork("producer", () -> {
            for (int i = 0; i < 300; i++) {
                m.sender().send(i);
            }
            return null;
        });
        final List<String> results = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            results.add(i % 2 == 0 ? selectGuarded(s) : await(s.selectAsync()));
        }
        producer.join();
        assertEquals(300, results.stream().filter("m"::equals).count());
        assertNoWaiter(b.receiver());
        assertNoWaiter(w.receiver());
        assertNoWaiter(m.receiver());
        // Withdrawn nodes are swept: far fewer than one per wait stay reachable.
        assertTrue(SelectTestSupport.listLength(b.receiver()) <= 2 * 64 + 2, "broadcast list length "
                + SelectTestSupport.listLength(b.receiver()));
        assertTrue(SelectTestSupport.listLength(w.receiver()) <= 2 * 64 + 2, "watch list length "
                + SelectTestSupport.listLength(w.receiver()));
        assertNull(m.receiver().tryRecv());
    }
}
