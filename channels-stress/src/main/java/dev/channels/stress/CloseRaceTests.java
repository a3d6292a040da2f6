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
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static dev.channels.stress.RaceSupport.ANY;
import static dev.channels.stress.RaceSupport.ONE;
import static dev.channels.stress.RaceSupport.SAFETY;
import static dev.channels.stress.RaceSupport.TWO;
import static dev.channels.stress.RaceSupport.ZERO;
import static dev.channels.stress.RaceSupport.broadcastFuture;
import static dev.channels.stress.RaceSupport.changedFuture;
import static dev.channels.stress.RaceSupport.full;
import static dev.channels.stress.RaceSupport.hasChanged;
import static dev.channels.stress.RaceSupport.oneshotFuture;
import static dev.channels.stress.RaceSupport.recv;
import static dev.channels.stress.RaceSupport.recvFuture;
import static dev.channels.stress.RaceSupport.reserveAndSend;
import static dev.channels.stress.RaceSupport.select;
import static dev.channels.stress.RaceSupport.send;
import static dev.channels.stress.RaceSupport.sendOrFail;
import static dev.channels.stress.RaceSupport.settle;
import static dev.channels.stress.RaceSupport.tryRecv;
import static dev.channels.stress.RaceSupport.valueFuture;
import static dev.channels.stress.RaceSupport.waitFor;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The close races that the existing suites leave out: for each waiting operation whose close
 * column was empty (a timed form, an asynchronous form, recvMany and the iterator, a select with a
 * timeout, a oneshot clause), the close of the side that can end it, in Continuous mode. Most
 * scenarios send a value and then close on one actor while the other waits: the value sent before
 * the close must be delivered first, then the closure, and the waiting call must return (a timed
 * wait uses {@link RaceSupport#SAFETY}, so a lost wake-up shows as {@code -7} instead of a hung
 * fork). Two scenarios close a handle from another thread while its own operation waits: a
 * sender's blocking send against the close of that very handle (the core documents that such a
 * send fails and hands its value back rather than deliver after end of stream), and a broadcast
 * or watch receiver's wait against its own close (documented: the wait is not ended by the close,
 * it returns at end of stream).
 *
 * <p>Where one outcome only is listed the race is about completion and order (a lost wake-up, or
 * the closure reported before a value sent before it); those are still two-thread races whose
 * interleavings differ run to run.
 *
 * <h2>Result codes</h2>
 * {@link RaceSupport}'s: a value is itself, {@code -1} END, {@code -7} TIMED_OUT (a lost
 * wake-up here), {@code -8} ILLEGAL_STATE (a closed handle); send fields {@code 1} SENT,
 * {@code 2} HANDED_BACK.
 */
public final class CloseRaceTests {
    private CloseRaceTests() {
    }

    // ================================================================== 1. mpsc receive against the last sender's close

