package dev.channels.stress.lincheck;

import dev.channels.Broadcast;
import dev.channels.ChannelClosedException;
import dev.channels.Watch;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

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
 *   <li>Broadcast sends that run concurrently, with two slots or more, are not linearizable with a
 *       receive: a send claims its position (the linearization point named in
 *       {@code BroadcastCore}) and then marks its slot; if a later send completes first, a receive
 *       that comes after it still reads the old value of the slot the first send claimed, where
 *       every order of the sends says that value was overwritten and the receiver lagged. Values
 *       are never torn and the lag count stays exact (received plus missed equals sent): the lag
 *       is reported one value later. Tokio's sends hold the tail lock while they write, so there a
 *       completed send implies that every earlier position was written. The same gap shows with
 *       one sender when {@code Receiver.len()}, which counts claimed positions, has counted the
 *       send: the receive after it still reads the value being overwritten.</li>
 *   <li>Watch {@code send} checks for receivers, then stores: a send can succeed and store its
 *       value after the last receiver closed. Tokio's {@code watch::Sender::send} does the same
 *       (its comment: the receiver count is "only useful as a hint").</li>
 *   <li>Watch {@code subscribe} counts the new receiver, then reads the version it has seen: a
 *       send that succeeded only because the new receiver was counted may store its value before
 *       that read, and the new receiver then never reports it as a change. (Tokio reads the
 *       version first and counts after, which has the opposite race: a change stored in between
 *       is reported although it came before the subscribe.)</li>
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
    void broadcastReceiveReadsASlotAnUnfinishedSendHasClaimed() {
        // Capacity 2, values 1 and 2 sent, the receiver at position 0. send(3) claims position 2
        // (slot 0) and stops before marking the slot; send(4) takes position 3 and completes; the
        // receive after it still gets 1, where position 0 was overwritten by any order of the sends
        // (LAGGED1 or LAGGED2 would be right).
        expectNonLinearizable(BroadcastConcurrentSends.class, BroadcastConcurrentSends.Model.class,
                Scenarios.of(BroadcastConcurrentSends.class).init(call("send", 1), call("send", 2))
                        .thread(call("send", 3)).thread(call("send", 4), call("tryRecv")).build(),
                "tryRecv(): V1");
    }

    @Test
    void broadcastReceiveReadsASlotThatLenCountsAsOverwritten() {
        // Capacity 2, values 1 and 2 sent. send(3) claims position 2 (slot 0) and stops before
        // marking the slot; len() counts 3 values unread, so one of them was overwritten, yet the
        // receive gets 1 rather than LAGGED1.
        expectNonLinearizable(BroadcastConcurrentSends.class, BroadcastConcurrentSends.Model.class,
                Scenarios.of(BroadcastConcurrentSends.class).init(call("send", 1), call("send", 2))
                        .thread(call("send", 3)).thread(call("len"), call("tryRecv")).build(),
                "len(): 3", "tryRecv(): V1");
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

    @Test
    void watchSubscribeMissesTheSendItEnabled() {
        // No receiver at first. subscribe() || send(1) succeeds, so the subscribe came first, yet
        // the new receiver then reports no change.
        expectNonLinearizable(WatchSubscribeVsSend.class, WatchSubscribeVsSend.Model.class,
                Scenarios.of(WatchSubscribeVsSend.class).thread(call("subscribe")).thread(call("send", 1))
                        .post(call("changedNow")).build(),
                "send(1): SENT", "changedNow(): TIMEOUT");
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

    /** Broadcast, capacity 2, one sender used by every thread, one receiver. */
    public static final class BroadcastConcurrentSends {
        private final Broadcast.Sender<Integer> sender;
        private final Broadcast.Receiver<Integer> receiver;

        public BroadcastConcurrentSends() {
            final Broadcast.Channel<Integer> channel = Broadcast.channel(2);
            sender = channel.sender();
            receiver = channel.receiver();
        }

        @Operation
        public void send(int value) {
            sender.send(value);
        }

        @Operation
        public int len() {
            return receiver.len();
        }

        @Operation
        public String tryRecv() {
            try {
                final Integer v = receiver.tryRecv();
                return v == null ? "EMPTY" : "V" + v;
            } catch (Broadcast.LaggedException lagged) {
                return "LAGGED" + lagged.missed();
            }
        }

        /** tokio-semantics.md §3.4: the last two values are kept; an older cursor lags. */
        public static final class Model {
            private final List<Integer> log = new ArrayList<>();
            private int next;

            public void send(int value) {
                log.add(value);
            }

            public int len() {
                return log.size() - next;
            }

            public String tryRecv() {
                final int oldest = log.size() - 2;
                if (next < oldest) {
                    final int missed = oldest - next;
                    next = oldest;
                    return "LAGGED" + missed;
                }
                return next < log.size() ? "V" + log.get(next++) : "EMPTY";
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

    /** Watch made with {@code Watch.sender}: no receiver until one subscribes. */
    public static final class WatchSubscribeVsSend {
        private final Watch.Sender<Integer> sender = Watch.sender(0);
        private volatile Watch.Receiver<Integer> receiver;

        @Operation
        public void subscribe() {
            receiver = sender.subscribe();
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
}
