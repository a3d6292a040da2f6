package dev.channels.stress;

import dev.channels.Broadcast;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.TrySendResult;
import dev.channels.Watch;
import dev.channels.stress.RaceSupport.Drain;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

import static dev.channels.stress.RaceSupport.ANY;
import static dev.channels.stress.RaceSupport.END;
import static dev.channels.stress.RaceSupport.FILLER;
import static dev.channels.stress.RaceSupport.ONE;
import static dev.channels.stress.RaceSupport.SAFETY;
import static dev.channels.stress.RaceSupport.THREE;
import static dev.channels.stress.RaceSupport.TWO;
import static dev.channels.stress.RaceSupport.ZERO;
import static dev.channels.stress.RaceSupport.bit;
import static dev.channels.stress.RaceSupport.cancel;
import static dev.channels.stress.RaceSupport.closedStage;
import static dev.channels.stress.RaceSupport.code;
import static dev.channels.stress.RaceSupport.expect;
import static dev.channels.stress.RaceSupport.hasChanged;
import static dev.channels.stress.RaceSupport.oneshotFuture;
import static dev.channels.stress.RaceSupport.recv;
import static dev.channels.stress.RaceSupport.sendOrFail;
import static dev.channels.stress.RaceSupport.settle;
import static dev.channels.stress.RaceSupport.tryRecv;
import static dev.channels.stress.RaceSupport.waitFor;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Tokio's loom tests (tokio-semantics.md §6) that the other suites cover only in part, written as
 * the loom test is, mapped onto our API: dropping a handle is {@code close()}, awaiting a future
 * is the blocking (or timed) call, polling once is an asynchronous call that may be cancelled, and
 * {@code closed()} is {@code awaitClosed()} or the {@code closed()} stage. Each scenario's
 * description names its loom test. The others of §6 are covered by scenarios that name them in
 * MpscTests, OneshotTests, BroadcastTests and WatchTests (see COVERAGE.md).
 *
 * <p>Loom runs some of these with three threads. jcstress cannot schedule three actors on a
 * two-CPU machine (it reports "no scheduling is possible" and skips the test), so the third
 * thread's part is either set up by the state's constructor (a {@code closed()} wait already
 * registered), sequenced on one of the two actors in the order the loom test fixes anyway
 * (release a receiver, then receive), or replaced by a second round on an actor where the third
 * thread only adds interleavings of the same steps ({@code try_recv}). Blocking calls that must
 * return use the timed form with {@link RaceSupport#SAFETY}, so a lost wake-up shows as a
 * FORBIDDEN {@code -7} instead of a hung fork; the two pure wake-up scenarios are Termination
 * tests.
 *
 * <h2>Result codes</h2>
 * {@link RaceSupport}'s: a value received is itself, {@code -1} END, {@code -7} TIMED_OUT, a lag
 * of {@code n} is {@code -10 - n}.
 */
public final class LoomParityTests {
    private LoomParityTests() {
    }

    /** {@code UnboundedMpscCore.CHUNK}: the unbounded ring's block, our BLOCK_CAP. */
    static final int CHUNK = 512;

    // ================================================================== 1. loom_mpsc.rs: closing

    /**
     * loom {@code closing_unbounded_tx}: one thread sends and releases the only unbounded sender;
     * the main thread receives (Some) then receives (None), both blocking.
     * ({@link MpscTests.UnboundedLastSenderCloseVsTryRecv} is the tryRecv form.)
     * <p>Result: (first recv, second recv).
     */
    @JCStressTest
    @Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "closing_unbounded_tx: the message, then end of stream; the close marker is never seen before the message.")
    @Outcome(id = "-1, " + ANY, expect = FORBIDDEN, desc = "closing_unbounded_tx: end of stream before the message sent before the close.")
    @Outcome(expect = FORBIDDEN, desc = "closing_unbounded_tx: anything else, e.g. a timeout (lost wake-up).")
    @State
    public static class ClosingUnboundedTx {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().close();
        }

        @Actor
        public void receiver(II_Result r) {
            r.r1 = recv(ch.receiver(), SAFETY);
            r.r2 = recv(ch.receiver(), SAFETY);
        }
    }

    /**
     * loom {@code closing_bounded_rx}: another thread releases the receiver while the main thread
     * waits on {@code tx1.closed()}, then {@code tx2.closed()}. Both complete.
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "closing_bounded_rx: both senders' awaitClosed returned after the receiver's close.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "closing_bounded_rx: lost wake-up, an awaitClosed still waits after the receiver closed.")
    @Outcome(expect = FORBIDDEN, desc = "closing_bounded_rx: anything else.")
    @State
    public static class ClosingBoundedRx {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx2 = ch.sender().duplicate();

        @Actor
        public void actor() {
            try {
                ch.sender().awaitClosed();
                tx2.awaitClosed();
                expect(ch.sender().isClosed() && tx2.isClosed(), "isClosed after awaitClosed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }

    /** loom {@code closing_unbounded_rx}: {@link ClosingBoundedRx} on an unbounded channel. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "closing_unbounded_rx: both senders' awaitClosed returned after the receiver's close.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "closing_unbounded_rx: lost wake-up, an awaitClosed still waits after the receiver closed.")
    @Outcome(expect = FORBIDDEN, desc = "closing_unbounded_rx: anything else.")
    @State
    public static class ClosingUnboundedRx {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx2 = ch.sender().duplicate();

        @Actor
        public void actor() {
            try {
                ch.sender().awaitClosed();
                tx2.awaitClosed();
                expect(ch.sender().isClosed() && tx2.isClosed(), "isClosed after awaitClosed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }

    /**
     * loom {@code closing_and_sending}, three threads mapped to two: th2's wait on
     * {@code tx2.closed()} is registered by the constructor (a pending {@code closed()} stage);
     * th1 trySends; th3 receives (blocking) and then releases the receiver. The arbiter checks
     * that th2's wait completed.
     * <p>Result: (trySend, recv, th2's closed stage).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "closing_and_sending: the trySend succeeded, the receive got it, and the closed() wait registered before completed when the receiver was released.")
    @Outcome(id = ANY + ", " + ANY + ", 0", expect = FORBIDDEN, desc = "closing_and_sending: lost wake-up, the closed() wait is still pending after the release.")
    @Outcome(expect = FORBIDDEN, desc = "closing_and_sending: anything else, e.g. the trySend failing or the receive timing out.")
    @State
    public static class ClosingAndSending {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(16);
        final Mpsc.Sender<Integer> tx2 = ch.sender().duplicate();
        final CompletableFuture<Void> th2 = tx2.closed().toCompletableFuture();

        @Actor
        public void th1(III_Result r) {
            r.r1 = code(ch.sender().trySend(ONE));
        }

        @Actor
        public void th3(III_Result r) {
            r.r2 = recv(ch.receiver(), SAFETY);
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = closedStage(th2);
        }
    }

    /**
     * loom {@code closing_and_sending} with th2's wait blocking: th1's trySend and th2's
     * {@code tx2.awaitClosed()} run in that order on one actor, th3 (receive, then release the
     * receiver) on the other, so the blocking wait races the receive and the release.
     * <p>Result: (trySend, awaitClosed: 1 returned, recv).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "closing_and_sending: the trySend succeeded, awaitClosed returned after the release, the receive got the message.")
    @Outcome(id = ANY + ", -7, " + ANY, expect = FORBIDDEN, desc = "closing_and_sending: lost wake-up, awaitClosed timed out although the receiver was released.")
    @Outcome(expect = FORBIDDEN, desc = "closing_and_sending: anything else.")
    @State
    public static class ClosingAndSendingBlocking {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(16);
        final Mpsc.Sender<Integer> tx2 = ch.sender().duplicate();

        @Actor
        public void th1ThenTh2(III_Result r) {
            r.r1 = code(ch.sender().trySend(ONE));
            r.r2 = RaceSupport.awaitClosed(() -> tx2.awaitClosed(SAFETY));
        }

        @Actor
        public void th3(III_Result r) {
            r.r3 = recv(ch.receiver(), SAFETY);
            ch.receiver().close();
        }
    }

    // ================================================================== 2. loom_mpsc.rs: dropping

    /**
     * loom {@code dropping_tx}: two clones are released on other threads while the original is
     * released on the main thread, which then receives: None. Here one clone is released by one
     * actor, the other clone and the original by the other actor, which then receives.
     * <p>Result: (recv, strong count afterwards, receiver's isClosed afterwards).
     */
    @JCStressTest
    @Outcome(id = "-1, 0, 1", expect = ACCEPTABLE, desc = "dropping_tx: the concurrent decrements closed the channel exactly once; recv returned end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "dropping_tx: anything else, e.g. recv timing out (the count never reached zero, or the wake-up was lost).")
    @State
    public static class DroppingTx {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> clone1 = ch.sender().duplicate();
        final Mpsc.Sender<Integer> clone2 = ch.sender().duplicate();

        @Actor
        public void releaser() {
            clone1.close();
        }

        @Actor
        public void main(III_Result r) {
            clone2.close();
            ch.sender().close();
            r.r1 = recv(ch.receiver(), SAFETY);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = ch.receiver().senderStrongCount();
            r.r3 = bit(ch.receiver().isClosed());
        }
    }

    /** loom {@code dropping_unbounded_tx}: {@link DroppingTx} on an unbounded channel. */
    @JCStressTest
    @Outcome(id = "-1, 0, 1", expect = ACCEPTABLE, desc = "dropping_unbounded_tx: closed exactly once; recv returned end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "dropping_unbounded_tx: anything else.")
    @State
    public static class DroppingUnboundedTx {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> clone1 = ch.sender().duplicate();
        final Mpsc.UnboundedSender<Integer> clone2 = ch.sender().duplicate();

        @Actor
        public void releaser() {
            clone1.close();
        }

        @Actor
        public void main(III_Result r) {
            clone2.close();
            ch.sender().close();
            r.r1 = recv(ch.receiver(), SAFETY);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = ch.receiver().senderStrongCount();
            r.r3 = bit(ch.receiver().isClosed());
        }
    }

    // ================================================================== 3. loom_mpsc.rs: try_recv, len, is_empty

    /**
     * loom {@code try_recv}: capacity 2, pre-filled with 2 messages; the receiver behind a mutex, a
     * semaphore of 2 permits. Each round: acquire a permit, tryRecv under the mutex (must find a
     * message), yield, trySend (must find room), release the permit. Loom runs one round on each
     * of three threads; here each of the two actors runs two rounds (the semaphore then never
     * blocks), which gives the same critical interleaving: one actor's send has claimed the head
     * slot and not written it while the other's send is complete, and the next tryRecv must wait
     * for the head instead of reporting empty; and every receive gives its slot back.
     * <p>Result: (first actor's successful tryRecvs and trySends, the second's, len at the end, messages drained).
     */
    @JCStressTest
    @Outcome(id = "4, 4, 2, 2", expect = ACCEPTABLE, desc = "try_recv: every tryRecv found a message and every trySend found room; two messages remain.")
    @Outcome(expect = FORBIDDEN, desc = "try_recv: a spurious empty (a half-written send ahead of the head reported as empty), a spurious full (a received slot not given back), or a message lost.")
    @State
    public static class TryRecv {
        final Mpsc.Channel<Integer> ch = RaceSupport.full(2);
        final Semaphore sem = new Semaphore(2);
        final ReentrantLock rxLock = new ReentrantLock();

        int round() {
            sem.acquireUninterruptibly();
            try {
                int ok = 0;
                rxLock.lock();
                try {
                    ok += tryRecv(ch.receiver()) > 0 ? 1 : 0;
                } finally {
                    rxLock.unlock();
                }
                Thread.yield();
                ok += ch.sender().trySend(ONE) == TrySendResult.SENT ? 1 : 0;
                return ok;
            } finally {
                sem.release();
            }
        }

        @Actor
        public void first(IIII_Result r) {
            r.r1 = round() + round();
        }

        @Actor
        public void second(IIII_Result r) {
            r.r2 = round() + round();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = ch.receiver().len();
            r.r4 = Drain.of(ch.receiver()).total();
        }
    }

    /**
     * loom {@code is_empty_during_close}: {@code isEmpty()} on one thread while the last sender is
     * released on another: true, the close marker is not a message.
     * <p>Result: (isEmpty, len, tryRecv afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0, -1", expect = ACCEPTABLE, desc = "is_empty_during_close: empty and length 0, before or after the close; then end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "is_empty_during_close: the close counted as a message.")
    @State
    public static class IsEmptyDuringClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void observer(III_Result r) {
            r.r1 = bit(ch.receiver().isEmpty());
            r.r2 = ch.receiver().len();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /** loom {@code is_empty_during_close} on an unbounded channel. */
    @JCStressTest
    @Outcome(id = "1, 0, -1", expect = ACCEPTABLE, desc = "is_empty_during_close (unbounded): empty and length 0; then end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "is_empty_during_close (unbounded): the close counted as a message.")
    @State
    public static class UnboundedIsEmptyDuringClose {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void observer(III_Result r) {
            r.r1 = bit(ch.receiver().isEmpty());
            r.r2 = ch.receiver().len();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /** What the len_during_close scenarios share: n messages buffered, len() against the last sender's close. */
    public abstract static class LenDuringCloseState {
        final Mpsc.Receiver<Integer> rx;
        /** Closes the only sender handle. */
        final Runnable lastSenderClose;

        LenDuringCloseState(int n, boolean bounded) {
            if (bounded) {
                final Mpsc.Channel<Integer> ch = Mpsc.bounded(n + 1);
                for (int i = 0; i < n; i++) {
                    sendOrFail(ch.sender(), ONE);
                }
                rx = ch.receiver();
                lastSenderClose = ch.sender()::close;
            } else {
                final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
                for (int i = 0; i < n; i++) {
                    ch.sender().send(ONE);
                }
                rx = ch.receiver();
                lastSenderClose = ch.sender()::close;
            }
        }

        void close() {
            lastSenderClose.run();
        }

        void observe(IIII_Result r) {
            r.r1 = rx.len();
            r.r2 = bit(rx.isEmpty());
        }

        void drain(IIII_Result r) {
            final Drain d = Drain.of(rx);
            r.r3 = d.total();
            r.r4 = d.end();
        }
    }

    /** loom {@code len_during_close_0}: no message, capacity 1. <p>Result: (len, isEmpty, drained, drain ended at end of stream). */
    @JCStressTest
    @Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "len_during_close_0: len 0 during the close; then end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "len_during_close_0: the close counted in len, or a message appeared.")
    @State
    public static class LenDuringClose0 extends LenDuringCloseState {
        public LenDuringClose0() {
            super(0, true);
        }

        @Actor
        public void closer() {
            close();
        }

        @Actor
        public void observer(IIII_Result r) {
            observe(r);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            drain(r);
        }
    }

    /** loom {@code len_during_close_1}: one message, capacity 2. <p>Result: (len, isEmpty, drained, drain ended at end of stream). */
    @JCStressTest
    @Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "len_during_close_1: len exactly 1 during the close; the message, then end of stream.")
    @Outcome(expect = FORBIDDEN, desc = "len_during_close_1: len not exactly 1, or the message lost.")
    @State
    public static class LenDuringClose1 extends LenDuringCloseState {
        public LenDuringClose1() {
            super(1, true);
        }

        @Actor
        public void closer() {
            close();
        }

        @Actor
        public void observer(IIII_Result r) {
            observe(r);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            drain(r);
        }
    }

    /** loom {@code len_during_close_block_cap} (loom's BLOCK_CAP is 2): two messages, capacity 3. <p>Result: (len, isEmpty, drained, drain ended at end of stream). */
    @JCStressTest
    @Outcome(id = "2, 0, 2, 1", expect = ACCEPTABLE, desc = "len_during_close_block_cap: len exactly 2 during the close (the ring rounds capacity 3 up to 4).")
    @Outcome(expect = FORBIDDEN, desc = "len_during_close_block_cap: len not exactly 2.")
    @State
    public static class LenDuringCloseBlockCap extends LenDuringCloseState {
        public LenDuringCloseBlockCap() {
            super(2, true);
        }

        @Actor
        public void closer() {
            close();
        }

        @Actor
        public void observer(IIII_Result r) {
            observe(r);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            drain(r);
        }
    }

    /** loom {@code len_during_close_block_cap_plus_1}: three messages, capacity 4. <p>Result: (len, isEmpty, drained, drain ended at end of stream). */
    @JCStressTest
    @Outcome(id = "3, 0, 3, 1", expect = ACCEPTABLE, desc = "len_during_close_block_cap_plus_1: len exactly 3 during the close.")
    @Outcome(expect = FORBIDDEN, desc = "len_during_close_block_cap_plus_1: len not exactly 3.")
    @State
    public static class LenDuringCloseBlockCapPlus1 extends LenDuringCloseState {
        public LenDuringCloseBlockCapPlus1() {
            super(3, true);
        }

        @Actor
        public void closer() {
            close();
        }

        @Actor
        public void observer(IIII_Result r) {
            observe(r);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            drain(r);
        }
    }

    /** loom {@code len_during_close_block_cap} on the unbounded ring, whose block is a 512-slot chunk: exactly one full chunk. <p>Result: (len, isEmpty, drained, drain ended at end of stream). */
    @JCStressTest
    @Outcome(id = "512, 0, 512, 1", expect = ACCEPTABLE, desc = "len_during_close_block_cap (unbounded chunk): len exactly 512 during the close.")
    @Outcome(expect = FORBIDDEN, desc = "len_during_close_block_cap (unbounded chunk): len not exactly 512.")
    @State
    public static class UnboundedLenDuringCloseChunk extends LenDuringCloseState {
        public UnboundedLenDuringCloseChunk() {
            super(CHUNK, false);
        }

        @Actor
        public void closer() {
            close();
        }

        @Actor
        public void observer(IIII_Result r) {
            observe(r);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            drain(r);
        }
    }

    /** loom {@code len_during_close_block_cap_plus_1} on the unbounded ring: one chunk and one message of the next. <p>Result: (len, isEmpty, drained, drain ended at end of stream). */
    @JCStressTest
    @Outcome(id = "513, 0, 513, 1", expect = ACCEPTABLE, desc = "len_during_close_block_cap_plus_1 (unbounded chunk): len exactly 513 during the close.")
    @Outcome(expect = FORBIDDEN, desc = "len_during_close_block_cap_plus_1 (unbounded chunk): len not exactly 513.")
    @State
    public static class UnboundedLenDuringCloseChunkPlus1 extends LenDuringCloseState {
        public UnboundedLenDuringCloseChunkPlus1() {
            super(CHUNK + 1, false);
        }

        @Actor
        public void closer() {
            close();
        }

        @Actor
        public void observer(IIII_Result r) {
            observe(r);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            drain(r);
        }
    }

    // ================================================================== 4. loom_list.rs

    /**
     * What the list smoke scenarios share. loom_list {@code smoke}: two producers push two items
     * each while the consumer pops until it has all four. Here producer A (1, 2) is one actor;
     * producer B (3, 4) is the other actor, which is also the consumer: push 3, pop, push 4, pop,
     * pop, pop (blocking, ten seconds).
     */
    public abstract static class ListSmokeState {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        ListSmokeState(int skip) {
            for (int i = 0; i < skip; i++) {
                ch.sender().send(FILLER);
                expect(tryRecv(ch.receiver()) == FILLER, "setup: receive what was sent");
            }
        }

        void producerA() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }

        void producerBAndConsumer(IIII_Result r) {
            ch.sender().send(THREE);
            r.r1 = recv(ch.receiver(), SAFETY);
            ch.sender().send(4);
            r.r2 = recv(ch.receiver(), SAFETY);
            r.r3 = recv(ch.receiver(), SAFETY);
            r.r4 = recv(ch.receiver(), SAFETY);
        }
    }

    /** loom_list {@code smoke} on a fresh unbounded channel. <p>Result: (the four items in the order received). */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "smoke (loom_list): A's pushes claimed first.")
    @Outcome(id = "1, 3, 2, 4", expect = ACCEPTABLE, desc = "smoke (loom_list): interleaved, A first.")
    @Outcome(id = "1, 3, 4, 2", expect = ACCEPTABLE, desc = "smoke (loom_list): interleaved, A's second push last.")
    @Outcome(id = "3, 1, 2, 4", expect = ACCEPTABLE, desc = "smoke (loom_list): B's first push claimed first.")
    @Outcome(id = "3, 1, 4, 2", expect = ACCEPTABLE, desc = "smoke (loom_list): interleaved, B first.")
    @Outcome(id = "3, 4, 1, 2", expect = ACCEPTABLE_INTERESTING, desc = "smoke (loom_list): both of B's pushes before A's.")
    @Outcome(expect = FORBIDDEN, desc = "smoke (loom_list): a producer's items out of order, an item lost or duplicated, or a close marker (end of stream) or a timeout.")
    @State
    public static class ListSmoke extends ListSmokeState {
        public ListSmoke() {
            super(0);
        }

        @Actor
        public void a() {
            producerA();
        }

        @Actor
        public void bAndConsumer(IIII_Result r) {
            producerBAndConsumer(r);
        }
    }

    /**
     * loom_list {@code smoke} across a block boundary (loom's BLOCK_CAP = 2 makes its four pushes
     * span blocks): 510 items were pushed and popped first, so the four land in slots 510 to 513,
     * across the first chunk's end.
     * <p>Result: (the four items in the order received).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "smoke across a chunk (loom_list): A's pushes first.")
    @Outcome(id = "1, 3, 2, 4", expect = ACCEPTABLE, desc = "smoke across a chunk (loom_list): interleaved, A first.")
    @Outcome(id = "1, 3, 4, 2", expect = ACCEPTABLE, desc = "smoke across a chunk (loom_list): A's second push last.")
    @Outcome(id = "3, 1, 2, 4", expect = ACCEPTABLE, desc = "smoke across a chunk (loom_list): B's first push first.")
    @Outcome(id = "3, 1, 4, 2", expect = ACCEPTABLE, desc = "smoke across a chunk (loom_list): interleaved, B first.")
    @Outcome(id = "3, 4, 1, 2", expect = ACCEPTABLE_INTERESTING, desc = "smoke across a chunk (loom_list): both of B's pushes before A's.")
    @Outcome(expect = FORBIDDEN, desc = "smoke across a chunk (loom_list): an item out of order, lost, duplicated, or a close marker.")
    @State
    public static class ListSmokeAcrossChunk extends ListSmokeState {
        public ListSmokeAcrossChunk() {
            super(CHUNK - 2);
        }

        @Actor
        public void a() {
            producerA();
        }

        @Actor
        public void bAndConsumer(IIII_Result r) {
            producerBAndConsumer(r);
        }
    }

    // ================================================================== 5. loom_oneshot.rs

    /**
     * loom {@code changing_rx_task}: the receiver is polled once (possibly pending), then awaited
     * by another task. Here: the receiving actor starts a recvAsync; if it is pending it cancels it
     * (the first task goes away) and then receives blocking (the second task); if the cancel
     * fails, the send's wake-up already claimed it and the future has the value. The other actor
     * sends.
     * <p>Result: (how it got the value: 0 at once, 1 cancelled then recv, 2 from the future; the value).
     */
    @JCStressTest
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "changing_rx_task: the value was there at the first poll.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE_INTERESTING, desc = "changing_rx_task: the first poll was pending and withdrawn; the second waiter (blocking recv) got the value.")
    @Outcome(id = "2, 1", expect = ACCEPTABLE_INTERESTING, desc = "changing_rx_task: the send claimed the first waiter before the cancel: its future has the value.")
    @Outcome(expect = FORBIDDEN, desc = "changing_rx_task: the value lost between the two waiters, or a timeout.")
    @State
    public static class OneshotChangingRxTask {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
        }

        @Actor
        public void receiver(II_Result r) {
            final CompletableFuture<Integer> first = ch.receiver().recvAsync();
            if (first.isDone()) {
                r.r1 = 0;
                r.r2 = oneshotFuture(first);
            } else if (cancel(first) == 1) {
                r.r1 = 1;
                r.r2 = recv(ch.receiver(), SAFETY);
            } else {
                r.r1 = 2;
                r.r2 = oneshotFuture(settle(first));
            }
        }
    }

    /**
     * loom {@code changing_tx_task}: the receiver is released on one thread while
     * {@code Sender::closed} is polled from one task and then another. Here the sending actor takes
     * a closed() stage and abandons it (cancels it), then waits with awaitClosed (ten seconds).
     * <p>Result: (cancel of the first stage returned true, awaitClosed: 1 returned).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "changing_tx_task: the first wait was abandoned before the close; the second returned when the receiver closed.")
    @Outcome(id = "0, 1", expect = ACCEPTABLE_INTERESTING, desc = "changing_tx_task: the close completed the first wait before it was abandoned; the second returned at once.")
    @Outcome(id = ANY + ", -7", expect = FORBIDDEN, desc = "changing_tx_task: lost wake-up, the second wait timed out although the receiver closed.")
    @Outcome(expect = FORBIDDEN, desc = "changing_tx_task: anything else.")
    @State
    public static class OneshotChangingTxTask {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(II_Result r) {
            r.r1 = cancel(ch.sender().closed());
            r.r2 = RaceSupport.awaitClosed(() -> ch.sender().awaitClosed(SAFETY));
        }

        @Actor
        public void releaser() {
            ch.receiver().close();
        }
    }

    // ================================================================== 6. loom_broadcast.rs

    /** One receiver's history of three receives as a code: 100 * first + 10 * second + (third is end of stream ? 0 : 9). */
    static int history(int first, int second, int third) {
        return 100 * (first > 0 && first < 10 ? first : 9) + 10 * (second > 0 && second < 10 ? second : 9) + (third == END ? 0 : 9);
    }

    /**
     * loom {@code broadcast_two}: capacity 16, two receivers each receive "hello", "world", then
     * Closed, while the main thread sends both and releases the sender. Here the receivers are
     * served by one actor in turn (rx1, rx2, rx1, rx2, rx1, rx2; blocking, ten seconds), the
     * sender is the other.
     * <p>Result: (rx1's history, rx2's history, the receiver counts the sends returned, added).
     */
    @JCStressTest
    @Outcome(id = "120, 120, 4", expect = ACCEPTABLE, desc = "broadcast_two: each receiver got 1, 2, then end of stream; each send reached both receivers.")
    @Outcome(expect = FORBIDDEN, desc = "broadcast_two: a value lost, duplicated or out of order, end of stream early, or a timeout.")
    @State
    public static class BroadcastTwo {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(16);
        final Broadcast.Receiver<Integer> rx2 = ch.sender().subscribe();

        @Actor
        public void sender(III_Result r) {
            r.r3 = ch.sender().send(ONE) + ch.sender().send(TWO);
            ch.sender().close();
        }

        @Actor
        public void receivers(III_Result r) {
            final int[] a = new int[3];
            final int[] b = new int[3];
            for (int i = 0; i < 3; i++) {
                a[i] = recv(ch.receiver(), SAFETY);
                b[i] = recv(rx2, SAFETY);
            }
            r.r1 = history(a[0], a[1], a[2]);
            r.r2 = history(b[0], b[1], b[2]);
        }
    }

    /** Receives until end of stream; returns received + missed, checking that values come in increasing order. */
    static final class Count {
        int accounted;
        int last;
        boolean lagged;
        boolean ended;

        void record(int code) {
            if (code == END) {
                ended = true;
            } else if (code < RaceSupport.LAGGED) {
                accounted += RaceSupport.LAGGED - code;
                lagged = true;
            } else if (code > last) {
                accounted++;
                last = code;
            } else {
                throw new IllegalStateException("out of order or failed: " + code + " after " + last);
            }
        }
    }

    /**
     * loom {@code broadcast_wrap}: capacity 2, two receivers, three sends, then the sender is
     * released; each receiver's received count plus lagged count is 3. The receivers are served
     * in turn by one actor until both reach end of stream (blocking, ten seconds each), rx1 first.
     * With three sends into a ring of two, only a receive of position 0 after the third send can
     * lag; rx2 reads position 0 after rx1 did, with the tail no smaller, so if rx1 lagged rx2 lags
     * too.
     * <p>Result: (rx1 received + missed, rx2 received + missed, rx1 lagged, rx2 lagged).
     */
    @JCStressTest
    @Outcome(id = "3, 3, 0, 0", expect = ACCEPTABLE, desc = "broadcast_wrap: both receivers kept up: three values each.")
    @Outcome(id = "3, 3, 1, 0", expect = FORBIDDEN, desc = "broadcast_wrap: rx1 lagged at position 0 but rx2, reading position 0 after it with a tail no smaller, did not.")
    @Outcome(id = "3, 3, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "broadcast_wrap: rx2 lagged; exact count.")
    @Outcome(id = "3, 3, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "broadcast_wrap: both lagged; exact counts.")
    @Outcome(expect = FORBIDDEN, desc = "broadcast_wrap: a lag count that is not exact, a value out of order, or a timeout.")
    @State
    public static class BroadcastWrap {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx2 = ch.sender().subscribe();

        @Actor
        public void sender() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
            ch.sender().send(THREE);
            ch.sender().close();
        }

        @Actor
        public void receivers(IIII_Result r) {
            final Count a = new Count();
            final Count b = new Count();
            for (int guard = 0; guard < 8 && !(a.ended && b.ended); guard++) {
                if (!a.ended) {
                    a.record(recv(ch.receiver(), SAFETY));
                }
                if (!b.ended) {
                    b.record(recv(rx2, SAFETY));
                }
            }
            r.r1 = a.ended ? a.accounted : -a.accounted - 100;
            r.r2 = b.ended ? b.accounted : -b.accounted - 100;
            r.r3 = bit(a.lagged);
            r.r4 = bit(b.lagged);
        }
    }

    /**
     * loom {@code drop_rx}: capacity 16; rx2 is released on another thread while three values are
     * sent and the sender released; rx1 still gets one, two, three, then Closed. Here the
     * receiving actor releases rx2 and then receives with rx1 (blocking, ten seconds); the sender
     * records the receiver count each send returned (rx2 counted or not, never counted again once
     * gone). Afterwards nothing is pending for any receiver (rx2's unread values were released).
     * <p>Result: (rx1's first three receives as 100a + 10b + c, its fourth (end of stream), send counts as three digits, sender's len afterwards).
     */
    @JCStressTest
    @Outcome(id = "123, -1, 222, 0", expect = ACCEPTABLE, desc = "drop_rx: rx2 was released after the last send began.")
    @Outcome(id = "123, -1, 221, 0", expect = ACCEPTABLE_INTERESTING, desc = "drop_rx: rx2 released between the second and third send.")
    @Outcome(id = "123, -1, 211, 0", expect = ACCEPTABLE_INTERESTING, desc = "drop_rx: rx2 released between the first and second send.")
    @Outcome(id = "123, -1, 111, 0", expect = ACCEPTABLE_INTERESTING, desc = "drop_rx: rx2 released before the first send.")
    @Outcome(expect = FORBIDDEN, desc = "drop_rx: rx1 missing a value or end of stream, a released receiver counted again, or its unread values still pending.")
    @State
    public static class BroadcastDropRx {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(16);
        final Broadcast.Receiver<Integer> rx2 = ch.sender().subscribe();

        @Actor
        public void sender(IIII_Result r) {
            final int a = ch.sender().send(ONE);
            final int b = ch.sender().send(TWO);
            final int c = ch.sender().send(THREE);
            r.r3 = 100 * a + 10 * b + c;
            ch.sender().close();
        }

        @Actor
        public void receiver(IIII_Result r) {
            rx2.close();
            final int a = recv(ch.receiver(), SAFETY);
            final int b = recv(ch.receiver(), SAFETY);
            final int c = recv(ch.receiver(), SAFETY);
            r.r1 = a == ONE && b == TWO && c == THREE ? 123 : RaceSupport.FAILED;
            r.r2 = recv(ch.receiver(), SAFETY);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r4 = ch.sender().len();
        }
    }

    /**
     * loom {@code drop_multiple_rx_with_overflow}: capacity 1, two receivers and two senders; a
     * second sender's burst races a receiver that reads until an error (a lag) and is then
     * released, while the other receiver never reads. No deadlock, no failure, and the idle
     * receiver's accounting stays exact: one lag for everything overwritten, then the last value
     * (received + missed = every send). The burst is 20 sends (loom: 100). As in the loom test,
     * two sends precede the reader's first receive (the constructor's, then the reader's own), so
     * in this capacity-1 ring its first receive always reports a lag: the reader never "keeps up".
     * <p>Result: (the reader stopped at a lag, the idle receiver's received + missed, sends that failed).
     */
    @JCStressTest
    @Outcome(id = "1, 22, 0", expect = ACCEPTABLE, desc = "drop_multiple_rx_with_overflow: the reader lagged (at once, or later in the burst) and was released while the burst went on or after it; the idle receiver accounts for all 22 values.")
    @Outcome(id = "0, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "drop_multiple_rx_with_overflow: the reader saw no lag although position 0 was overwritten before its first receive.")
    @Outcome(expect = FORBIDDEN, desc = "drop_multiple_rx_with_overflow: a send failed (a receiver was still there), or the idle receiver's accounting is off.")
    @State
    public static class BroadcastDropMultipleRxWithOverflow {
        static final int BURST = 20;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);
        final Broadcast.Receiver<Integer> idle = ch.sender().subscribe();
        final Broadcast.Sender<Integer> tx2 = ch.sender().duplicate();
        volatile boolean burstDone;

        public BroadcastDropMultipleRxWithOverflow() {
            ch.sender().send(FILLER);
        }

        @Actor
        public void burst(III_Result r) {
            int failed = 0;
            for (int i = 0; i < BURST; i++) {
                failed += RaceSupport.send(tx2, ONE) > 0 ? 0 : 1;
            }
            r.r3 = failed;
            burstDone = true;
        }

        @Actor
        public void reader(III_Result r) {
            ch.sender().send(TWO);
            int stop = 0;
            for (int guard = 0; guard < 1_000_000; guard++) {
                final boolean finished = burstDone; // before the receive: empty then means drained
                final int c = tryRecv(ch.receiver());
                if (c < RaceSupport.LAGGED) {
                    stop = 1; // Tokio's loop ends at the first error
                    break;
                }
                if (c == RaceSupport.EMPTY && finished) {
                    break;
                }
            }
            r.r1 = stop;
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            int accounted = 0;
            for (int guard = 0; guard < 100; guard++) {
                final int c = tryRecv(idle);
                if (c == RaceSupport.EMPTY) {
                    break;
                }
                accounted += c < RaceSupport.LAGGED ? RaceSupport.LAGGED - c : 1;
            }
            r.r2 = accounted;
        }
    }

    // ================================================================== 7. loom_watch.rs and watch.rs

    /**
     * loom_watch {@code smoke}: five cloned receivers; one send from another thread; each
     * {@code changed()} is Ok and each borrow sees 2. Here the receivers wait in turn (timed, ten
     * seconds) on one actor.
     * <p>Result: (receivers whose changed returned true and then borrowed 2).
     */
    @JCStressTest
    @Outcome(id = "5", expect = ACCEPTABLE, desc = "smoke (loom_watch): all five saw the change and the value 2.")
    @Outcome(expect = FORBIDDEN, desc = "smoke (loom_watch): a receiver missed the change (a clone did not inherit the seen version, or a lost wake-up).")
    @State
    public static class WatchSmoke {
        final Watch.Channel<Integer> ch = Watch.channel(ONE);
        final Watch.Receiver<Integer> rx2 = ch.receiver().duplicate();
        final Watch.Receiver<Integer> rx3 = ch.receiver().duplicate();
        final Watch.Receiver<Integer> rx4 = rx2.duplicate();
        final Watch.Receiver<Integer> rx5 = rx3.duplicate();

        @Actor
        public void sender() {
            ch.sender().send(TWO);
        }

        @Actor
        public void receivers(I_Result r) {
            int ok = 0;
            for (Watch.Receiver<Integer> rx : java.util.List.of(ch.receiver(), rx2, rx3, rx4, rx5)) {
                if (RaceSupport.changed(rx, SAFETY) == RaceSupport.CHANGED && TWO.equals(rx.borrow())) {
                    ok++;
                }
            }
            r.r1 = ok;
        }
    }

    /**
     * loom_watch {@code wait_for_test}: one thread does two notifying no-op modifies, another sends
     * true; {@code wait_for(|x| x)} must return true. Here the writer does modify (identity), send
     * 1, modify (identity), so a no-op notification comes on either side of the real change; the
     * receiver waits for 1 (ten seconds).
     * <p>Result: (waitFor, hasChanged afterwards).
     */
    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "wait_for_test: waitFor returned 1 after the last no-op modify; nothing unseen.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE_INTERESTING, desc = "wait_for_test: waitFor returned 1 before the last no-op modify, which is a new (unseen) version of the same value.")
    @Outcome(expect = FORBIDDEN, desc = "wait_for_test: a notifying no-op hid the real change (waitFor timed out), or waitFor returned a rejected value.")
    @State
    public static class WatchWaitForTest {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void writer() {
            ch.sender().sendModify(x -> x);
            ch.sender().send(ONE);
            ch.sender().sendModify(x -> x);
        }

        @Actor
        public void receiver(II_Result r) {
            r.r1 = waitFor(ch.receiver(), 1, SAFETY);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = hasChanged(ch.receiver());
        }
    }

    /**
     * watch.rs {@code watch_borrow}: borrow() from the sender and the receivers across threads
     * reflects the latest completed send. The constructor sends 1 (after checking that both sides
     * borrow 0); the sending actor sends 2 and 3, borrowing after each (a sender sees its own
     * sends); the receiving actor checks for a change (not waiting) and borrows, twice: values
     * never go back. The arbiter (after both, as the loom test's joins) borrows 3 on both sides,
     * sends 2 and borrows 2.
     * <p>Result: (receiver's first borrow, receiver's second borrow, the sender's own borrows as 10a + b, the final borrows as 10 * receiver + sender).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 23, 22", expect = ACCEPTABLE, desc = "watch_borrow: the receiver borrowed before both sends.")
    @Outcome(id = "1, 2, 23, 22", expect = ACCEPTABLE_INTERESTING, desc = "watch_borrow: the second borrow saw 2.")
    @Outcome(id = "1, 3, 23, 22", expect = ACCEPTABLE_INTERESTING, desc = "watch_borrow: the second borrow saw 3.")
    @Outcome(id = "2, 2, 23, 22", expect = ACCEPTABLE_INTERESTING, desc = "watch_borrow: both borrows between the sends.")
    @Outcome(id = "2, 3, 23, 22", expect = ACCEPTABLE_INTERESTING, desc = "watch_borrow: one borrow on each side of the second send.")
    @Outcome(id = "3, 3, 23, 22", expect = ACCEPTABLE, desc = "watch_borrow: the receiver borrowed after both sends.")
    @Outcome(expect = FORBIDDEN, desc = "watch_borrow: a borrow went back to an older value, or did not reflect the latest completed send.")
    @State
    public static class WatchBorrow {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        public WatchBorrow() {
            expect(ZERO.equals(ch.sender().borrow()) && ZERO.equals(ch.receiver().borrow()), "setup: both borrow 0");
            ch.sender().send(ONE);
            expect(ONE.equals(ch.sender().borrow()), "setup: the sender borrows its send");
        }

        @Actor
        public void sender(IIII_Result r) {
            ch.sender().send(TWO);
            final int a = ch.sender().borrow();
            ch.sender().send(THREE);
            final int b = ch.sender().borrow();
            r.r3 = 10 * a + b;
        }

        @Actor
        public void receiver(IIII_Result r) {
            RaceSupport.check(ch.receiver());
            r.r1 = ch.receiver().borrow();
            RaceSupport.check(ch.receiver());
            r.r2 = ch.receiver().borrow();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            final int rx = ch.receiver().borrow();
            final int tx = ch.sender().borrow();
            ch.sender().send(TWO);
            r.r4 = rx == 3 && tx == 3 ? 10 * ch.receiver().borrow() + ch.sender().borrow() : RaceSupport.FAILED;
        }
    }
}
