package dev.channels.stress;

import dev.channels.ChannelClosedException;
import dev.channels.Oneshot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static dev.channels.stress.MpscTerminationTests.expect;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Termination tests of every blocking oneshot operation (jcstress {@link Mode#Termination}): the
 * actor blocks (or is about to), the signal does what must wake it, and the actor must return.
 * The harness starts the actor and then runs the signal, so the signal lands at any point of the
 * actor's wait: before it, during its spin, while it registers, or after it parked. A lost
 * wake-up shows as STALE.
 *
 * <p>The actor also checks what the woken call returned; a wrong result throws an
 * {@link IllegalStateException}, which jcstress records as ERROR. If the harness interrupts a
 * stuck actor, the actor just returns (restoring the interrupt status).
 */
public final class OneshotTerminationTests {
    private OneshotTerminationTests() {
    }

    static final Integer ONE = 1;

    // ------------------------------------------------------------------ receive

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned the value sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned something other than the value, or threw.")
    @State
    public static class RecvWokenBySend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv()), "recv must return the value");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv threw ChannelClosedException when the sender closed without sending.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits although the sender is gone.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned a value nobody sent.")
    @State
    public static class RecvWokenBySenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                ch.receiver().recv();
                throw new IllegalStateException("recv must fail: the sender closed without a value");
            } catch (ChannelClosedException expected) {
                // the outcome we wait for
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed recv returned the value long before its deadline.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed recv still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out or returned something other than the value.")
    @State
    public static class TimedRecvWokenBySend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv(Duration.ofHours(1))), "recv must return the value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out after an hour?", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed recv threw ChannelClosedException when the sender closed without sending.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed recv still waits although the sender is gone.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out or returned a value nobody sent.")
    @State
    public static class TimedRecvWokenBySenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                ch.receiver().recv(Duration.ofHours(1));
                throw new IllegalStateException("recv must fail: the sender closed without a value");
            } catch (ChannelClosedException expected) {
                // the outcome we wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out after an hour?", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv threw ChannelClosedException when another thread closed the receiver (nothing was sent).")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits on a closed receiver, where no value can come.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned a value nobody sent.")
    @State
    public static class RecvWokenByReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                ch.receiver().recv();
                throw new IllegalStateException("recv must fail: the receiver was closed without a value");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The recvAsync future completed with the value sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future completed with something other than the value, or failed.")
    @State
    public static class RecvAsyncWokenBySend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recvAsync().get()), "the future must deliver the value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("recvAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The recvAsync future failed with ChannelClosedException when the sender closed without sending.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending although the sender is gone.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future delivered a value nobody sent, or failed otherwise.")
    @State
    public static class RecvAsyncWokenBySenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                ch.receiver().recvAsync().get();
                throw new IllegalStateException("the future must fail: the sender closed without a value");
            } catch (ExecutionException e) {
                expect(e.getCause() instanceof ChannelClosedException, "the failure must be ChannelClosedException");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The receiver's own stage (toCompletableFuture) completed with the value sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the stage is still pending after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the stage completed with something other than the value, or failed.")
    @State
    public static class StageWokenBySend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().toCompletableFuture().get()), "the stage must deliver the value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the stage failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
        }
    }

    // ------------------------------------------------------------------ the sender's wait for the receiver's close

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "awaitClosed returned when the receiver closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the receiver closed, but awaitClosed still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: isClosed false after awaitClosed returned.")
    @State
    public static class AwaitClosedWokenByReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

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

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed awaitClosed returned true when the receiver closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the receiver closed, but the timed awaitClosed still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out, or isClosed was false afterwards.")
    @State
    public static class TimedAwaitClosedWokenByReceiverClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        @Actor
        public void actor() {
            try {
                expect(ch.sender().awaitClosed(Duration.ofHours(1)), "awaitClosed must report the close");
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

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The closed() stage completed when the receiver closed, also after a value was sent.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the receiver closed, but the closed() stage is still pending.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR.")
    @State
    public static class ClosedStageWokenByReceiverCloseAfterSend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();

        public ClosedStageWokenByReceiverCloseAfterSend() {
            ch.sender().send(ONE);
        }

        @Actor
        public void actor() {
            try {
                ch.sender().closed().toCompletableFuture().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the closed() stage failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }
}
