package dev.channels;

import dev.channels.MpscTestSupport.Forked;
import dev.channels.MpscTestSupport.OrderCheck;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.backOff;
import static dev.channels.MpscTestSupport.consumeMixed;
import static dev.channels.MpscTestSupport.drainNow;
import static dev.channels.MpscTestSupport.fill;
import static dev.channels.MpscTestSupport.isVirtual;
import static dev.channels.MpscTestSupport.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Virtual threads (JDK 21+) as producers and consumer. The tests compile with {@code --release 17},
 * so virtual threads are made by reflection, and the class is skipped on older JDKs.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MpscVirtualThreadTest {

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
        final Forked<T> forked = new Forked<>(name, action, MpscVirtualThreadTest::unstartedVirtualThread);
        return forked.start();
    }

    @ParameterizedTest(name = "capacity {0}, virtual consumer {1}")
    @CsvSource({"16, false", "16, true", "1, false", "1, true"})
    void aThousandVirtualProducersIntoOneBoundedChannel(int capacity, boolean virtualConsumer) throws Exception {
        final int producers = 1_000;
        final int perProducer = 60;
        final Mpsc.Channel<Long> ch = Mpsc.bounded(capacity);
        final Mpsc.Sender<Long> tx = ch.sender();
        final OrderCheck check = new OrderCheck(producers);
        final AtomicBoolean abandoned = new AtomicBoolean();
        final Forked<Void> consumer = virtualConsumer
                ? forkVirtual("consumer", () -> {
                    assertTrue(isVirtual(Thread.currentThread()));
                    consumeMixed(ch.receiver(), check);
                    return null;
                })
                : null;
        final ExecutorService executor = newVirtualThreadPerTaskExecutor();
        final List<Future<?>> tasks = new ArrayList<>();
        try {
            for (int p = 0; p < producers; p++) {
                final int id = p;
                final Mpsc.Sender<Long> mine = tx.duplicate();
                tasks.add(executor.submit(() -> {
                    assertTrue(isVirtual(Thread.currentThread()));
                    try (mine) {
                        for (int s = 0; s < perProducer; s++) {
                            final Long m = message(id, s);
                            switch (s % 4) {
                                case 0:
                                    mine.send(m);
                                    break;
                                case 1:
                                    mine.sendAsync(m).toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
                                    break;
                                case 2:
                                    try (Mpsc.Permit<Long> permit = mine.reserve()) {
                                        permit.send(m);
                                    }
                                    break;
                                default:
                                    while (mine.trySend(m) != TrySendResult.SENT) {
                                        if (abandoned.get()) {
                                            return null; // the test failed: stop polling
                                        }
                                        backOff();
                                    }
                                    break;
                            }
                        }
                    }
                    return null;
                }));
            }
            tx.close();
            if (consumer == null) {
                consumeMixed(ch.receiver(), check);
            } else {
                consumer.join();
            }
            for (Future<?> task : tasks) {
                task.get(GUARD_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            abandoned.set(true);
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
        }
        check.assertComplete(perProducer);
        assertEquals(capacity, tx.capacity());
    }

    @Test
    void aVirtualThreadInterruptedWhileSendingSendsNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        fill(tx, 1);
        final Forked<Boolean> sender = forkVirtual("virtual sender", () -> {
            try {
                tx.send(-1);
                return null;
            } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted();
            }
        });
        awaitParkedInChannel(sender.thread);
        sender.thread.interrupt();
        assertFalse(sender.join(), "InterruptedException with the interrupt status cleared");
        assertEquals(List.of(0), drainNow(rx));
        assertEquals(1, tx.capacity());
    }

    @Test
    void aVirtualThreadInterruptedWhileReceivingTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(2);
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Object> receiver = forkVirtual("virtual receiver", () -> {
            try {
                return rx.recv();
            } catch (InterruptedException e) {
                return e;
            }
        });
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInstanceOf(InterruptedException.class, receiver.join());
        ch.sender().send(3);
        assertEquals(3, rx.recv());
    }

    @Test
    void aVirtualReceiverWaitsForAVirtualSender() throws Exception {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final Mpsc.Sender<Integer> tx = ch.sender();
        final Forked<List<Integer>> receiver = forkVirtual("virtual receiver", () -> {
            final List<Integer> got = new ArrayList<>();
            for (Integer e : ch.receiver()) {
                got.add(e);
            }
            return got;
        });
        final Forked<Void> sender = forkVirtual("virtual sender", () -> {
            try (tx) {
                for (int i = 0; i < 1_000; i++) {
                    assertTrue(tx.send(i, Duration.ofMinutes(5)));
                }
            }
            return null;
        });
        sender.join();
        final List<Integer> got = receiver.join();
        assertEquals(1_000, got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i, got.get(i));
        }
    }
}
