package dev.channels.stress.lincheck;

import dev.channels.ChannelClosedException;
import dev.channels.Oneshot;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import static dev.channels.stress.lincheck.Scenarios.call;
import static dev.channels.stress.lincheck.Scenarios.of;

/**
 * Linearizability of a oneshot channel's non-blocking operations and closes: {@code send} (used
 * once; a failed send hands its value back), closing the sender unsent, {@code tryRecv} (one
 * receiving thread at a time), the receiver's half-close, the sender's {@code isClosed} and
 * {@code isUsed}, and the receiver's {@code isEmpty} and {@code isTerminated}. The sender may be
 * used from any thread (it is thread-safe, used once), so two threads may race to send or to
 * close it.
 *
 * <p>The sequential specification is {@link Model}, written from tokio-semantics.md §2.1 and the
 * Java mapping of DESIGN.md §2: a value sent before the receiver's close is still received; a send
 * after it fails and hands the value back; a sender closed unsent ends the channel; a second send
 * is an {@code IllegalStateException}; where Java differs from Tokio, as the API documents it, the
 * model follows the Java contract (a receive after the value was taken is an
 * {@code IllegalStateException}, not Closed, and {@code isTerminated} means "the value was
 * received").
 *
 * <p>Mirrors Tokio's {@code loom_oneshot.rs}, as hand-written scenarios checked on every run (see
 * {@link #handWritten}): {@code try_recv_close} and {@code recv_closed} (a send racing the
 * receiver's close followed by a receive) and {@code checking_tx_send_ok_not_drop} (the value
 * belongs to exactly one side: received, or handed back by the failed send).
 */
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class OneshotLincheckTest {
    private final Oneshot.Sender<Integer> sender;
    private final Oneshot.Receiver<Integer> receiver;

    public OneshotLincheckTest() {
        final Oneshot.Channel<Integer> channel = Oneshot.channel();
        sender = channel.sender();
        receiver = channel.receiver();
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelCheck(OneshotLincheckTest.class, Model.class, handWritten());
    }

    @Test
    void stress() {
        LincheckBudget.stress(OneshotLincheckTest.class, Model.class, handWritten());
    }

    /** The races of Tokio's {@code loom_oneshot.rs}. */
    private static ExecutionScenario[] handWritten() {
        final Class<?> test = OneshotLincheckTest.class;
        return new ExecutionScenario[] {
            // try_recv_close, recv_closed: a send racing the receiver's close and a receive
            of(test).thread(call("send", 1), call("senderIsClosed"))
                    .thread(call("closeReceiver"), call("tryRecv"))
                    .post(call("tryRecv"), call("isTerminated")).build(),
            // checking_tx_send_ok_not_drop: the value is received exactly when send returned normally
            of(test).thread(call("send", 1))
                    .thread(call("closeReceiver"))
                    .post(call("tryRecv"), call("senderIsUsed")).build(),
            // drop of an unused sender racing the send (misuse of one sender from two threads: one wins)
            of(test).thread(call("send", 1))
                    .thread(call("closeSender"), call("tryRecv"))
                    .post(call("tryRecv"), call("isEmpty")).build(),
        };
    }

    @Operation
    public String send(@Param(name = "value") int value) {
        final Integer v = value;
        try {
            sender.send(v);
            return "SENT";
        } catch (ChannelClosedException closed) {
            // the value must come back, and be ours
            return closed.value() == v ? "CLOSED" : "CLOSED_WITHOUT_VALUE";
        } catch (IllegalStateException used) {
            return "ISE";
        }
    }

    @Operation
    public void closeSender() {
        sender.close();
    }

    @Operation(nonParallelGroup = "receiver")
    public String tryRecv() {
        try {
            final Integer v = receiver.tryRecv();
            return v == null ? "EMPTY" : "V" + v;
        } catch (ChannelClosedException closed) {
            return "CLOSED";
        } catch (IllegalStateException taken) {
            return "ISE";
        }
    }

    @Operation
    public void closeReceiver() {
        receiver.close();
    }

    @Operation
    public boolean senderIsClosed() {
        return sender.isClosed();
    }

    @Operation
    public boolean senderIsUsed() {
        return sender.isUsed();
    }

    @Operation
    public boolean isEmpty() {
        return receiver.isEmpty();
    }

    @Operation
    public boolean isTerminated() {
        return receiver.isTerminated();
    }

    /** The sequential specification (tokio-semantics.md §2.1 with the Java contract of {@code Oneshot}). */
    public static final class Model {
        /** The value sent and not yet taken, or null. */
        private Integer value;
        private boolean taken;
        /** The sender sent, failed to send, or was closed. */
        private boolean senderUsed;
        private boolean receiverClosed;

        public String send(int v) {
            if (senderUsed) {
                return "ISE";
            }
            senderUsed = true;
            if (receiverClosed) {
                return "CLOSED";
            }
            value = v;
            return "SENT";
        }

        public void closeSender() {
            senderUsed = true;
        }

        public String tryRecv() {
            if (taken) {
                return "ISE";
            }
            if (value != null) {
                taken = true;
                final Integer v = value;
                value = null;
                return "V" + v;
            }
            // closed without a value: the sender left unsent (or failed), or the receiver closed
            return senderUsed || receiverClosed ? "CLOSED" : "EMPTY";
        }

        public void closeReceiver() {
            receiverClosed = true;
        }

        public boolean senderIsClosed() {
            return receiverClosed;
        }

        public boolean senderIsUsed() {
            return senderUsed;
        }

        public boolean isEmpty() {
            return value == null;
        }

        public boolean isTerminated() {
            return taken;
        }
    }
}
