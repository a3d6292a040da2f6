package dev.channels.stress.lincheck;

import dev.channels.ChannelClosedException;
import dev.channels.Watch;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static dev.channels.stress.lincheck.Scenarios.call;

/**
 * Linearizability of {@code Watch.Sender.subscribe} racing {@code send} on a channel made with
 * {@code Watch.sender}, which has no receiver until one subscribes: a send fails (storing nothing)
 * until a subscribe has counted a receiver, and a new receiver has seen the value current when it
 * subscribed, so a send that succeeded because of it is a change it reports. Subscribes and the
 * non-waiting {@code changed} of the newest receiver run in one thread at a time (the receiver's
 * own), sends anywhere.
 *
 * <p>Found by this test's hand-written scenario: {@code subscribe} used to count the new receiver
 * before reading the version it had seen, so a send that succeeded only because of it could store
 * its value in between, and the new receiver never reported that value as a change. It now reads
 * the version first, as Tokio does.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class WatchSubscribeLincheckTest {
    private final Watch.Sender<Integer> sender = Watch.sender(0);
    /** The newest receiver; only its own thread group uses it. */
    private volatile Watch.Receiver<Integer> receiver;

    @Test
    void modelChecking() {
        LincheckBudget.modelCheck(WatchSubscribeLincheckTest.class, Model.class, handWritten());
    }

    @Test
    void stress() {
        LincheckBudget.stress(WatchSubscribeLincheckTest.class, Model.class, handWritten());
    }

    /** subscribe() || send(1), then changed: the send succeeded, so the new receiver must see it. */
    private static ExecutionScenario[] handWritten() {
        return new ExecutionScenario[] {
            Scenarios.of(WatchSubscribeLincheckTest.class).thread(call("subscribe")).thread(call("send", 1))
                    .post(call("changedNow")).build(),
        };
    }

    @Operation(nonParallelGroup = "receiver")
    public void subscribe() {
        receiver = sender.subscribe();
    }

    @Operation
    public String send(@Param(name = "value") int value) {
        try {
            sender.send(value);
            return "SENT";
        } catch (ChannelClosedException noReceivers) {
            return "NO_RECEIVERS";
        }
    }

    @Operation(nonParallelGroup = "receiver")
    public String changedNow() throws InterruptedException {
        final Watch.Receiver<Integer> rx = receiver;
        if (rx == null) {
            return "NONE";
        }
        try {
            return rx.changed(Duration.ZERO) ? "CHANGED" : "ENDED";
        } catch (TimeoutException nothingNew) {
            return "TIMEOUT";
        }
    }

    /** tokio-semantics.md §4.1, §4.3: a new receiver has seen the current value; send needs a receiver. */
    public static final class Model {
        private long version;
        private long seen;
        private boolean subscribed;

        public void subscribe() {
            subscribed = true;
            seen = version;
        }

        public String send(int v) {
            if (!subscribed) {
                return "NO_RECEIVERS";
            }
            version++;
            return "SENT";
        }

        public String changedNow() {
            if (!subscribed) {
                return "NONE";
            }
            if (seen != version) {
                seen = version;
                return "CHANGED";
            }
            return "TIMEOUT";
        }
    }
}
