package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.isVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Oneshots with virtual threads (JDK 21+). The tests compile with {@code --release 17}, so
 * virtual threads are made by reflection, and the class is skipped on older JDKs.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OneshotVirtualThreadTest {
    private static final int THREADS = 10_000;

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
        return new Forked<>(name, action, OneshotVirtualThreadTest::unstartedVirtualThread).start();
    }

    private static void shutDown(ExecutorService executor) throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void tenThousandVirtualThreadsEachWaitingOnItsOwnOneshot() throws Exception {
        final List<Oneshot.Channel<Integer>> channels = new ArrayList<>(THREADS);
        for (int i = 0; i < THREADS; i++) {
            channels.add(Oneshot.channel());
        }
        final ExecutorService executor = newVirtualThreadPerTaskExecutor();
        final List<Future<Integer>> results = new ArrayList<>(THREADS);
        try {
            for (int i = 0; i < THREADS; i++) {
                final Oneshot.Receiver<Integer> rx = channels.get(i).receiver();
                final int form = i % 3;
                results.add(executor.submit(() -> {
                    assertTrue(isVirtual(Thread.currentThread()));
                    switch (form) {
                        case 0:
                            return rx.recv();
                        case 1:
                            return rx.recv(Duration.ofSeconds(GUARD_SECONDS));
                        default:
                            return rx.recvAsync().get(GUARD_SECONDS, TimeUnit.SECONDS);
                    }
                }));
            }
            // Answer in reverse order, so that most receivers have been waiting.
            for (int i = THREADS - 1; i >= 0; i--) {
                channels.get(i).sender().send(i);
            }
            for (int i = 0; i < THREADS; i++) {
                assertEquals(i, results.get(i).get(GUARD_SECONDS, TimeUnit.SECONDS), "receiver " + i);
                assertTrue(channels.get(i).receiver().isTerminated());
            }
        } finally {
            shutDown(executor);
        }
    }

    @Test
    void tenThousandVirtualSendersAnsweringPlatformAndVirtualReceivers() throws Exception {
        final List<Oneshot.Channel<Integer>> channels = new ArrayList<>(THREADS);
        final List<CompletableFuture<Integer>> async = new ArrayList<>(THREADS);
        for (int i = 0; i < THREADS; i++) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            channels.add(ch);
            async.add(ch.receiver().recvAsync());
        }
        final ExecutorService executor = newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < THREADS; i++) {
                final Oneshot.Sender<Integer> tx = channels.get(i).sender();
                final int value = i;
                executor.execute(() -> {
                    if (value % 10 == 9) {
                        tx.close();
                    } else {
                        tx.send(value);
                    }
                });
            }
            for (int i = 0; i < THREADS; i++) {
                if (i % 10 == 9) {
                    assertInstanceOf(ChannelClosedException.class, MpscTestSupport.awaitFailure(async.get(i)));
                } else {
                    assertEquals(i, async.get(i).get(GUARD_SECONDS, TimeUnit.SECONDS));
                }
            }
        } finally {
            shutDown(executor);
        }
    }

    @Test
    void aVirtualThreadInterruptedWhileReceivingTakesNothing() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final Forked<Object> receiver = forkVirtual("virtual receiver", () -> {
            try {
                return rx.recv();
            } catch (InterruptedException e) {
                return Thread.currentThread().isInterrupted() ? "interrupt status still set" : e;
            }
        });
        awaitParkedInChannel(receiver.thread);
        receiver.thread.interrupt();
        assertInstanceOf(InterruptedException.class, receiver.join());
        assertFalse(rx.isTerminated());
        ch.sender().send(3);
        assertEquals(3, rx.recv());
    }

    @Test
    void aVirtualReceiverAndAVirtualSender() throws Exception {
        for (int round = 0; round < 1_000; round++) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final Integer value = round;
            final Forked<Integer> receiver = forkVirtual("virtual receiver", ch.receiver()::recv);
            final Forked<Void> sender = forkVirtual("virtual sender", () -> {
                ch.sender().send(value);
                return null;
            });
            sender.join();
            assertSame(value, receiver.join());
        }
    }

    @Test
    void aVirtualSenderWaitingForTheReceiverToClose() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Forked<Boolean> sender = forkVirtual("virtual sender", () -> {
            ch.sender().awaitClosed();
            try {
                ch.sender().send(1);
                return true;
            } catch (ChannelClosedException e) {
                return false;
            }
        });
        ch.receiver().close();
        assertFalse(sender.join(), "after awaitClosed returned, the send fails");
    }
}
