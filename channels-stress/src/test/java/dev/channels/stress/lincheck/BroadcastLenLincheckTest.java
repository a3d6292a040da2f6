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
 * receiver receives and values are sent (the API lets {@code len} run on any thread). Capacity 32,
 * more than the operations of any scenario, so that no value is overwritten: a receive moves its
 * cursor after the read that decides it, so a {@code len} from another thread in between can count
 * a send that the receive came before; with an overwrite in between, no order explains both (the
 * race pinned in {@link KnownDeviationsLincheckTest}). One sender used by every thread, one
 * receiver whose receives run in one thread; no closes, so that nothing but {@code len} is under
 * test ({@link BroadcastConcurrentSendsLincheckTest} asks {@code len} at capacity 2 from the
 * receiver's thread, {@link BroadcastLincheck} covers the rest).
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
     * The interleaving that showed {@code len} to be non-linearizable when it read the tail before
     * the cursor: with two values unread, {@code len} reads the tail, the receiver receives one,
     * a value is sent, the receiver receives another, and {@code len} reads the cursor. It reported
     * 0 while the receiver had 2, 1, 2 and 1 values unread.
     */
    private static ExecutionScenario[] handWritten() {
        return new ExecutionScenario[] {
            Scenarios.of(BroadcastLenLincheckTest.class)
                    .init(call("send", 1), call("send", 2))
                    .thread(call("len"))
                    .thread(call("tryRecv"), call("send", 3), call("tryRecv")).build(),
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

    /** The sequential specification (tokio-semantics.md §3.3, §3.4) with capacity 32. */
    public static final class Model {
        static final int CAPACITY = 32;
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
