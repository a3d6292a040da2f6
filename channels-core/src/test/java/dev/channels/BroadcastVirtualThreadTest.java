package dev.channels;

import dev.channels.BroadcastTestSupport.Tally;
import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.channels.BroadcastTestSupport.consumeBlocking;
import static dev.channels.BroadcastTestSupport.consumeMixed;
import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.isVirtual;
import static dev.channels.MpscTestSupport.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Virtual threads (JDK 21+) as receivers and senders. The tests compile with {@code --release 17},
 * so virtual threads are made by reflection, and the class is skipped on older JDKs.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BroadcastVirtualThreadTest {

    @BeforeEach
    void requireVirtualThreads() {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21 or later");
    }

    private static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
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
        return new Forked<>(name, action, BroadcastVirtualThreadTest::unstartedVirtualThread).start();
    }

    /** A thousand virtual receivers, a channel large enough that none can lag: each gets all 100 values. */
    @ParameterizedTest(name = "virtual sender {0}")
    @ValueSource(booleans = {false, true})
    void aThousandVirtualReceiversEachGetEveryValue(boolean virtualSender) throws Exception {
        final int receivers = 1_000;
        final int values = 100;
        final Broadcast.Channel<Long> ch = Broadcast.channel(128);
        final Broadcast.Sender<Long> tx = ch.sender();
        final List<Broadcast.Receiver<Long>> rxs = new ArrayList<>();
        rxs.add(ch.receiver());
        for (int i = 1; i < receivers; i++) {
            rxs.add(tx.subscribe());
        }
        final ExecutorService executor = newVirtualThreadPerTaskExecutor();
        final List<Future<Tally>> tasks = new ArrayList<>();
        try {
            for (int i = 0; i < receivers; i++) {
                final Broadcast.Receiver<Long> rx = rxs.get(i);
                final boolean mixed = (i & 1) == 1;
                tasks.add(executor.submit(() -> {
                    assertTrue(isVirtual(Thread.currentThread()));
                    final Tally tally = new Tally(1);
                    try (rx) {
                        if (mixed) {
                            consumeMixed(rx, tally);
                        } else {
                            consumeBlocking(rx, tally);
                        }
                    }
                    return tally;
                }));
            }
            final MpscTestSupport.Action<Void> send = () -> {
                try (tx) {
                    for (int s = 0; s < values; s++) {
                        assertEquals(receivers, tx.send(message(0, s)));
                    }
                }
                return null;
            };
            if (virtualSender) {
                forkVirtual("virtual sender", send).join();
            } else {
                send.run();
            }
            for (Future<Tally> task : tasks) {
                task.get(GUARD_SECONDS, TimeUnit.SECONDS).assertEverything(values);
            }
        } finally {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
        }
        assertTrue(tx.isClosed(), "every receiver closed after end of stream");
        assertEquals(0, tx.receiverCount());
    }

    /** Small capacity, virtual receivers and two virtual senders: received plus missed is exact. */
    @Test
    void virtualReceiversOfASmallChannelAccountExactly() throws Exception {
        final int receivers = 200;
        final int perSender = 2_000;
        final Broadcast.Channel<Long> ch = Broadcast.channel(4);
        final Broadcast.Sender<Long> tx = ch.sender();
        final List<Broadcast.Receiver<Long>> rxs = new ArrayList<>();
        rxs.add(ch.receiver());
        for (int i = 1; i < receivers; i++) {
            rxs.add(tx.subscribe());
        }
        final ExecutorService executor = newVirtualThreadPerTaskExecutor();
        try {
            final List<Future<Tally>> tasks = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                final Broadcast.Receiver<Long> rx = rxs.get(i);
                final boolean mixed = (i & 1) == 1;
                tasks.add(executor.submit(() -> {
                    final Tally tally = new Tally(2);
                    if (mixed) {
                        consumeMixed(rx, tally);
                    } else {
                        consumeBlocking(rx, tally);
                    }
                    return tally;
                }));
            }
            final List<Future<?>> senders = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                final int id = p;
                final Broadcast.Sender<Long> mine = tx.duplicate();
                senders.add(executor.submit(() -> {
                    try (mine) {
                        for (int s = 0; s < perSender; s++) {
                            assertEquals(receivers, mine.send(message(id, s)));
                        }
                    }
                    return null;
                }));
            }
            tx.close();
            for (Future<?> s : senders) {
                s.get(GUARD_SECONDS, TimeUnit.SECONDS);
            }
            for (Future<Tally> task : tasks) {
                task.get(GUARD_SECONDS, TimeUnit.SECONDS).assertAccounted(2L * perSender);
            }
        } finally {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aVirtualThreadInterruptedWhileReceivingTakesNothing() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Receiver<Integer> rx = ch.receiver();
        final Forked<Object> receiver = forkVirtual("virtual receiver", () -> {
            try {
                return rx.recv();
            } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted() ? "status still set" : e;
            }
        });
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInstanceOf(InterruptedException.class, receiver.join());
        ch.sender().send(3);
        assertEquals(3, rx.recv());
    }

    @Test
    void virtualReceiversBlockedOnAnEmptyChannelEndWhenTheLastSenderCloses() throws Exception {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        final Broadcast.Sender<Integer> tx = ch.sender();
        final List<Forked<Integer>> receivers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            final Broadcast.Receiver<Integer> rx = i == 0 ? ch.receiver() : tx.subscribe();
            final boolean timed = (i & 1) == 1;
            receivers.add(forkVirtual("virtual receiver " + i,
                    () -> timed ? rx.recv(Duration.ofMinutes(5)) : rx.recv()));
        }
        for (Forked<Integer> r : receivers) {
            awaitParkedInChannel(r.thread);
        }
        tx.close();
        for (Forked<Integer> r : receivers) {
            assertNull(r.join(), "end of stream");
        }
    }
}
