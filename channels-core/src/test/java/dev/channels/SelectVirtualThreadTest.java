package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.channels.MpscTestSupport.isVirtual;
import static dev.channels.SelectTestSupport.GUARD_SECONDS;
import static dev.channels.SelectTestSupport.awaitParked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Selects on virtual threads (JDK 21+). The tests compile with {@code --release 17}, so virtual
 * threads are made by reflection, and the class is skipped on older JDKs.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectVirtualThreadTest {

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
        return new Forked<>(name, action, SelectVirtualThreadTest::unstartedVirtualThread).start();
    }

    @Test
    void aThousandVirtualThreadsEachSelectingOverTwoChannels() throws Exception {
        final int selectors = 1_000;
        final int perChannel = 20;
        final List<Mpsc.Channel<Integer>> as = new ArrayList<>();
        final List<Mpsc.Channel<Integer>> bs = new ArrayList<>();
        for (int i = 0; i < selectors; i++) {
            as.add(Mpsc.bounded(1));
            bs.add(Mpsc.bounded(1));
        }
        final ExecutorService executor = newVirtualThreadPerTaskExecutor();
        try {
            final List<Future<int[]>> consumers = new ArrayList<>();
            for (int i = 0; i < selectors; i++) {
                final Mpsc.Receiver<Integer> a = as.get(i).receiver();
                final Mpsc.Receiver<Integer> b = bs.get(i).receiver();
                final boolean async = i % 4 == 3;
                consumers.add(executor.submit(() -> {
                    assertTrue(isVirtual(Thread.currentThread()));
                    final int[] next = new int[2];
                    final Select<Integer> s = Select.<Integer>builder()
                            .recv(a, v -> {
                                assertEquals(next[0]++, v, "order of a");
                                return 0;
                            })
                            .recv(b, v -> {
                                assertEquals(next[1]++, v, "order of b");
                                return 1;
                            })
                            .ifAllClosed(() -> -1)
                            .build();
                    while (true) {
                        final int r = async
                                ? s.selectAsync().toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS)
                                : s.select();
                        if (r < 0) {
                            return next;
                        }
                    }
                }));
            }
            // Producers: a few virtual threads, each feeding a share of the channels.
            final int producers = 8;
            final List<Future<?>> feeding = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                final int id = p;
                feeding.add(executor.submit(() -> {
                    final Random random = new Random(id);
                    for (int k = 0; k < perChannel; k++) {
                        for (int i = id; i < selectors; i += producers) {
                            final Mpsc.Channel<Integer> first = random.nextBoolean() ? as.get(i) : bs.get(i);
                            final Mpsc.Channel<Integer> second = first == as.get(i) ? bs.get(i) : as.get(i);
                            first.sender().send(k);
                            second.sender().send(k);
                        }
                    }
                    for (int i = id; i < selectors; i += producers) {
                        as.get(i).sender().close();
                        bs.get(i).sender().close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : feeding) {
                f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            }
            for (Future<int[]> c : consumers) {
                final int[] next = c.get(GUARD_SECONDS, TimeUnit.SECONDS);
                assertEquals(perChannel, next[0]);
                assertEquals(perChannel, next[1]);
            }
        } finally {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aVirtualThreadParksInASelectAndIsWoken() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Watch.Channel<Integer> w = Watch.channel(0);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .changed(w.receiver(), v -> "w" + v)
                .build();
        final Forked<String> selecting = forkVirtual("virtual select", s::select);
        awaitParked(selecting.thread);
        w.sender().send(1);
        assertEquals("w1", selecting.join());
    }

    @Test
    void aVirtualThreadInterruptedInASelectTakesNothing() throws Exception {
        final Mpsc.Channel<Integer> a = Mpsc.bounded(1);
        final Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .build();
        final Forked<Object> selecting = forkVirtual("virtual select", () -> {
            try {
                return s.select();
            } catch (InterruptedException e) {
                return e;
            }
        });
        awaitParked(selecting.thread);
        selecting.thread.interrupt();
        assertInstanceOf(InterruptedException.class, selecting.join());
        a.sender().send(1);
        assertEquals("a1", s.select());
    }
}
