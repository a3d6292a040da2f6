package dev.channels.stress;

import dev.channels.Broadcast;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Select;
import dev.channels.Watch;
import dev.channels.stress.RaceSupport.Drain;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.CompletionStage;

import static dev.channels.stress.RaceSupport.ANY;
import static dev.channels.stress.RaceSupport.ONE;
import static dev.channels.stress.RaceSupport.THREE;
import static dev.channels.stress.RaceSupport.ZERO;
import static dev.channels.stress.RaceSupport.broadcastFuture;
import static dev.channels.stress.RaceSupport.cancel;
import static dev.channels.stress.RaceSupport.changedFuture;
import static dev.channels.stress.RaceSupport.closedStage;
import static dev.channels.stress.RaceSupport.full;
import static dev.channels.stress.RaceSupport.hasChanged;
import static dev.channels.stress.RaceSupport.recvFuture;
import static dev.channels.stress.RaceSupport.oneshotFuture;
import static dev.channels.stress.RaceSupport.selectFuture;
import static dev.channels.stress.RaceSupport.sendFuture;
import static dev.channels.stress.RaceSupport.sendOrFail;
import static dev.channels.stress.RaceSupport.tryRecv;
import static dev.channels.stress.RaceSupport.valueFuture;
import static dev.channels.stress.RaceSupport.waiting;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Cancellation of asynchronous operations against the events that complete them, where the
 * existing suites race a cancel only against a send (or a grant): here against the closes of
 * either side, against a send on the bounded ring, and for the stages that the API says are
 * independent copies ({@code closed()}) or a withdrawable receive (the oneshot receiver's own
 * stage). In Continuous mode: the state's constructor starts the asynchronous operation (it must
 * be pending), one actor cancels its future, the other makes the event happen, and the arbiter
 * looks at the future and at what is left.
 *
 * <p>The property (the javadoc of every asynchronous method): if {@code cancel} returns true the
 * operation took no effect (nothing taken, sent or marked; a close is still reported to the next
 * operation) and the future is cancelled; if it returns false the event's completion won and the
 * future holds its result. A future still pending after both actors is FORBIDDEN (stranded).
 *
 * <h2>Result codes</h2>
 * {@link RaceSupport}'s: the first field is 1 if cancel returned true; futures: a value is itself,
 * {@code -5} CANCELLED, {@code -1} END, {@code -3} PENDING, {@code 2} HANDED_BACK (a send's
 * future failed with ChannelClosedException carrying the value); a closed() stage 1 complete,
 * 0 pending.
 */
public final class CancelTests {
    private CancelTests() {
    }

    // ================================================================== 1. mpsc

