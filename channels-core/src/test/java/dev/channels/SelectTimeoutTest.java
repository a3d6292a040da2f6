package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.SelectTestSupport.assertNoWaiter;
import static dev.channels.SelectTestSupport.awaitParked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timeout clause, the timed call, and interruption: a call that ends without a clause took nothing. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectTimeoutTest {

    @Test
    void timeoutClauseRunsWhenNothingBecomesPossible() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Broadcast.Channel<Integer> b = Broadcast.channel(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .recv(b.receiver(), v -> "b" + v, missed -> "lagged")
                .timeout(Duration.ofMillis(10), () -> "timeout")
                .build();
        assertEquals("timeout", s.select());
        assertNoWaiter(a.receiver());
        assertNoWaiter(b.receiver());
        a.sender().send(1);
        b.sender().send(2);
        final String first = s.select();
        final String second = s.select();
        assertEquals(List.of("a1", "b2"), first.startsWith("a") ? List.of(first, second) : List.of(second, first),
                "the timed-out call took nothing");
        assertEquals("timeout", s.select(), "the deadline is set anew by each call");
    }

    @Test
    void timeoutClauseAloneWaitsForItsDeadline() throws Exception {
        final Select<String> s = Select.<String>builder()
                .timeout(Duration.ofMillis(5), () -> "timeout")
                .build();
        assertEquals("timeout", s.select());
        assertEquals("timeout", SelectTestSupport.await(s.selectAsync()));
    }

    @Test
    void zeroOrNegativeTimeoutClauseOnlyLetsReadyClausesWin() throws Exception {
        for (Duration d : List.of(Duration.ZERO, Duration.ofMillis(-5))) {
            final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
            final Select<String> s = Select.<String>builder()
                    .recv(a.receiver(), v -> "a" + v)
                    .timeout(d, () -> "timeout")
                    .build();
            assertEquals("timeout", s.select());
            assertEquals("timeout", SelectTestSupport.await(s.selectAsync()));
            a.sender().send(1);
            assertEquals("a1", s.select(), "a ready clause wins over an expired timeout");
            a.sender().send(2);
            assertEquals("a2", SelectTestSupport.await(s.selectAsync()));
            assertNoWaiter(a.receiver());
        }
    }

    @Test
    void timedCallThrowsTimeoutExceptionAndTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Watch.Channel<String> w = Watch.channel("x");
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .changed(w.receiver(), v -> "w" + v)
                .build();
        assertThrows(TimeoutException.class, () -> s.select(Duration.ofMillis(10)));
        assertNoWaiter(a.receiver());
        assertNoWaiter(w.receiver());
        a.sender().send(1);
        assertEquals("a1", s.select(Duration.ofSeconds(30)));
        w.sender().send("y");
        assertEquals("wy", s.select(Duration.ofSeconds(30)));
    }

    @Test
    void timedCallWithZeroOrNegativeTimeoutOnlyChecks() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .build();
        assertThrows(TimeoutException.class, () -> s.select(Duration.ZERO));
        assertThrows(TimeoutException.class, () -> s.select(Duration.ofSeconds(-1)));
        a.sender().send(1);
        assertEquals("a1", s.select(Duration.ZERO));
    }

    @Test
    void timedCallAndTimeoutClauseTheEarlierDeadlineDecides() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> shortClause = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .timeout(Duration.ofMillis(5), () -> "timeout clause")
                .build();
        assertEquals("timeout clause", shortClause.select(Duration.ofHours(1)));
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> longClause = Select.<String>builder()
                .recv(b.receiver(), v -> "b" + v)
                .timeout(Duration.ofHours(1), () -> "timeout clause")
                .build();
        assertThrows(TimeoutException.class, () -> longClause.select(Duration.ofMillis(5)));
    }

    @Test
    void timedOutSendClauseSentNothingAndHoldsNoSlot() throws Exception {
        final Mpsc.Channel<String> ch = Mpsc.bounded(1);
        final Mpsc.Sender<String> other = ch.sender().duplicate();
        ch.sender().send("old");
        final Select<String> s = Select.<String>builder()
                .send(ch.sender(), () -> "new", v -> "sent")
                .build();
        assertThrows(TimeoutException.class, () -> s.select(Duration.ofMillis(10)));
        final Select<String> withClause = Select.<String>builder()
                .send(ch.sender(), () -> "newer", v -> "sent")
                .timeout(Duration.ofMillis(10), () -> "timeout")
                .build();
        assertEquals("timeout", withClause.select());
        assertNoWaiter(ch.sender());
        assertEquals("old", ch.receiver().tryRecv());
        assertNull(ch.receiver().tryRecv());
        assertEquals(TrySendResult.SENT, other.trySend("other"));
        assertEquals(List.of("other"), drainNow(ch.receiver()));
    }

    // ------------------------------------------------------------------ interruption

    @Test
    void interruptedWhileWaitingThrowsTakesNothingAndClearsTheStatus() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> full = Mpsc.bounded(1);
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        full.sender().send(0);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .recv(o.receiver(), v -> "o" + v)
                .send(full.sender(), () -> 99, v -> "sent")
                .build();
        final Forked<Boolean> selecting = fork("select", () -> {
            try {
                s.select();
                throw new AssertionError("the select returned");
            } catch (InterruptedException expected) {
                return Thread.currentThread().isInterrupted();
            }
        });
        awaitParked(selecting.thread);
        selecting.thread.interrupt();
        assertFalse(selecting.join(), "the interrupt status is cleared");
        assertNoWaiter(a.receiver());
        assertNoWaiter(o.receiver());
        assertNoWaiter(full.sender());
        a.sender().send(1);
        o.sender().send(2);
        assertEquals(List.of(0), drainNow(full.receiver()), "the send clause sent nothing");
        assertEquals(1, a.receiver().tryRecv());
        assertEquals(2, o.receiver().tryRecv());
    }

    @Test
    void interruptedWhileInATimedCallThrows() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .timeout(Duration.ofHours(1), () -> "timeout")
                .build();
        final Forked<Throwable> selecting = fork("select", () -> {
            try {
                return new AssertionError("returned " + s.select(Duration.ofHours(1)));
            } catch (InterruptedException | TimeoutException e) {
                return e;
            }
        });
        awaitParked(selecting.thread);
        selecting.thread.interrupt();
        assertInstanceOf(InterruptedException.class, selecting.join());
        a.sender().send(1);
        assertEquals("a1", s.select());
    }

    @Test
    void interruptedBeforeTheCallWithAReadyClauseTakesItAndKeepsTheStatus() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .build();
        a.sender().send(1);
        Thread.currentThread().interrupt();
        try {
            assertEquals("a1", s.select());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void interruptedBeforeTheCallWithNothingReadyThrowsAndTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .build();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, s::select);
            assertFalse(Thread.currentThread().isInterrupted(), "the interrupt status is cleared");
        } finally {
            Thread.interrupted();
        }
        assertNoWaiter(a.receiver());
        a.sender().send(1);
        assertEquals("a1", s.select());
    }
}
