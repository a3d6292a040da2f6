package dev.channels.stress.lincheck;

import dev.channels.Broadcast;
import dev.channels.ChannelClosedException;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.channels.stress.lincheck.Scenarios.call;
import static dev.channels.stress.lincheck.Scenarios.of;

/**
 * Linearizability of a broadcast channel's non-blocking operations and closes: {@code send}
 * through per-thread sender handles from every thread; {@code tryRecv} on three receivers,
 * two from the start and one made during the scenario by {@code resubscribe} and used in the same
 * thread; lag reports; closing receivers and sender handles; {@code receiverCount} and the
 * receivers' {@code isClosed} ({@code len} is in {@link BroadcastLenLincheckTest}). Each
 * receiver's receives and its close run in one thread at a time (its own group), as the API asks
 * ("close a receiver from the thread that uses it"); sender closes run anywhere.
 *
 * <p>The sequential specification is {@link Model}, written from tokio-semantics.md §3: the log of
 * every value stored, a cursor per receiver, and the exact lag rule of §3.4 (a receiver more than
 * {@code L} behind gets {@code Lagged((tail - L) - next)} and continues from {@code tail - L}); lag
 * before values before end of stream; a send with no receiver fails and stores nothing; a new
 * receiver starts at the tail. Concrete subclasses use capacity 1 and 2, so that the ring wraps and
 * receivers lag within a few sends.
 *
 * <p>Two races are kept out of the random scenarios by construction and pinned down by
 * {@link KnownDeviationsLincheckTest} instead. The count a send returns is read before the value is
 * stored, as its javadoc says, so {@code send} reports only whether it stored. A subscribe reads
 * the tail before it counts the new receiver, and a send that counted receivers which then all
 * closed still stores its value, which a receiver subscribed after that would get: so
 * {@code receiverCount} runs in the thread that subscribes, and the third receiver is made from
 * the second while that one is open (the count is never zero when a receiver is added).
 *
 * <p>Mirrors Tokio's {@code loom_broadcast.rs}, as hand-written scenarios checked on every run
 * (see {@link #handWritten}): {@code broadcast_send} and {@code broadcast_wrap} (lag counts are
 * exact: received plus missed equals sent), {@code drop_rx}, {@code broadcast_two} and
 * {@code drop_multiple_rx_with_overflow}.
 */
public abstract class BroadcastLincheck {
    private final PerThread<Broadcast.Sender<Integer>> senders;
    private final Broadcast.Receiver<Integer> rx1;
    private final Broadcast.Receiver<Integer> rx2;
    /**
     * Made by {@link #resubscribe} and used only in rx2's thread (handing it to another thread
     * through this field would make the test's own resubscribe-and-publish non-atomic); null until
     * then.
     */
    private Broadcast.Receiver<Integer> rx3;

