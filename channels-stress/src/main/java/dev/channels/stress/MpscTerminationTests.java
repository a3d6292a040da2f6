package dev.channels.stress;

import dev.channels.ChannelClosedException;
import dev.channels.Mpsc;
import dev.channels.TrySendResult;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Termination tests of every blocking mpsc operation (jcstress {@link Mode#Termination}): the
 * actor blocks (or is about to), the signal does what must wake it, and the actor must return.
 * The harness starts the actor and then runs the signal, so the signal lands at any point of the
 * actor's wait: before it, during its spin, while it registers, or after it parked. A lost
 * wake-up shows as STALE.
 *
 * <p>The actor also checks what the woken call returned; a wrong result throws an
 * {@link IllegalStateException}, which jcstress records as ERROR. If the harness interrupts a
 * stuck actor, the actor just returns (restoring the interrupt status).
 */
public final class MpscTerminationTests {
    private MpscTerminationTests() {
    }

    static final Integer ONE = 1;
    static final Integer FILLER = 9;

    static void expect(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    static Mpsc.Channel<Integer> full() {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        expect(ch.sender().trySend(FILLER) == TrySendResult.SENT, "setup: fill the channel");
        return ch;
    }

    // ------------------------------------------------------------------ receive

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned the message sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned something other than the message.")
    @State
    public static class RecvWokenBySend {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv()), "recv must return the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            expect(ch.sender().trySend(ONE) == TrySendResult.SENT, "an empty channel takes one message");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned the message sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned something other than the message.")
    @State
    public static class UnboundedRecvWokenBySend {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv()), "recv must return the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed recv returned the message long before its deadline.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed recv still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out or returned something other than the message.")
    @State
    public static class TimedRecvWokenBySend {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv(Duration.ofHours(1))), "recv must return the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out after an hour?", e);
            }
        }

        @Signal
        public void signal() {
            expect(ch.sender().trySend(ONE) == TrySendResult.SENT, "an empty channel takes one message");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned end of stream (null) when the only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned a message nobody sent.")
    @State
    public static class RecvWokenByLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recv() == null, "recv must return end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.sender().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned end of stream (null) when the last of two sender handles closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned a message nobody sent.")
    @State
    public static class UnboundedRecvWokenByLastSenderClose {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> other = ch.sender().duplicate();

        public UnboundedRecvWokenByLastSenderClose() {
            ch.sender().close(); // one handle left: the signal closes the last one
        }

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recv() == null, "recv must return end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            other.close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned end of stream (null) when another thread half-closed the receiver.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits on a closed, empty channel with no permit outstanding.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned a message nobody sent.")
    @State
    public static class RecvWokenByReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recv() == null, "recv must return end of stream");
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
     * The receiver was closed while a permit is outstanding, so recv waits for it; the permit
     * sends: recv returns that message, and the next recv returns end of stream.
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned the permit's message, then end of stream.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits after the permit's send (or after the channel became idle).")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: end of stream before the permit's message, or a wrong message.")
    @State
    public static class RecvWokenByPermitSendAfterReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Permit<Integer> permit = ch.sender().tryReserve();

        public RecvWokenByPermitSendAfterReceiverClose() {
            ch.receiver().close();
        }

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv()), "recv must return the permit's message");
                expect(ch.receiver().recv() == null, "then end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            permit.send(ONE);
        }
    }

    /**
     * The receiver was closed while a permit is outstanding; the permit is released unused, which
     * makes the closed channel idle: the waiting recv must be woken with end of stream (Tokio
     * 1.53's fix for the missing wake-up on "closed and now idle").
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned end of stream when the permit was released.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the closed channel became idle, but recv still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned a message nobody sent.")
    @State
    public static class RecvWokenByPermitReleaseAfterReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Permit<Integer> permit = ch.sender().tryReserve();

        public RecvWokenByPermitReleaseAfterReceiverClose() {
            ch.receiver().close();
        }

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recv() == null, "recv must return end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            permit.close();
        }
    }

    /** As above, with the last sender handle closed instead of the receiver. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned end of stream when the last permit was released.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: no sender and no permit left, but recv still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned a message nobody sent.")
    @State
    public static class RecvWokenByPermitReleaseAfterLastSenderClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Permit<Integer> permit = ch.sender().tryReserve();

        public RecvWokenByPermitReleaseAfterLastSenderClose() {
            ch.sender().close();
        }

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recv() == null, "recv must return end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            permit.close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The recvAsync future completed with the message sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future completed with something other than the message, or failed.")
    @State
    public static class RecvAsyncWokenBySend {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recvAsync().toCompletableFuture().get()), "the future must deliver the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("recvAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            expect(ch.sender().trySend(ONE) == TrySendResult.SENT, "an empty channel takes one message");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The recvAsync future completed with end of stream (null) after the half-close.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending on a closed, empty channel.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future delivered a message nobody sent, or failed.")
    @State
    public static class RecvAsyncWokenByReceiverClose {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recvAsync().toCompletableFuture().get() == null, "the future must deliver end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("recvAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }

    // ------------------------------------------------------------------ send and reserve

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The send on a full channel returned after the signal received the filler.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: a slot was freed, but the send still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the send failed, or the signal did not receive the filler.")
    @State
    public static class SendWokenByRecv {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void actor() {
            try {
                ch.sender().send(ONE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            expect(FILLER.equals(ch.receiver().tryRecv()), "the filler is at the head");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed send on a full channel returned true after the signal received the filler.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: a slot was freed, but the timed send still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the send timed out or failed.")
    @State
    public static class TimedSendWokenByRecv {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void actor() {
            try {
                expect(ch.sender().send(ONE, Duration.ofHours(1)), "the timed send must succeed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            expect(FILLER.equals(ch.receiver().tryRecv()), "the filler is at the head");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The send on a full channel threw ChannelClosedException carrying its value after the half-close.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the receiver closed, but the send still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the send returned normally, or the exception did not carry the value.")
    @State
    public static class SendWokenByReceiverClose {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void actor() {
            try {
                ch.sender().send(ONE);
                throw new IllegalStateException("a send on a full channel must fail once the receiver closes");
            } catch (ChannelClosedException e) {
                expect(ONE.equals(e.value()), "the exception must hand the value back");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "reserve on a full channel returned a permit after the signal received the filler.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: a slot was freed, but reserve still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: reserve failed.")
    @State
    public static class ReserveWokenByRecv {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void actor() {
            try {
                ch.sender().reserve().send(ONE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            expect(FILLER.equals(ch.receiver().tryRecv()), "the filler is at the head");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "reserve on a full channel threw ChannelClosedException after the half-close.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the receiver closed, but reserve still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: reserve returned a permit on a closed channel.")
    @State
    public static class ReserveWokenByReceiverClose {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void actor() {
            try {
                ch.sender().reserve();
                throw new IllegalStateException("reserve on a full channel must fail once the receiver closes");
            } catch (ChannelClosedException expected) {
                // the outcome we wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The sendAsync future on a full channel completed after the signal received the filler.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: a slot was freed, but the future is still pending.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future failed.")
    @State
    public static class SendAsyncWokenByRecv {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void actor() {
            try {
                ch.sender().sendAsync(ONE).toCompletableFuture().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("sendAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            expect(FILLER.equals(ch.receiver().tryRecv()), "the filler is at the head");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The sendAsync future on a full channel failed with ChannelClosedException carrying the value after the half-close.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the receiver closed, but the future is still pending.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future completed normally, or its exception did not carry the value.")
    @State
    public static class SendAsyncWokenByReceiverClose {
        final Mpsc.Channel<Integer> ch = full();

        @Actor
        public void actor() {
            try {
                ch.sender().sendAsync(ONE).toCompletableFuture().get();
                throw new IllegalStateException("a send on a full channel must fail once the receiver closes");
            } catch (ExecutionException e) {
                expect(e.getCause() instanceof ChannelClosedException
                        && ONE.equals(((ChannelClosedException) e.getCause()).value()), "the failure must hand the value back");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "awaitClosed returned when the receiver closed (loom closing_bounded_rx).")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the receiver closed, but awaitClosed still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR.")
    @State
    public static class AwaitClosedWokenByReceiverClose {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);

        @Actor
        public void actor() {
            try {
                ch.sender().awaitClosed();
                expect(ch.sender().isClosed(), "isClosed after awaitClosed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }
}
