package dev.channels.stress.lincheck;

import dev.channels.Broadcast;
import dev.channels.ChannelClosedException;
import dev.channels.Watch;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import static dev.channels.stress.lincheck.Scenarios.call;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The races in which a channel operation is knowingly not linearizable: each test runs the model
 * checker over one hand-written scenario against a Tokio-semantics model and expects it to find
 * the non-linearizable outcome named in the test. The random tests keep clear of these races by
 * construction (see their javadoc); these tests pin the behaviour down, so that a change to it,
 * a fix included, is noticed here (a test fails when the outcome can no longer happen).
 *
 * <ul>
 *   <li>Broadcast {@code send} returns the receiver count it read before claiming its position, as
 *       its javadoc says ("a receiver subscribing concurrently may receive it without being
 *       counted"). Tokio counts under the tail lock, so there the count is exact.</li>
 *   <li>Broadcast {@code Receiver.len()} asked from another thread while the receiver receives:
 *       a receive is decided by its tail read and then moves its cursor, so a {@code len} in
 *       between counts a send that came after the receive's decision against the old cursor. With
 *       an overwrite in between, {@code len} reports more than the capacity while the receive
 *       returns a value rather than lag. Tokio's {@code len} borrows the receiver, so it never
 *       runs during a receive; ours may, and gives a count that was true just before the
 *       receive.</li>
 *   <li>Watch {@code send} checks for receivers, then stores: a send can succeed and store its
 *       value after the last receiver closed. Tokio's {@code watch::Sender::send} does the same
 *       (its comment: the receiver count is "only useful as a hint").</li>
 * </ul>
 */
public class KnownDeviationsLincheckTest {

    private static void expectNonLinearizable(Class<?> test, Class<?> model, ExecutionScenario scenario,
            String... outcomes) {
        final LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> new ModelCheckingOptions().iterations(0).addCustomScenario(scenario)
                        .sequentialSpecification(model).check(test),
                test.getSimpleName() + ": the race is no longer reachable; if that is intended, "
                        + "move the scenario to the regular tests and update the javadoc");
        final String report = e.getMessage();
        for (String outcome : outcomes) {
            assertTrue(report.contains(outcome), "expected outcome " + outcome + " in:\n" + report);
        }
    }

    @Test
    void broadcastSendCountsBeforeAConcurrentSubscribe() {
        // send(1) || subscribe(), then rx2 receives 1: the send was after the subscribe, yet it
        // counted one receiver.
        expectNonLinearizable(BroadcastSendCount.class, BroadcastSendCount.Model.class,
                Scenarios.of(BroadcastSendCount.class).thread(call("send", 1)).thread(call("subscribe"))
                        .post(call("tryRecv2")).build(),
                "send(1): 1", "tryRecv2(): V1");
    }

    @Test
    void broadcastLenFromAnotherThreadCountsASendAReceiveCameBefore() {
        // Capacity 2, values 2 and 2 sent. tryRecv decides on position 0 (the tail says 2), then
        // send(3) and len() run before it moves its cursor: len() reports 3 (so position 0 was
        // overwritten), yet the receive returns its value.
        expectNonLinearizable(BroadcastConcurrentSendsLincheckTest.class, BroadcastConcurrentSendsLincheckTest.Model.class,
                Scenarios.of(BroadcastConcurrentSendsLincheckTest.class).init(call("send", 2), call("send", 2))
                        .thread(call("tryRecv")).thread(call("send", 3), call("len")).build(),
                "tryRecv(): V2", "len(): 3");
    }

    @Test
    void watchSendStoresAfterTheLastReceiverClosed() {
        // send(1) || closeRx(); borrow(): the send succeeded, so it came before the close, yet
        // the borrow after the close still sees the initial value 0.
        expectNonLinearizable(WatchSendVsClose.class, WatchSendVsClose.Model.class,
                Scenarios.of(WatchSendVsClose.class).thread(call("send", 1)).thread(call("closeRx"), call("borrow"))
                        .build(),
                "send(1): SENT", "borrow(): V0");
    }

    /** Broadcast, capacity 2, one receiver; a second one subscribes during the scenario. */
    public static final class BroadcastSendCount {
        private final Broadcast.Sender<Integer> sender;
        /** The first receiver, open throughout. */
        private final Broadcast.Receiver<Integer> rx1;
        private volatile Broadcast.Receiver<Integer> rx2;

        public BroadcastSendCount() {
            final Broadcast.Channel<Integer> channel = Broadcast.channel(2);
            sender = channel.sender();
            rx1 = channel.receiver();
        }

        @Operation
        public int send(int value) {
            return sender.send(value);
        }

        @Operation
        public void subscribe() {
            rx2 = sender.subscribe();
        }

        @Operation
        public String tryRecv2() throws Broadcast.LaggedException {
            final Broadcast.Receiver<Integer> rx = rx2;
            if (rx == null) {
                return "NONE";
            }
            final Integer v = rx.tryRecv();
            return v == null ? "EMPTY" : "V" + v;
        }

        /** tokio-semantics.md §3.2: the count at the send, a new receiver at the tail. */
        public static final class Model {
            private int receivers = 1;
            private Integer last;
            private boolean rx2Made;
            private boolean unread;

            public int send(int value) {
                last = value;
                unread = rx2Made;
                return receivers;
            }

            public void subscribe() {
                receivers++;
                rx2Made = true;
            }

            public String tryRecv2() {
                if (!rx2Made) {
                    return "NONE";
                }
                if (!unread) {
                    return "EMPTY";
                }
                unread = false;
                return "V" + last;
            }
        }
    }

    /** Watch with one receiver, which closes during the scenario. */
    public static final class WatchSendVsClose {
        private final Watch.Sender<Integer> sender;
        private final Watch.Receiver<Integer> receiver;

        public WatchSendVsClose() {
            final Watch.Channel<Integer> channel = Watch.channel(0);
            sender = channel.sender();
            receiver = channel.receiver();
        }

        @Operation
        public String send(int value) {
            try {
                sender.send(value);
                return "SENT";
            } catch (ChannelClosedException noReceivers) {
                return "NO_RECEIVERS";
            }
        }

        @Operation
        public void closeRx() {
            receiver.close();
        }

        @Operation
        public String borrow() {
            return "V" + sender.borrow();
        }

        /** tokio-semantics.md §4.3: send fails, storing nothing, once no receiver is left. */
        public static final class Model {
            private int value;
            private boolean receiverOpen = true;

            public String send(int v) {
                if (!receiverOpen) {
                    return "NO_RECEIVERS";
                }
                value = v;
                return "SENT";
            }

            public void closeRx() {
                receiverOpen = false;
            }

            public String borrow() {
                return "V" + value;
            }
        }
    }
}
