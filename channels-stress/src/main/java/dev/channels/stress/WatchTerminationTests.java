package dev.channels.stress;

import dev.channels.ChannelClosedException;
import dev.channels.Watch;
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
 * Termination tests of every blocking watch operation (jcstress {@link Mode#Termination}): the
 * actor blocks (or is about to), the signal does what must wake it, and the actor must return.
 * The harness starts the actor and then runs the signal, so the signal lands at any point of the
 * actor's wait: before it, during its spin, while it registers in the wait list, or after it
 * parked. A lost wake-up shows as STALE.
 *
 * <p>The actor also checks what the woken call returned; a wrong result throws an
 * {@link IllegalStateException}, which jcstress records as ERROR. If the harness interrupts a
 * stuck actor, the actor just returns (restoring the interrupt status).
 */
public final class WatchTerminationTests {
    private WatchTerminationTests() {
    }

    static final Integer ZERO = 0;
    static final Integer ONE = 1;
    static final Integer TWO = 2;

    // ------------------------------------------------------------------ changed

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "changed returned true for the value sent by the signal, and the receiver reads it.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: changed still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: changed returned false, or the value read is not the one sent.")
    @State
    public static class ChangedWokenBySend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().changed(), "changed must report the change");
                expect(ONE.equals(ch.receiver().borrowAndUpdate()), "the value after changed must be the one sent");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "changed returned true for a sendModify by another sender handle.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: changed still waits after the modify.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: changed returned false, or the value read is not the modified one.")
    @State
    public static class ChangedWokenBySendModify {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final Watch.Sender<Integer> other = ch.sender().duplicate();

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().changed(), "changed must report the change");
                expect(ONE.equals(ch.receiver().borrowAndUpdate()), "the value after changed must be the modified one");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            other.sendModify(x -> x + 1);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "changed returned false when the only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: changed still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: changed reported a change nobody made.")
    @State
    public static class ChangedWokenByLastSenderClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(!ch.receiver().changed(), "changed must report the close");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "changed returned false when the last of two sender handles closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: changed still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: changed reported a change nobody made.")
    @State
    public static class ChangedWokenByLastOfTwoSendersClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final Watch.Sender<Integer> other = ch.sender().duplicate();

        public ChangedWokenByLastOfTwoSendersClose() {
            ch.sender().close(); // one handle left: the signal closes the last one
        }

        @Actor
        public void actor() {
            try {
                expect(!ch.receiver().changed(), "changed must report the close");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed changed returned true long before its deadline.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed changed still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out or returned false.")
    @State
    public static class TimedChangedWokenBySend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().changed(Duration.ofHours(1)), "changed must report the change");
                expect(ONE.equals(ch.receiver().borrowAndUpdate()), "the value after changed must be the one sent");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed changed returned false when the only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed changed still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out or reported a change nobody made.")
    @State
    public static class TimedChangedWokenByLastSenderClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(!ch.receiver().changed(Duration.ofHours(1)), "changed must report the close");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The changedAsync future completed with true after the send.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future completed with false, or failed.")
    @State
    public static class ChangedAsyncWokenBySend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().changedAsync().get(), "the future must report the change");
                expect(ONE.equals(ch.receiver().borrow()), "the value after the change must be the one sent");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("changedAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The changedAsync future completed with false when the only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future reported a change nobody made, or failed.")
    @State
    public static class ChangedAsyncWokenByLastSenderClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(!ch.receiver().changedAsync().get(), "the future must report the close");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("changedAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().close();
        }
    }

    // ------------------------------------------------------------------ waitFor

    /** The signal sends a rejected value, then the accepted one: the wait survives the first wake-up. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "waitFor returned 2, the value its predicate accepts.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: waitFor still waits after the accepted value was sent.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: waitFor returned a rejected value, or failed.")
    @State
    public static class WaitForWokenByAcceptedSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(TWO.equals(ch.receiver().waitFor(x -> x == 2)), "waitFor must return the accepted value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed waitFor returned 2 long before its deadline.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed waitFor still waits after the accepted value was sent.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out, returned a rejected value, or failed.")
    @State
    public static class TimedWaitForWokenByAcceptedSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(TWO.equals(ch.receiver().waitFor(x -> x == 2, Duration.ofHours(1))), "waitFor must return the accepted value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out after an hour?", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "waitFor threw ChannelClosedException when the only sender closed with the value rejected.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: waitFor still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: waitFor returned a value.")
    @State
    public static class WaitForWokenByLastSenderClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                ch.receiver().waitFor(x -> x == 2);
                throw new IllegalStateException("waitFor must fail: every sender closed with the value rejected");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The waitForAsync future completed with 2, the value its predicate accepts.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending after the accepted value was sent.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future delivered a rejected value, or failed.")
    @State
    public static class WaitForAsyncWokenByAcceptedSend {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(TWO.equals(ch.receiver().waitForAsync(x -> x == 2).get()), "the future must deliver the accepted value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("waitForAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
            ch.sender().send(TWO);
        }
    }

    // ------------------------------------------------------------------ the senders' wait for the last receiver's close

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "awaitClosed returned when the only receiver closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: no receiver is left, but awaitClosed still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: isClosed false after awaitClosed returned.")
    @State
    public static class AwaitClosedWokenByLastReceiverClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "awaitClosed returned when the last of two receivers closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: no receiver is left, but awaitClosed still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: isClosed false after awaitClosed returned.")
    @State
    public static class AwaitClosedWokenByLastOfTwoReceiversClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);
        final Watch.Receiver<Integer> other = ch.sender().subscribe();

        public AwaitClosedWokenByLastOfTwoReceiversClose() {
            ch.receiver().close(); // one receiver left: the signal closes the last one
        }

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
            other.close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed awaitClosed returned true when the only receiver closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: no receiver is left, but the timed awaitClosed still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out.")
    @State
    public static class TimedAwaitClosedWokenByLastReceiverClose {
        final Watch.Channel<Integer> ch = Watch.channel(ZERO);

        @Actor
        public void actor() {
            try {
                expect(ch.sender().awaitClosed(Duration.ofHours(1)), "awaitClosed must report the close");
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
