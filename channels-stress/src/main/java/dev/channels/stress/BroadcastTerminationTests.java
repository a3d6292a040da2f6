package dev.channels.stress;

import dev.channels.Broadcast;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Termination tests of every blocking broadcast operation (jcstress {@link Mode#Termination}):
 * the actor blocks (or is about to), the signal does what must wake it, and the actor must
 * return. The harness starts the actor and then runs the signal, so the signal lands at any point
 * of the actor's wait: before it, during its spin, while it registers on the wait list, or after
 * it parked. A lost wake-up shows as STALE.
 *
 * <p>The actor also checks what the woken call returned; a wrong result throws an
 * {@link IllegalStateException}, which jcstress records as ERROR. If the harness interrupts a
 * stuck actor, the actor just returns (restoring the interrupt status).
 */
public final class BroadcastTerminationTests {
    private BroadcastTerminationTests() {
    }

    static final Integer ONE = 1;

    static void expect(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    // ------------------------------------------------------------------ receive woken by send

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned the value sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned something other than the value, or lagged.")
    @State
    public static class RecvWokenBySend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv()), "recv must return the value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("lagged after one send into a ring of 2", e);
            }
        }

        @Signal
        public void signal() {
            expect(ch.sender().send(ONE) == 1, "one receiver");
        }
    }

    /** As {@link RecvWokenBySend}, on a wrapped ring (capacity 1, one value sent and received first). */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned the value sent by the signal into the wrapped slot.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned the old value again, something else, or lagged.")
    @State
    public static class RecvOnWrappedSlotWokenBySend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);

        public RecvOnWrappedSlotWokenBySend() {
            ch.sender().send(9);
            try {
                expect(Integer.valueOf(9).equals(ch.receiver().tryRecv()), "setup: one value in, one out");
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("setup: lagged", e);
            }
        }

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv()), "recv must return the new value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("lagged although caught up", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed recv returned the value long before its deadline.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed recv still waits after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: it timed out, lagged, or returned something other than the value.")
    @State
    public static class TimedRecvWokenBySend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv(Duration.ofHours(1))), "recv must return the value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out after an hour?", e);
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("lagged after one send into a ring of 2", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The recvAsync future completed with the value sent by the signal.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending after the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future completed with something other than the value, or failed.")
    @State
    public static class RecvAsyncWokenBySend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

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

    /**
     * One send must wake every waiting receiver: a second receiver's recvAsync is pending
     * (registered by the constructor), and the first receiver blocks in recv. The actor returns
     * only if both were woken (the wait list is detached and every waiter on it completed).
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "Both the blocked recv and the pending recvAsync of the other receiver got the value.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: one of the two waiters was not woken by the send.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: a receiver got something other than the value.")
    @State
    public static class TwoWaitersWokenBySend {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx2 = ch.sender().subscribe();
        final CompletableFuture<Integer> pending = rx2.recvAsync();

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv()), "recv must return the value");
                expect(ONE.equals(pending.get()), "the other receiver's future must deliver the value");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("lagged after one send into a ring of 2", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("recvAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            expect(ch.sender().send(ONE) == 2, "two receivers");
        }
    }

    // ------------------------------------------------------------------ receive woken by a lagging burst

    /**
     * Capacity 2; the receiver has read one value and waits at position 1. The signal sends
     * capacity + 1 values (2, 3, 4), so position 1's slot is overwritten by the third. Wherever
     * the wake-up lands, the receiver must return (a value, or LaggedException then the kept
     * values; a second wait, after reading 2, must be woken by the next send too) and receive or
     * count every value: received + missed = 3, in send order, ending with 4.
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv got 2, 3, 4, or lagged by 1 and got 3, 4 (or got 2, then lagged...): every value received or counted.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits although values (or a lag) are there, e.g. the overwrite of its slot did not count as ready.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: a value out of order, or received + missed is not 3.")
    @State
    public static class RecvWokenByLaggingBurst {
        static final int CAPACITY = 2;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);

        public RecvWokenByLaggingBurst() {
            primeOne(ch);
        }

        @Actor
        public void actor() {
            try {
                long got = 0;
                long missed = 0;
                int last = 1;
                while (last != CAPACITY + 2) {
                    try {
                        final Integer v = ch.receiver().recv();
                        expect(v != null && v > last, "values in send order, no end of stream");
                        last = v;
                        got++;
                    } catch (Broadcast.LaggedException e) {
                        expect(e.missed() >= 1, "a lag misses at least one value");
                        missed += e.missed();
                    }
                }
                expect(got + missed == CAPACITY + 1, "received + missed = sent");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            burst(ch, CAPACITY);
        }
    }

    /** As {@link RecvWokenByLaggingBurst} with a timed recv. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed recv got every value or counted it as missed, long before its deadline.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed recv still waits although values (or a lag) are there.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: a timeout, a value out of order, or received + missed is not 3.")
    @State
    public static class TimedRecvWokenByLaggingBurst {
        static final int CAPACITY = 2;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);

        public TimedRecvWokenByLaggingBurst() {
            primeOne(ch);
        }

        @Actor
        public void actor() {
            try {
                long got = 0;
                long missed = 0;
                int last = 1;
                while (last != CAPACITY + 2) {
                    try {
                        final Integer v = ch.receiver().recv(Duration.ofHours(1));
                        expect(v != null && v > last, "values in send order, no end of stream");
                        last = v;
                        got++;
                    } catch (Broadcast.LaggedException e) {
                        expect(e.missed() >= 1, "a lag misses at least one value");
                        missed += e.missed();
                    }
                }
                expect(got + missed == CAPACITY + 1, "received + missed = sent");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out after an hour?", e);
            }
        }

        @Signal
        public void signal() {
            burst(ch, CAPACITY);
        }
    }

    /**
     * Capacity 1; the receiver has read one value and its recvAsync waits at position 1. The
     * signal sends 2 and 3: the future completes with 2 (the wake-up of the first send received
     * it) or with LaggedException(1) (3 had overwritten it); then the rest is there for tryRecv.
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The future completed with 2, or failed with LaggedException(1), and the kept values follow.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending after the burst.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: a wrong value or lag count, or received + missed is not 2.")
    @State
    public static class RecvAsyncWokenByLaggingBurst {
        static final int CAPACITY = 1;
        final Broadcast.Channel<Integer> ch = Broadcast.channel(CAPACITY);

        public RecvAsyncWokenByLaggingBurst() {
            primeOne(ch);
        }

        @Actor
        public void actor() {
            try {
                long got = 0;
                long missed = 0;
                int last = 1;
                try {
                    final Integer v = ch.receiver().recvAsync().get();
                    expect(v != null && v > last, "a value after 1, not end of stream");
                    last = v;
                    got++;
                } catch (ExecutionException e) {
                    expect(e.getCause() instanceof Broadcast.LaggedException, "only a lag may fail the future");
                    missed += ((Broadcast.LaggedException) e.getCause()).missed();
                }
                while (last != CAPACITY + 2) {
                    try {
                        final Integer v = ch.receiver().recv();
                        expect(v != null && v > last, "values in send order, no end of stream");
                        last = v;
                        got++;
                    } catch (Broadcast.LaggedException e) {
                        missed += e.missed();
                    }
                }
                expect(got + missed == CAPACITY + 1, "received + missed = sent");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Signal
        public void signal() {
            burst(ch, CAPACITY);
        }
    }

    /** Sends 1 and receives it: the receiver waits at position 1. */
    static void primeOne(Broadcast.Channel<Integer> ch) {
        ch.sender().send(ONE);
        try {
            expect(ONE.equals(ch.receiver().tryRecv()), "setup: one value in, one out");
        } catch (Broadcast.LaggedException e) {
            throw new IllegalStateException("setup: lagged", e);
        }
    }

    /** Sends capacity + 1 values, 2 .. capacity + 2. */
    static void burst(Broadcast.Channel<Integer> ch, int capacity) {
        for (int v = 2; v <= capacity + 2; v++) {
            ch.sender().send(v);
        }
    }

    // ------------------------------------------------------------------ receive woken by the last sender's close

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned end of stream (null) when the last of two sender handles closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: recv returned a value nobody sent, or lagged.")
    @State
    public static class RecvWokenByLastSenderClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> other = ch.sender().duplicate();

        public RecvWokenByLastSenderClose() {
            ch.sender().close(); // one handle left: the signal closes the last one
        }

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recv() == null, "recv must return end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("lagged with nothing sent", e);
            }
        }

        @Signal
        public void signal() {
            other.close();
        }
    }

    /** The signal sends a value and closes: recv returns the value, then end of stream. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "recv returned the value, then end of stream.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: recv still waits after the send or after the close.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: end of stream before the value, or a wrong value.")
    @State
    public static class RecvWokenBySendThenClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(1);

        @Actor
        public void actor() {
            try {
                expect(ONE.equals(ch.receiver().recv()), "recv must return the value first");
                expect(ch.receiver().recv() == null, "then end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("lagged after one send", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().send(ONE);
            ch.sender().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed recv returned end of stream (null) when the only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the timed recv still waits although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: a timeout, a lag, or a value nobody sent.")
    @State
    public static class TimedRecvWokenByLastSenderClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recv(Duration.ofHours(1)) == null, "recv must return end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out after an hour?", e);
            } catch (Broadcast.LaggedException e) {
                throw new IllegalStateException("lagged with nothing sent", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The recvAsync future completed with end of stream (null) when the only sender closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: the future is still pending although no sender is left.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the future delivered a value nobody sent, or failed.")
    @State
    public static class RecvAsyncWokenByLastSenderClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void actor() {
            try {
                expect(ch.receiver().recvAsync().get() == null, "the future must deliver end of stream");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("recvAsync failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.sender().close();
        }
    }

    // ------------------------------------------------------------------ sender woken by the last receiver's close

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "awaitClosed returned when the last receiver closed (loom closing_bounded_rx, for broadcast).")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: no receiver is left, but awaitClosed still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: isClosed false after awaitClosed returned.")
    @State
    public static class AwaitClosedWokenByLastReceiverClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx2 = ch.sender().subscribe();

        public AwaitClosedWokenByLastReceiverClose() {
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
            rx2.close();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The timed awaitClosed returned true when the only receiver closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: no receiver is left, but awaitClosed still waits.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the timed awaitClosed returned false.")
    @State
    public static class TimedAwaitClosedWokenByLastReceiverClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void actor() {
            try {
                expect(ch.sender().awaitClosed(Duration.ofHours(1)), "awaitClosed must return true");
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
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The closed() stage completed when the only receiver closed.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "Lost wake-up: no receiver is left, but the closed() stage is still pending.")
    @Outcome(expect = FORBIDDEN, desc = "ERROR: the stage failed.")
    @State
    public static class ClosedStageWokenByLastReceiverClose {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);

        @Actor
        public void actor() {
            try {
                ch.sender().closed().toCompletableFuture().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("closed() failed", e);
            }
        }

        @Signal
        public void signal() {
            ch.receiver().close();
        }
    }
}
