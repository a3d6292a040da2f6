package dev.channels.stress;

import dev.channels.ChannelClosedException;
import dev.channels.Oneshot;
import dev.channels.stress.MpscTests.Msg;
import dev.channels.stress.MpscTests.VisibilityState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static dev.channels.stress.MpscTests.fill;
import static dev.channels.stress.MpscTests.observe;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the oneshot channel ({@link Oneshot}), in Continuous mode: two actors race, an
 * arbiter (which runs after both) looks at what is left, and every outcome is listed with the
 * interleaving that produces it. The blocking operations' wake-ups are in
 * {@link OneshotTerminationTests}.
 *
 * <p>The races are those of Tokio's loom tests for oneshot ({@code loom_oneshot.rs}) and those our
 * own API adds (timed and asynchronous receives that can withdraw, the sender's closed stage):
 * <ul>
 *   <li>visibility: plain writes made before the send are seen after the receive, for every form
 *       of receive (try, blocking, asynchronous, the receiver's own stage);</li>
 *   <li>send against the receiver's close, alone or followed by a receive in the closing thread
 *       (loom {@code try_recv_close}, {@code recv_closed}) or with a receive pending
 *       ({@code drop_rx_after_poll}): the value is owned by exactly one side, received xor handed
 *       back in the {@link ChannelClosedException} (loom {@code checking_tx_send_ok_not_drop});</li>
 *   <li>send against a receive that may give up (try, timeout, cancelled future): taken once, or
 *       left in the channel, never lost, never both;</li>
 *   <li>the sender closing without a value against receives and the receiver's close;</li>
 *   <li>the sender's {@code isClosed()} and {@code closed()} stage against the receiver's close;</li>
 *   <li>misuse: one sender used by two threads at once; exactly one use wins.</li>
 * </ul>
 *
 * <p>Every scenario has two actors: jcstress cannot schedule three actors on a two-CPU machine and
 * silently skips such tests. A third party of a race is therefore either set up by the state's
 * constructor (a pending asynchronous receive) or sequenced inside one actor (close, then receive).
 *
 * <h2>Result codes</h2>
 * Values are small positive {@code Integer}s and a received value is recorded as itself. The
 * other codes are the constants below ({@link #EMPTY}, {@link #END}, {@link #SENT}...).
 */
public final class OneshotTests {
    private OneshotTests() {
    }

    // ------------------------------------------------------------------ result codes

    /** In an outcome id (a regular expression over "r1, r2, ..."), any one result field. */
    static final String ANY = "-?[0-9]+";

    /** tryRecv: nothing sent yet, the channel is still open. */
    static final int EMPTY = 0;
    /** Closed without a value: the receive threw ChannelClosedException (or its future failed with it). */
    static final int END = -1;
    /** A blocking call threw InterruptedException (nobody interrupts these actors). */
    static final int INTERRUPTED = -2;
    /** A future that is still not complete. */
    static final int PENDING = -3;
    /** A receive threw IllegalStateException because the value was already received. */
    static final int TAKEN = -4;
    /** A future that was cancelled. */
    static final int CANCELLED = -5;
    /** A future or call that failed in a way no test expects. */
    static final int FAILED = -6;
    /** A timed receive threw TimeoutException. */
    static final int TIMED_OUT = -7;
    /** A receive threw IllegalStateException because another receive is still registered. */
    static final int BUSY = -8;

    /** Send result: the value belongs to the receiver. */
    static final int SENT = 1;
    /** Send result: the receiver was closed and the value was handed back to the sender. */
    static final int HANDED_BACK = 2;
    /** Send result: closed, but the exception did not carry the value (it would be lost). */
    static final int CLOSED_WITHOUT_VALUE = 3;
    /** Send result: IllegalStateException, the sender was already used (sent, failed or closed). */
    static final int USED = 4;

    /** The values the tests send. */
    static final Integer ONE = 1;
    static final Integer TWO = 2;

    // ------------------------------------------------------------------ helpers

    /** A receive's IllegalStateException as a code: {@link #TAKEN} or {@link #BUSY}. */
    static int misuse(Oneshot.Receiver<?> rx) {
        return rx.isTerminated() ? TAKEN : BUSY;
    }

    /** tryRecv as a code: the value, {@link #EMPTY}, {@link #END}, {@link #TAKEN}... */
    static int tryRecv(Oneshot.Receiver<Integer> rx) {
        try {
            final Integer v = rx.tryRecv();
            return v == null ? EMPTY : v;
        } catch (ChannelClosedException e) {
            return END;
        } catch (IllegalStateException e) {
            return misuse(rx);
        }
    }

    /** Blocking recv as a code: the value, {@link #END}, {@link #TAKEN}, {@link #INTERRUPTED}... */
    static int recv(Oneshot.Receiver<Integer> rx) {
        try {
            return rx.recv();
        } catch (ChannelClosedException e) {
            return END;
        } catch (IllegalStateException e) {
            return misuse(rx);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    /** Timed recv as a code: as {@link #recv}, or {@link #TIMED_OUT}. */
    static int recv(Oneshot.Receiver<Integer> rx, Duration timeout) {
        try {
            return rx.recv(timeout);
        } catch (ChannelClosedException e) {
            return END;
        } catch (IllegalStateException e) {
            return misuse(rx);
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (TimeoutException e) {
            return TIMED_OUT;
        }
    }

    /** send as a code: {@link #SENT}, {@link #HANDED_BACK}, {@link #USED}... */
    static int send(Oneshot.Sender<Integer> tx, Integer v) {
        try {
            tx.send(v);
            return SENT;
        } catch (ChannelClosedException e) {
            return e.hasValue() && v.equals(e.value()) ? HANDED_BACK : CLOSED_WITHOUT_VALUE;
        } catch (IllegalStateException e) {
            return USED;
        }
    }

    /** The state of a receive's future, without waiting: the value, END, PENDING, CANCELLED... */
    static int recvFuture(CompletionStage<Integer> stage) {
        final CompletableFuture<Integer> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            return PENDING;
        }
        if (f.isCancelled()) {
            return CANCELLED;
        }
        try {
            final Integer v = f.get();
            return v == null ? FAILED : v;
        } catch (ExecutionException e) {
            return e.getCause() instanceof ChannelClosedException ? END : FAILED;
        } catch (InterruptedException | CancellationException e) {
            return FAILED;
        }
    }

    static int bit(boolean b) {
        return b ? 1 : 0;
    }

    // ================================================================== 1. visibility

    /** send / tryRecv: the value's single CAS publishes everything written before it. */
    @JCStressTest
    @Outcome(id = "-1, -1, -1, -1", expect = ACCEPTABLE, desc = "tryRecv ran before the send: nothing yet.")
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "tryRecv took the value: every plain write made before the send is visible.")
    @Outcome(expect = FORBIDDEN, desc = "A received value (or the sender's earlier write) still shows a default value: the state CAS does not publish.")
    @State
    public static class TryRecvVisibility extends VisibilityState {
        final Oneshot.Channel<Msg> ch = Oneshot.channel();

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            observe(ch.receiver().tryRecv(), this, r);
        }
    }

    /**
     * send against a blocking recv that may spin or park (its waiter is replaced by the value and
     * woken).
     * <p>Result: (a, b, c, the sender's earlier write, the send's result).
     */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4, 1", expect = ACCEPTABLE, desc = "recv returned the value (at once, after spinning, or after parking and being woken by the send); all earlier writes are visible.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "recv threw InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or recv failed on a channel whose sender sent.")
    @State
    public static class RecvVisibility extends VisibilityState {
        final Oneshot.Channel<Msg> ch = Oneshot.channel();

        @Actor
        public void sender(IIIII_Result r) {
            ch.sender().send(fill(new Msg(), this));
            r.r5 = SENT;
        }

        @Actor
        public void receiver(IIIII_Result r) {
            try {
                final Msg m = ch.receiver().recv();
                r.r1 = m.a;
                r.r2 = m.b;
                r.r3 = (int) m.c;
                r.r4 = before; // plain: written by the sender before it sent m
            } catch (InterruptedException e) {
                r.r1 = INTERRUPTED;
            } catch (RuntimeException e) {
                r.r1 = FAILED; // closed or misuse: the sender sent, so neither may happen
            }
        }
    }

    /** recvAsync, waited on by the receiver: completed at once, or by the sender's thread. */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "The future delivered the value, taken at once or by the send's wake-up; all earlier writes are visible to the thread that waited on the future.")
    @Outcome(id = "-2, -2, -2, -2", expect = FORBIDDEN, desc = "Waiting on the future was interrupted, but nobody interrupts the receiver.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or the future failed.")
    @State
    public static class RecvAsyncVisibility extends VisibilityState {
        final Oneshot.Channel<Msg> ch = Oneshot.channel();

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            waitAndObserve(ch.receiver().recvAsync(), this, r);
        }
    }

    /** As {@link RecvAsyncVisibility}, through the receiver's own stage ({@code toCompletableFuture}). */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "The receiver's stage delivered the value, at once or completed by the send; all earlier writes are visible.")
    @Outcome(id = "-2, -2, -2, -2", expect = FORBIDDEN, desc = "Waiting on the stage was interrupted, but nobody interrupts the receiver.")
    @Outcome(expect = FORBIDDEN, desc = "A default value after receipt, or the stage failed.")
    @State
    public static class StageVisibility extends VisibilityState {
        final Oneshot.Channel<Msg> ch = Oneshot.channel();

        @Actor
        public void sender() {
            ch.sender().send(fill(new Msg(), this));
        }

        @Actor
        public void receiver(IIII_Result r) {
            waitAndObserve(ch.receiver().toCompletableFuture(), this, r);
        }
    }

    static void waitAndObserve(CompletableFuture<Msg> f, VisibilityState s, IIII_Result r) {
        try {
            final Msg m = f.get();
            if (m == null) {
                r.r1 = -9;
            } else {
                observe(m, s, r);
            }
        } catch (InterruptedException e) {
            r.r1 = INTERRUPTED;
            r.r2 = INTERRUPTED;
            r.r3 = INTERRUPTED;
            r.r4 = INTERRUPTED;
        } catch (ExecutionException e) {
            r.r1 = FAILED;
        }
    }

    // ================================================================== 2. send against the receiver's close

    /**
     * send against the receiver's half-close (loom {@code checking_tx_send_ok_not_drop}): the value
     * is owned by exactly one side, received after the close xor handed back.
     * <p>Result: (send, what the arbiter's tryRecv finds, sender's isClosed).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The send came first: a value sent before the close is still received.")
    @Outcome(id = "2, -1, 1", expect = ACCEPTABLE, desc = "The close came first: send threw ChannelClosedException carrying the value; the receiver sees closed.")
    @Outcome(id = "1, -1, " + ANY, expect = FORBIDDEN, desc = "Lost: send returned normally but the receiver sees a channel closed without a value.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: the value was both handed back and received.")
    @Outcome(id = "3, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "ChannelClosedException without the value.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. isClosed false after the receiver closed, or the sender reported used.")
    @State
    public static class SendVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = tryRecv(ch.receiver());
            r.r3 = bit(ch.sender().isClosed());
        }
    }

    /**
     * send against the receiver's close followed by tryRecv in the closing thread (loom
     * {@code try_recv_close}, Tokio issue #4225): once closed, the value is there (sent before)
     * or can never come.
     * <p>Result: (send, the closing thread's tryRecv, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, 1, -4", expect = ACCEPTABLE, desc = "The send came before the close: the closing thread's tryRecv takes the value; a second receive reports it already taken.")
    @Outcome(id = "2, -1, -1", expect = ACCEPTABLE, desc = "The close came first: send handed the value back; both tries see closed without a value.")
    @Outcome(id = ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "tryRecv reported 'nothing yet' after the receiver's own close returned: a send could still come.")
    @Outcome(id = "1, -1, " + ANY, expect = FORBIDDEN, desc = "Lost: sent, but the receiver saw closed without a value.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: handed back and received.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsReceiverCloseThenTryRecv {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void closerThenReceiver(III_Result r) {
            ch.receiver().close();
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * As {@link SendVsReceiverCloseThenTryRecv} with a blocking recv after the close (loom
     * {@code recv_closed}): it must never wait, since after the close nothing can come.
     */
    @JCStressTest
    @Outcome(id = "1, 1, -4", expect = ACCEPTABLE, desc = "The send came before the close: recv returns the value.")
    @Outcome(id = "2, -1, -1", expect = ACCEPTABLE, desc = "The close came first: send handed the value back; recv throws ChannelClosedException at once.")
    @Outcome(id = "1, -1, " + ANY, expect = FORBIDDEN, desc = "Lost: sent, but recv saw closed without a value.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: handed back and received.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsReceiverCloseThenRecv {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void closerThenReceiver(III_Result r) {
            ch.receiver().close();
            r.r2 = recv(ch.receiver());
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * A recvAsync is pending (registered by the constructor) while send races the receiver's close
     * (loom {@code drop_rx_after_poll}): whichever replaces the waiter completes it.
     * <p>Result: (send, the future, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, 1, -4", expect = ACCEPTABLE, desc = "The send replaced the waiter: the future took the value; the later close changes nothing.")
    @Outcome(id = "2, -1, -1", expect = ACCEPTABLE, desc = "The close replaced the waiter: the future failed with ChannelClosedException; send handed the value back.")
    @Outcome(id = ANY + ", -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: the waiter was replaced but the future never completed.")
    @Outcome(id = "1, -1, " + ANY, expect = FORBIDDEN, desc = "Lost: sent, but the future reported closed.")
    @Outcome(id = "2, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: handed back and received.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsReceiverCloseWithPendingRecvAsync {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = recvFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * The sender's {@code isClosed()} followed by a send, against the receiver's close.
     * {@code isClosed()} is documented as "a send would fail. Once true, stays true" (Tokio: once
     * {@code is_closed()} is true, {@code send} always fails).
     * <p>Result: (isClosed, send, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "isClosed and the send both came before the close: the value is received after the close.")
    @Outcome(id = "0, 2, -1", expect = ACCEPTABLE, desc = "isClosed came before the close, the send after: handed back.")
    @Outcome(id = "1, 2, -1", expect = ACCEPTABLE, desc = "Both after the close: isClosed true, and the send fails as it said it would.")
    @Outcome(id = "1, 1, " + ANY, expect = FORBIDDEN, desc = "isClosed returned true, and yet the send that followed succeeded: the closed flag is published before the state that makes sends fail.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a value lost or duplicated.")
    @State
    public static class IsClosedThenSendVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(III_Result r) {
            r.r1 = bit(ch.sender().isClosed());
            r.r2 = send(ch.sender(), ONE);
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * Two threads close the receiver; the second then sends through the sender. Once a close has
     * returned the channel is closed, whoever else is closing it: the send must fail.
     * <p>Result: (the send after our close, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "2, -1", expect = ACCEPTABLE, desc = "The send after our own close returned fails and hands the value back.")
    @Outcome(id = "1, " + ANY, expect = FORBIDDEN, desc = "Our close() returned, and yet the send after it succeeded: close returned early because the other close was in progress, before the channel was closed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ConcurrentReceiverClosesThenSend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Actor
        public void closerThenSender(II_Result r) {
            ch.receiver().close();
            r.r1 = send(ch.sender(), ONE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }
    }

    // ================================================================== 3. send against receives that may give up

    /**
     * send against tryRecv: the value is taken by the try, or stays for the arbiter.
     * <p>Result: (send, tryRecv, the arbiter's tryRecv, isTerminated).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "tryRecv came before the send: nothing yet; the arbiter takes the value.")
    @Outcome(id = "1, 1, -4, 1", expect = ACCEPTABLE, desc = "tryRecv took the value; the arbiter's receive reports it already taken.")
    @Outcome(id = "1, -1, " + ANY + ", " + ANY, expect = FORBIDDEN, desc = "tryRecv reported closed although the sender sent.")
    @Outcome(id = "1, 1, 1, " + ANY, expect = FORBIDDEN, desc = "Duplicated: taken twice.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the value lost, or the receiver not terminated after taking it.")
    @State
    public static class SendVsTryRecv {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(IIII_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = tryRecv(ch.receiver());
            r.r4 = bit(ch.receiver().isTerminated());
        }
    }

    /**
     * send against a blocking recv: it returns the value whether it found it, spun for it, or
     * parked and was woken.
     * <p>Result: (send, recv, isTerminated, isEmpty).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "recv returned the value; the receiver is terminated and empty.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "recv threw InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. recv reported closed although the sender sent.")
    @State
    public static class SendVsRecv {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(IIII_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void receiver(IIII_Result r) {
            r.r2 = recv(ch.receiver());
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = bit(ch.receiver().isTerminated());
            r.r4 = bit(ch.receiver().isEmpty());
        }
    }

    /**
     * send against a timed recv with a short timeout: its withdrawal (CAS of its waiter back to
     * empty) races the send's CAS of the waiter to the value. Taken xor left in the channel.
     * <p>Result: (send, timed recv, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, 1, -4", expect = ACCEPTABLE, desc = "The value came before the deadline (or as it passed, and was taken anyway).")
    @Outcome(id = "1, -7, 1", expect = ACCEPTABLE, desc = "The deadline passed first: the receive withdrew, took nothing, and the receiver is usable: the arbiter takes the value.")
    @Outcome(id = "1, -7, -4", expect = FORBIDDEN, desc = "Lost: the receive timed out, yet the value is gone.")
    @Outcome(id = "1, -7, -8", expect = FORBIDDEN, desc = "The timed-out receive left its waiter behind: the next receive is refused as concurrent.")
    @Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Duplicated: returned and still in the channel.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. an interrupt nobody sent.")
    @State
    public static class SendVsTimedRecv {
        static final Duration TIMEOUT = Duration.ofNanos(20_000);
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void receiver(III_Result r) {
            r.r2 = recv(ch.receiver(), TIMEOUT);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * A recvAsync is pending (registered by the constructor); one actor cancels its future, the
     * other sends. The send's wake-up claims the receive (which then takes the value) xor the
     * cancel withdraws it (and the value stays in the channel).
     * <p>Result: (send, cancel returned true, the future, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, 1, -5, 1", expect = ACCEPTABLE, desc = "The cancel won (before or after the send stored the value): the receive took nothing; the arbiter's tryRecv gets the value.")
    @Outcome(id = "1, 0, 1, -4", expect = ACCEPTABLE, desc = "The send's wake-up won: cancel returns false, the future has the value, nothing is left.")
    @Outcome(id = "1, 1, " + ANY + ", -4", expect = FORBIDDEN, desc = "Lost: cancelled, and yet the value is gone from the channel.")
    @Outcome(id = "1, 1, " + ANY + ", -8", expect = FORBIDDEN, desc = "The cancelled receive is still registered: the next receive is refused as concurrent.")
    @Outcome(id = "1, 0, 1, 1", expect = FORBIDDEN, desc = "Duplicated: delivered by the future and still in the channel.")
    @Outcome(id = "1, 0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false but the future never completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RecvAsyncCancelVsSend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void sender(IIII_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void canceller(IIII_Result r) {
            r.r2 = bit(pending.cancel(false));
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = recvFuture(pending);
            r.r4 = tryRecv(ch.receiver());
        }
    }

    /**
     * As {@link RecvAsyncCancelVsSend}, with the receiver's close (from another thread) instead of
     * the send.
     * <p>Result: (cancel returned true, the future, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: the future is cancelled; the arbiter's receive sees the channel closed without a value.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE, desc = "The close's wake-up won: the future failed with ChannelClosedException.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false but the future never completed.")
    @Outcome(id = ANY + ", " + ANY + ", -8", expect = FORBIDDEN, desc = "The receive is still registered after it was cancelled or completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RecvAsyncCancelVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = bit(pending.cancel(false));
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = recvFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    // ================================================================== 4. the sender closing without a value

    /**
     * The sender closes without sending while the receiver's recv may park: recv reports closed.
     * <p>Result: (recv, a send through the closed sender in the arbiter, isUsed).
     */
    @JCStressTest
    @Outcome(id = "-1, 4, 1", expect = ACCEPTABLE, desc = "recv threw ChannelClosedException (at once, or woken by the close); the closed sender refuses a send.")
    @Outcome(id = ".*-2.*", expect = FORBIDDEN, desc = "recv threw InterruptedException, but nobody interrupts the actors.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. recv returned a value nobody sent.")
    @State
    public static class SenderCloseVsRecv {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void receiver(III_Result r) {
            r.r1 = recv(ch.receiver());
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = send(ch.sender(), ONE);
            r.r3 = bit(ch.sender().isUsed());
        }
    }

    /**
     * The sender closes without sending while the receiver tries twice: "nothing yet" may only
     * come before "closed".
     * <p>Result: (first tryRecv, second tryRecv, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "0, 0, -1", expect = ACCEPTABLE, desc = "Both tries before the close.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE, desc = "First try before the close, second after.")
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "Both after the close: closed stays closed.")
    @Outcome(id = "-1, 0, " + ANY, expect = FORBIDDEN, desc = "'Nothing yet' after 'closed'.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else, e.g. a value nobody sent.")
    @State
    public static class SenderCloseVsTryRecv {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void receiver(III_Result r) {
            r.r1 = tryRecv(ch.receiver());
            r.r2 = tryRecv(ch.receiver());
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * Both sides close at once: the channel ends closed without a value, both flags are set, and
     * the sender cannot send any more.
     * <p>Result: (the arbiter's tryRecv, sender's isClosed, sender's isUsed, a send).
     */
    @JCStressTest
    @Outcome(id = "-1, 1, 1, 4", expect = ACCEPTABLE, desc = "Closed without a value, whichever close came first.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: a close lost in the race.")
    @State
    public static class SenderCloseVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void senderCloser() {
            ch.sender().close();
        }

        @Actor
        public void receiverCloser() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r1 = tryRecv(ch.receiver());
            r.r2 = bit(ch.sender().isClosed());
            r.r3 = bit(ch.sender().isUsed());
            r.r4 = send(ch.sender(), ONE);
        }
    }

    /**
     * A recvAsync is pending; one actor cancels it, the other closes the sender without sending.
     * <p>Result: (cancel returned true, the future, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, -5, -1", expect = ACCEPTABLE, desc = "The cancel won: the future is cancelled; the arbiter's receive sees closed.")
    @Outcome(id = "0, -1, -1", expect = ACCEPTABLE, desc = "The close's wake-up won: the future failed with ChannelClosedException.")
    @Outcome(id = "0, -3, " + ANY, expect = FORBIDDEN, desc = "Stranded: cancel returned false but the future never completed.")
    @Outcome(id = ANY + ", " + ANY + ", -8", expect = FORBIDDEN, desc = "The receive is still registered after it was cancelled or completed.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RecvAsyncCancelVsSenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CompletableFuture<Integer> pending = ch.receiver().recvAsync();

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void canceller(III_Result r) {
            r.r1 = bit(pending.cancel(false));
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = recvFuture(pending);
            r.r3 = tryRecv(ch.receiver());
        }
    }

    // ================================================================== 5. the sender's closed() stage

    /**
     * A sender asks for the {@code closed()} stage while the receiver closes (the Dekker handshake
     * between creating the shared future and setting the closed flag, loom {@code changing_tx_task}).
     * <p>Result: (stage complete when the arbiter looks, sender's isClosed).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The stage completed, before it was asked for or by the close.")
    @Outcome(id = "0, " + ANY, expect = FORBIDDEN, desc = "Lost notification: the receiver closed, but the closed() stage never completes.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ClosedStageVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        CompletionStage<Void> closed;

        @Actor
        public void sender() {
            closed = ch.sender().closed();
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = bit(closed.toCompletableFuture().isDone());
            r.r2 = bit(ch.sender().isClosed());
        }
    }

    /**
     * The receiver closes while the sender sends and then asks for the {@code closed()} stage: the
     * stage completes whether or not the value got in before the close.
     * <p>Result: (send, stage complete when the arbiter looks, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The send came first (the value stays receivable); the close still completes the stage.")
    @Outcome(id = "2, 1, -1", expect = ACCEPTABLE, desc = "The close came first: the value was handed back, the stage is complete.")
    @Outcome(id = ANY + ", 0, " + ANY, expect = FORBIDDEN, desc = "Lost notification: the receiver closed, but the closed() stage never completes.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the value lost or duplicated.")
    @State
    public static class SendThenClosedStageVsReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        CompletionStage<Void> closed;

        @Actor
        public void sender(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
            closed = ch.sender().closed();
        }

        @Actor
        public void closer() {
            ch.receiver().close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = bit(closed.toCompletableFuture().isDone());
            r.r3 = tryRecv(ch.receiver());
        }
    }

    // ================================================================== 6. misuse: one sender, two threads

    /**
     * The same sender is used by two threads at once (a misuse): exactly one send wins; the other
     * throws IllegalStateException and keeps its value; the receiver gets the winner's value.
     * <p>Result: (first send, second send, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, 4, 1", expect = ACCEPTABLE, desc = "The first send won; the second saw the value and reported the sender used.")
    @Outcome(id = "4, 1, 2", expect = ACCEPTABLE, desc = "The second send won; the first reported the sender used.")
    @Outcome(id = "1, 1, " + ANY, expect = FORBIDDEN, desc = "Both sends reported success: one value silently lost.")
    @Outcome(id = "4, 4, " + ANY, expect = FORBIDDEN, desc = "Neither send won.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else: the receiver got the loser's value.")
    @State
    public static class ConcurrentDoubleSend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void first(III_Result r) {
            r.r1 = send(ch.sender(), ONE);
        }

        @Actor
        public void second(III_Result r) {
            r.r2 = send(ch.sender(), TWO);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = tryRecv(ch.receiver());
        }
    }

    /**
     * The same sender is sent through by one thread and closed by another (as a try-with-resources
     * on the wrong thread would): the close does nothing after a send; a send after the close
     * throws IllegalStateException.
     * <p>Result: (send, the arbiter's tryRecv).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The send came first: the later close is a no-op, the value is received.")
    @Outcome(id = "4, -1", expect = ACCEPTABLE, desc = "The close came first: the send is refused (sender used); the receiver sees closed.")
    @Outcome(id = "1, -1", expect = FORBIDDEN, desc = "Lost: the send succeeded but the close overwrote the value.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SendVsSenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void sender(II_Result r) {
            r.r1 = send(ch.sender(), ONE);
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
}
