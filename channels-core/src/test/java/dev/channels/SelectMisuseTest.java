package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import static dev.channels.BadInputSupport.LONGEST;
import static dev.channels.BadInputSupport.MOST_NEGATIVE;
import static dev.channels.BadInputSupport.assertIllegalState;
import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.SelectTestSupport.assertNoWaiter;
import static dev.channels.SelectTestSupport.await;
import static dev.channels.SelectTestSupport.awaitFailure;
import static dev.channels.SelectTestSupport.awaitParked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handlers that throw, bad arguments, and misuse of the builder and of closed handles. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectMisuseTest {

    private static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Boom(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ handlers that throw

    @Test
    void blockingSelectRethrowsTheHandlersException() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> b = Mpsc.bounded(2);
        final Boom boom = new Boom("handler");
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> {
                    throw boom;
                })
                .recv(b.receiver(), v -> "b" + v)
                .build();
        a.sender().send(1);
        assertSame(boom, assertThrows(Boom.class, s::select));
        assertNull(a.receiver().tryRecv(), "the clause took effect before its handler threw");
        // The call is over: the select is usable again, also after a wait.
        final Forked<String> selecting = fork("select", s::select);
        awaitParked(selecting.thread);
        a.sender().send(2);
        assertSame(boom, selecting.joinFailure());
        b.sender().send(3);
        assertEquals("b3", s.select());
        assertNoWaiter(a.receiver());
    }

    @Test
    void asyncSelectCompletesExceptionallyWithTheHandlersException() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Boom boom = new Boom("handler");
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> {
                    throw boom;
                })
                .timeout(Duration.ofHours(1), () -> {
                    throw new AssertionError("not the timeout");
                })
                .build();
        a.sender().send(1);
        assertSame(boom, awaitFailure(s.selectAsync()), "ready at once");
        final CompletableFuture<String> pending = s.selectAsync().toCompletableFuture();
        a.sender().send(2);
        assertSame(boom, awaitFailure(pending), "after a wait");
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            a.sender().send(3);
            assertSame(boom, awaitFailure(s.selectAsync(executor)), "on an executor, at once");
            final CompletableFuture<String> onExecutor = s.selectAsync(executor).toCompletableFuture();
            a.sender().send(4);
            assertSame(boom, awaitFailure(onExecutor), "on an executor, after a wait");
        } finally {
            executor.shutdownNow();
        }
        assertEquals(List.of(), drainNow(a.receiver()));
    }

    @Test
    void timeoutDefaultAndAllClosedHandlersThatThrow() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Select<String> timingOut = Select.<String>builder()
                .recv(a.receiver(), v -> "a")
                .timeout(Duration.ofMillis(1), () -> {
                    throw new Boom("timeout");
                })
                .build();
        assertEquals("timeout", assertThrows(Boom.class, timingOut::select).getMessage());
        assertEquals("timeout", awaitFailure(timingOut.selectAsync()).getMessage());
        final Mpsc.Channel<Integer> c = Mpsc.bounded(2);
        final Select<String> defaulting = Select.<String>builder()
                .recv(c.receiver(), v -> "c")
                .ifNoneReady(() -> {
                    throw new Boom("default");
                })
                .ifAllClosed(() -> {
                    throw new Boom("all closed");
                })
                .build();
        assertEquals("default", assertThrows(Boom.class, defaulting::select).getMessage());
        c.sender().close();
        assertEquals("all closed", assertThrows(Boom.class, defaulting::select).getMessage());
    }

    @Test
    void aThrowingPreconditionOrValueSupplierTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(2);
        final Mpsc.Channel<Integer> out = Mpsc.bounded(2);
        final boolean[] throwing = {true, false};
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v).when(() -> {
                    if (throwing[0]) {
                        throw new Boom("precondition");
                    }
                    return true;
                })
                .send(out.sender(), () -> {
                    if (throwing[1]) {
                        throw new Boom("value");
                    }
                    return null;
                }, v -> "sent")
                .build();
        a.sender().send(1);
        assertEquals("precondition", assertThrows(Boom.class, s::select).getMessage());
        assertEquals("precondition", assertThrows(Boom.class, s::selectAsync).getMessage());
        throwing[0] = false;
        throwing[1] = true;
        assertEquals("value", assertThrows(Boom.class, s::select).getMessage());
        throwing[1] = false;
        assertEquals("a1", s.select(), "nothing was taken, and the failed calls ended");
        assertEquals(List.of(), drainNow(out.receiver()));
    }

    // ------------------------------------------------------------------ null arguments

    private static void assertNpeNaming(String name, Executable call) {
        final NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(name, e.getMessage());
    }

    @Covers({"Select.Builder#recv(Mpsc.Receiver,Function)", "Select.Builder#recv(Oneshot.Receiver,Function)", "Select.Builder#recv(Broadcast.Receiver,Function,LongFunction)", "Select.Builder#changed(Watch.Receiver,Function)", "Select.Builder#send(Mpsc.Sender,Supplier,Function)", "Select.Builder#send(Mpsc.UnboundedSender,Supplier,Function)", "Select.Builder#timeout(Duration,Supplier)", "Select.Builder#ifNoneReady(Supplier)", "Select.Builder#ifAllClosed(Supplier)", "Select.Builder#when(BooleanSupplier)", "Select.Builder#onClosed(Supplier)", "Select.Builder#build()", "Select#clauseCount()", "Select#select(Duration)"})
    @Test
    void nullArgumentsAreRejectedNamingTheArgument() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        final Mpsc.UnboundedChannel<Integer> u = Mpsc.unbounded();
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Broadcast.Channel<Integer> br = Broadcast.channel(1);
        final Watch.Channel<Integer> w = Watch.channel(0);
        final Function<Integer, String> f = v -> "";
        final Supplier<Integer> value = () -> 1;
        final Select.Builder<String> b = Select.builder();
        assertNpeNaming("receiver", () -> b.recv((Mpsc.Receiver<Integer>) null, f));
        assertNpeNaming("onValue", () -> b.recv(m.receiver(), null));
        assertNpeNaming("receiver", () -> b.recv((Oneshot.Receiver<Integer>) null, f));
        assertNpeNaming("onValue", () -> b.recv(o.receiver(), null));
        assertNpeNaming("receiver", () -> b.recv(null, f, missed -> ""));
        assertNpeNaming("onValue", () -> b.recv(br.receiver(), null, missed -> ""));
        assertNpeNaming("onLagged", () -> b.recv(br.receiver(), f, null));
        assertNpeNaming("receiver", () -> b.changed(null, f));
        assertNpeNaming("onChange", () -> b.changed(w.receiver(), null));
        assertNpeNaming("sender", () -> b.send((Mpsc.Sender<Integer>) null, value, f));
        assertNpeNaming("value", () -> b.send(m.sender(), null, f));
        assertNpeNaming("onSent", () -> b.send(m.sender(), value, null));
        assertNpeNaming("sender", () -> b.send((Mpsc.UnboundedSender<Integer>) null, value, f));
        assertNpeNaming("value", () -> b.send(u.sender(), null, f));
        assertNpeNaming("onSent", () -> b.send(u.sender(), value, null));
        assertNpeNaming("timeout", () -> b.timeout(null, () -> ""));
        assertNpeNaming("onTimeout", () -> b.timeout(Duration.ZERO, null));
        assertNpeNaming("handler", () -> b.ifNoneReady(null));
        assertNpeNaming("handler", () -> b.ifAllClosed(null));
        b.recv(m.receiver(), f);
        assertNpeNaming("precondition", () -> b.when(null));
        assertNpeNaming("onClosed", () -> b.onClosed(null));
        // None of the rejected calls changed the builder: one clause, no timeout.
        final Select<String> s = b.build();
        assertEquals(1, s.clauseCount());
        assertNpeNaming("timeout", () -> s.select(null));
        m.sender().send(1);
        assertEquals("", s.select(), "the rejected timed call took nothing");
    }

    // ------------------------------------------------------------------ builder misuse

    @Covers({"Select.Builder#when(BooleanSupplier)", "Select.Builder#onClosed(Supplier)", "Select.Builder#build()"})
    @Test
    void modifiersNeedAClause() {
        assertThrows(IllegalStateException.class, () -> Select.<String>builder().when(() -> true));
        assertThrows(IllegalStateException.class, () -> Select.<String>builder().onClosed(() -> ""));
        assertThrows(IllegalStateException.class, () -> Select.<String>builder().ifNoneReady(() -> "").onClosed(() -> ""));
        assertThrows(IllegalStateException.class, () -> Select.<String>builder().build(), "nothing to select");
    }

    @Covers({"Select.Builder#onClosed(Supplier)", "Select.Builder#when(BooleanSupplier)"})
    @Test
    void onClosedDoesNotApplyToTheTimeout() {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        final Select.Builder<String> b = Select.<String>builder()
                .recv(m.receiver(), v -> "")
                .timeout(Duration.ofSeconds(1), () -> "timeout");
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.onClosed(() -> ""));
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        b.when(() -> true); // applies to the timeout
        assertThrows(IllegalStateException.class, () -> b.when(() -> true), "the timeout has a precondition already");
    }

    @Covers({"Select.Builder#timeout(Duration,Supplier)", "Select.Builder#ifNoneReady(Supplier)", "Select.Builder#ifAllClosed(Supplier)", "Select.Builder#when(BooleanSupplier)", "Select.Builder#onClosed(Supplier)"})
    @Test
    void atMostOneOfEachModifierAndBranch() {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        final Select.Builder<String> b = Select.<String>builder()
                .recv(m.receiver(), v -> "").when(() -> true).onClosed(() -> "closed")
                .timeout(Duration.ofSeconds(1), () -> "timeout")
                .ifNoneReady(() -> "none")
                .ifAllClosed(() -> "all");
        assertThrows(IllegalStateException.class, () -> b.timeout(Duration.ofSeconds(2), () -> "again"));
        assertThrows(IllegalStateException.class, () -> b.ifNoneReady(() -> "again"));
        assertThrows(IllegalStateException.class, () -> b.ifAllClosed(() -> "again"));
        final Mpsc.Channel<Integer> n = Mpsc.bounded(1);
        b.recv(n.receiver(), v -> "").when(() -> true).onClosed(() -> "closed");
        assertThrows(IllegalStateException.class, () -> b.when(() -> false));
        assertThrows(IllegalStateException.class, () -> b.onClosed(() -> "again"));
    }

    @Covers({"Select.Builder#recv(Mpsc.Receiver,Function)", "Select.Builder#recv(Oneshot.Receiver,Function)", "Select.Builder#recv(Broadcast.Receiver,Function,LongFunction)", "Select.Builder#changed(Watch.Receiver,Function)", "Select.Builder#send(Mpsc.Sender,Supplier,Function)", "Select#clauseCount()"})
    @Test
    void theSameReceiverInTwoClausesIsAnIllegalArgument() {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Broadcast.Channel<Integer> br = Broadcast.channel(1);
        final Watch.Channel<Integer> w = Watch.channel(0);
        final Select.Builder<String> b = Select.<String>builder()
                .recv(m.receiver(), v -> "")
                .recv(o.receiver(), v -> "")
                .recv(br.receiver(), v -> "", missed -> "")
                .changed(w.receiver(), v -> "");
        for (Executable again : List.<Executable>of(
                () -> b.recv(m.receiver(), v -> ""),
                () -> b.recv(o.receiver(), v -> ""),
                () -> b.recv(br.receiver(), v -> "", missed -> ""),
                () -> b.changed(w.receiver(), v -> ""))) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, again);
            assertTrue(e.getMessage().contains("already in a clause"), e.getMessage());
        }
        assertEquals(4, b.build().clauseCount(), "the rejected clauses were not added");
        // Other receivers of the same broadcast or watch channel are separate positions: allowed.
        b.recv(br.sender().subscribe(), v -> "", missed -> "").changed(w.receiver().duplicate(), v -> "");
        // Two send clauses on one sender are allowed too.
        final Mpsc.Channel<Integer> out = Mpsc.bounded(1);
        b.send(out.sender(), () -> 1, v -> "").send(out.sender(), () -> 2, v -> "");
        assertEquals(8, b.build().clauseCount());
    }

    @Covers({"Select.Builder#build()", "Select#clauseCount()"})
    @Test
    void aBuiltSelectIsNotChangedByTheBuilderLater() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> n = Mpsc.bounded(1);
        final Select.Builder<String> b = Select.<String>builder().recv(m.receiver(), v -> "m");
        final Select<String> first = b.build();
        b.when(() -> false).recv(n.receiver(), v -> "n").ifNoneReady(() -> "none");
        final Select<String> second = b.build();
        assertEquals(1, first.clauseCount());
        assertEquals(2, second.clauseCount());
        m.sender().send(1);
        assertEquals("none", second.select(), "m is disabled in the second select");
        assertEquals("m", first.select(), "but not in the first");
    }

    // ------------------------------------------------------------------ closed handles

    @Covers({"Select.Builder#send(Mpsc.Sender,Supplier,Function)", "Select.Builder#send(Mpsc.UnboundedSender,Supplier,Function)", "Select#select()", "Select#selectAsync()", "Select#select(Duration)"})
    @Test
    void aClosedSenderHandleIsAnIllegalStateAtSelectTime() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = m.sender().duplicate();
        final Mpsc.UnboundedChannel<Integer> u = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> utx = u.sender().duplicate();
        final Select<String> bounded = Select.<String>builder().send(tx, () -> 1, v -> "sent").build();
        final Select<String> unbounded = Select.<String>builder().send(utx, () -> 1, v -> "sent").build();
        tx.close();
        utx.close();
        for (Select<String> s : List.of(bounded, unbounded)) {
            final IllegalStateException e = assertThrows(IllegalStateException.class, s::select);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, s::selectAsync);
            assertThrows(IllegalStateException.class, () -> s.select(Duration.ZERO));
        }
        assertNull(m.receiver().tryRecv());
        assertNull(u.receiver().tryRecv());
    }

    @Covers({"Select.Builder#recv(Broadcast.Receiver,Function,LongFunction)", "Select.Builder#changed(Watch.Receiver,Function)", "Select#select()", "Select#selectAsync()"})
    @Test
    void aClosedBroadcastOrWatchReceiverHandleIsAnIllegalStateAtSelectTime() throws Exception {
        final Broadcast.Channel<Integer> br = Broadcast.channel(1);
        final Broadcast.Receiver<Integer> brx = br.sender().subscribe();
        final Watch.Channel<Integer> w = Watch.channel(0);
        final Watch.Receiver<Integer> wrx = w.receiver().duplicate();
        final Select<String> bs = Select.<String>builder().recv(brx, v -> "b", missed -> "lagged").ifNoneReady(() -> "none").build();
        final Select<String> ws = Select.<String>builder().changed(wrx, v -> "w").ifNoneReady(() -> "none").build();
        assertEquals("none", bs.select());
        assertEquals("none", ws.select());
        brx.close();
        wrx.close();
        for (Select<String> s : List.of(bs, ws)) {
            final IllegalStateException e = assertThrows(IllegalStateException.class, s::select);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, s::selectAsync);
        }
    }

    @Covers({"Select.Builder#recv(Mpsc.Receiver,Function)", "Select.Builder#ifAllClosed(Supplier)", "Select#select()"})
    @Test
    void aHalfClosedMpscReceiverIsNotMisuse() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(1);
        m.sender().send(1);
        m.receiver().close();
        final Select<String> s = Select.<String>builder()
                .recv(m.receiver(), v -> "m" + v)
                .ifAllClosed(() -> "closed")
                .build();
        assertEquals("m1", s.select());
        assertEquals("closed", s.select());
        assertFalse(m.receiver().iterator().hasNext());
    }

    // ------------------------------------------------------------------ misuse at select time

    @Test
    @Covers({"Select#select()", "Select#select(Duration)", "Select#selectAsync()", "Select#selectAsync(Executor)",
            "Select.Builder#recv(Oneshot.Receiver,Function)", "Select.Builder#when(BooleanSupplier)",
            "Select.Builder#biased()"})
    void aReceivedOneshotClauseIsAnIllegalStateEvenWhenAnotherClauseIsReady() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(2);
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        o.sender().send(5);
        assertEquals(5, o.receiver().recv());
        final boolean[] enabled = {true};
        final Select<String> random = Select.<String>builder()
                .recv(m.receiver(), v -> "m" + v)
                .recv(o.receiver(), v -> "o" + v).when(() -> enabled[0])
                .build();
        final Select<String> biased = Select.<String>builder().biased().biased() // idempotent
                .recv(m.receiver(), v -> "m" + v) // tried first: it would win if the misuse were found late
                .recv(o.receiver(), v -> "o" + v).when(() -> enabled[0])
                .build();
        m.sender().send(1);
        for (int i = 0; i < 32; i++) { // random starts: the ready clause comes first about half the time
            for (Select<String> s : List.of(random, biased)) {
                assertIllegalState("already received", s::select);
                assertIllegalState("already received", () -> s.select(Duration.ZERO));
                assertIllegalState("already received", s::selectAsync);
                assertIllegalState("already received", () -> s.selectAsync(Runnable::run));
            }
        }
        assertEquals(1, m.receiver().len(), "no clause took the ready message");
        assertNoWaiter(m.receiver());
        assertNoWaiter(o.receiver());
        enabled[0] = false; // disabled by its precondition, the clause is no misuse
        assertEquals("m1", biased.select());
        m.sender().send(2);
        assertEquals("m2", random.select());
        assertNoWaiter(m.receiver());
    }

    @Test
    @Covers({"Select#select()", "Select#select(Duration)", "Select#selectAsync()", "Select.Builder#when(BooleanSupplier)"})
    void everyClauseDisabledWithoutABranchIsAnIllegalStateAndTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> closed = Mpsc.bounded(2);
        closed.sender().close();
        final Mpsc.Channel<Integer> off = Mpsc.bounded(2);
        off.sender().send(1);
        final boolean[] enabled = {false};
        final Select<String> s = Select.<String>builder()
                .recv(closed.receiver(), v -> "closed")
                .recv(off.receiver(), v -> "off" + v).when(() -> enabled[0])
                .build();
        assertIllegalState("disabled", s::select);
        assertIllegalState("disabled", () -> s.select(LONGEST));
        assertIllegalState("disabled", s::selectAsync);
        assertEquals(1, off.receiver().len(), "nothing was taken");
        assertNoWaiter(off.receiver());
        assertNoWaiter(closed.receiver());
        enabled[0] = true; // the rejected calls ended: the select is free
        assertEquals("off1", s.select());
    }

    @Test
    @Covers({"Select#select()", "Select#select(Duration)", "Select#selectAsync()", "Select#selectAsync(Executor)"})
    void anOverlappingCallIsRejectedAndThePendingCallIsUnaffected() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder().recv(m.receiver(), v -> "m" + v).build();
        final CompletableFuture<String> pending = s.selectAsync().toCompletableFuture();
        assertIllegalState("already running", s::select);
        assertIllegalState("already running", () -> s.select(Duration.ZERO));
        assertIllegalState("already running", s::selectAsync);
        assertIllegalState("already running", () -> s.selectAsync(null));
        assertFalse(pending.isDone());
        m.sender().send(1);
        assertEquals("m1", await(pending), "the pending call took the message");
        m.sender().send(2);
        assertEquals("m2", s.select(), "and the select is free once it is over");
        assertNoWaiter(m.receiver());
    }

    @Test
    @Covers({"Select#select(Duration)", "Select.Builder#timeout(Duration,Supplier)", "Select#selectAsync()"})
    void zeroAndNegativeTimeoutsDoNotWaitAndHugeOnesDoNotOverflow() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(2);
        final Select<String> s = Select.<String>builder().recv(m.receiver(), v -> "m" + v).build();
        for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), MOST_NEGATIVE)) {
            assertNotNull(assertThrows(TimeoutException.class, () -> s.select(d), d.toString()).getMessage());
            assertNoWaiter(m.receiver());
        }
        m.sender().send(1);
        assertEquals("m1", s.select(LONGEST), "a huge call timeout that is not needed is not waited for");
        for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), MOST_NEGATIVE)) {
            final Select<String> t = Select.<String>builder()
                    .recv(m.receiver(), v -> "m" + v)
                    .timeout(d, () -> "timeout")
                    .build();
            assertEquals("timeout", t.select(), d.toString());
            assertEquals("timeout", await(t.selectAsync()), d.toString());
            m.sender().send(2);
            assertEquals("m2", t.select(), "a clause possible at once still wins");
        }
        final Select<String> longest = Select.<String>builder()
                .recv(m.receiver(), v -> "m" + v)
                .timeout(LONGEST, () -> "timeout")
                .build();
        m.sender().send(3);
        assertEquals("m3", longest.select());
        final CompletableFuture<String> pending = longest.selectAsync().toCompletableFuture();
        m.sender().send(4);
        assertEquals("m4", await(pending));
        assertEquals(List.of(), drainNow(m.receiver()));
        assertNoWaiter(m.receiver());
    }

    @Test
    @Covers({"Select#selectAsync(Executor)", "Select#selectAsync()"})
    void aNullOrRejectingExecutorRunsTheHandlerOnTheThreadThatMadeAClausePossible() throws Exception {
        final Mpsc.Channel<Integer> m = Mpsc.bounded(4);
        final Select<Thread> s = Select.<Thread>builder().recv(m.receiver(), v -> Thread.currentThread()).build();
        final CompletableFuture<Thread> pending = s.selectAsync(null).toCompletableFuture();
        m.sender().send(1);
        assertSame(Thread.currentThread(), await(pending));
        m.sender().send(2);
        assertSame(Thread.currentThread(), await(s.selectAsync(null)), "possible at once: here");
        final Executor rejecting = task -> {
            throw new RejectedExecutionException("no room");
        };
        m.sender().send(3);
        assertSame(Thread.currentThread(), await(s.selectAsync(rejecting)), "the taken message is not dropped");
        final CompletableFuture<Thread> waiting = s.selectAsync(rejecting).toCompletableFuture();
        m.sender().send(4);
        assertSame(Thread.currentThread(), await(waiting), "nor after a wait");
        assertEquals(List.of(), drainNow(m.receiver()));
        assertNoWaiter(m.receiver());
    }
}
