package dev.channels.stress.lincheck;

import dev.channels.Broadcast;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.channels.stress.lincheck.Scenarios.call;

/**
 * Linearizability of a broadcast receiver's {@code len()} asked from another thread while the
 * receiver receives and values are sent from every thread (the API lets {@code len} run on any
 * thread). Capacity 2, so that the ring wraps within a scenario and a receive can race the send
 * that overwrites its slot. One sender handle used by every thread, one receiver whose receives
 * run in one thread; no closes, so that nothing but {@code len}, the receives and concurrent sends
 * are under test ({@link BroadcastLincheck} covers the rest).
 *
 * <p>The sequential specification is {@link Model}: tokio-semantics.md §3.3, {@code len = tail -
 * next}, overwritten values included, with the lag rule of §3.4 for the receives. Tokio itself
 * has no such race (its {@code len} borrows the receiver, so no receive can run meanwhile); the
 * nearest loom tests are {@code loom_mpsc.rs len_nonzero_after_send} and {@code len_during_close_*},
 * which also ask for a length while the channel changes.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class BroadcastLenLincheckTest {
    private final Broadcast.Sender<Integer> sender;
    private final Broadcast.Receiver<Integer> receiver;

    public BroadcastLenLincheckTest() {
        final Broadcast.Channel<Integer> channel = Broadcast.channel(Model.CAPACITY);
        sender = channel.sender();
        receiver = channel.receiver();
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelCheck(BroadcastLenLincheckTest.class, Model.class, handWritten());
    }

    @Test
    void stress() {
        LincheckBudget.stress(BroadcastLenLincheckTest.class, Model.class, handWritten());
    }

    /**
     * The interleavings that found two bugs, kept as regressions.
     * <ol>
     *   <li>{@code len} read the tail before the cursor: with two values unread, {@code len} reads
     *   the tail, the receiver receives one, a value is sent, the receiver receives another, and
     *   {@code len} reads the cursor. It reported 0 while the receiver had 2, 1, 2 and 1 values
     *   unread.</li>
     *   <li>A receive returned a value whose slot a send had claimed but not yet marked: values 1
     *   and 2 sent, {@code send(3)} claims position 2 (slot 0) and stops before marking it;
     *   {@code send(4)} completes, or {@code len} counts 3 unread; the receive after it got 1,
     *   where every order of the sends overwrote it ({@code LAGGED1} or {@code LAGGED2}). A receive
     *   now reads the tail after its seqlock read and reports the lag.</li>
     * </ol>
     */
    private static ExecutionScenario[] handWritten() {
        return new ExecutionScenario[] {
            Scenarios.of(BroadcastLenLincheckTest.class)
                    .init(call("send", 1), call("send", 2))
                    .thread(call("len"))
                    .thread(call("tryRecv"), call("send", 3), call("tryRecv")).build(),
            Scenarios.of(BroadcastLenLincheckTest.class)
                    .init(call("send", 1), call("send", 2))
                    .thread(call("send", 3))
                    .thread(call("send", 4), call("tryRecv")).build(),
            Scenarios.of(BroadcastLenLincheckTest.class)
                    .init(call("send", 1), call("send", 2))
                    .thread(call("send", 3))
                    .thread(call("len"), call("tryRecv")).build(),
        };
    }

    @Operation
    public void send(@Param(name = "value") int value) {
        sender.send(value);
    }

    @Operation(nonParallelGroup = "receiver")
    public String tryRecv() {
        try {
            final Integer v = receiver.tryRecv();
            return v == null ? "EMPTY" : "V" + v;
        } catch (Broadcast.LaggedException lagged) {
            return "LAGGED" + lagged.missed();
        }
    }

    @Operation
    public int len() {
        return receiver.len();
    }

    /** The sequential specification (tokio-semantics.md §3.3, §3.4) with capacity 2. */
    public static final class Model {
        static final int CAPACITY = 2;
        private final List<Integer> log = new ArrayList<>();
        private long next;

        public void send(int value) {
            log.add(value);
        }

        public String tryRecv() {
            final long oldest = log.size() - CAPACITY;
            if (next < oldest) {
                final long missed = oldest - next;
                next = oldest;
                return "LAGGED" + missed;
            }
            return next < log.size() ? "V" + log.get((int) next++) : "EMPTY";
        }

        public int len() {
            return (int) (log.size() - next);
        }
    }
}
