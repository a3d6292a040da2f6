package dev.channels.stress.lincheck;

import dev.channels.ChannelClosedException;
import dev.channels.Mpsc;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayDeque;

import static dev.channels.stress.lincheck.Scenarios.call;
import static dev.channels.stress.lincheck.Scenarios.of;

/**
 * Linearizability of the non-blocking operations of an unbounded mpsc channel and of its closes:
 * {@code trySend} (never Full), {@code tryRecv}, {@code len}, {@code isEmpty}, {@code isClosed} on
 * both sides, closing sender handles (each thread has its own, as in {@link MpscBoundedLincheck})
 * and the receiver's half-close.
 *
 * <p>The channel stores messages in linked chunks of {@code UnboundedMpscCore.CHUNK} (512) slots;
 * the chunk size is a compile-time constant with no way to configure it. So that the scenarios
 * cross a chunk boundary (a producer linking the next chunk while the consumer waits for it, which
 * is what Tokio's loom build gets from {@code BLOCK_CAP = 2}), every test instance first sends and
 * receives {@code CHUNK - 2} messages: the scenario's third message is the first of the second
 * chunk.
 *
 * <p>The sequential specification is {@link Model}, a queue written from tokio-semantics.md §1.6 and
 * §1.7. Mirrors Tokio's loom tests, as hand-written scenarios checked on every run (see
 * {@link #handWritten}): {@code closing_unbounded_tx}, {@code dropping_unbounded_tx},
 * {@code try_recv} and {@code len_during_close_block_cap_plus_1} (here at the chunk boundary) and
 * {@code loom_list.rs smoke} (each producer's messages arrive in order across the boundary).
 */
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class MpscUnboundedLincheckTest {
    /** Messages sent and received by each new instance: the scenario starts two slots before a chunk boundary. */
    static final int WARM_UP = chunkSize() - 2;

    private final Mpsc.Receiver<Integer> receiver;
    private final PerThread<Mpsc.UnboundedSender<Integer>> senders;

    public MpscUnboundedLincheckTest() {
        final Mpsc.UnboundedChannel<Integer> channel = Mpsc.unbounded();
        receiver = channel.receiver();
        final Mpsc.UnboundedSender<Integer> first = channel.sender();
        senders = new PerThread<>(i -> i == 0 ? first : first.duplicate());
        final Integer filler = 0;
        for (int i = 0; i < WARM_UP; i++) {
            channel.sender().send(filler);
            if (receiver.tryRecv() != filler) {
                throw new AssertionError("the warm-up message did not come back");
            }
        }
    }

    /** The chunk size of the unbounded ring; package-private in the core, read reflectively. */
    private static int chunkSize() {
        try {
            final Field f = Class.forName("dev.channels.internal.UnboundedMpscCore").getDeclaredField("CHUNK");
            f.setAccessible(true);
            return f.getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelCheck(MpscUnboundedLincheckTest.class, Model.class, handWritten());
    }

    @Test
    void stress() {
        LincheckBudget.stress(MpscUnboundedLincheckTest.class, Model.class, handWritten());
    }

    /**
     * The races of Tokio's loom tests and the regression scenario of this test. Every scenario
     * starts two slots before a chunk boundary: its third message opens the second chunk.
     */
    private static ExecutionScenario[] handWritten() {
        final Class<?> test = MpscUnboundedLincheckTest.class;
        return new ExecutionScenario[] {
            // closing_unbounded_tx
            of(test).thread(call("trySend", 1, 1), call("closeSender", 1))
                    .thread(call("closeSender", 2), call("tryRecv"))
                    .post(call("closeSender", 3), call("tryRecv"), call("tryRecv")).build(),
            // dropping_unbounded_tx
            of(test).thread(call("closeSender", 1))
                    .thread(call("closeSender", 2), call("receiverIsClosed"))
                    .post(call("closeSender", 3), call("tryRecv")).build(),
            // loom_list.rs smoke: two producers, each producer's messages in order, across the boundary
            of(test).thread(call("trySend", 1, 1), call("trySend", 2, 1))
                    .thread(call("trySend", 3, 2), call("tryRecv"), call("tryRecv"))
                    .post(call("tryRecv"), call("tryRecv"), call("tryRecv")).build(),
            // try_recv at the chunk boundary: once len() has counted a message whose sender is still
            // linking the next chunk, tryRecv waits for it rather than report Empty
            of(test).init(call("trySend", 1, 0), call("trySend", 2, 0))
                    .thread(call("trySend", 3, 1))
                    .thread(call("tryRecv"), call("tryRecv"), call("len"), call("tryRecv")).build(),
            // len_during_close_block_cap_plus_1: len() while the last sender closes, the messages
            // spanning the boundary
            of(test).init(call("trySend", 1, 0), call("trySend", 2, 0), call("trySend", 3, 0))
                    .thread(call("closeSender", 1))
                    .thread(call("len"), call("closeSender", 2), call("len"))
                    .post(call("closeSender", 3), call("len"), call("tryRecv")).build(),
            // regression: len() from another thread read C, then (after a receive and a send) P, and
            // reported 3 with two messages queued, then one, then two
            of(test).init(call("trySend", 1, 0), call("trySend", 2, 0))
                    .thread(call("len"))
                    .thread(call("tryRecv"), call("trySend", 3, 2)).build(),
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

    /** The sequential specification (tokio-semantics.md §1.6, §1.7): an unbounded queue. */
    public static final class Model {
        private final ArrayDeque<Integer> queue = new ArrayDeque<>();
        private final boolean[] handleClosed = new boolean[LincheckBudget.threads()];
        private int openHandles = LincheckBudget.threads();
        private boolean receiverClosed;

        public String trySend(int value, int threadId) {
            if (handleClosed[LincheckBudget.handleOf(threadId)]) {
                return "ISE";
            }
            if (receiverClosed) {
                return "CLOSED";
            }
            queue.add(value);
            return "SENT";
        }

        public String tryRecv() {
            if (!queue.isEmpty()) {
                return "V" + queue.poll();
            }
            return receiverClosed || openHandles == 0 ? "END" : "EMPTY"; // §1.7: no permits here
        }

        public int len() {
            return queue.size();
        }

        public boolean isEmpty() {
            return queue.isEmpty();
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
            return receiverClosed || openHandles == 0;
        }

        public boolean senderIsClosed(int threadId) {
            return receiverClosed;
        }
    }
}