    /**
     * The only sender sends ONE and closes; the receiver's two timed recvs (ten seconds) wait.
     * <p>Result: (first recv, second recv).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then end of stream, whether each recv found its result, spun for it, or parked and was woken.")
    @Outcome(id = "-1, " + ANY, expect = FORBIDDEN, desc = "End of stream before the message sent before the close.")
    @Outcome(id = ANY + ", -7", expect = FORBIDDEN, desc = "Lost wake-up: the timed recv timed out although the sender closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TimedRecvVsSendThenLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void sender() {
            sendOrFail(ch.sender(), ONE);
            ch.sender().close();
        }

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SAFETY);
            r.r2 = recv(ch.receiver(), SAFETY);
        }
    }

    /**
     * A recvAsync is pending (constructor); the only sender sends ONE and closes. The receiving
     * actor waits for that future, then starts a second recvAsync and waits for it: the second
     * registers while the close may be in flight.
     * <p>Result: (first future, second future).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "The first future has ONE, the second completes with end of stream (at once, or woken by the close).")
    @Outcome(id = ANY + ", -3", expect = FORBIDDEN, desc = "Stranded: the second receive never completed although the sender closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. end of stream before ONE.")
    @State
    public static class RecvAsyncVsSendThenLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final CompletionStage<Integer> first = ch.receiver().recvAsync();

        @Actor
        public void sender() {
            sendOrFail(ch.sender(), ONE);
            ch.sender().close();
        }

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recvFuture(settle(first));
            r.r2 = recvFuture(settle(ch.receiver().recvAsync()));
        }
    }

    /**
     * The only sender sends ONE and TWO (capacity 2) and closes; the receiver calls recvMany(4)
     * until it returns 0.
     * <p>Result: (messages moved, first of them, second of them).
     */
    @JCStressTest
    @Outcome(id = "2, 1, 2", expect = ACCEPTABLE, desc = "Both messages, in order, in one or two calls; then 0 at end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a message lost or reordered, or 0 before both were moved.")
    @State
    public static class RecvManyVsSendsThenLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);

        @Actor
        public void sender() {
            sendOrFail(ch.sender(), ONE);
            sendOrFail(ch.sender(), TWO);
            ch.sender().close();
        }

        @Actor
        public void receiver(III_Result r) {
            final List<Integer> buffer = new ArrayList<>();
            try {
                for (int calls = 0; calls < 4 && ch.receiver().recvMany(buffer, 4) > 0; calls++) {
                    // until end of stream
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.r1 = buffer.size();
            r.r2 = buffer.isEmpty() ? 0 : buffer.get(0);
            r.r3 = buffer.size() < 2 ? 0 : buffer.get(1);
        }
    }

    /**
     * The receiver half-closes from another thread while recvMany waits on an empty channel.
     * <p>Result: (recvMany's count, size of the buffer).
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "recvMany returned 0 (end of stream) and left the buffer untouched.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RecvManyVsReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Actor
        public void receiver(II_Result r) {
            final List<Integer> buffer = new ArrayList<>();
            try {
                r.r1 = ch.receiver().recvMany(buffer, 4);
            } catch (InterruptedException e) {
                r.r1 = RaceSupport.INTERRUPTED;
            }
            r.r2 = buffer.size();
        }
    }

    /**
     * The only sender sends ONE and TWO and closes; the receiver iterates ({@code for (v : rx)}).
     * <p>Result: (messages iterated, first, second).
     */
    @JCStressTest
    @Outcome(id = "2, 1, 2", expect = ACCEPTABLE, desc = "The iteration saw both, in order, and ended at end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class IteratorVsSendsThenLastSenderClose {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().close();
        }

        @Actor
        public void receiver(III_Result r) {
            final List<Integer> seen = new ArrayList<>();
            for (Integer v : ch.receiver()) {
                seen.add(v);
            }
            r.r1 = seen.size();
            r.r2 = seen.isEmpty() ? 0 : seen.get(0);
            r.r3 = seen.size() < 2 ? 0 : seen.get(1);
        }
    }

    /**
     * Unbounded: one actor sends ONE and then half-closes the receiver (from its thread); the
     * receiver's two timed recvs (ten seconds) wait. A message sent before the half-close stays
     * receivable.
     * <p>Result: (first recv, second recv).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then end of stream.")
    @Outcome(id = "-1, " + ANY, expect = FORBIDDEN, desc = "End of stream before the buffered message.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout (lost wake-up).")
    @State
    public static class UnboundedTimedRecvVsSendThenReceiverClose {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void senderThenCloser() {
            ch.sender().send(ONE);
            ch.receiver().close();
        }

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SAFETY);
            r.r2 = recv(ch.receiver(), SAFETY);
        }
    }

    // ================================================================== 2. mpsc send and reserve against the receiver's close

    /**
     * Capacity 1, full. A timed send (ten seconds) waits; the other actor receives the filler,
     * then half-closes. (The timed form of {@link MpscTests.BlockingSendVsRecvThenClose}.)
     * <p>Result: (timed send, receive, times ONE was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1", expect = ACCEPTABLE, desc = "The send got the freed slot before the close; ONE survives the close.")
    @Outcome(id = "2, 9, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close came before the send got a slot: ChannelClosedException carrying ONE.")
    @Outcome(id = "1, 9, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: sent but never received.")
    @Outcome(id = "2, 9, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: handed back and received.")
    @Outcome(id = "-7, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost wake-up: timed out although a slot was freed and the channel closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TimedSendVsRecvThenReceiverClose {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void sender(IIII_Result r) {
            r.r1 = send(ch.sender(), ONE, SAFETY);
        }

        @Actor
        public void receiverThenCloser(IIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    /**
     * As {@link TimedSendVsRecvThenReceiverClose} with a timed reserve (ten seconds) and a send of
     * ONE through the permit: a permit granted before the close can still send after it.
     * <p>Result: (reserve-and-send, receive, times ONE was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1", expect = ACCEPTABLE, desc = "The reservation got the freed slot before the close; the permit's send after the close is delivered.")
    @Outcome(id = "2, 9, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close came first: ChannelClosedException, nothing reserved.")
    @Outcome(id = "1, 9, 1, 0", expect = FORBIDDEN, desc = "No end of stream after the permit was used and the channel drained.")
    @Outcome(id = "-7, " + ANY + ", " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost wake-up: timed out although a slot was freed and the channel closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class TimedReserveVsRecvThenReceiverClose {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void reserver(IIII_Result r) {
            r.r1 = reserveAndSend(ch.sender(), ONE, SAFETY);
        }

        @Actor
        public void receiverThenCloser(IIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    /**
     * Capacity 1, full, one sender handle. A blocking send through that handle waits while
     * another thread closes the same handle (as a try-with-resources on the wrong thread would):
     * the last sender is gone, so the receiver gets the filler and then end of stream; the waiting
     * send must fail and hand its value back (or, if the close came first, throw
     * IllegalStateException), never deliver after end of stream and never stay blocked.
     * <p>Result: (send, fillers drained, times ONE was received, drain ended at end of stream).
     */
    @JCStressTest
    @Outcome(id = "2, 1, 0, 1", expect = ACCEPTABLE, desc = "The close came while the send waited (or before its slot check): the send failed with ChannelClosedException carrying ONE.")
    @Outcome(id = "-8, 1, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "The close came before the send checked its handle: IllegalStateException, ONE is the caller's.")
    @Outcome(id = ANY + ", " + ANY + ", 1, " + ANY, expect = FORBIDDEN, desc = "ONE was delivered, after the last sender closed (end of stream follows the filler).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the exception without the value.")
    @State
    public static class BlockedSendVsOwnHandleClose {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void sender(IIII_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(9);
            r.r3 = d.count(1);
            r.r4 = d.end();
        }
    }

    // ================================================================== 3. oneshot

    /**
     * A timed oneshot recv (ten seconds) waits while another thread closes the receiver.
     * <p>Result: (timed recv).
     */
    @JCStressTest
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "The recv reported the closure (it found it, or its waiter was replaced by CLOSED and woken).")
    @Outcome(id = "-7", expect = FORBIDDEN, desc = "Lost wake-up: timed out although the receiver was closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class OneshotTimedRecvVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Actor
        public void receiver(I_Result r) {
            r.r1 = recv(ch.receiver(), SAFETY);
        }
    }

    /**
     * One actor starts the oneshot receiver's own stage ({@code toCompletableFuture()}) while the
     * other closes the sender without a value; the arbiter looks at the stage.
     * <p>Result: (the stage).
     */
    @JCStressTest
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "The stage failed with ChannelClosedException (at once, or when the close replaced its waiter).")
    @Outcome(id = "-3", expect = FORBIDDEN, desc = "Stranded: the stage is still pending after the sender closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class OneshotStageVsSenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        volatile CompletableFuture<Integer> stage;

        @Actor
        public void receiver() {
            stage = ch.receiver().toCompletableFuture();
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = oneshotFuture(stage);
        }
    }

    // ================================================================== 4. broadcast

    /**
     * A broadcast recvAsync is pending (constructor); the only sender sends ONE and closes. The
     * receiving actor waits for that future, then starts a second recvAsync and waits for it.
     * <p>Result: (first future, second future).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then end of stream.")
    @Outcome(id = ANY + ", -3", expect = FORBIDDEN, desc = "Stranded: the second receive never completed although the sender closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastRecvAsyncVsSendThenLastSenderClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final CompletionStage<Integer> first = ch.receiver().recvAsync();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void receiver(II_Result r) {
            r.r1 = broadcastFuture(settle(first));
            r.r2 = broadcastFuture(settle(ch.receiver().recvAsync()));
        }
    }

    /**
     * A broadcast receiver's blocking recv against the close of that receiver from another thread,
     * followed there by the close of the only sender. The receiver's javadoc: a receive already
     * waiting is not ended by the receiver's close; it returns at the next send or at end of
     * stream. A receive that starts after the close throws IllegalStateException.
     * <p>Result: (recv).
     */
    @JCStressTest
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "The recv was under way when its receiver closed: it returned end of stream once the sender closed.")
    @Outcome(id = "-8", expect = ACCEPTABLE_INTERESTING, desc = "The receiver was closed before the recv began: IllegalStateException.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastRecvVsOwnReceiverClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void closer() {
            ch.receiver().close();
            ch.sender().close();
        }

        @Actor
        public void receiver(I_Result r) {
            r.r1 = recv(ch.receiver());
        }
    }

    // ================================================================== 5. watch

    /**
     * The only watch sender sends ONE and closes; the receiver's timed waitFor({@code x == 1}, ten
     * seconds) waits. The value written before the close is tested before the close is reported.
     * <p>Result: (waitFor, the next changed (timed, ten seconds)).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "waitFor returned ONE; the next changed waits for the close and reports it.")
    @Outcome(id = "-1, " + ANY, expect = FORBIDDEN, desc = "waitFor reported the closure without testing the value sent before it.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout (lost wake-up).")
    @State
    public static class WatchTimedWaitForVsSendThenClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void receiver(II_Result r) {
            r.r1 = waitFor(ch.receiver(), 1, SAFETY);
            r.r2 = RaceSupport.changed(ch.receiver(), SAFETY); // the close may still be on its way
        }
    }

    /**
     * A waitForAsync({@code x == 2}) is pending (constructor); the only sender sends ONE (rejected)
     * and closes; the other actor waits for the future.
     * <p>Result: (future, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The future failed with ChannelClosedException, having tested ONE; the channel is closed.")
    @Outcome(id = "-3, " + ANY, expect = FORBIDDEN, desc = "Stranded: the wait never ended although the sender closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchWaitForAsyncVsRejectedSendThenClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletionStage<Integer> pending = ch.receiver().waitForAsync(x -> x == 2);

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = valueFuture(settle(pending));
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = hasChanged(ch.receiver());
        }
    }

    /**
     * A changedAsync is pending (constructor); the only sender sends ONE and closes. The other
     * actor waits for the future and then calls the timed changed (ten seconds).
     * <p>Result: (future, the next changed).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "The future reported the change (from the send's wake-up, or the close's, with ONE unseen); the next changed reports the closure.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the closure reported while ONE was unseen.")
    @State
    public static class WatchChangedAsyncVsSendThenClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final CompletionStage<Boolean> pending = ch.receiver().changedAsync();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void waiter(II_Result r) {
            r.r1 = changedFuture(settle(pending));
            r.r2 = RaceSupport.changed(ch.receiver(), SAFETY);
        }
    }

    /**
     * A watch receiver's blocking changed against the close of that receiver from another thread,
     * followed there by the close of the only sender (documented as for broadcast: a wait under
     * way is not ended by the receiver's close).
     * <p>Result: (changed).
     */
    @JCStressTest
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "changed was under way when its receiver closed: it returned false once the sender closed.")
    @Outcome(id = "-8", expect = ACCEPTABLE_INTERESTING, desc = "The receiver was closed before changed began (and its close seen): IllegalStateException.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchChangedVsOwnReceiverClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void closer() {
            ch.receiver().close();
            ch.sender().close();
        }

        @Actor
        public void receiver(I_Result r) {
            r.r1 = RaceSupport.changed(ch.receiver());
        }
    }

    // ================================================================== 6. select

    /**
     * The only sender of A sends ONE and closes; a timed select (ten seconds) over A (reporting its
     * closure) and an idle channel runs twice.
     * <p>Result: (first select, second select).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "ONE, then the closure.")
    @Outcome(id = "-1, " + ANY, expect = FORBIDDEN, desc = "The closure reported before the message sent before it.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout (lost wake-up).")
    @State
    public static class TimedSelectVsSendThenLastSenderClose {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> RaceSupport.END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void sender() {
            sendOrFail(a.sender(), ONE);
            a.sender().close();
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select, SAFETY);
            r.r2 = select(select, SAFETY);
        }
    }

    /**
     * A blocking select over a oneshot receiver (reporting closure) and an idle mpsc channel,
     * while another thread closes that oneshot receiver.
     * <p>Result: (select, tryRecv of the oneshot afterwards).
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The select reported the closure; the receiver reports it too.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the receiver left busy by the select's waiter.")
    @State
    public static class SelectOneshotClauseVsReceiverClose {
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(o.receiver(), v -> v).onClosed(() -> RaceSupport.END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void closer() {
            o.receiver().close();
        }

        @Actor
        public void selector(II_Result r) {
            r.r1 = select(select);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(o.receiver());
        }
    }
}
