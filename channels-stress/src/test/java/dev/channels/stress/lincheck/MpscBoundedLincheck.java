package dev.channels.stress.lincheck;

import dev.channels.ChannelClosedException;
import dev.channels.Mpsc;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

import static dev.channels.stress.lincheck.Scenarios.call;
import static dev.channels.stress.lincheck.Scenarios.of;

/**
 * Linearizability of the non-blocking operations of a bounded mpsc channel and of its closes:
 * {@code trySend}, {@code tryRecv}, {@code len}, {@code isEmpty}, the senders' {@code capacity},
 * {@code isClosed} on both sides, closing a sender handle (the last one ends the stream), the
 * receiver's half-close, and permits ({@code tryReserve}, a permit's {@code send} and
 * {@code close}). Each parallel thread sends through a sender handle of its own (Lincheck's
 * {@link ThreadIdGen}), as a Tokio task owns its clone of the sender, so that a handle is never
 * closed while another thread sends through it (which is a misuse); the receive side runs in one
 * thread at a time (the {@code consumer} group), as the API requires.
 *
 * <p>The sequential specification is {@link Model}, a queue with a capacity written from
 * tokio-semantics.md §1 (a slot is held from send or reserve until the message is received;
 * Closed before Full; permits keep the channel open and can send after the receiver closed;
 * {@code tryRecv} reports end of stream only when closed, drained and no permit is outstanding),
 * not the channel run sequentially. Concrete subclasses fix the capacity at 1 and 2, so that the
 * scenarios wrap around the ring (its length is 1 and 2).
 *
 * <p>Mirrors Tokio's {@code loom_mpsc.rs}, as hand-written scenarios checked on every run besides
 * the random ones (see {@link #handWritten}): {@code closing_tx} (the last sender's close is never
 * seen before a message sent before it), {@code dropping_tx} (concurrent closes of sender handles
 * end the stream exactly once), {@code try_recv} (no spurious Empty while a send is half done),
 * {@code len_nonzero_after_send}, {@code nonempty_after_send} and {@code is_empty_during_close};
 * plus permits against the receiver's close (§1.4) and the regression scenarios of the
 * {@code len}/{@code capacity} bug this test found.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public abstract class MpscBoundedLincheck {
    private final Mpsc.Receiver<Integer> receiver;
    private final PerThread<Mpsc.Sender<Integer>> senders;
    /** The permit each thread holds, or null. */
    private final PerThread<PermitSlot> permits = new PerThread<>(i -> new PermitSlot());

    /** Where a thread keeps its permit. */
    private static final class PermitSlot {
        Mpsc.Permit<Integer> permit;
    }

    protected MpscBoundedLincheck(int capacity) {
        final Mpsc.Channel<Integer> channel = Mpsc.bounded(capacity);
        receiver = channel.receiver();
        final Mpsc.Sender<Integer> first = channel.sender();
        senders = new PerThread<>(i -> i == 0 ? first : first.duplicate());
    }

    /** The sequential specification with this test's capacity. */
    protected abstract Class<? extends Model> model();

    @Test
    void modelChecking() {
        LincheckBudget.modelCheck(getClass(), model(), handWritten(getClass()));
    }

    @Test
    void stress() {
        LincheckBudget.stress(getClass(), model(), handWritten(getClass()));
    }

    /**
     * The races of Tokio's loom tests, and the regression scenarios of this test. Thread 1 sends
     * through handle 0, thread 2 through handle 1; the post part closes the third handle when
     * there is one (full mode).
     */
    static ExecutionScenario[] handWritten(Class<?> test) {
        return new ExecutionScenario[] {
            // closing_tx: the end of the stream never comes before a message sent before the last close
            of(test).thread(call("trySend", 1, 1), call("closeSender", 1))
                    .thread(call("closeSender", 2), call("tryRecv"))
                    .post(call("closeSender", 3), call("tryRecv"), call("tryRecv")).build(),
            // dropping_tx: concurrent closes of sender handles end the stream exactly once
            of(test).thread(call("closeSender", 1))
                    .thread(call("closeSender", 2), call("receiverIsClosed"))
                    .post(call("closeSender", 3), call("tryRecv"), call("receiverIsClosed")).build(),
            // try_recv: no spurious Empty while a send is half done, once len() has counted it
            of(test).thread(call("trySend", 1, 1), call("trySend", 2, 1))
                    .thread(call("len"), call("tryRecv"), call("tryRecv")).build(),
            // len_nonzero_after_send, nonempty_after_send
            of(test).thread(call("trySend", 1, 1), call("len"))
                    .thread(call("trySend", 2, 2), call("isEmpty")).build(),
            // is_empty_during_close: the end-of-stream marker is not a message
            of(test).thread(call("closeSender", 1))
                    .thread(call("isEmpty"), call("closeSender", 2), call("len"))
                    .post(call("closeSender", 3), call("isEmpty"), call("tryRecv")).build(),
            // §1.4, §1.9: a permit sends after the receiver closed, and keeps the stream open until then
            of(test).thread(call("tryReserve", 1), call("permitSend", 3, 1))
                    .thread(call("closeReceiver"), call("tryRecv"))
                    .post(call("tryRecv"), call("tryRecv")).build(),
            // §1.4: a permit given back after the close lets the stream end (closed and idle)
            of(test).thread(call("tryReserve", 1), call("permitRelease", 1))
                    .thread(call("closeReceiver"), call("tryRecv"), call("receiverIsClosed"))
                    .post(call("tryRecv")).build(),
            // regression: len() from another thread read C, then (after a receive and a send) P, and
            // reported 2 on a channel of capacity 1
            of(test).init(call("trySend", 1, 0))
                    .thread(call("len"))
                    .thread(call("tryRecv"), call("trySend", 2, 2)).build(),
            // regression: the same for capacity(), which reported 0 free slots on a channel of
            // capacity 2 that had 1, 2 and 1 free
            of(test).init(call("trySend", 1, 0))
                    .thread(call("freeCapacity", 1))
                    .thread(call("tryRecv"), call("trySend", 2, 2)).build(),
        };
    }

    @Operation
    public String trySend(@Param(name = "value") int value, @Param(gen = ThreadIdGen.class) int threadId) {
        try {
            return senders.of(threadId).trySend(value).name();
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "consumer")
    public String tryRecv() {
        try {
            final Integer v = receiver.tryRecv();
            return v == null ? "EMPTY" : "V" + v;
        } catch (ChannelClosedException end) {
            return "END";
        }
    }

    @Operation
    public int len() {
        return receiver.len();
    }

    @Operation
    public boolean isEmpty() {
        return receiver.isEmpty();
    }

    @Operation
    public int freeCapacity(@Param(gen = ThreadIdGen.class) int threadId) {
        return senders.of(threadId).capacity();
    }

    @Operation
    public void closeSender(@Param(gen = ThreadIdGen.class) int threadId) {
        senders.of(threadId).close();
    }

    @Operation
    public void closeReceiver() {
        receiver.close();
    }

    @Operation
    public boolean receiverIsClosed() {
        return receiver.isClosed();
    }

    @Operation
    public boolean senderIsClosed(@Param(gen = ThreadIdGen.class) int threadId) {
        return senders.of(threadId).isClosed();
    }

    @Operation
    public String tryReserve(@Param(gen = ThreadIdGen.class) int threadId) {
        final PermitSlot slot = permits.of(threadId);
        if (slot.permit != null) {
            return "HELD";
        }
        try {
            final Mpsc.Permit<Integer> p = senders.of(threadId).tryReserve();
            if (p == null) {
                return "FULL";
            }
            slot.permit = p;
            return "PERMIT";
        } catch (ChannelClosedException closed) {
            return "CLOSED";
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    @Operation
    public String permitSend(@Param(name = "value") int value, @Param(gen = ThreadIdGen.class) int threadId) {
        final PermitSlot slot = permits.of(threadId);
        final Mpsc.Permit<Integer> p = slot.permit;
        if (p == null) {
            return "NO_PERMIT";
        }
        slot.permit = null;
        p.send(value);
        return "SENT";
    }

    @Operation
    public String permitRelease(@Param(gen = ThreadIdGen.class) int threadId) {
        final PermitSlot slot = permits.of(threadId);
        final Mpsc.Permit<Integer> p = slot.permit;
        if (p == null) {
            return "NO_PERMIT";
        }
        slot.permit = null;
        p.close();
        return "RELEASED";
    }

    /**
     * The sequential specification: what tokio-semantics.md §1 says a bounded channel does, as a
     * plain queue. Public, with a public constructor in each subclass, for Lincheck.
     */
    public abstract static class Model {
        private final int capacity;
        private final ArrayDeque<Integer> queue = new ArrayDeque<>();
        private final boolean[] handleClosed = new boolean[LincheckBudget.threads()];
        private final boolean[] permitHeld = new boolean[LincheckBudget.threads()];
        private int openHandles = LincheckBudget.threads();
        /** Slots held by permits not yet used or released. */
        private int reserved;
        private boolean receiverClosed;

        protected Model(int capacity) {
            this.capacity = capacity;
        }

        private boolean sendersGone() {
            return openHandles == 0;
        }

        private boolean full() {
            return queue.size() + reserved >= capacity;
        }

        public String trySend(int value, int threadId) {
            if (handleClosed[LincheckBudget.handleOf(threadId)]) {
                return "ISE";
            }
            if (receiverClosed) {
                return "CLOSED"; // checked before Full (§1.3 try_send)
            }
            if (full()) {
                return "FULL";
            }
            queue.add(value);
            return "SENT";
        }

        public String tryRecv() {
            if (!queue.isEmpty()) {
                return "V" + queue.poll();
            }
            // §1.6 try_recv: Disconnected only when no permit can still send
            return (receiverClosed || sendersGone()) && reserved == 0 ? "END" : "EMPTY";
        }

        public int len() {
            return queue.size();
        }

        public boolean isEmpty() {
            return queue.isEmpty();
        }

        public int freeCapacity(int threadId) {
            return capacity - queue.size() - reserved;
        }

        public void closeSender(int threadId) {
            final int h = LincheckBudget.handleOf(threadId);
            if (!handleClosed[h]) {
                handleClosed[h] = true;
                openHandles--;
            }
        }

        public void closeReceiver() {
            receiverClosed = true;
        }

        public boolean receiverIsClosed() {
            // §1.6 is_closed: closed, or no strong sender left (an outstanding permit counts as one)
            return receiverClosed || (sendersGone() && reserved == 0);
        }

        public boolean senderIsClosed(int threadId) {
            return receiverClosed; // §1.3 is_closed: the receiver side only
        }

        public String tryReserve(int threadId) {
            final int h = LincheckBudget.handleOf(threadId);
            if (permitHeld[h]) {
                return "HELD";
            }
            if (handleClosed[h]) {
                return "ISE";
            }
            if (receiverClosed) {
                return "CLOSED";
            }
            if (full()) {
                return "FULL";
            }
            permitHeld[h] = true;
            reserved++;
            return "PERMIT";
        }

        public String permitSend(int value, int threadId) {
            final int h = LincheckBudget.handleOf(threadId);
            if (!permitHeld[h]) {
                return "NO_PERMIT";
            }
            permitHeld[h] = false;
            reserved--;
            queue.add(value); // §1.4: succeeds even after the receiver closed
            return "SENT";
        }

        public String permitRelease(int threadId) {
            final int h = LincheckBudget.handleOf(threadId);
            if (!permitHeld[h]) {
                return "NO_PERMIT";
            }
            permitHeld[h] = false;
            reserved--;
            return "RELEASED";
        }
    }
}
