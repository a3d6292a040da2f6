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
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static dev.channels.stress.RaceSupport.ANY;
import static dev.channels.stress.RaceSupport.ONE;
import static dev.channels.stress.RaceSupport.SHORT;
import static dev.channels.stress.RaceSupport.ZERO;
import static dev.channels.stress.RaceSupport.awaitClosed;
import static dev.channels.stress.RaceSupport.bit;
import static dev.channels.stress.RaceSupport.broadcastFuture;
import static dev.channels.stress.RaceSupport.changedFuture;
import static dev.channels.stress.RaceSupport.full;
import static dev.channels.stress.RaceSupport.hasChanged;
import static dev.channels.stress.RaceSupport.oneshotFuture;
import static dev.channels.stress.RaceSupport.recv;
import static dev.channels.stress.RaceSupport.recvFuture;
import static dev.channels.stress.RaceSupport.reserveAndSend;
import static dev.channels.stress.RaceSupport.select;
import static dev.channels.stress.RaceSupport.selectFuture;
import static dev.channels.stress.RaceSupport.send;
import static dev.channels.stress.RaceSupport.sendFuture;
import static dev.channels.stress.RaceSupport.sendOrFail;
import static dev.channels.stress.RaceSupport.settle;
import static dev.channels.stress.RaceSupport.tryRecv;
import static dev.channels.stress.RaceSupport.valueFuture;
import static dev.channels.stress.RaceSupport.waitFor;
import static dev.channels.stress.RaceSupport.waiting;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Timed operations against the event that ends their wait, for every timed form of every kind, in
 * Continuous mode. The timeout ({@link RaceSupport#SHORT}, 20 µs) is short enough that the
 * deadline and the event land in either order, so both outcomes occur. The property: a call
 * reports a timeout exactly when it took no effect (nothing taken, nothing sent or reserved, no
 * change marked seen, no clause taken), and otherwise it returns the value. A timed-out waiter
 * leaves nothing behind: no slot leaked, no waiter left registered that a later event could
 * complete.
 *
 * <p>The asynchronous forms have no timeout parameter; their timeout is {@code orTimeout} on the
 * returned future, which the API documents as a cancellation ("completing it from outside counts
 * as cancelling"): the future then completes with TimeoutException only if the operation was
 * withdrawn before it took effect. There the third party is the JDK's delayer thread; the arbiter
 * waits for it ({@link RaceSupport#settle}).
 *
 * <p>Already covered elsewhere and not repeated: the timed mpsc send against a receive
 * ({@link MpscTests.TimedSendVsRecv}), the timed oneshot recv against a send
 * ({@link OneshotTests.SendVsTimedRecv}), a select's timeout clause and timed call against an mpsc
 * send and a grant ({@link SelectTests.TimeoutClauseVsSend}, {@link SelectTests.TimedSelectVsSend},
 * {@link SelectTests.TimeoutClauseVsGrant}), and an async select's timeout clause against a cancel
 * ({@link SelectTests.AsyncCancelVsSendVsTimer}).
 *
 * <h2>Result codes</h2>
 * {@link RaceSupport}'s: a value is itself, {@code -7} TIMED_OUT, {@code -1} END, {@code -4}
 * TAKEN; send fields {@code 1} SENT, {@code 2} HANDED_BACK.
 */
public final class TimeoutTests {
    private TimeoutTests() {
    }

    /** orTimeout on a stage's future, with the races' short timeout. */
    static void orTimeout(CompletionStage<?> stage) {
        stage.toCompletableFuture().orTimeout(SHORT.toNanos(), TimeUnit.NANOSECONDS);
    }

    // ================================================================== 1. mpsc

    /**
     * A timed recv (20 µs) on an empty bounded channel against a send.
     * <p>Result: (timed recv, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline: recv returned it.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException, nothing taken; ONE is still in the channel.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "Lost: TimeoutException, yet ONE is gone.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated: returned and still in the channel.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. end of stream or an interrupt nobody sent.")
    @State
    public static class MpscTimedRecvVsSend {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SHORT);
        }

        @Actor
        public void sender() {
            sendOrFail(ch.sender(), ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /** As {@link MpscTimedRecvVsSend} on an unbounded channel. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline: recv returned it.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException; ONE is still in the channel.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "Lost: TimeoutException, yet ONE is gone.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class UnboundedTimedRecvVsSend {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SHORT);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A timed recv (20 µs) against the close of the only sender.
     * <p>Result: (timed recv, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The close came before the deadline: end of stream.")
    @Outcome(id = "-7, -1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException; end of stream is there for the next receive.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. no end of stream after the close.")
    @State
    public static class MpscTimedRecvVsLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SHORT);
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A timed reserve (20 µs) on a full channel, then a send of ONE through the permit, against the
     * receive that frees the slot.
     * <p>Result: (reserve-and-send, receive, times ONE was received, free capacity after the drain).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1", expect = ACCEPTABLE, desc = "The reservation got the freed slot before its deadline; ONE arrives.")
    @Outcome(id = "-7, 9, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: reserve returned null; nothing reserved, the freed slot went back to the channel.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: the timed-out reservation kept a unit (or a granted permit was lost).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TimedReserveVsRecv {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void reserver(IIII_Result r) {
            r.r1 = reserveAndSend(ch.sender(), ONE, SHORT);
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = Drain.of(ch.receiver()).count(1);
            r.r4 = ch.sender().capacity();
        }
    }

    /**
     * A timed send (20 µs) on a full channel against the receiver's half-close: the close rejects
     * the queued sender (or the send finds the channel closed), or the deadline passes first. The
     * value is never in the channel.
     * <p>Result: (timed send, times ONE was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "The close came before the deadline: ChannelClosedException carrying ONE.")
    @Outcome(id = "-7, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: send returned false, ONE not sent.")
    @Outcome(id = ANY + ", 1, " + ANY, expect = FORBIDDEN, desc = "ONE got into a channel that never had room before the close.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the exception without the value, or no end of stream.")
    @State
    public static class TimedSendVsReceiverClose {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE, SHORT);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1);
            r.r3 = d.end();
        }
    }

    /**
     * A timed reserve (20 µs) on a full channel against the receiver's half-close.
     * <p>Result: (reserve: 2 rejected, TIMED_OUT; drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "The close came before the deadline: ChannelClosedException, nothing reserved.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: reserve returned null.")
    @Outcome(id = ANY + ", 0", expect = FORBIDDEN, desc = "The closed channel never ends: a unit stayed reserved.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a permit granted on a channel that never had room.")
    @State
    public static class TimedReserveVsReceiverClose {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void reserver(II_Result r) {
            r.r1 = reserveAndSend(ch.sender(), ONE, SHORT);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = Drain.of(ch.receiver()).end();
        }
    }

    /**
     * The sender's timed awaitClosed (20 µs) against the receiver's half-close.
     * <p>Result: (awaitClosed: 1 closed, TIMED_OUT; isClosed afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The close came before the deadline: awaitClosed returned true.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: awaitClosed returned false.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. isClosed false after the close.")
    @State
    public static class MpscTimedAwaitClosedVsReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void sender(II_Result r) {
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed(SHORT));
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    /**
     * Capacity 1, full; a sendAsync(ONE) is pending (constructor). One actor puts a 20 µs
     * {@code orTimeout} on its future (the delayer thread then completes it exceptionally, which
     * withdraws the send), the other receives the filler (which grants the slot and enqueues ONE).
     * <p>Result: (receive, the future once settled, times ONE was received, free capacity after the drain).
     */
    @JCStressTest
    @Outcome(id = "9, 1, 1, 1", expect = ACCEPTABLE, desc = "The grant came first: the future completed normally (the timeout's completion was refused), ONE arrives.")
    @Outcome(id = "9, -7, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timeout came first: the send was withdrawn, the future failed with TimeoutException; ONE never arrives and the freed slot went back.")
    @Outcome(id = "9, -7, 1, " + ANY, expect = FORBIDDEN, desc = "TimeoutException, yet ONE was sent.")
    @Outcome(id = "9, 1, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the future says sent, but ONE never arrives.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Leak: no free slot after the drain.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the future still pending after ten seconds.")
    @State
    public static class SendAsyncOrTimeoutVsRecv {
        final Mpsc.Channel<Integer> ch = full();
        final CompletionStage<Void> pending = ch.sender().sendAsync(ONE);

        @Actor
        public void timer() {
            orTimeout(pending);
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r1 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = sendFuture(settle(pending), ONE);
            r.r3 = Drain.of(ch.receiver()).count(1);
            r.r4 = ch.sender().capacity();
        }
    }

    /**
     * A recvAsync is pending on an empty channel (constructor); one actor puts a 20 µs
     * {@code orTimeout} on it, the other sends ONE.
     * <p>Result: (the future once settled, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The send's wake-up came first: the future has ONE.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timeout came first: the receive was withdrawn (TimeoutException); ONE is still in the channel.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "Lost: TimeoutException, yet ONE is gone.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class MpscRecvAsyncOrTimeoutVsSend {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void timer() {
            orTimeout(pending);
        }

        @Actor
        public void sender() {
            sendOrFail(ch.sender(), ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = recvFuture(settle(pending));
            r.r2 = tryRecv(ch.receiver());
        }
    }

    // ================================================================== 2. oneshot

    /**
     * A timed oneshot recv (20 µs) against the sender's close without a value.
     * <p>Result: (timed recv, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The close came before the deadline: ChannelClosedException.")
    @Outcome(id = "-7, -1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException, the receiver still usable; it then reports the closure.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the receiver left busy by a withdrawn waiter.")
    @State
    public static class OneshotTimedRecvVsSenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SHORT);
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * The oneshot sender's timed awaitClosed (20 µs) against the receiver's close.
     * <p>Result: (awaitClosed, isClosed afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The close came before the deadline: true.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: false.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class OneshotTimedAwaitClosedVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(II_Result r) {
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed(SHORT));
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    /**
     * A oneshot recvAsync is pending (constructor); one actor puts a 20 µs {@code orTimeout} on
     * it, the other sends ONE.
     * <p>Result: (the future once settled, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -4", expect = ACCEPTABLE, desc = "The send came first: the future has ONE; the receiver is used up.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timeout came first: the receive was withdrawn; ONE is still there.")
    @Outcome(id = "-7, -4", expect = FORBIDDEN, desc = "Lost: TimeoutException, yet the value was taken.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the receiver left busy.")
    @State
    public static class OneshotRecvAsyncOrTimeoutVsSend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletionStage<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void timer() {
            orTimeout(pending);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = oneshotFuture(settle(pending));
            r.r2 = tryRecv(ch.receiver());
        }
    }

    // ================================================================== 3. broadcast

    /**
     * A timed broadcast recv (20 µs) against a send.
     * <p>Result: (timed recv, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException; the cursor did not move, ONE is next.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "Lost: TimeoutException, yet the cursor moved past ONE.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastTimedRecvVsSend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SHORT);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A timed broadcast recv (20 µs) against the close of the only sender.
     * <p>Result: (timed recv, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The close came before the deadline: end of stream.")
    @Outcome(id = "-7, -1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first; end of stream is there for the next receive.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastTimedRecvVsLastSenderClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SHORT);
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * The broadcast sender's timed awaitClosed (20 µs) against the close of the only receiver.
     * <p>Result: (awaitClosed, isClosed afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The close came before the deadline: true.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: false.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastTimedAwaitClosedVsLastReceiverClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void sender(II_Result r) {
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed(SHORT));
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    /**
     * A broadcast recvAsync is pending (constructor); one actor puts a 20 µs {@code orTimeout} on
     * it, the other sends ONE.
     * <p>Result: (the future once settled, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The send came first: the future has ONE.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timeout came first: the receive was withdrawn; ONE is next.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "Lost: TimeoutException, yet the cursor moved past ONE.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastRecvAsyncOrTimeoutVsSend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final CompletionStage<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void timer() {
            orTimeout(pending);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = broadcastFuture(settle(pending));
            r.r2 = tryRecv(ch.receiver());
        }
    }

    // ================================================================== 4. watch

    /**
     * A timed watch changed (20 µs) against a send.
     * <p>Result: (timed changed, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline: changed returned true and marked it seen.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException, nothing marked; ONE is unseen.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "TimeoutException, yet ONE was marked seen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchTimedChangedVsSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(II_Result r) {
            r.r1 = RaceSupport.changed(ch.receiver(), SHORT);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = hasChanged(ch.receiver());
        }
    }

    /**
     * A timed watch changed (20 µs) against the close of the only sender.
     * <p>Result: (timed changed, a non-blocking changed afterwards).
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The close came before the deadline: changed returned false.")
    @Outcome(id = "-7, -1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first; the next changed reports the closure.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchTimedChangedVsLastSenderClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(II_Result r) {
            r.r1 = RaceSupport.changed(ch.receiver(), SHORT);
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = RaceSupport.check(ch.receiver());
        }
    }

    /**
     * A timed waitFor({@code x == 1}, 20 µs) against the send of the accepted value.
     * <p>Result: (timed waitFor, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline: waitFor returned it, marked seen.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException; only the initial value was tested, ONE is unseen.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "TimeoutException, yet ONE was marked seen (tested and then dropped).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchTimedWaitForVsAcceptedSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(II_Result r) {
            r.r1 = waitFor(ch.receiver(), 1, SHORT);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = hasChanged(ch.receiver());
        }
    }

    /**
     * The watch sender's timed awaitClosed (20 µs) against the close of the only receiver.
     * <p>Result: (awaitClosed, isClosed afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The close came before the deadline: true.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: false.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchTimedAwaitClosedVsLastReceiverClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void sender(II_Result r) {
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed(SHORT));
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    /**
     * A changedAsync is pending (constructor); one actor puts a 20 µs {@code orTimeout} on it, the
     * other sends ONE.
     * <p>Result: (the future once settled, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The send came first: the future completed with true, ONE marked seen.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timeout came first: the wait was withdrawn, nothing marked; ONE is unseen.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "TimeoutException, yet ONE was marked seen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchChangedAsyncOrTimeoutVsSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletionStage<Boolean> pending = ch.receiver().changedAsync();

        @Actor
        public void timer() {
            orTimeout(pending);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = changedFuture(settle(pending));
            r.r2 = hasChanged(ch.receiver());
        }
    }

    /**
     * A waitForAsync({@code x == 1}) is pending (constructor); one actor puts a 20 µs
     * {@code orTimeout} on it, the other sends ONE.
     * <p>Result: (the future once settled, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The send came first: the future has ONE, marked seen.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The timeout came first: the wait was withdrawn; ONE is unseen.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "TimeoutException, yet ONE was marked seen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchWaitForAsyncOrTimeoutVsSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletionStage<Integer> pending = ch.receiver().waitForAsync(x -> x == 1);

        @Actor
        public void timer() {
            orTimeout(pending);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = valueFuture(settle(pending));
            r.r2 = hasChanged(ch.receiver());
        }
    }

    // ================================================================== 5. a waiter reused after its timeout

    /**
     * The receiver's timed recv (20 µs) may give up while a send's wake-up is claiming its parked
     * waiter; its next, longer recv (ten seconds) reuses that waiter. The other actor sends ONE,
     * then TWO (capacity 2). A stale claim may only look like a spurious wake-up: no value lost, no
     * wake-up lost.
     * <p>Result: (timed recv, the next recv, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline; the second recv got TWO.")
    @Outcome(id = "-7, 1, 2", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first; the second recv got ONE, TWO is still in the channel.")
    @Outcome(id = ANY + ", -7, " + ANY, expect = FORBIDDEN, desc = "Lost wake-up: the reused waiter missed the sends.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value lost, duplicated or out of order.")
    @State
    public static class MpscTimedRecvThenRecvVsTwoSends {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);

        @Actor
        public void receiver(III_Result r) {
            r.r1 = recv(ch.receiver(), SHORT);
            r.r2 = recv(ch.receiver(), RaceSupport.SAFETY);
        }

        @Actor
        public void sender() {
            sendOrFail(ch.sender(), ONE);
            sendOrFail(ch.sender(), RaceSupport.TWO);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * As {@link MpscTimedRecvThenRecvVsTwoSends} for a broadcast receiver, whose timed-out wait does
     * not wait for a notifier's claim in progress: the next recv re-arms the same parked waiter
     * while a slow notifier may still complete it.
     * <p>Result: (timed recv, the next recv, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline; the second recv got TWO.")
    @Outcome(id = "-7, 1, 2", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first; the second recv got ONE, TWO is next.")
    @Outcome(id = ANY + ", -7, " + ANY, expect = FORBIDDEN, desc = "Lost wake-up: the reused waiter missed the sends.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value lost, duplicated or out of order.")
    @State
    public static class BroadcastTimedRecvThenRecvVsTwoSends {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void receiver(III_Result r) {
            r.r1 = recv(ch.receiver(), SHORT);
            r.r2 = recv(ch.receiver(), RaceSupport.SAFETY);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(RaceSupport.TWO);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * As {@link BroadcastTimedRecvThenRecvVsTwoSends} for a watch receiver: a timed changed
     * (20 µs), then waitFor({@code x == 2}) (ten seconds) on the same parked waiter, against the
     * sends of ONE and TWO.
     * <p>Result: (timed changed, waitFor, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "A change came before the deadline; waitFor then returned TWO.")
    @Outcome(id = "-7, 2, 0", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first; waitFor returned TWO.")
    @Outcome(id = ANY + ", -7, " + ANY, expect = FORBIDDEN, desc = "Lost wake-up: the reused waiter missed the send of TWO.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchTimedChangedThenWaitForVsTwoSends {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(III_Result r) {
            r.r1 = RaceSupport.changed(ch.receiver(), SHORT);
            r.r2 = waitFor(ch.receiver(), 2, RaceSupport.SAFETY);
        }

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(RaceSupport.TWO);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = hasChanged(ch.receiver());
        }
    }

    // ================================================================== 6. select

    /**
     * A timed {@code select(Duration)} (20 µs) over a oneshot receiver and an idle mpsc channel,
     * against the oneshot send.
     * <p>Result: (select, tryRecv of the oneshot afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, -4", expect = ACCEPTABLE, desc = "ONE came before the deadline: the select took it.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException, the oneshot case withdrawn; ONE is still there.")
    @Outcome(id = "-7, -4", expect = FORBIDDEN, desc = "Lost: TimeoutException, yet the value was taken.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the receiver left busy by the select's waiter.")
    @State
    public static class TimedSelectOneshotVsSend {
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(o.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select, SHORT);
        }

        @Actor
        public void sender() {
            o.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(o.receiver());
        }
    }

    /**
     * A blocking select over a broadcast receiver with a 20 µs timeout clause, against a send.
     * <p>Result: (select, tryRecv of the receiver afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline: the select took it.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: the timeout clause ran; ONE is next for the receiver.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "Lost: the timeout clause ran, yet the cursor moved past ONE.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TimeoutClauseBroadcastVsSend {
        final Broadcast.Channel<Integer> b = Broadcast.channel(2);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(b.receiver(), v -> v, RaceSupport::lagged)
                .timeout(SHORT, () -> RaceSupport.TIMED_OUT)
                .build();

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Actor
        public void sender() {
            b.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(b.receiver());
        }
    }

    /**
     * A blocking select over a watch receiver's {@code changed} with a 20 µs timeout clause,
     * against a send.
     * <p>Result: (select, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "ONE came before the deadline: the select saw it and marked it.")
    @Outcome(id = "-7, 1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: the timeout clause ran; ONE is unseen.")
    @Outcome(id = "-7, 0", expect = FORBIDDEN, desc = "The timeout clause ran, yet ONE was marked seen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TimeoutClauseWatchVsSend {
        final Watch.Channel<Integer> w = Watch.channel(ZERO);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(w.receiver(), v -> v)
                .timeout(SHORT, () -> RaceSupport.TIMED_OUT)
                .build();

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Actor
        public void sender() {
            w.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = hasChanged(w.receiver());
        }
    }

    /**
     * A timed {@code select(Duration)} (20 µs) over A (reporting its closure) and an idle channel,
     * against the close of A's only sender.
     * <p>Result: (select, tryRecv of A afterwards).
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The close came before the deadline: the select reported it.")
    @Outcome(id = "-7, -1", expect = ACCEPTABLE_INTERESTING, desc = "The deadline passed first: TimeoutException; A is at end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TimedSelectVsLastSenderClose {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> RaceSupport.END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select, SHORT);
        }

        @Actor
        public void closer() {
            a.sender().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(a.receiver());
        }
    }

    /**
     * An asynchronous select over A and an idle channel is waiting (constructor); one actor puts a
     * 20 µs {@code orTimeout} on its stage (an external completion: the select is withdrawn first),
     * the other sends ONE into A. Once the stage is complete the select must be free for its next
     * call: the arbiter sends TWO into the idle channel (after taking what is left in A) and calls
     * it again.
     * <p>Result: (the stage once settled, tryRecv of A afterwards, the next call's stage).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "The send's claim came first: the stage has ONE; the next call takes TWO.")
    @Outcome(id = "-7, 1, 2", expect = ACCEPTABLE_INTERESTING, desc = "The timeout came first: the select was withdrawn (TimeoutException); ONE stays in A; the next call takes TWO.")
    @Outcome(id = "-7, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: TimeoutException, yet ONE is gone.")
    @Outcome(id = "1, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated.")
    @Outcome(id = ANY + ", " + ANY + ", -8", expect = FORBIDDEN, desc = "The timed-out call never ended: the select still reports a call running.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class AsyncSelectOrTimeoutVsSend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();
        final CompletionStage<Integer> pending = waiting(select);

        @Actor
        public void timer() {
            orTimeout(pending);
        }

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = selectFuture(settle(pending));
            r.r2 = tryRecv(a.receiver());
            sendOrFail(idle.sender(), RaceSupport.TWO);
            try {
                r.r3 = selectFuture(settle(select.selectAsync()));
            } catch (IllegalStateException e) {
                r.r3 = RaceSupport.ILLEGAL_STATE;
            }
        }
    }
}
