package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.SelectTestSupport.awaitParked;
import static dev.channels.SelectTestSupport.selectGuarded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Preconditions, the all-closed branch, the default, and the order in which clauses are tried. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectBranchesTest {

    // ------------------------------------------------------------------ preconditions

    @Test
    void aFalsePreconditionDisablesAReadyClauseForThatCallOnly() throws Exception {
        final Mpsc.UnboundedChannel<Integer> a = Mpsc.unbounded();
        final Mpsc.UnboundedChannel<Integer> b = Mpsc.unbounded();
        final boolean[] aEnabled = {false};
        final AtomicInteger evaluated = new AtomicInteger();
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v).when(() -> {
                    evaluated.incrementAndGet();
                    return aEnabled[0];
                })
                .recv(b.receiver(), v -> "b" + v)
                .biased()
                .build();
        a.sender().send(1);
        a.sender().send(2);
        b.sender().send(1);
        b.sender().send(2);
        assertEquals("b1", s.select(), "a is first and ready, but disabled");
        aEnabled[0] = true;
        assertEquals("a1", s.select(), "the precondition is evaluated anew on each call");
        aEnabled[0] = false;
        assertEquals("b2", s.select());
        assertEquals(3, evaluated.get(), "once per call");
        assertEquals(List.of(2), drainNow(a.receiver()), "the disabled clause took nothing");
    }

    @Test
    void aDisabledClauseIsNotWaitedOn() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v).when(() -> false)
                .recv(b.receiver(), v -> "b" + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        a.sender().send(1); // a disabled clause is not registered: this must not end the call
        b.sender().send(2);
        assertEquals("b2", selecting.join());
        assertEquals(List.of(1), drainNow(a.receiver()));
    }

    @Test
    void preconditionOnASendClause() throws Exception {
        final Mpsc.Channel<Integer> out = Mpsc.bounded(4);
        final boolean[] enabled = {false};
        final AtomicInteger asked = new AtomicInteger();
        final Select<String> s = Select.<String>builder()
                .send(out.sender(), () -> {
                    asked.incrementAndGet();
                    return 9;
                }, v -> "sent " + v).when(() -> enabled[0])
                .ifNoneReady(() -> "none")
                .build();
        assertEquals("none", s.select());
        assertEquals(0, asked.get(), "the value of a disabled clause is not asked for");
        assertEquals(List.of(), drainNow(out.receiver()));
        enabled[0] = true;
        assertEquals("sent 9", s.select());
        assertEquals(1, asked.get());
        assertEquals(List.of(9), drainNow(out.receiver()));
    }

    @Test
    void preconditionOnTheTimeout() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final boolean[] timeoutEnabled = {true};
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .timeout(Duration.ofMillis(5), () -> "timeout").when(() -> timeoutEnabled[0])
                .build();
        assertEquals("timeout", s.select());
        timeoutEnabled[0] = false;
        // The timeout clause is disabled: only the call's own deadline ends the wait.
        assertThrows(TimeoutException.class, () -> s.select(Duration.ofMillis(20)));
        a.sender().send(3);
        assertEquals("a3", s.select());
    }

    @Test
    void everythingDisabledWithoutABranchIsAnIllegalState() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v).when(() -> false)
                .timeout(Duration.ofMillis(1), () -> "timeout").when(() -> false)
                .build();
        a.sender().send(1);
        final IllegalStateException e = assertThrows(IllegalStateException.class, s::select);
        assertTrue(e.getMessage().contains("disabled"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> s.select(Duration.ofSeconds(1)));
        assertThrows(IllegalStateException.class, s::selectAsync);
        assertEquals(List.of(1), drainNow(a.receiver()));

        final Mpsc.Channel<Integer> c = Mpsc.bounded(2);
        final Select<String> closed = Select.<String>builder()
                .recv(c.receiver(), v -> "c" + v)
                .build();
        c.sender().close();
        assertThrows(IllegalStateException.class, closed::select);
        // The failed call ended: the next one fails the same way, not as an overlapping call.
        final IllegalStateException again = assertThrows(IllegalStateException.class, closed::select);
        assertTrue(again.getMessage().contains("disabled"), again.getMessage());
    }

    @Test
    void theLastClauseClosingWhileTheSelectWaitsWithoutABranchIsAnIllegalState() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .build();
        final Forked<String> selecting = fork("select", () -> selectGuarded(s));
        awaitParked(selecting.thread);
        a.sender().close();
        assertTrue(selecting.joinFailure() instanceof IllegalStateException);

        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> t = Select.<String>builder()
                .recv(b.receiver(), v -> "b" + v)
                .build();
        final java.util.concurrent.CompletionStage<String> f = t.selectAsync();
        b.sender().close();
        assertTrue(SelectTestSupport.awaitFailure(f) instanceof IllegalStateException);
        assertThrows(IllegalStateException.class, t::select, "and the call is over");
    }

    @Test
    void aSelectOfOnlyADefaultOrOnlyAnAllClosedBranch() throws Exception {
        assertEquals("none", Select.<String>builder().ifNoneReady(() -> "none").build().select());
        assertEquals("all", Select.<String>builder().ifAllClosed(() -> "all").build().select());
        assertEquals("all", SelectTestSupport.await(Select.<String>builder().ifAllClosed(() -> "all").build().selectAsync()));
    }

    @Test
    void onlyTheTimeoutLeftIsWaitedFor() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .timeout(Duration.ofMillis(5), () -> "timeout")
                .build();
        a.sender().close();
        assertEquals("timeout", s.select());
    }

    // ------------------------------------------------------------------ all closed

    @Test
    void theSeedsLoopCollectsEverythingThenTheAllClosedBranchEndsIt() throws Exception {
        final int perChannel = 2_000;
        final List<Mpsc.Channel<String>> channels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            channels.add(Mpsc.bounded(1 + i));
        }
        final Select<String> select = Select.<String>builder()
                .recv(channels.get(0).receiver(), msg -> msg)
                .recv(channels.get(1).receiver(), msg -> msg)
                .recv(channels.get(2).receiver(), msg -> msg)
                .ifAllClosed(() -> null)
                .build();
        final List<Forked<Void>> producers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final int ch = i;
            producers.add(fork("producer " + i, () -> {
                try (Mpsc.Sender<String> tx = channels.get(ch).sender()) {
                    for (int k = 0; k < perChannel; k++) {
                        tx.send(ch + ":" + k);
                    }
                }
                return null;
            }));
        }
        final int[] next = new int[3];
        int received = 0;
        for (String msg; (msg = select.select()) != null; ) {
            final int ch = msg.charAt(0) - '0';
            assertEquals(ch + ":" + next[ch], msg, "per-channel order");
            next[ch]++;
            received++;
        }
        for (Forked<Void> p : producers) {
            p.join();
        }
        assertEquals(3 * perChannel, received);
        for (int i = 0; i < 3; i++) {
            assertEquals(perChannel, next[i]);
        }
        assertNull(select.select(), "the all-closed branch keeps being taken");
    }

    @Test
    void allClosedBranchCountsPreconditionsToo() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v).when(() -> false)
                .recv(b.receiver(), v -> "b" + v)
                .ifAllClosed(() -> "all closed")
                .ifNoneReady(() -> "none")
                .build();
        a.sender().send(1);
        assertEquals("none", s.select(), "b is open and empty: the default");
        b.sender().close();
        assertEquals("all closed", s.select(), "a disabled, b closed: the all-closed branch before the default");
        assertEquals(List.of(1), drainNow(a.receiver()));
    }

    // ------------------------------------------------------------------ default

    @Test
    void defaultIsTakenOnlyWhenNothingIsReady() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Watch.Channel<String> w = Watch.channel("x");
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .changed(w.receiver(), v -> "w" + v)
                .ifNoneReady(() -> "none")
                .build();
        assertEquals("none", s.select());
        assertEquals("none", s.select(Duration.ofSeconds(1)), "a default never waits");
        assertEquals("none", SelectTestSupport.await(s.selectAsync()));
        a.sender().send(1);
        assertEquals("a1", s.select());
        w.sender().send("y");
        assertEquals("wy", s.select());
        assertEquals("none", s.select());
    }

    @Test
    void defaultIsTakenWhenEverythingIsDisabledAndThereIsNoAllClosedBranch() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .ifNoneReady(() -> "none")
                .build();
        a.sender().close();
        assertEquals("none", s.select());
    }

    @Test
    void defaultLosesToASendClauseThatIsPossible() throws Exception {
        final Mpsc.UnboundedChannel<Integer> out = Mpsc.unbounded();
        final Select<String> s = Select.<String>builder()
                .send(out.sender(), () -> 4, v -> "sent " + v)
                .ifNoneReady(() -> "none")
                .build();
        assertEquals("sent 4", s.select());
        assertEquals(List.of(4), drainNow(out.receiver()));
    }

    // ------------------------------------------------------------------ order

    @Test
    void biasedAlwaysTakesTheFirstReadyClause() throws Exception {
        final Mpsc.UnboundedChannel<Integer> a = Mpsc.unbounded();
        final Mpsc.UnboundedChannel<Integer> b = Mpsc.unbounded();
        final Mpsc.UnboundedChannel<Integer> c = Mpsc.unbounded();
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a")
                .recv(b.receiver(), v -> "b")
                .recv(c.receiver(), v -> "c")
                .biased()
                .build();
        for (int i = 0; i < 300; i++) {
            b.sender().send(i);
            c.sender().send(i);
        }
        for (int i = 0; i < 300; i++) {
            a.sender().send(i);
            assertEquals("a", s.select(), "call " + i);
        }
        for (int i = 0; i < 300; i++) {
            assertEquals("b", s.select(), "call " + i);
        }
        assertEquals(300, drainNow(c.receiver()).size());
    }

    @Test
    void unbiasedGivesEveryReadyClauseItsTurn() throws Exception {
        final Mpsc.UnboundedChannel<Integer> a = Mpsc.unbounded();
        final Mpsc.UnboundedChannel<Integer> b = Mpsc.unbounded();
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a")
                .recv(b.receiver(), v -> "b")
                .build();
        a.sender().send(0);
        b.sender().send(0);
        int as = 0;
        int bs = 0;
        for (int i = 0; i < 1_000; i++) {
            if (s.select().equals("a")) {
                as++;
                a.sender().send(i); // both stay ready
            } else {
                bs++;
                b.sender().send(i);
            }
        }
        assertTrue(as > 0 && bs > 0, "a won " + as + ", b won " + bs);
        assertEquals(1, drainNow(a.receiver()).size());
        assertEquals(1, drainNow(b.receiver()).size());
    }

    @Test
    void unbiasedSendAndReceiveBothWin() throws Exception {
        final Mpsc.UnboundedChannel<Integer> in = Mpsc.unbounded();
        final Mpsc.UnboundedChannel<Integer> out = Mpsc.unbounded();
        final Select<String> s = Select.<String>builder()
                .recv(in.receiver(), v -> "recv")
                .send(out.sender(), () -> 1, v -> "send")
                .build();
        for (int i = 0; i < 1_000; i++) {
            in.sender().send(i);
        }
        int recvs = 0;
        int sends = 0;
        for (int i = 0; i < 1_000; i++) {
            if (s.select().equals("recv")) {
                recvs++;
            } else {
                sends++;
            }
        }
        assertTrue(recvs > 0 && sends > 0, "recv won " + recvs + ", send won " + sends);
        assertEquals(sends, drainNow(out.receiver()).size(), "one message per send that won");
        assertEquals(1_000 - recvs, drainNow(in.receiver()).size(), "one message taken per receive that won");
    }
}
