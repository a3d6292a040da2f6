package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.isVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Virtual threads (JDK 21+) waiting on a watch. The tests compile with {@code --release 17}, so
 * virtual threads are made by reflection, and the class is skipped on older JDKs.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchVirtualThreadTest {

    @BeforeEach
    void requireVirtualThreads() {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21 or later");
    }

    /** {@code Thread.ofVirtual().unstarted(task)}, by reflection. */
    private static Thread unstartedVirtualThread(Runnable task) {
        try {
            final Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (Thread) Class.forName("java.lang.Thread$Builder")
                    .getMethod("unstarted", Runnable.class).invoke(builder, task);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot make a virtual thread", e);
        }
    }

    private static <T> Forked<T> forkVirtual(String name, MpscTestSupport.Action<T> action) {
        return new Forked<>(name, action, WatchVirtualThreadTest::unstartedVirtualThread).start();
    }

    @Test
    void aThousandVirtualThreadsBlockedInChangedAreAllWokenByOneSend() throws Exception {
        final int n = 1_000;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Forked<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final Watch.Receiver<Integer> mine = rx.duplicate();
            readers.add(forkVirtual("virtual reader " + i, () -> {
                assertTrue(isVirtual(Thread.currentThread()));
                assertTrue(mine.changed());
                return mine.borrowAndUpdate();
            }));
        }
        for (Forked<Integer> r : readers) {
            awaitParkedInChannel(r.thread);
        }
        tx.send(1); // the only write: the sender stays open, so nothing else can wake them
        for (Forked<Integer> r : readers) {
            assertEquals(1, r.join(), r.thread.getName());
        }
        assertFalse(rx.isClosed());
    }

    @Test
    void virtualThreadsWaitForTheirOwnValues() throws Exception {
        final int n = 500;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Forked<Integer>> waiters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int wanted = i + 1;
            final Watch.Receiver<Integer> mine = rx.duplicate();
            waiters.add(forkVirtual("virtual waitFor " + i, () -> mine.waitFor(v -> v >= wanted)));
        }
        final Forked<Void> writer = forkVirtual("virtual writer", () -> {
            for (int v = 1; v <= n; v++) {
                tx.send(v);
            }
            return null;
        });
        writer.join();
        for (int i = 0; i < n; i++) {
            final int got = waiters.get(i).join();
            assertTrue(got >= i + 1, "waiter " + i + " accepted " + got);
        }
    }

    @Test
    void virtualReadersNeverMissTheLastValue() throws Exception {
        final int n = 50_000;
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Sender<Integer> tx = ch.sender();
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Forked<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 32; r++) {
            final Watch.Receiver<Integer> mine = rx.duplicate();
            final boolean timed = r % 2 == 1;
            readers.add(forkVirtual("virtual reader " + r, () -> {
                int last = 0;
                for (;;) {
                    final boolean more;
                    if (timed) {
                        more = mine.changed(Duration.ofMinutes(5));
                    } else {
                        more = mine.changed();
                    }
                    if (!more) {
                        return last;
                    }
                    final int v = mine.borrowAndUpdate();
                    if (v < last) {
                        fail("went backwards: " + last + " then " + v);
                    }
                    last = v;
                }
            }));
        }
        final Forked<Void> writer = forkVirtual("virtual writer", () -> {
            try (tx) {
                for (int i = 1; i <= n; i++) {
                    tx.send(i);
                }
            }
            return null;
        });
        writer.join();
        for (Forked<Integer> r : readers) {
            assertEquals(n, r.join());
        }
    }

    @Test
    void aVirtualThreadInterruptedInChangedMarksNothing() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final Forked<Object> reader = forkVirtual("virtual reader", () -> {
            try {
                return rx.changed();
            } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted() ? "still interrupted" : e;
            }
        });
        awaitParkedInChannel(reader.thread);
        reader.thread.interrupt();
        assertInstanceOf(InterruptedException.class, reader.join());
        assertFalse(rx.hasChanged());
        ch.sender().send(1);
        assertTrue(rx.changed());
    }

    @Test
    void theLastSendersCloseWakesVirtualWaiters() throws Exception {
        final Watch.Channel<Integer> ch = Watch.channel(0);
        final Watch.Receiver<Integer> rx = ch.receiver();
        final List<Forked<Object>> waiters = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            final Watch.Receiver<Integer> mine = rx.duplicate();
            final boolean waitFor = i % 2 == 0;
            waiters.add(forkVirtual("virtual " + i, () -> {
                if (waitFor) {
                    try {
                        return mine.waitFor(v -> v > 0);
                    } catch (ChannelClosedException e) {
                        return e;
                    }
                }
                return mine.changed();
            }));
        }
        for (Forked<Object> w : waiters) {
            awaitParkedInChannel(w.thread);
        }
        ch.sender().close();
        for (int i = 0; i < waiters.size(); i++) {
            final Object outcome = waiters.get(i).join();
            if (i % 2 == 0) {
                assertInstanceOf(ChannelClosedException.class, outcome);
            } else {
                assertEquals(Boolean.FALSE, outcome);
            }
        }
    }
}
