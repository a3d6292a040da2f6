package dev.channels.stress;

import dev.channels.Broadcast;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Select;
import dev.channels.TrySendResult;
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
 * Termination tests of a waiting {@link Select} (jcstress {@link Mode#Termination}), one per kind
 * of clause that can end the wait: the actor runs a select that has nothing possible yet (or is
 * about to), the signal does what must make one clause possible, and the actor must return. The
 * harness starts the actor and then runs the signal, so the signal lands at any point of the
 * select's wait: before its first pass, during its spin, while it registers its waiters (one per
 * clause, all claiming one selector), during the re-check after registering, or after it parked.
 * A lost wake-up shows as STALE.
 *
 * <p>Every select has a second clause on an idle channel, so the signal's channel is one waiter of
 * several, as in real use. The actor also checks what the select returned; a wrong result throws
 * an {@link IllegalStateException}, which jcstress records as ERROR. If the harness interrupts a
 * stuck actor, the actor just returns (restoring the interrupt status), except in
 * {@link InterruptedWhileWaiting}, whose signal is the interrupt.
 */
public final class SelectTerminationTests {
    private SelectTerminationTests() {
    }

    static final Integer ONE = 1;
    static final Integer SEVEN = 7;
    static final Integer FILLER = 9;
    /** A closed handler's or the all-closed branch's result. */
    static final Integer END = -1;
    /** The timeout clause's result. */
    static final Integer TIMED_OUT = -7;

    static Mpsc.Channel<Integer> full() {
        return MpscTerminationTests.full();
    }

    // ------------------------------------------------------------------ mpsc receive

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select returned the message sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the message.")
    @State
    public static class MpscRecvWokenBySend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(select.select()), "the select must return the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            expect(a.sender().trySend(ONE) == TrySendResult.SENT, "an empty channel takes one message");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select returned the message sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the message.")
    @State
    public static class UnboundedMpscRecvWokenBySend {
        final Mpsc.UnboundedChannel<Integer> a = Mpsc.unbounded();
        final Mpsc.UnboundedChannel<Integer> idle = Mpsc.unbounded();
        final Select<Integer> select = Select.<Integer>builder()
                .recv(idle.receiver(), v -> v)
                .recv(a.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(select.select()), "the select must return the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            a.sender().send(ONE);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed select returned the message long before its deadline.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed select still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out or returned something other than the message.")
    @State
    public static class TimedSelectWokenBySend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(select.select(Duration.ofHours(1))), "the select must return the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out after an hour?", e);
            }
        }

        @Signal
        public void signal() {
            expect(a.sender().trySend(ONE) == TrySendResult.SENT, "an empty channel takes one message");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select (with an hour-long timeout clause) returned the message.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the timeout clause ran, or the select returned something other than the message.")
    @State
    public static class SelectWithTimeoutClauseWokenBySend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .timeout(Duration.ofHours(1), () -> TIMED_OUT)
                .build();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(select.select()), "the select must return the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            expect(a.sender().trySend(ONE) == TrySendResult.SENT, "an empty channel takes one message");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select's clause reported the closure when the only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the closure.")
    @State
    public static class MpscRecvWokenByLastSenderClose {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(END.equals(select.select()), "the select must report the closure");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            a.sender().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select ran its all-closed branch when the last open channel's only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: every clause's channel is closed, but the select still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the all-closed branch.")
    @State
    public static class AllClosedWokenByLastSenderClose {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.UnboundedChannel<Integer> b = Mpsc.unbounded();
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v)
                .recv(b.receiver(), v -> v)
                .ifAllClosed(() -> END)
                .build();

        public AllClosedWokenByLastSenderClose() {
            b.sender().close();
        }

        @Actor
        public void actor() {
            try {
                expect(END.equals(select.select()), "the select must run its all-closed branch");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            a.sender().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select's clause reported the closure when another thread half-closed the receiver.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits on a closed, empty channel.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the closure.")
    @State
    public static class MpscRecvWokenByReceiverClose {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(a.receiver(), v -> v).onClosed(() -> END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(END.equals(select.select()), "the select must report the closure");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            a.receiver().close();
        }
    }

    // ------------------------------------------------------------------ mpsc send

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The send clause was granted the slot freed by the signal's receive, and the select returned.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the slot was freed, but the send clause still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the sent value, or the receive did not get the filler.")
    @State
    public static class SendClauseWokenByRecv {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(SEVEN.equals(select.select()), "the select must report the value sent");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            expect(FILLER.equals(a.receiver().tryRecv()), "the receive must take the filler");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The half-close rejected the waiting send clause, which reported the closure.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the receiver is closed, but the send clause still waits for capacity.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the closure.")
    @State
    public static class SendClauseWokenByReceiverClose {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v).onClosed(() -> END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(END.equals(select.select()), "the select must report the closure");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            a.receiver().close();
        }
    }

    // ------------------------------------------------------------------ oneshot

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select returned the oneshot value sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the value.")
    @State
    public static class OneshotRecvWokenBySend {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(select.select()), "the select must return the value");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The oneshot clause reported the closure when the sender closed without a value.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits although the oneshot can never have a value.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the closure.")
    @State
    public static class OneshotRecvWokenBySenderClose {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(idle.receiver(), v -> v)
                .recv(ch.receiver(), v -> v).onClosed(() -> END)
                .build();

        @Actor
        public void actor() {
            try {
                expect(END.equals(select.select()), "the select must report the closure");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.sender().close();
        }
    }

    // ------------------------------------------------------------------ broadcast

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select returned the broadcast value sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits in the broadcast wait list after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the value (e.g. a lag).")
    @State
    public static class BroadcastRecvWokenBySend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v, missed -> -100)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(select.select()), "the select must return the value");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The broadcast clause reported the closure when the only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits although no broadcast sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the closure.")
    @State
    public static class BroadcastRecvWokenByLastSenderClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(ch.receiver(), v -> v, missed -> -100).onClosed(() -> END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(END.equals(select.select()), "the select must report the closure");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.sender().close();
        }
    }

    // ------------------------------------------------------------------ watch

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select's changed clause returned the value sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits in the watch wait list after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the new value.")
    @State
    public static class WatchChangedWokenBySend {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(ch.receiver(), v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(select.select()), "the select must return the new value");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The changed clause reported the closure when the only watch sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the select still waits although no watch sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the closure.")
    @State
    public static class WatchChangedWokenBySenderClose {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .changed(ch.receiver(), v -> v).onClosed(() -> END)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(END.equals(select.select()), "the select must report the closure");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            ch.sender().close();
        }
    }

    // ------------------------------------------------------------------ timeout and interrupt

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select's one-millisecond timeout clause ended the wait.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The deadline passed, but the select still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned something other than the timeout clause's result.")
    @State
    public static class TimeoutClauseEndsWait {
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(idle.receiver(), v -> v)
                .timeout(Duration.ofMillis(1), () -> TIMED_OUT)
                .build();

        @Actor
        public void actor() {
            try {
                expect(TIMED_OUT.equals(select.select()), "the timeout clause must run");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            // nothing: the deadline alone must end the wait
        }
    }

    /** The signal interrupts the selecting thread: the select must throw InterruptedException. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The select threw InterruptedException, and nothing was sent by its send clause.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The interrupt was lost: the select still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the select returned normally although no clause was possible, or its send clause's value reached the channel.")
    @State
    public static class InterruptedWhileWaiting {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(idle.receiver(), v -> v)
                .build();
        volatile Thread selecting;

        @Actor
        public void actor() {
            selecting = Thread.currentThread();
            try {
                select.select();
                throw new IllegalStateException("the select must throw InterruptedException");
            } catch (InterruptedException e) {
                // the expected outcome: the waiters are withdrawn, nothing was sent
                expect(FILLER.equals(a.receiver().tryRecv()), "the filler is still the only message");
                expect(a.receiver().tryRecv() == null, "the send clause must not have sent");
                expect(a.sender().trySend(SEVEN) == TrySendResult.SENT, "the freed slot is free");
            }
        }

        @Signal
        public void signal() {
            Thread t;
            while ((t = selecting) == null) {
                Thread.onSpinWait();
            }
            t.interrupt();
        }
    }

    // ------------------------------------------------------------------ the asynchronous form

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The asynchronous select's stage completed with the message sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the stage never completes after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the stage completed with something other than the message, or failed.")
    @State
    public static class AsyncSelectCompletedBySend {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(idle.receiver(), v -> v)
                .recv(a.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(select.selectAsync().toCompletableFuture().get()), "the stage must have the message");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the stage failed", e);
            }
        }

        @Signal
        public void signal() {
            expect(a.sender().trySend(ONE) == TrySendResult.SENT, "an empty channel takes one message");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The asynchronous select's send clause was granted the freed slot; the stage completed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the slot was freed, but the stage never completes.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the stage completed with something other than the sent value, or failed.")
    @State
    public static class AsyncSendClauseCompletedByRecv {
        final Mpsc.Channel<Integer> a = full();
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .send(a.sender(), () -> SEVEN, v -> v)
                .recv(idle.receiver(), v -> v)
                .build();

        @Actor
        public void actor() {
            try {
                expect(SEVEN.equals(select.selectAsync().toCompletableFuture().get()), "the stage must report the value sent");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the stage failed", e);
            }
        }

        @Signal
        public void signal() {
            expect(FILLER.equals(a.receiver().tryRecv()), "the receive must take the filler");
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The asynchronous select's one-millisecond timeout clause completed the stage (on the timer thread).")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The deadline passed, but the stage never completes.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the stage completed with something other than the timeout clause's result.")
    @State
    public static class AsyncTimeoutClauseCompletesStage {
        final Mpsc.Channel<Integer> idle = Mpsc.bounded(1);
        final Select<Integer> select = Select.<Integer>builder()
                .recv(idle.receiver(), v -> v)
                .timeout(Duration.ofMillis(1), () -> TIMED_OUT)
                .build();

        @Actor
        public void actor() {
            try {
                expect(TIMED_OUT.equals(select.selectAsync().toCompletableFuture().get()), "the timeout clause must run");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the stage failed", e);
            }
        }

        @Signal
        public void signal() {
            // nothing: the timer alone must complete the stage
        }
    }
}
