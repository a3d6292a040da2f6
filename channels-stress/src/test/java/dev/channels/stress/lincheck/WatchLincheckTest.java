package dev.channels.stress.lincheck;

import dev.channels.ChannelClosedException;
import dev.channels.Watch;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static dev.channels.stress.lincheck.Scenarios.call;
import static dev.channels.stress.lincheck.Scenarios.of;

/**
 * Linearizability of a watch channel's non-blocking operations and closes: {@code send},
 * {@code sendReplace}, {@code sendModify}, {@code sendIfModified} and {@code borrow} through
 * per-thread sender handles; {@code borrow}, {@code borrowAndUpdate}, {@code hasChanged}, the
 * non-waiting {@code changed(Duration.ZERO)} and {@code close} on a receiver (from its own thread,
 * as the API asks); non-waiting {@code changed} on two more receivers, one of them made by
 * {@code subscribe} during the scenario; closing sender handles; {@code receiverCount} and the
 * receivers' {@code isClosed}.
 *
 * <p>The sequential specification is {@link Model}, written from tokio-semantics.md §4: one value
 * with a version, a seen version per receiver; the writes other than {@code send} always store;
 * {@code hasChanged} is an error once every sender is closed, while {@code changed} still reports
 * an unseen value first; a new receiver has seen the current value. Values are replaced, not
 * modified in place (DESIGN.md's Java mapping): {@code sendModify} here adds 10, and
 * {@code sendIfModified} adds 1 to an odd value and returns an even one unchanged (the same
 * reference: no new version).
 *
 * <p>Two races are kept out of the random scenarios by construction: {@code send} checks for a
 * receiver before it stores (as Tokio's does), so the second receiver stays open throughout and
 * the receiver count is never zero (pinned down by {@link KnownDeviationsLincheckTest}); and
 * {@code subscribe} reads the version it has seen before it counts the new receiver (as Tokio's
 * does), so {@code receiverCount} runs in the subscribing thread. A subscribe racing a send with no
 * receiver yet is checked by {@link WatchSubscribeLincheckTest}.
 *
 * <p>Mirrors Tokio's {@code loom_watch.rs} and the loom tests in {@code watch.rs}, as hand-written
 * scenarios checked on every run (see {@link #handWritten}): {@code watch_spurious_wakeup},
 * {@code multiple_sender_drop_concurrently}, {@code watch_borrow}, {@code wait_for_test} (here with
 * notifying writes that keep the value) and {@code smoke}.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class WatchLincheckTest {
    private final PerThread<Watch.Sender<Integer>> senders;
    private final Watch.Receiver<Integer> rx1;
    /** Subscribed from the start and never closed: the receiver count never falls to zero. */
    private final Watch.Receiver<Integer> rx2;
    /** Made by {@link #subscribe} in rx3's thread; null until then. */
    private Watch.Receiver<Integer> rx3;

    public WatchLincheckTest() {
        final Watch.Channel<Integer> channel = Watch.channel(0);
        final Watch.Sender<Integer> first = channel.sender();
        senders = new PerThread<>(i -> i == 0 ? first : first.duplicate());
        rx1 = channel.receiver();
        rx2 = channel.sender().subscribe();
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelCheck(WatchLincheckTest.class, Model.class, handWritten());
    }

    @Test
    void stress() {
        LincheckBudget.stress(WatchLincheckTest.class, Model.class, handWritten());
    }

    /**
     * The races of Tokio's {@code loom_watch.rs} and the loom tests in {@code watch.rs}. Thread 1
     * writes through handle 0, thread 2 through handle 1; the post part closes the third handle
     * when there is one (full mode).
     */
    private static ExecutionScenario[] handWritten() {
        final Class<?> test = WatchLincheckTest.class;
        return new ExecutionScenario[] {
            // watch_spurious_wakeup: sends interleaved with non-waiting changed() checks
            of(test).thread(call("send", 1, 1), call("send", 2, 1))
                    .thread(call("changedNow1"), call("changedNow1"), call("rxBorrow"))
                    .post(call("changedNow1"), call("changedNow2")).build(),
            // multiple_sender_drop_concurrently: hasChanged() fails exactly once the last sender closed
            of(test).thread(call("closeSender", 1))
                    .thread(call("hasChanged"), call("closeSender", 2), call("hasChanged"))
                    .post(call("closeSender", 3), call("hasChanged"), call("changedNow1")).build(),
            // watch_borrow: a borrow sees the latest completed write
            of(test).thread(call("sendReplace", 1, 1), call("sendModify", 1))
                    .thread(call("borrow", 2), call("rxBorrow"), call("borrow", 2))
                    .post(call("borrowAndUpdate")).build(),
            // wait_for_test: notifying writes that keep the value do not hide the real change
            of(test).thread(call("sendModify", 1), call("sendIfModified", 1))
                    .thread(call("send", 1, 2), call("changedNow1"))
                    .post(call("rxBorrow"), call("changedNow1")).build(),
            // §4.2, §7.8: changed() reports an unseen value before the end, even when the last
            // sender closes right after writing it (the init part closes every handle but thread
            // 2's: handleOf(1) and handleOf(3) are the other handles with two or three threads)
            of(test).init(call("closeSender", 1), call("closeSender", 3))
                    .thread(call("changedNow1"), call("changedNow1"))
                    .thread(call("send", 1, 2), call("closeSender", 2))
                    .post(call("changedNow1"), call("hasChanged")).build(),
            // smoke: one send is a change for every receiver
            of(test).thread(call("send", 2, 1))
                    .thread(call("changedNow1"), call("changedNow2"))
                    .post(call("changedNow1"), call("changedNow2"), call("rxBorrow")).build(),
            // §4.1: a new receiver has seen the value current when it subscribed, and sees later ones
            of(test).thread(call("send", 1, 1), call("sendReplace", 2, 1))
                    .thread(call("subscribe", 2), call("changedNow3"))
                    .post(call("changedNow3"), call("receiverCount", 3)).build(),
        };
    }

    private Watch.Sender<Integer> sender(int threadId) {
        return senders.of(threadId);
    }

    @Operation
    public String send(@Param(name = "value") int value, @Param(gen = ThreadIdGen.class) int threadId) {
        try {
            sender(threadId).send(value);
            return "SENT";
        } catch (ChannelClosedException noReceivers) {
            return "NO_RECEIVERS";
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    @Operation
    public String sendReplace(@Param(name = "value") int value, @Param(gen = ThreadIdGen.class) int threadId) {
        try {
            return "PREVIOUS" + sender(threadId).sendReplace(value);
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    @Operation
    public String sendModify(@Param(gen = ThreadIdGen.class) int threadId) {
        try {
            return "STORED" + sender(threadId).sendModify(x -> x + 10);
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    @Operation
    public String sendIfModified(@Param(gen = ThreadIdGen.class) int threadId) {
        try {
            return "MODIFIED" + sender(threadId).sendIfModified(x -> x % 2 == 0 ? x : Integer.valueOf(x + 1));
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    /** A borrow from any thread, through the thread's own sender handle. */
    @Operation
    public String borrow(@Param(gen = ThreadIdGen.class) int threadId) {
        try {
            return "V" + sender(threadId).borrow();
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    @Operation
    public void closeSender(@Param(gen = ThreadIdGen.class) int threadId) {
        sender(threadId).close();
    }

    @Operation
    public boolean rxIsClosed() {
        return rx2.isClosed();
    }

    @Operation(nonParallelGroup = "rx1")
    public String rxBorrow() {
        try {
            return "V" + rx1.borrow();
        } catch (IllegalStateException receiverClosed) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "rx1")
    public String borrowAndUpdate() {
        try {
            return "V" + rx1.borrowAndUpdate();
        } catch (IllegalStateException receiverClosed) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "rx1")
    public String hasChanged() {
        try {
            return rx1.hasChanged() ? "CHANGED" : "SEEN";
        } catch (ChannelClosedException sendersGone) {
            return "CLOSED";
        } catch (IllegalStateException receiverClosed) {
            return "ISE";
        }
    }

    private static String changedNow(Watch.Receiver<Integer> rx) {
        if (rx == null) {
            return "NONE";
        }
        try {
            return rx.changed(Duration.ZERO) ? "CHANGED" : "ENDED";
        } catch (TimeoutException nothingNew) {
            return "TIMEOUT";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("a zero-timeout changed() waited", e);
        } catch (IllegalStateException receiverClosed) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "rx1")
    public String changedNow1() {
        return changedNow(rx1);
    }

    /** Closes rx1 from its own thread (Tokio's drop of the receiver, which only its owner can do). */
    @Operation(nonParallelGroup = "rx1")
    public void closeRx1() {
        rx1.close();
    }

    @Operation(nonParallelGroup = "rx2")
    public String changedNow2() {
        return changedNow(rx2);
    }

    /**
     * Subscribes rx3. It runs in rx3's thread, as does {@link #receiverCount}: a subscribe reads
     * the version it has seen before it counts the new receiver, so a count read from another
     * thread in between is not linearizable with a send stored in between, which the new receiver
     * reports as a change.
     */
    @Operation(nonParallelGroup = "rx3")
    public String subscribe(@Param(gen = ThreadIdGen.class) int threadId) {
        if (rx3 != null) {
            return "EXISTS";
        }
        try {
            rx3 = sender(threadId).subscribe();
            return "SUBSCRIBED";
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "rx3")
    public String changedNow3() {
        return changedNow(rx3);
    }

    @Operation(nonParallelGroup = "rx3")
    public int receiverCount(@Param(gen = ThreadIdGen.class) int threadId) {
        return sender(threadId).receiverCount();
    }

    /** The sequential specification (tokio-semantics.md §4). */
    public static final class Model {
        private int value;
        private long version;
        private final long[] seen = new long[3];
        private boolean rx1Open = true;
        private boolean rx3Made;
        private final boolean[] handleClosed = new boolean[LincheckBudget.threads()];
        private int openHandles = LincheckBudget.threads();

        private boolean closed() {
            return openHandles == 0;
        }

        private int receivers() {
            return (rx1Open ? 1 : 0) + 1 + (rx3Made ? 1 : 0);
        }

        private boolean handleClosed(int threadId) {
            return handleClosed[LincheckBudget.handleOf(threadId)];
        }

        private void store(int v) {
            value = v;
            version++;
        }

        public String send(int v, int threadId) {
            if (handleClosed(threadId)) {
                return "ISE";
            }
            if (receivers() == 0) {
                return "NO_RECEIVERS"; // §4.3: not stored
            }
            store(v);
            return "SENT";
        }

        public String sendReplace(int v, int threadId) {
            if (handleClosed(threadId)) {
                return "ISE";
            }
            final int previous = value;
            store(v);
            return "PREVIOUS" + previous;
        }

        public String sendModify(int threadId) {
            if (handleClosed(threadId)) {
                return "ISE";
            }
            store(value + 10);
            return "STORED" + value;
        }

        public String sendIfModified(int threadId) {
            if (handleClosed(threadId)) {
                return "ISE";
            }
            if (value % 2 == 0) {
                return "MODIFIEDfalse"; // returned unchanged: no new version, nobody notified
            }
            store(value + 1);
            return "MODIFIEDtrue";
        }

        public String borrow(int threadId) {
            return handleClosed(threadId) ? "ISE" : "V" + value;
        }

        public void closeSender(int threadId) {
            final int h = LincheckBudget.handleOf(threadId);
            if (!handleClosed[h]) {
                handleClosed[h] = true;
                openHandles--;
            }
        }

        public boolean rxIsClosed() {
            return closed();
        }

        public String rxBorrow() {
            return rx1Open ? "V" + value : "ISE";
        }

        public String borrowAndUpdate() {
            if (!rx1Open) {
                return "ISE";
            }
            seen[0] = version;
            return "V" + value;
        }

        public String hasChanged() {
            if (!rx1Open) {
                return "ISE";
            }
            if (closed()) {
                return "CLOSED"; // §4.2: an error once closed, even with an unseen value
            }
            return seen[0] != version ? "CHANGED" : "SEEN";
        }

        private String changedNow(int i) {
            if (seen[i] != version) {
                seen[i] = version; // §4.2: an unseen value first, even when closed
                return "CHANGED";
            }
            return closed() ? "ENDED" : "TIMEOUT";
        }

        public String changedNow1() {
            return rx1Open ? changedNow(0) : "ISE";
        }

        public void closeRx1() {
            rx1Open = false;
        }

        public String changedNow2() {
            return changedNow(1);
        }

        public String subscribe(int threadId) {
            if (rx3Made) {
                return "EXISTS";
            }
            if (handleClosed(threadId)) {
                return "ISE";
            }
            rx3Made = true;
            seen[2] = version; // §4.1: a new receiver has seen the current value
            return "SUBSCRIBED";
        }

        public String changedNow3() {
            return rx3Made ? changedNow(2) : "NONE";
        }

        public int receiverCount(int threadId) {
            return receivers();
        }
    }
}
