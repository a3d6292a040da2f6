package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.SelectTestSupport.assertNoWaiter;
import static dev.channels.SelectTestSupport.awaitParked;
import static dev.channels.SelectTestSupport.selectGuarded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of clause on its own: ready, waiting, closed (disabled or reported), and what it leaves behind. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectClausesTest {

    /** A bounded or unbounded mpsc channel of Integers seen through one face. */
    private static final class Pipe implements AutoCloseable {
        final Mpsc.Receiver<Integer> rx;
        private final Mpsc.Sender<Integer> bounded;
        private final Mpsc.UnboundedSender<Integer> unbounded;

        Pipe(boolean isBounded) {
            if (isBounded) {
                final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
                rx = ch.receiver();
                bounded = ch.sender();
                unbounded = null;
            } else {
                final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
                rx = ch.receiver();
                bounded = null;
                unbounded = ch.sender();
            }
        }

        void send(int v) throws InterruptedException {
            if (bounded != null) {
                bounded.send(v);
            } else {
                unbounded.send(v);
            }
        }

        /** Closes the only sender: end of stream once drained. */
        @Override
        public void close() {
            if (bounded != null) {
                bounded.close();
            } else {
                unbounded.close();
            }
        }
    }

    // ------------------------------------------------------------------ mpsc receive

    @ParameterizedTest(name = "bounded {0}")
    @ValueSource(booleans = {true, false})
    void mpscRecvTakesAReadyMessageInOrder(boolean bounded) throws Exception {
        final Pipe a = new Pipe(bounded);
        final Pipe b = new Pipe(bounded);
        final Select<String> s = Select.<String>builder()
                .recv(a.rx, v -> "a" + v)
                .recv(b.rx, v -> "b" + v)
                .build();
        a.send(1);
        a.send(2);
        assertEquals("a1", s.select());
        assertEquals("a2", s.select());
        assertNull(a.rx.tryRecv(), "each call took exactly one message");
        assertNull(b.rx.tryRecv());
        assertNoWaiter(a.rx);
        assertNoWaiter(b.rx);
    }

    @ParameterizedTest(name = "bounded {0}")
    @ValueSource(booleans = {true, false})
    void mpscRecvWaitsUntilASenderSends(boolean bounded) throws Exception {
        final Pipe a = new Pipe(bounded);
        final Pipe b = new Pipe(bounded);
        final Select<String> s = Select.<String>builder()
                .recv(a.rx, v -> "a" + v)
                .recv(b.rx, v -> "b" + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        b.send(7);
        assertEquals("b7", selecting.join());
        assertNull(b.rx.tryRecv());
        assertNoWaiter(a.rx);
        assertNoWaiter(b.rx);
    }

    @ParameterizedTest(name = "bounded {0}")
    @ValueSource(booleans = {true, false})
    void mpscEndOfStreamDisablesTheClause(boolean bounded) throws Exception {
        final Pipe a = new Pipe(bounded);
        final Pipe b = new Pipe(bounded);
        final Select<String> s = Select.<String>builder()
                .recv(a.rx, v -> "a" + v)
                .recv(b.rx, v -> "b" + v)
                .build();
        a.send(1);
        a.close();
        assertEquals("a1", s.select(), "buffered messages come before end of stream");
        // a is at end of stream: disabled, so the call waits for b instead of returning.
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        b.send(2);
        assertEquals("b2", selecting.join());
        b.close();
        final IllegalStateException e = assertThrows(IllegalStateException.class, s::select);
        assertTrue(e.getMessage().contains("disabled"), e.getMessage());
    }

    @ParameterizedTest(name = "bounded {0}")
    @ValueSource(booleans = {true, false})
    void mpscEndOfStreamWithOnClosedIsReported(boolean bounded) throws Exception {
        final Pipe a = new Pipe(bounded);
        final Pipe b = new Pipe(bounded);
        final Select<String> s = Select.<String>builder()
                .recv(a.rx, v -> "a" + v).onClosed(() -> "a closed")
                .recv(b.rx, v -> "b" + v)
                .biased()
                .build();
        a.send(1);
        a.close();
        assertEquals("a1", s.select());
        assertEquals("a closed", s.select());
        assertEquals("a closed", s.select(), "a closure is reported on every call");
    }

    @ParameterizedTest(name = "bounded {0}")
    @ValueSource(booleans = {true, false})
    void mpscCloseWakesAWaitingSelectWithOnClosed(boolean bounded) throws Exception {
        final Pipe a = new Pipe(bounded);
        final Pipe b = new Pipe(bounded);
        final Select<String> s = Select.<String>builder()
                .recv(a.rx, v -> "a" + v).onClosed(() -> "a closed")
                .recv(b.rx, v -> "b" + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        a.close();
        assertEquals("a closed", selecting.join());
        assertNoWaiter(b.rx);
    }

    @Test
    void mpscReceiverHalfClosedWhileTheSelectWaitsIsReported() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v).onClosed(() -> "a closed")
                .recv(b.receiver(), v -> "b" + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        a.receiver().close(); // any thread may half-close the receiver
        assertEquals("a closed", selecting.join());
        assertEquals(TrySendResult.CLOSED, a.sender().trySend(1));
        assertNoWaiter(b.receiver());
    }

    @Test
    void mpscHalfClosedReceiverStillDeliversItsBufferedMessages() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        ch.sender().send(1);
        ch.sender().send(2);
        ch.receiver().close();
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "v" + v).onClosed(() -> "closed")
                .build();
        assertEquals("v1", s.select());
        assertEquals("v2", s.select());
        assertEquals("closed", s.select());
    }

    // ------------------------------------------------------------------ oneshot receive

    @Test
    void oneshotRecvTakesTheValue() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "got " + v)
                .build();
        ch.sender().send("x");
        assertEquals("got x", s.select());
        assertTrue(ch.receiver().isTerminated(), "the value was received");
    }

    @Test
    void oneshotRecvWaitsForTheValue() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final Mpsc.Channel<Integer> other = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "got " + v)
                .recv(other.receiver(), v -> "other " + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        ch.sender().send("x");
        assertEquals("got x", selecting.join());
        assertNoWaiter(other.receiver());
    }

    @Test
    void oneshotClosedWithoutValueDisablesTheClause() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final Mpsc.Channel<Integer> other = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "got " + v)
                .recv(other.receiver(), v -> "other " + v)
                .ifAllClosed(() -> "all closed")
                .build();
        ch.sender().close();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread); // the oneshot is disabled: the call waits for the other clause
        other.sender().send(3);
        assertEquals("other 3", selecting.join());
        other.sender().close();
        assertEquals("all closed", s.select());
    }

    @Test
    void oneshotClosedWithoutValueIsReportedWithOnClosed() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final Mpsc.Channel<Integer> other = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "got " + v).onClosed(() -> "no value")
                .recv(other.receiver(), v -> "other " + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        ch.sender().close();
        assertEquals("no value", selecting.join(), "the sender's close wakes the select");
        assertEquals("no value", s.select());
    }

    @Test
    void oneshotReceiverClosedWithoutValueIsReportedWithOnClosed() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "got " + v).onClosed(() -> "no value")
                .build();
        ch.receiver().close();
        assertEquals("no value", s.select());
    }

    @Test
    void oneshotValueAlreadyTakenIsAnIllegalStateUnlessDisabled() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final boolean[] enabled = {true};
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "got " + v).when(() -> enabled[0])
                .ifNoneReady(() -> "none")
                .build();
        ch.sender().send("x");
        assertEquals("x", ch.receiver().tryRecv());
        final IllegalStateException e = assertThrows(IllegalStateException.class, s::select);
        assertTrue(e.getMessage().contains("already received"), e.getMessage());
        assertThrows(IllegalStateException.class, s::selectAsync);
        enabled[0] = false;
        assertEquals("none", s.select(), "disabled by its precondition, the clause is not tried");
    }

    @Test
    void oneshotValueTakenByTheSelectItselfThenAnIllegalState() throws Exception {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "got " + v)
                .build();
        ch.sender().send("x");
        assertEquals("got x", s.select());
        assertThrows(IllegalStateException.class, s::select);
    }

    // ------------------------------------------------------------------ broadcast receive

    @Test
    void broadcastRecvTakesValuesInOrder() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Broadcast.Receiver<Integer> other = ch.sender().subscribe();
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "v" + v, missed -> "lagged " + missed)
                .build();
        ch.sender().send(1);
        ch.sender().send(2);
        assertEquals("v1", s.select());
        assertEquals("v2", s.select());
        assertNull(ch.receiver().tryRecv());
        assertEquals(1, other.tryRecv(), "the select's receives do not move other receivers");
    }

    @Test
    void broadcastRecvWaitsForASend() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Mpsc.Channel<Integer> other = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "v" + v, missed -> "lagged " + missed)
                .recv(other.receiver(), v -> "other " + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        ch.sender().send(5);
        assertEquals("v5", selecting.join());
        assertNoWaiter(ch.receiver());
        assertNoWaiter(other.receiver());
    }

    @Test
    void broadcastLagIsReportedWithTheExactCountThenContinuesFromTheOldest() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Select<String> s = Select.<String>builder()
                .recv(ch.receiver(), v -> "v" + v, missed -> "lagged " + missed)
                .build();
        for (int i = 0; i < 5; i++) {
            ch.sender().send(i); // keeps 3 and 4
        }
        assertEquals("lagged 3", s.select());
        assertEquals("v3", s.select());
        assertEquals("v4", s.select());
        assertNull(ch.receiver().tryRecv());
    }

    @Test
    void broadcastEndOfStreamAfterTheKeptValues() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        final Mpsc.Channel<Integer> other = Mpsc.bounded(1);
        final Select<String> disabling = Select.<String>builder()
                .recv(ch.receiver(), v -> "v" + v, missed -> "lagged " + missed)
                .recv(other.receiver(), v -> "other " + v)
                .ifAllClosed(() -> "all closed")
                .build();
        ch.sender().send(1);
        ch.sender().close();
        assertEquals("v1", disabling.select());
        other.sender().send(2);
        assertEquals("other 2", disabling.select());
        other.sender().close();
        assertEquals("all closed", disabling.select());

        final Broadcast.Channel<Integer> ch2 = Broadcast.channel(4);
        final Select<String> reporting = Select.<String>builder()
                .recv(ch2.receiver(), v -> "v" + v, missed -> "lagged " + missed).onClosed(() -> "closed")
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(reporting));
        awaitParked(selecting.thread);
        ch2.sender().close();
        assertEquals("closed", selecting.join(), "the close wakes the select");
    }

    // ------------------------------------------------------------------ watch changed

    @Test
    void watchChangedGivesTheNewValueAndMarksItSeen() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("initial");
        final Select<String> s = Select.<String>builder()
                .changed(ch.receiver(), v -> "changed to " + v)
                .ifNoneReady(() -> "no change")
                .build();
        assertEquals("no change", s.select(), "the initial value counts as seen");
        ch.sender().send("a");
        ch.sender().send("b");
        assertEquals("changed to b", s.select(), "the latest value");
        assertFalse(ch.receiver().hasChanged(), "marked seen");
        assertEquals("no change", s.select());
    }

    @Test
    void watchChangedWaitsForAChange() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("initial");
        final Mpsc.Channel<Integer> other = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .changed(ch.receiver(), v -> "changed to " + v)
                .recv(other.receiver(), v -> "other " + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        ch.sender().send("a");
        assertEquals("changed to a", selecting.join());
        assertFalse(ch.receiver().hasChanged());
        assertNoWaiter(ch.receiver());
        assertNoWaiter(other.receiver());
    }

    @Test
    void watchClosedDisablesTheClauseOrIsReported() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("initial");
        final Watch.Receiver<String> rx2 = ch.receiver().duplicate();
        final Select<String> disabling = Select.<String>builder()
                .changed(ch.receiver(), v -> "changed to " + v)
                .ifAllClosed(() -> "all closed")
                .build();
        final Select<String> reporting = Select.<String>builder()
                .changed(rx2, v -> "changed to " + v).onClosed(() -> "closed")
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(reporting));
        awaitParked(selecting.thread);
        ch.sender().close();
        assertEquals("closed", selecting.join(), "the close wakes the select");
        assertEquals("all closed", disabling.select());
        assertEquals("closed", reporting.select());
    }

    @Test
    void watchValueSentBeforeTheCloseIsStillReported() throws Exception {
        final Watch.Channel<String> ch = Watch.channel("initial");
        final Select<String> s = Select.<String>builder()
                .changed(ch.receiver(), v -> "changed to " + v).onClosed(() -> "closed")
                .build();
        ch.sender().send("last");
        ch.sender().close();
        assertEquals("changed to last", s.select());
        assertEquals("closed", s.select());
    }

    // ------------------------------------------------------------------ bounded send

    @Test
    void boundedSendWhenThereIsCapacity() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> 7, v -> "sent " + v)
                .build();
        assertEquals("sent 7", s.select());
        assertEquals("sent 7", s.select());
        assertEquals(List.of(7, 7), drainNow(ch.receiver()));
    }

    @Test
    void boundedSendWaitsForCapacityThenSends() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Channel<String> ctl = Mpsc.bounded(1);
        ch.sender().send(0);
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> 7, v -> "sent " + v)
                .recv(ctl.receiver(), v -> v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        assertEquals(0, ch.receiver().recv());
        assertEquals("sent 7", selecting.join());
        assertEquals(List.of(7), drainNow(ch.receiver()));
        assertNoWaiter(ch.sender());
        assertNoWaiter(ctl.receiver());
    }

    @Test
    void boundedSendToAClosedReceiverIsDisabledAndSendsNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Channel<String> ctl = Mpsc.bounded(1);
        final AtomicInteger asked = new AtomicInteger();
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> asked.incrementAndGet(), v -> "sent " + v)
                .recv(ctl.receiver(), v -> v)
                .ifAllClosed(() -> "all closed")
                .build();
        ch.receiver().close();
        ctl.sender().send("ctl");
        assertEquals("ctl", s.select());
        ctl.sender().close();
        assertEquals("all closed", s.select());
        assertEquals(2, asked.get(), "the value is asked for once per call");
        assertEquals(List.of(), drainNow(ch.receiver()));
    }

    @Test
    void boundedSendWithOnClosedReportsAClosureWhileWaiting() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Channel<String> ctl = Mpsc.bounded(1);
        ch.sender().send(0);
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> 7, v -> "sent " + v).onClosed(() -> "receiver closed")
                .recv(ctl.receiver(), v -> v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        ch.receiver().close();
        assertEquals("receiver closed", selecting.join());
        assertEquals(List.of(0), drainNow(ch.receiver()), "the value was not sent");
        assertEquals("receiver closed", s.select());
        assertNoWaiter(ch.sender());
        assertNoWaiter(ctl.receiver());
    }

    @Test
    void boundedSendSupplierReturningNullDisablesTheClause() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(1, 2));
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), queue::peek, v -> {
                    assertEquals(v, queue.poll());
                    return "sent " + v;
                })
                .ifAllClosed(() -> "nothing to send")
                .build();
        assertEquals("sent 1", s.select());
        assertEquals("sent 2", s.select());
        assertEquals("nothing to send", s.select());
        assertEquals(List.of(1, 2), drainNow(ch.receiver()));
    }

    @Test
    void losingSendClauseSentNothingAndHoldsNoSlot() throws Exception {
        final Mpsc.Channel<String> ch = Mpsc.bounded(1);
        final Mpsc.Sender<String> someoneElse = ch.sender().duplicate();
        final Mpsc.Channel<String> ctl = Mpsc.bounded(1);
        ch.sender().send("old");
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> "new", v -> "sent " + v)
                .recv(ctl.receiver(), v -> "ctl " + v)
                .build();
        // Ready case: the recv clause is the only possible one.
        ctl.sender().send("now");
        assertEquals("ctl now", s.select());
        // Waiting case: the send clause queues for capacity, then the recv clause wins.
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        ctl.sender().send("later");
        assertEquals("ctl later", selecting.join());
        assertNoWaiter(ch.sender());
        assertEquals(TrySendResult.FULL, someoneElse.trySend("x"), "still full with the old message only");
        assertEquals("old", ch.receiver().tryRecv());
        assertNull(ch.receiver().tryRecv(), "the losing clause sent nothing");
        assertEquals(TrySendResult.SENT, someoneElse.trySend("other"), "the freed slot was not promised to the select");
        assertEquals("other", ch.receiver().tryRecv());
        assertNull(ch.receiver().tryRecv());
    }

    @Test
    void sendClauseWaitsInLineBehindABlockingSender() throws Exception {
        final Mpsc.Channel<String> ch = Mpsc.bounded(1);
        final Mpsc.Sender<String> first = ch.sender().duplicate();
        final Mpsc.Channel<String> ctl = Mpsc.bounded(1);
        ch.sender().send("old");
        final Forked<Void> blockingSender = fork("blocking sender", () -> {
            first.send("first");
            return null;
        });
        awaitParked(blockingSender.thread);
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> "select", v -> "sent " + v)
                .recv(ctl.receiver(), v -> v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        assertEquals("old", ch.receiver().recv());
        blockingSender.join(); // the freed slot went to the sender that queued first...
        assertFalse(selecting.isDone(), "...and the select still waits: first come, first served");
        assertEquals("first", ch.receiver().recv());
        assertEquals("sent select", selecting.join());
        assertEquals(List.of("select"), drainNow(ch.receiver()));
    }

    @Test
    void twoSendClausesOnOneChannelSendOneValue() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> other = ch.sender().duplicate();
        ch.sender().send(0);
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> 1, v -> "sent " + v)
                .send(ch.sender(), () -> 2, v -> "sent " + v)
                .build();
        for (int round = 0; round < 20; round++) {
            final Forked<String> selecting = fork("select", () -> selectGuarded(s));
            awaitParked(selecting.thread);
            final int old = ch.receiver().recv();
            final String sent = selecting.join();
            assertTrue(sent.equals("sent 1") || sent.equals("sent 2"), sent);
            assertNoWaiter(ch.sender());
            assertEquals(TrySendResult.FULL, other.trySend(9), "exactly one value was sent: the channel is full");
            assertEquals(sent.substring(5), String.valueOf((int) ch.receiver().tryRecv()));
            assertEquals(0, old);
            ch.sender().send(0);
        }
    }

    // ------------------------------------------------------------------ unbounded send

    @Test
    void unboundedSendIsAlwaysPossibleWhileTheReceiverIsOpen() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final int[] next = {0};
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> next[0], v -> {
                    next[0]++;
                    return "sent " + v;
                }).onClosed(() -> "receiver closed")
                .build();
        for (int i = 0; i < 100; i++) {
            assertEquals("sent " + i, s.select());
        }
        final List<Integer> got = drainNow(ch.receiver());
        assertEquals(100, got.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, got.get(i));
        }
        ch.receiver().close();
        assertEquals("receiver closed", s.select());
        assertEquals(List.of(), drainNow(ch.receiver()));
    }

    @Test
    void unboundedSendToAClosedReceiverIsDisabled() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> 1, v -> "sent " + v)
                .ifAllClosed(() -> "all closed")
                .build();
        ch.receiver().close();
        assertEquals("all closed", s.select());
        assertEquals(List.of(), drainNow(ch.receiver()));
    }
}
