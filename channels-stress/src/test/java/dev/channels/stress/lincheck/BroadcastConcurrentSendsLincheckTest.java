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
 * Linearizability of a broadcast receiver's {@code tryRecv} and {@code len} against sends from
 * every thread, at capacity 2, so that a send overwrites the slot a receive is reading within a
 * few operations. One sender handle used by every thread; one receiver, whose receives and
 * {@code len} run in one thread at a time (Tokio's {@code len} borrows the receiver, so no receive
 * runs meanwhile; {@link BroadcastLenLincheckTest} asks {@code len} from other threads, without
 * overwrites).
 *
 * <p>Found by the hand-written scenarios: a receive returned a value whose slot a send had claimed
 * but not yet marked. Values 1 and 2 sent; {@code send(3)} claims position 2 (slot 0) and stops
 * before marking it; then {@code send(4)} completes, or {@code len} counts 3 unread; the receive
 * after it got 1, where every order of the sends overwrote it ({@code LAGGED1} or
 * {@code LAGGED2}). A receive now reads the tail after its seqlock read and reports the lag.
 *
 * <p>The sequential specification is {@link Model}: tokio-semantics.md §3.3 and §3.4.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:4")
public class BroadcastConcurrentSendsLincheckTest {
    private final Broadcast.Sender<Integer> sender;
    private final Broadcast.Receiver<Integer> receiver;

    public BroadcastConcurrentSendsLincheckTest() {
        final Broadcast.Channel<Integer> channel = Broadcast.channel(Model.CAPACITY);
        sender = channel.sender();
        receiver = channel.receiver();
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelCheck(BroadcastConcurrentSendsLincheckTest.class, Model.class, handWritten());
    }

    @Test
    void stress() {
        LincheckBudget.stress(BroadcastConcurrentSendsLincheckTest.class, Model.class, handWritten());
    }

    private static ExecutionScenario[] handWritten() {
        return new ExecutionScenario[] {
            Scenarios.of(BroadcastConcurrentSendsLincheckTest.class)
                    .init(call("send", 1), call("send", 2))
                    .thread(call("send", 3))
                    .thread(call("send", 4), call("tryRecv")).build(),
            Scenarios.of(BroadcastConcurrentSendsLincheckTest.class)
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

    @Operation(nonParallelGroup = "receiver")
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