    protected BroadcastLincheck(int capacity) {
        final Broadcast.Channel<Integer> channel = Broadcast.channel(capacity);
        final Broadcast.Sender<Integer> first = channel.sender();
        senders = new PerThread<>(i -> i == 0 ? first : first.duplicate());
        rx1 = channel.receiver();
        rx2 = channel.sender().subscribe();
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
     * The races of Tokio's {@code loom_broadcast.rs}. Thread 1 sends through handle 0, thread 2
     * through handle 1; the post part closes the third handle when there is one (full mode).
     */
    static ExecutionScenario[] handWritten(Class<?> test) {
        return new ExecutionScenario[] {
            // broadcast_send, broadcast_wrap: two senders, lag counted exactly (received + missed = sent)
            of(test).thread(call("send", 1, 1), call("send", 2, 1))
                    .thread(call("send", 3, 2), call("tryRecv1"), call("tryRecv1"))
                    .post(call("tryRecv1"), call("tryRecv1"), call("tryRecv2"), call("tryRecv2"), call("tryRecv2"))
                    .build(),
            // drop_rx: a receiver closing while values are sent does not disturb another
            of(test).thread(call("send", 1, 1), call("send", 2, 1))
                    .thread(call("closeRx2"), call("tryRecv1"), call("receiverCount", 2))
                    .post(call("tryRecv1"), call("tryRecv1")).build(),
            // broadcast_two: both receivers get the values, then the end of the stream
            of(test).thread(call("send", 1, 1), call("closeSender", 1))
                    .thread(call("tryRecv1"), call("closeSender", 2), call("tryRecv2"))
                    .post(call("closeSender", 3), call("tryRecv1"), call("tryRecv2"), call("tryRecv2")).build(),
            // drop_multiple_rx_with_overflow: receivers close while values are overwritten
            of(test).thread(call("send", 1, 1), call("send", 2, 1), call("send", 3, 1))
                    .thread(call("tryRecv2"), call("closeRx2"), call("closeRx1"))
                    .post(call("send", 1, 3), call("receiverCount", 3)).build(),
            // a new receiver starts at the tail: it gets the values sent after it (§3.2)
            of(test).thread(call("send", 1, 1), call("send", 2, 1))
                    .thread(call("resubscribe"), call("tryRecv3"))
                    .post(call("tryRecv3"), call("tryRecv3"), call("receiverCount", 3)).build(),
        };
    }

    private Broadcast.Sender<Integer> sender(int threadId) {
        return senders.of(threadId);
    }

    /**
     * A send, for the subclasses' {@code send} operation (which says which threads may send); its
     * result says whether it was stored, not the receiver count it returns: that count is taken
     * before the value is stored and is not linearizable with a concurrent subscribe or close (as
     * its javadoc says; {@link KnownDeviationsLincheckTest} shows it).
     */
    protected final String doSend(int value, int threadId) {
        try {
            sender(threadId).send(value);
            return "SENT";
        } catch (ChannelClosedException noReceivers) {
            return "NO_RECEIVERS";
        } catch (IllegalStateException handleClosed) {
            return "ISE";
        }
    }

    private static String tryRecv(Broadcast.Receiver<Integer> rx) {
        if (rx == null) {
            return "NONE";
        }
        try {
            final Integer v = rx.tryRecv();
            return v == null ? "EMPTY" : "V" + v;
        } catch (Broadcast.LaggedException lagged) {
            return "LAGGED" + lagged.missed();
        } catch (ChannelClosedException end) {
            return "END";
        } catch (IllegalStateException receiverClosed) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "rx1")
    public String tryRecv1() {
        return tryRecv(rx1);
    }

    /** Closes rx1 from its own thread (Tokio's drop of the receiver, which only its owner can do). */
    @Operation(nonParallelGroup = "rx1")
    public void closeRx1() {
        rx1.close();
    }

    @Operation(nonParallelGroup = "rx2")
    public String tryRecv2() {
        return tryRecv(rx2);
    }

    @Operation(nonParallelGroup = "rx2")
    public void closeRx2() {
        rx2.close();
    }

    /**
     * Makes rx3 with {@code rx2.resubscribe()}, in rx2's thread, so only while rx2 is open: the
     * receiver count is never zero when a receiver is added, which keeps this test clear of the
     * documented race of a send that counted receivers which then all closed, and a receiver
     * subscribed after that (see {@link #send}).
     */
    @Operation(nonParallelGroup = "rx2")
    public String resubscribe() {
        if (rx3 != null) {
            return "EXISTS";
        }
        try {
            rx3 = rx2.resubscribe();
            return "SUBSCRIBED";
        } catch (IllegalStateException rx2Closed) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "rx2")
    public String tryRecv3() {
        return tryRecv(rx3);
    }

    @Operation
    public void closeSender(@Param(gen = ThreadIdGen.class) int threadId) {
        sender(threadId).close();
    }

    /**
     * The receiver count, asked in rx2's thread, which subscribes: a subscribe reads the tail
     * before it counts the new receiver, so a count read in between is not linearizable with a
     * send that the new receiver then gets (as its javadoc says; see
     * {@link KnownDeviationsLincheckTest}).
     */
    @Operation(nonParallelGroup = "rx2")
    public int receiverCount(@Param(gen = ThreadIdGen.class) int threadId) {
        return sender(threadId).receiverCount();
    }

    @Operation
    public boolean rxIsClosed() {
        return rx2.isClosed();
    }

    /** The sequential specification (tokio-semantics.md §3). */
    public abstract static class Model {
        private final int capacity;
        /** Every value stored, at its position. */
        private final List<Integer> log = new ArrayList<>();
        /** Next position of rx1, rx2, rx3. */
        private final long[] next = new long[3];
        private final boolean[] open = {true, true, false};
        private boolean rx3Made;
        private final boolean[] handleClosed = new boolean[LincheckBudget.threads()];
        private int openHandles = LincheckBudget.threads();

        protected Model(int requestedCapacity) {
            int l = 1;
            while (l < requestedCapacity) {
                l <<= 1; // §3.1: rounded up to a power of two
            }
            this.capacity = l;
        }

        private int receivers() {
            int n = 0;
            for (boolean o : open) {
                n += o ? 1 : 0;
            }
            return n;
        }

        public String send(int value, int threadId) {
            if (handleClosed[LincheckBudget.handleOf(threadId)]) {
                return "ISE";
            }
            if (receivers() == 0) {
                return "NO_RECEIVERS"; // §3.2: not stored
            }
            log.add(value);
            return "SENT";
        }

        private String tryRecv(int i) {
            if (i == 2 && !rx3Made) {
                return "NONE";
            }
            if (!open[i]) {
                return "ISE";
            }
            final long tail = log.size();
            final long oldest = tail - capacity;
            if (next[i] < oldest) { // §3.4: lagged; continue from the oldest value kept
                final long missed = oldest - next[i];
                next[i] = oldest;
                return "LAGGED" + missed;
            }
            if (next[i] < tail) {
                return "V" + log.get((int) next[i]++);
            }
            return openHandles == 0 ? "END" : "EMPTY";
        }

        public String tryRecv1() {
            return tryRecv(0);
        }

        public void closeRx1() {
            open[0] = false;
        }

        public String tryRecv2() {
            return tryRecv(1);
        }

        public void closeRx2() {
            open[1] = false;
        }

        public String resubscribe() {
            if (rx3Made) {
                return "EXISTS";
            }
            if (!open[1]) {
                return "ISE";
            }
            rx3Made = true;
            open[2] = true;
            next[2] = log.size(); // §3.3: at the current tail
            return "SUBSCRIBED";
        }

        public String tryRecv3() {
            return tryRecv(2);
        }

        public void closeSender(int threadId) {
            final int h = LincheckBudget.handleOf(threadId);
            if (!handleClosed[h]) {
                handleClosed[h] = true;
                openHandles--;
            }
        }

        public int receiverCount(int threadId) {
            return receivers();
        }

        public boolean rxIsClosed() {
            return openHandles == 0;
        }
    }
}