    /**
     * Capacity 1, full; a sendAsync(ONE) is pending (constructor). One actor cancels its future,
     * the other half-closes the receiver (which rejects the queued send).
     * <p>Result: (cancel returned true, future, times ONE was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 0, 1", expect = ACCEPTABLE, desc = "The cancel won: the send was withdrawn from the queue; ONE not sent, the value is the caller's.")
    @Outcome(id = "0, 2, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close's rejection won: the future failed with ChannelClosedException carrying ONE; cancel returned false.")
    @Outcome(id = "0, -3, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, yet the future is still pending after the close.")
    @Outcome(id = ANY + ", " + ANY + ", 1, " + ANY, expect = FORBIDDEN, desc = "ONE got into a channel that never had room before the close.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the exception without the value, or no end of stream.")
    @State
    public static class SendAsyncCancelVsReceiverClose {
        final Mpsc.Channel<Integer> ch = full();
        final CompletionStage<Void> pending = ch.sender().sendAsync(ONE);

        @Actor
        public void canceller(IIII_Result r) {
            r.r1 = cancel(pending);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = sendFuture(pending, ONE);
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    /**
     * A recvAsync is pending on an empty bounded channel (constructor; {@link MpscTests.RecvAsyncCancelVsSend}
     * covers the unbounded ring); one actor sends ONE, the other cancels.
     * <p>Result: (cancel returned true, future, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won: the receive took nothing, ONE is still in the channel.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The send's wake-up won: the future has ONE, nothing is left.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Lost: cancelled, yet ONE is gone.")
    @Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BoundedRecvAsyncCancelVsSend {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void sender() {
            sendOrFail(ch.sender(), ONE);
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = recvFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * A recvAsync is pending (constructor); one actor closes the only sender, the other cancels.
     * <p>Result: (cancel returned true, future, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: the future is cancelled; end of stream is there for the next receive.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE_INTERESTING, desc = "The close's wake-up won: the future completed with end of stream (null).")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RecvAsyncCancelVsLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = recvFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * A recvAsync is pending on an unbounded channel (constructor); one actor half-closes the
     * receiver, the other cancels.
     * <p>Result: (cancel returned true, future, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: the future is cancelled; the closed, empty channel reports end of stream.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE_INTERESTING, desc = "The close's wake-up won: the future completed with end of stream.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RecvAsyncCancelVsReceiverClose {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final CompletionStage<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = recvFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * The sender asked for two closed() stages (constructor); one actor cancels the first, the
     * other half-closes the receiver. Each call returns a new stage: cancelling one affects no one
     * else, so the second completes whatever the cancel did.
     * <p>Result: (cancel returned true, first stage, second stage, a new stage afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1, 1", expect = ACCEPTABLE, desc = "The cancel came first: the first copy is cancelled; the second and a new one complete with the close.")
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close came first: the first copy completed, so cancel returned false.")
    @Outcome(id = ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Cancelling one copy stranded the other.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class MpscClosedStageCancelVsReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Void> first = ch.sender().closed();
        final CompletionStage<Void> second = ch.sender().closed();

        @Actor
        public void canceller(IIII_Result r) {
            r.r1 = cancel(first);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = closedStage(first);
            r.r3 = closedStage(second);
            r.r4 = closedStage(ch.sender().closed());
        }
    }

    // ================================================================== 2. oneshot

    /**
     * The oneshot receiver's own stage was started (constructor: {@code toCompletableFuture()},
     * which starts the receive behind the stage methods); one actor cancels it (documented to
     * withdraw the receive, as for recvAsync), the other sends ONE.
     * <p>Result: (cancel returned true, the stage, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won: the receive was withdrawn; ONE is still there for tryRecv.")
    @Outcome(id = "0, 1, -4", expect = ACCEPTABLE_INTERESTING, desc = "The send won: the stage has ONE; the receiver is used up.")
    @Outcome(id = "1, " + ANY + ", -4", expect = FORBIDDEN, desc = "Lost: cancelled, yet the value was taken.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the receiver left busy (another receive still registered).")
    @State
    public static class OneshotStageCancelVsSend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletionStage<Integer> stage = ch.receiver().toCompletableFuture();

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(stage);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = oneshotFuture(stage);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * The oneshot sender asked for two closed() stages (constructor); one actor cancels the first,
     * the other closes the receiver.
     * <p>Result: (cancel returned true, first stage, second stage, a new stage afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1, 1", expect = ACCEPTABLE, desc = "The cancel came first: the first copy is cancelled; the second and a new one complete.")
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close came first: the first copy completed, cancel returned false.")
    @Outcome(id = ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Cancelling one copy stranded the other.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class OneshotClosedStageCancelVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletionStage<Void> first = ch.sender().closed();
        final CompletionStage<Void> second = ch.sender().closed();

        @Actor
        public void canceller(IIII_Result r) {
            r.r1 = cancel(first);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = closedStage(first);
            r.r3 = closedStage(second);
            r.r4 = closedStage(ch.sender().closed());
        }
    }

    // ================================================================== 3. broadcast

    /**
     * A broadcast recvAsync is pending (constructor); one actor closes the only sender, the other
     * cancels.
     * <p>Result: (cancel returned true, future, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: the future is cancelled; end of stream is there for the next receive.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE_INTERESTING, desc = "The close's wake-up won: the future completed with end of stream.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastRecvAsyncCancelVsLastSenderClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final CompletionStage<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = broadcastFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * The broadcast sender asked for two closed() stages (constructor); one actor cancels the
     * first, the other closes the only receiver.
     * <p>Result: (cancel returned true, first stage, second stage, a new stage afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1, 1", expect = ACCEPTABLE, desc = "The cancel came first: the first copy is cancelled; the second (the shared future) and a new one complete.")
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close came first: the first copy completed, cancel returned false.")
    @Outcome(id = ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Cancelling one copy stranded the other.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastClosedStageCancelVsLastReceiverClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final CompletionStage<Void> first = ch.sender().closed();
        final CompletionStage<Void> second = ch.sender().closed();

        @Actor
        public void canceller(IIII_Result r) {
            r.r1 = cancel(first);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = closedStage(first);
            r.r3 = closedStage(second);
            r.r4 = closedStage(ch.sender().closed());
        }
    }

    // ================================================================== 4. watch

    /**
     * A changedAsync is pending (constructor); one actor closes the only sender, the other cancels.
     * <p>Result: (cancel returned true, future, a non-blocking changed afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: the future is cancelled; the next changed reports the closure.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE_INTERESTING, desc = "The close's wake-up won: the future completed with false (closed, value seen).")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchChangedAsyncCancelVsLastSenderClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletionStage<Boolean> pending = ch.receiver().changedAsync();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = changedFuture(pending);
            r.r3 = RaceSupport.check(ch.receiver());
        }
    }

    /**
     * A waitForAsync({@code x == 1}) is pending (constructor); one actor closes the only sender
     * (with the current value rejected), the other cancels.
     * <p>Result: (cancel returned true, future, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: the future is cancelled; the channel is closed.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE_INTERESTING, desc = "The close's wake-up won: the future failed with ChannelClosedException.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchWaitForAsyncCancelVsLastSenderClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletionStage<Integer> pending = ch.receiver().waitForAsync(x -> x == 1);

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = valueFuture(pending);
            r.r3 = hasChanged(ch.receiver());
        }
    }

    /**
     * The watch sender asked for two closed() stages (constructor); one actor cancels the first,
     * the other closes the only receiver.
     * <p>Result: (cancel returned true, first stage, second stage, a new stage afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 1, 1", expect = ACCEPTABLE, desc = "The cancel came first: the first copy is cancelled; the second and a new one complete.")
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close came first: the first copy completed, cancel returned false.")
    @Outcome(id = ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Cancelling one copy stranded the other.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchClosedStageCancelVsLastReceiverClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletionStage<Void> first = ch.sender().closed();
        final CompletionStage<Void> second = ch.sender().closed();

        @Actor
        public void canceller(IIII_Result r) {
            r.r1 = cancel(first);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = closedStage(first);
            r.r3 = closedStage(second);
            r.r4 = closedStage(ch.sender().closed());
        }
    }

    // ================================================================== 5. select

    /**
     * Capacity 1, full. An asynchronous select whose send clause (offering THREE, reporting
     * closure) is queued for capacity, with a receive clause on an idle channel, is waiting
     * (constructor); one actor cancels the stage, the other half-closes the receiver (which
     * rejects the queued send waiter).
     * <p>Result: (cancel returned true, stage, times THREE was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, -5, 0, 1", expect = ACCEPTABLE, desc = "The cancel won: the select withdrew its send waiter; THREE never sent.")
    @Outcome(id = "0, -1, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close won: the send clause reported the closure (onClosed); cancel returned false.")
    @Outcome(id = "0, -3, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the stage never completed.")
    @Outcome(id = ANY + ", " + ANY + ", 1, " + ANY, expect = FORBIDDEN, desc = "THREE got into a channel that never had room before the close.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. no end of stream (a unit left reserved).")
    @State
    public static class AsyncSendClauseCancelVsReceiverClose {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> THREE, v -> v).onClosed(() -> RaceSupport.END)
                .recv(idle.receiver(), v -> v)
                .build();
        final CompletionStage<Integer> pending = waiting(select);

        @Actor
        public void canceller(IIII_Result r) {
            r.r1 = cancel(pending);
        }

        @Actor
        public void closer() {
            a.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = selectFuture(pending);
            final Drain d = Drain.of(a.receiver());
            r.r3 = d.count(3);
            r.r4 = d.end();
        }
    }

    /**
     * An asynchronous select over a oneshot receiver (reporting closure) and an idle mpsc channel
     * is waiting (constructor); one actor closes the oneshot sender without a value, the other
     * cancels the stage.
     * <p>Result: (cancel returned true, stage, tryRecv of the oneshot afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: the select's oneshot waiter was withdrawn; the receiver reports the closure.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE_INTERESTING, desc = "The close won: the clause reported the closure (onClosed).")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the stage never completed.")
    @Outcome(id = ANY + ", " + ANY + ", -8", expect = FORBIDDEN, desc = "The select's waiter was left registered in the oneshot (a later receive is refused as concurrent).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncOneshotCancelVsSenderClose {
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(o.receiver(), v -> v).onClosed(() -> RaceSupport.END)
                .recv(idle.receiver(), v -> v)
                .build();
        final CompletionStage<Integer> pending = waiting(select);

        @Actor
        public void closer() {
            o.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = tryRecv(o.receiver());
        }
    }

    /**
     * An asynchronous select over a broadcast receiver (reporting closure) and an idle mpsc
     * channel is waiting (constructor); one actor closes the only broadcast sender, the other
     * cancels the stage.
     * <p>Result: (cancel returned true, stage, tryRecv of the broadcast receiver afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: withdrawn; the receiver is at end of stream.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE_INTERESTING, desc = "The close won: the clause reported the closure.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncBroadcastCancelVsLastSenderClose {
        final Broadcast.Channel<Integer> b = Broadcast.channel(2);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(b.receiver(), v -> v, RaceSupport::lagged).onClosed(() -> RaceSupport.END)
                .recv(idle.receiver(), v -> v)
                .build();
        final CompletionStage<Integer> pending = waiting(select);

        @Actor
        public void closer() {
            b.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = tryRecv(b.receiver());
        }
    }

    /**
     * An asynchronous select over a watch receiver's {@code changed} (reporting closure) and an
     * idle mpsc channel is waiting (constructor); one actor closes the only watch sender, the other
     * cancels the stage.
     * <p>Result: (cancel returned true, stage, a non-blocking changed afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: withdrawn; the next changed reports the closure.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE_INTERESTING, desc = "The close won: the clause reported the closure.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false, but the stage never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncWatchCancelVsLastSenderClose {
        final Watch.Channel<Integer> w = Watch.channel(ZERO);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(w.receiver(), v -> v).onClosed(() -> RaceSupport.END)
                .recv(idle.receiver(), v -> v)
                .build();
        final CompletionStage<Integer> pending = waiting(select);

        @Actor
        public void closer() {
            w.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = cancel(pending);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = selectFuture(pending);
            r.r3 = RaceSupport.check(w.receiver());
        }
    }
}
