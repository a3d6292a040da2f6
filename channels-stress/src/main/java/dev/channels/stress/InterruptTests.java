package dev.channels.stress;

import dev.channels.Broadcast;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Select;
import dev.channels.Watch;
import dev.channels.stress.RaceSupport.Drain;
import dev.channels.stress.RaceSupport.InterruptState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static dev.channels.stress.RaceSupport.ANY;
import static dev.channels.stress.RaceSupport.HOUR;
import static dev.channels.stress.RaceSupport.ONE;
import static dev.channels.stress.RaceSupport.TWO;
import static dev.channels.stress.RaceSupport.ZERO;
import static dev.channels.stress.RaceSupport.awaitClosed;
import static dev.channels.stress.RaceSupport.bit;
import static dev.channels.stress.RaceSupport.full;
import static dev.channels.stress.RaceSupport.hasChanged;
import static dev.channels.stress.RaceSupport.next;
import static dev.channels.stress.RaceSupport.recv;
import static dev.channels.stress.RaceSupport.reserveAndSend;
import static dev.channels.stress.RaceSupport.select;
import static dev.channels.stress.RaceSupport.send;
import static dev.channels.stress.RaceSupport.sendOrFail;
import static dev.channels.stress.RaceSupport.tryRecv;
import static dev.channels.stress.RaceSupport.waitFor;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Interrupt against wake-up, for every blocking operation of every kind, in Continuous mode. The
 * waiting actor publishes its thread and makes the blocking call; the other actor interrupts it
 * and <em>then</em> does what wakes the call (a send, a receive that frees a slot, a close), so the
 * call can never wait forever, and the interrupt lands anywhere in the call: before it, while it
 * spins, while it registers, while it is parked, or while the wake-up's claim is taking effect.
 *
 * <p>The contract (the javadoc of every blocking method, and STYLE.md's "never swallow
 * InterruptedException"): either the call throws {@link InterruptedException}, its interrupt
 * status is clear, and it took no effect (no message taken, nothing sent or reserved, no change
 * marked seen, no clause of a select taken), or the call completed and the interrupt status is
 * still set (it came after, or while the call's wake-up was taking effect, and was kept). The
 * receive iterator reports an interrupt with {@link dev.channels.ChannelInterruptedException} and
 * sets the status again, so there the status is set either way. A swallowed interrupt, a value
 * lost or taken by an interrupted call, or an interrupt both thrown and left pending are
 * FORBIDDEN.
 *
 * <p>Every scenario has two actors (jcstress cannot schedule three on a two-CPU machine and skips
 * such tests): the interrupter also performs the wake-up, in that order.
 *
 * <h2>Result codes</h2>
 * {@link RaceSupport}'s: a value received is itself, {@code -2} INTERRUPTED, {@code -1} END,
 * {@code -4} TAKEN, {@code -9} INTERRUPTED_UNCHECKED; send fields {@code 1} SENT, {@code 2}
 * HANDED_BACK. The last field of every result is the interrupt status after the call (1 set).
 */
public final class InterruptTests {
    private InterruptTests() {
    }

    // ================================================================== 1. mpsc receive

    /**
     * A blocking recv on an empty bounded channel; the other actor interrupts it, then sends ONE.
     * <p>Result: (recv, tryRecv afterwards, interrupt status after the recv).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "recv returned ONE (found while spinning, or woken before it looked at the interrupt); the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: recv threw InterruptedException with the status cleared, having taken nothing; ONE is still in the channel.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: recv returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE is gone from the channel.")
    @Outcome(id = "-2, 1, 1", expect = FORBIDDEN, desc = "The interrupt was both thrown and left pending.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. ONE both returned and still in the channel.")
    @State
    public static class MpscRecvVsSend extends InterruptState {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            sendOrFail(ch.sender(), ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /** As {@link MpscRecvVsSend} on an unbounded channel (its own ring and head check). */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "recv returned ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared, nothing taken; ONE is still in the channel.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: recv returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE is gone.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class UnboundedRecvVsSend extends InterruptState {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /** As {@link MpscRecvVsSend} with the timed recv (an hour: the timed code path, no deadline in play). */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The timed recv returned ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared, nothing taken; ONE is still in the channel.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: the timed recv returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE is gone.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class MpscTimedRecvVsSend extends InterruptState {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver(), HOUR);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            sendOrFail(ch.sender(), ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * recvMany (waits for the first message without taking it, then moves what is there) against
     * interrupt-then-send.
     * <p>Result: (ONE if recvMany moved exactly ONE into the buffer, or INTERRUPTED; tryRecv afterwards; interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "recvMany moved ONE into the buffer; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared, the buffer untouched; ONE is still in the channel.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: recvMany returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE is gone.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a buffer touched by an interrupted call (-6).")
    @State
    public static class RecvManyVsSend extends InterruptState {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final List<Integer> buffer = new ArrayList<>();

        @Actor
        public void receiver(III_Result r) {
            publish();
            try {
                final int n = ch.receiver().recvMany(buffer, 4);
                r.r1 = n == 1 && buffer.size() == 1 && ONE.equals(buffer.get(0)) ? ONE : RaceSupport.FAILED;
            } catch (InterruptedException e) {
                r.r1 = buffer.isEmpty() ? RaceSupport.INTERRUPTED : RaceSupport.FAILED;
            }
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            sendOrFail(ch.sender(), ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * The receiver's blocking iterator ({@code hasNext}) against interrupt-then-send: an interrupt
     * is reported as ChannelInterruptedException with the status set again.
     * <p>Result: (next, tryRecv afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "hasNext/next returned ONE; the interrupt stays pending.")
    @Outcome(id = "-9, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: ChannelInterruptedException, the status set again as documented; ONE is still in the channel.")
    @Outcome(id = "-9, 1, 0", expect = FORBIDDEN, desc = "ChannelInterruptedException without restoring the interrupt status.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: the iterator returned ONE and the interrupt status is clear.")
    @Outcome(id = "-9, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: the iterator was interrupted, yet ONE is gone.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. end of stream.")
    @State
    public static class IteratorVsSend extends InterruptState {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Iterator<Integer> it = ch.receiver().iterator();

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = next(it);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            sendOrFail(ch.sender(), ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A blocking recv; the other actor interrupts it, then closes the only sender.
     * <p>Result: (recv, tryRecv afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "recv returned end of stream (the close's wake-up came before the interrupt was looked at); the interrupt stays pending.")
    @Outcome(id = "-2, -1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; the channel then reports end of stream.")
    @Outcome(id = "-1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: recv returned end of stream and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. no end of stream after the last sender closed.")
    @State
    public static class MpscRecvVsLastSenderClose extends InterruptState {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A blocking recv on an unbounded channel; the other actor interrupts it, then half-closes the
     * receiver (allowed from any thread).
     * <p>Result: (recv, tryRecv afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "recv returned end of stream (closed, empty, no permit); the interrupt stays pending.")
    @Outcome(id = "-2, -1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; the channel then reports end of stream.")
    @Outcome(id = "-1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: recv returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class UnboundedRecvVsReceiverClose extends InterruptState {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    // ================================================================== 2. mpsc send and reserve

    /**
     * A blocking send on a full channel (capacity 1); the other actor interrupts it, then receives
     * the filler, which frees the slot (granted to the queued sender, or found by its spin).
     * <p>Result: (send, receive, times ONE was received, free capacity after the drain, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1, 1", expect = ACCEPTABLE, desc = "The send got the slot (the grant beat the interrupt, or its spin found the slot free); the interrupt stays pending.")
    @Outcome(id = "-2, 9, 0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: the send withdrew from the queue and threw, status cleared; ONE never sent, the freed slot went back to the channel.")
    @Outcome(id = "1, 9, 1, 1, 0", expect = FORBIDDEN, desc = "Swallowed: the send returned and the interrupt status is clear.")
    @Outcome(id = "-2, 9, 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "InterruptedException (the value was not sent), yet ONE arrives.")
    @Outcome(id = "1, 9, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost: send returned normally but ONE never arrives.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Leak: drained and nobody waiting, yet no free slot.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsRecv extends InterruptState {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void sender(IIIII_Result r) {
            publish();
            r.r1 = send(ch.sender(), ONE);
            r.r5 = interruptStatus();
        }

        @Actor
        public void interrupterThenReceiver(IIIII_Result r) {
            interrupt();
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = Drain.of(ch.receiver()).count(1);
            r.r4 = ch.sender().capacity();
        }
    }

    /** As {@link SendVsRecv} with the timed send (an hour). */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1, 1", expect = ACCEPTABLE, desc = "The timed send got the slot; the interrupt stays pending.")
    @Outcome(id = "-2, 9, 0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: withdrew and threw, status cleared; ONE never sent, the slot went back.")
    @Outcome(id = "1, 9, 1, 1, 0", expect = FORBIDDEN, desc = "Swallowed: the send returned and the interrupt status is clear.")
    @Outcome(id = "-2, 9, 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "InterruptedException, yet ONE arrives.")
    @Outcome(id = "1, 9, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost: sent but never arrives.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Leak: no free slot after the drain.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class TimedSendVsRecv extends InterruptState {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void sender(IIIII_Result r) {
            publish();
            r.r1 = send(ch.sender(), ONE, HOUR);
            r.r5 = interruptStatus();
        }

        @Actor
        public void interrupterThenReceiver(IIIII_Result r) {
            interrupt();
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = Drain.of(ch.receiver()).count(1);
            r.r4 = ch.sender().capacity();
        }
    }

    /**
     * A blocking reserve on a full channel, then a send of ONE through the permit; the other actor
     * interrupts, then receives the filler.
     * <p>Result: (reserve-and-send, receive, times ONE was received, free capacity after the drain, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1, 1", expect = ACCEPTABLE, desc = "reserve got the freed slot; ONE sent through the permit arrives; the interrupt stays pending.")
    @Outcome(id = "-2, 9, 0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: reserve threw, status cleared; nothing reserved, the slot went back to the channel.")
    @Outcome(id = "1, 9, 1, 1, 0", expect = FORBIDDEN, desc = "Swallowed: reserve returned and the interrupt status is clear.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Leak: the interrupted reservation kept its unit.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ReserveVsRecv extends InterruptState {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void reserver(IIIII_Result r) {
            publish();
            r.r1 = reserveAndSend(ch.sender(), ONE);
            r.r5 = interruptStatus();
        }

        @Actor
        public void interrupterThenReceiver(IIIII_Result r) {
            interrupt();
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = Drain.of(ch.receiver()).count(1);
            r.r4 = ch.sender().capacity();
        }
    }

    /** As {@link ReserveVsRecv} with the timed reserve (an hour). */
    @JCStressTest
    @Outcome(id = "1, 9, 1, 1, 1", expect = ACCEPTABLE, desc = "The timed reserve got the slot; ONE arrives; the interrupt stays pending.")
    @Outcome(id = "-2, 9, 0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: threw, status cleared; nothing reserved, the slot went back.")
    @Outcome(id = "1, 9, 1, 1, 0", expect = FORBIDDEN, desc = "Swallowed: reserve returned and the interrupt status is clear.")
    @Outcome(id = ANY + ", " + ANY + ", " + ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Leak: the interrupted reservation kept its unit.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class TimedReserveVsRecv extends InterruptState {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void reserver(IIIII_Result r) {
            publish();
            r.r1 = reserveAndSend(ch.sender(), ONE, HOUR);
            r.r5 = interruptStatus();
        }

        @Actor
        public void interrupterThenReceiver(IIIII_Result r) {
            interrupt();
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = Drain.of(ch.receiver()).count(1);
            r.r4 = ch.sender().capacity();
        }
    }

    /**
     * Capacity 2, full. reserveMany(2) waits (it may hold a partial grant of one unit while it
     * waits for the second); the other actor interrupts it, then receives both fillers. If the
     * reservation completes it sends ONE and TWO through the batch. An interrupted reservation must
     * give back the unit it was partially granted (Tokio's "a failed reservation returns its
     * partial assignment").
     * <p>Result: (reserveMany-and-send, fillers received by the interrupter, ONE and TWO received, free capacity after the drain, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 2, 2, 1", expect = ACCEPTABLE, desc = "reserveMany got both freed slots; ONE and TWO arrive; the interrupt stays pending.")
    @Outcome(id = "-2, 2, 0, 2, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won (before or after a partial grant): threw, status cleared, any partial unit given back; both slots free after the drain.")
    @Outcome(id = "-2, 2, 0, 1, " + ANY, expect = FORBIDDEN, desc = "Leak: the interrupted reservation kept its partial unit.")
    @Outcome(id = "1, 2, 2, 2, 0", expect = FORBIDDEN, desc = "Swallowed: reserveMany returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ReserveManyVsRecvs extends InterruptState {
        final Mpsc.Channel<Integer> ch = full(2);

        @Actor
        public void reserver(IIIII_Result r) {
            publish();
            try {
                final Mpsc.Permits<Integer> batch = ch.sender().reserveMany(2);
                batch.send(ONE);
                batch.send(TWO);
                r.r1 = RaceSupport.SENT;
            } catch (InterruptedException e) {
                r.r1 = RaceSupport.INTERRUPTED;
            }
            r.r5 = interruptStatus();
        }

        @Actor
        public void interrupterThenReceiver(IIIII_Result r) {
            interrupt();
            int fillers = 0;
            for (int i = 0; i < 2; i++) {
                if (tryRecv(ch.receiver()) == RaceSupport.FILLER) {
                    fillers++;
                }
            }
            r.r2 = fillers;
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r3 = d.count(1) + d.count(2);
            r.r4 = ch.sender().capacity();
        }
    }

    /**
     * A blocking send on a full channel; the other actor interrupts it, then half-closes the
     * receiver (which rejects the queued sender). The value is never in the channel.
     * <p>Result: (send, times ONE was received, drain ended at end of stream, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "2, 0, 1, 1", expect = ACCEPTABLE, desc = "The close's rejection won: ChannelClosedException carrying ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared, ONE not sent.")
    @Outcome(id = "2, 0, 1, 0", expect = FORBIDDEN, desc = "Swallowed: the send failed with the close and the interrupt status is clear.")
    @Outcome(id = ANY + ", 1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "ONE got into a channel that never had room before the close.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the exception without the value.")
    @State
    public static class SendVsReceiverClose extends InterruptState {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void sender(IIII_Result r) {
            publish();
            r.r1 = send(ch.sender(), ONE);
            r.r4 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final Drain d = Drain.of(ch.receiver());
            r.r2 = d.count(1);
            r.r3 = d.end();
        }
    }

    /**
     * The sender's awaitClosed; the other actor interrupts it, then half-closes the receiver.
     * <p>Result: (awaitClosed: 1 returned, INTERRUPTED; isClosed afterwards; interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "awaitClosed returned (the close completed its future first); the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: awaitClosed returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class MpscAwaitClosedVsReceiverClose extends InterruptState {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void sender(III_Result r) {
            publish();
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    /** As {@link MpscAwaitClosedVsReceiverClose} with the timed awaitClosed (an hour), on an unbounded channel. */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The timed awaitClosed returned true; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: awaitClosed returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class UnboundedTimedAwaitClosedVsReceiverClose extends InterruptState {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void sender(III_Result r) {
            publish();
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed(HOUR));
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    // ================================================================== 3. oneshot

    /**
     * A oneshot recv; the other actor interrupts it, then sends ONE.
     * <p>Result: (recv, tryRecv afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, -4, 1", expect = ACCEPTABLE, desc = "recv took ONE (the receiver is used up); the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: recv withdrew its waiter and threw, status cleared; ONE is still there to receive.")
    @Outcome(id = "1, -4, 0", expect = FORBIDDEN, desc = "Swallowed: recv returned and the interrupt status is clear.")
    @Outcome(id = "-2, -4, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet the value was taken.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a closure nobody caused.")
    @State
    public static class OneshotRecvVsSend extends InterruptState {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /** As {@link OneshotRecvVsSend} with the timed recv (an hour). */
    @JCStressTest
    @Outcome(id = "1, -4, 1", expect = ACCEPTABLE, desc = "The timed recv took ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: threw, status cleared; ONE is still there.")
    @Outcome(id = "1, -4, 0", expect = FORBIDDEN, desc = "Swallowed: the timed recv returned and the interrupt status is clear.")
    @Outcome(id = "-2, -4, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet the value was taken.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class OneshotTimedRecvVsSend extends InterruptState {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver(), HOUR);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A oneshot recv; the other actor interrupts it, then closes the sender without sending.
     * <p>Result: (recv, tryRecv afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "recv reported the closure (ChannelClosedException); the interrupt stays pending.")
    @Outcome(id = "-2, -1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; the closure is there for the next receive.")
    @Outcome(id = "-1, -1, 0", expect = FORBIDDEN, desc = "Swallowed: recv returned the closure and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class OneshotRecvVsSenderClose extends InterruptState {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A oneshot recv; the other actor interrupts it, then closes the receiver (from its thread).
     * <p>Result: (recv, tryRecv afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "recv reported the closure; the interrupt stays pending.")
    @Outcome(id = "-2, -1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; the channel is closed without a value.")
    @Outcome(id = "-1, -1, 0", expect = FORBIDDEN, desc = "Swallowed: recv returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class OneshotRecvVsReceiverClose extends InterruptState {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * The oneshot sender's awaitClosed; the other actor interrupts it, then closes the receiver.
     * <p>Result: (awaitClosed, isClosed afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "awaitClosed returned; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: awaitClosed returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class OneshotAwaitClosedVsReceiverClose extends InterruptState {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(III_Result r) {
            publish();
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    // ================================================================== 4. broadcast

    /**
     * A broadcast recv; the other actor interrupts it, then sends ONE.
     * <p>Result: (recv, tryRecv afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "recv returned ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: recv withdrew from the wait list and threw, status cleared; the cursor did not move, ONE is next.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: recv returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet the cursor moved past ONE.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastRecvVsSend extends InterruptState {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /** As {@link BroadcastRecvVsSend} with the timed recv (an hour). */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The timed recv returned ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: threw, status cleared; ONE is next.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: the timed recv returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet the cursor moved past ONE.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class BroadcastTimedRecvVsSend extends InterruptState {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver(), HOUR);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * A broadcast recv; the other actor interrupts it, then closes the only sender.
     * <p>Result: (recv, tryRecv afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "recv returned end of stream; the interrupt stays pending.")
    @Outcome(id = "-2, -1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; end of stream is there for the next receive.")
    @Outcome(id = "-1, -1, 0", expect = FORBIDDEN, desc = "Swallowed: recv returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastRecvVsLastSenderClose extends InterruptState {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    /**
     * The broadcast sender's awaitClosed; the other actor interrupts it, then closes the only receiver.
     * <p>Result: (awaitClosed, isClosed afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "awaitClosed returned; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: awaitClosed returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BroadcastAwaitClosedVsLastReceiverClose extends InterruptState {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void sender(III_Result r) {
            publish();
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    // ================================================================== 5. watch

    /**
     * A watch changed; the other actor interrupts it, then sends ONE.
     * <p>Result: (changed, hasChanged afterwards, value borrowed afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "changed returned true and marked ONE seen; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared, nothing marked; ONE is still unseen.")
    @Outcome(id = "1, " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: changed returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE was marked seen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchChangedVsSend extends InterruptState {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(IIII_Result r) {
            publish();
            r.r1 = RaceSupport.changed(ch.receiver());
            r.r4 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = hasChanged(ch.receiver());
            r.r3 = ch.receiver().borrow();
        }
    }

    /** As {@link WatchChangedVsSend} with the timed changed (an hour). */
    @JCStressTest
    @Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "The timed changed returned true and marked ONE seen; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: threw, status cleared, nothing marked; ONE is still unseen.")
    @Outcome(id = "1, " + ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: changed returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE was marked seen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class WatchTimedChangedVsSend extends InterruptState {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(IIII_Result r) {
            publish();
            r.r1 = RaceSupport.changed(ch.receiver(), HOUR);
            r.r4 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r2 = hasChanged(ch.receiver());
            r.r3 = ch.receiver().borrow();
        }
    }

    /**
     * A watch changed; the other actor interrupts it, then closes the only sender.
     * <p>Result: (changed, a non-blocking changed afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "changed returned false (closed, the value seen); the interrupt stays pending.")
    @Outcome(id = "-2, -1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; the next changed reports the closure.")
    @Outcome(id = "-1, -1, 0", expect = FORBIDDEN, desc = "Swallowed: changed returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchChangedVsLastSenderClose extends InterruptState {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = RaceSupport.changed(ch.receiver());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.sender().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = RaceSupport.check(ch.receiver());
        }
    }

    /**
     * A watch waitFor({@code x == 1}); the other actor interrupts it, then sends ONE. An interrupted
     * waitFor has tested (and marked seen) only the initial value.
     * <p>Result: (waitFor, hasChanged afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "waitFor returned ONE, marked seen; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; ONE was never tested and is unseen.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: waitFor returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "InterruptedException, yet ONE was marked seen (tested and then dropped).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchWaitForVsAcceptedSend extends InterruptState {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = waitFor(ch.receiver(), 1);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = hasChanged(ch.receiver());
        }
    }

    /** As {@link WatchWaitForVsAcceptedSend} with the timed waitFor (an hour). */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The timed waitFor returned ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: threw, status cleared; ONE is unseen.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: waitFor returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "InterruptedException, yet ONE was marked seen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class WatchTimedWaitForVsAcceptedSend extends InterruptState {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = waitFor(ch.receiver(), 1, HOUR);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = hasChanged(ch.receiver());
        }
    }

    /**
     * The watch sender's awaitClosed; the other actor interrupts it, then closes the only receiver.
     * <p>Result: (awaitClosed, isClosed afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "awaitClosed returned; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: awaitClosed returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchAwaitClosedVsLastReceiverClose extends InterruptState {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void sender(III_Result r) {
            publish();
            r.r1 = awaitClosed(() -> ch.sender().awaitClosed());
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    // ================================================================== 6. a waiter reused after an interrupt

    /**
     * A broadcast recv is interrupted (the other actor interrupts, then sends ONE and TWO); the
     * receiver then receives again with the timed recv (ten seconds). An interrupted broadcast
     * wait does not wait for a notifier's claim in progress, so the second recv may re-arm a
     * parked waiter that a slow notifier is still completing: that may only look like a spurious
     * wake-up.
     * <p>Result: (first recv, second recv, interrupt status after the first).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 1", expect = ACCEPTABLE, desc = "The first recv got ONE (the interrupt stayed pending); the second got TWO.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The first recv was interrupted having taken nothing; the second got ONE.")
    @Outcome(id = ANY + ", -7, " + ANY, expect = FORBIDDEN, desc = "Lost wake-up: the reused waiter missed the sends.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: the first recv returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value lost or duplicated.")
    @State
    public static class BroadcastInterruptedRecvThenRecv extends InterruptState {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = recv(ch.receiver());
            r.r3 = interruptStatus();
            r.r2 = recv(ch.receiver(), RaceSupport.SAFETY);
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }
    }

    /**
     * As {@link BroadcastInterruptedRecvThenRecv} for a watch receiver: an interrupted changed,
     * then waitFor({@code x == 2}) (ten seconds) on the same parked waiter.
     * <p>Result: (changed, waitFor, interrupt status after changed).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 1", expect = ACCEPTABLE, desc = "changed saw a change (the interrupt stayed pending); waitFor returned TWO.")
    @Outcome(id = "-2, 2, 0", expect = ACCEPTABLE_INTERESTING, desc = "changed was interrupted having marked nothing; waitFor returned TWO.")
    @Outcome(id = ANY + ", -7, " + ANY, expect = FORBIDDEN, desc = "Lost wake-up: the reused waiter missed the send of TWO.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: changed returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WatchInterruptedChangedThenWaitFor extends InterruptState {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void receiver(III_Result r) {
            publish();
            r.r1 = RaceSupport.changed(ch.receiver());
            r.r3 = interruptStatus();
            r.r2 = waitFor(ch.receiver(), 2, RaceSupport.SAFETY);
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }
    }

    // ================================================================== 7. select

    /**
     * A timed {@code select(Duration)} (an hour) over A and an idle channel; the other actor
     * interrupts it, then sends ONE into A. ({@link SelectTests.InterruptVsSend} covers the untimed form.)
     * <p>Result: (select, tryRecv of A afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The select took ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: the select cancelled its selector and threw, status cleared; ONE stays in A.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: the select returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE is gone.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a timeout after an hour.")
    @State
    public static class TimedSelectVsSend extends InterruptState {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(III_Result r) {
            publish();
            r.r1 = select(select, HOUR);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            sendOrFail(a.sender(), ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(a.receiver());
        }
    }

    /**
     * A blocking select over a oneshot receiver and an idle mpsc channel; the other actor
     * interrupts it, then sends ONE on the oneshot.
     * <p>Result: (select, tryRecv of the oneshot afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, -4, 1", expect = ACCEPTABLE, desc = "The select took ONE (the receiver is used up); the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: the oneshot case was withdrawn, InterruptedException, status cleared; ONE is still there.")
    @Outcome(id = "1, -4, 0", expect = FORBIDDEN, desc = "Swallowed: the select returned and the interrupt status is clear.")
    @Outcome(id = "-2, -4, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet the value was taken.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. the oneshot left busy (a select waiter still registered).")
    @State
    public static class SelectOneshotClauseVsSend extends InterruptState {
        final Oneshot.Channel<Integer> o = Oneshot.channel();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(o.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(III_Result r) {
            publish();
            r.r1 = select(select);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            o.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(o.receiver());
        }
    }

    /**
     * A blocking select over a broadcast receiver and an idle mpsc channel; the other actor
     * interrupts it, then sends ONE on the broadcast channel.
     * <p>Result: (select, tryRecv of the broadcast receiver afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The select took ONE; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; ONE is next for the receiver.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: the select returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet the cursor moved past ONE.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SelectBroadcastClauseVsSend extends InterruptState {
        final Broadcast.Channel<Integer> b = Broadcast.channel(2);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(b.receiver(), v -> v, RaceSupport::lagged)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(III_Result r) {
            publish();
            r.r1 = select(select);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            b.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(b.receiver());
        }
    }

    /**
     * A blocking select over a watch receiver's {@code changed} and an idle mpsc channel; the other
     * actor interrupts it, then sends ONE on the watch channel.
     * <p>Result: (select, hasChanged afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The select saw ONE and marked it; the interrupt stays pending.")
    @Outcome(id = "-2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; ONE is still unseen.")
    @Outcome(id = "1, " + ANY + ", 0", expect = FORBIDDEN, desc = "Swallowed: the select returned and the interrupt status is clear.")
    @Outcome(id = "-2, 0, " + ANY, expect = FORBIDDEN, desc = "Lost: InterruptedException, yet ONE was marked seen.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SelectWatchClauseVsSend extends InterruptState {
        final Watch.Channel<Integer> w = Watch.channel(ZERO);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(w.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(III_Result r) {
            publish();
            r.r1 = select(select);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenSender() {
            interrupt();
            w.sender().send(ONE);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = hasChanged(w.receiver());
        }
    }

    /**
     * A blocking select over A (reporting its closure) and an idle channel; the other actor
     * interrupts it, then closes A's only sender.
     * <p>Result: (select, tryRecv of A afterwards, interrupt status).
     */
    @JCStressTest
    @Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "The select reported A's closure; the interrupt stays pending.")
    @Outcome(id = "-2, -1, 0", expect = ACCEPTABLE_INTERESTING, desc = "The interrupt won: InterruptedException, status cleared; A is at end of stream.")
    @Outcome(id = "-1, -1, 0", expect = FORBIDDEN, desc = "Swallowed: the select returned and the interrupt status is clear.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SelectVsLastSenderClose extends InterruptState {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> RaceSupport.END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void selector(III_Result r) {
            publish();
            r.r1 = select(select);
            r.r3 = interruptStatus();
        }

        @Actor
        public void interrupterThenCloser() {
            interrupt();
            a.sender().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(a.receiver());
        }
    }
}
