package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static dev.channels.MpscTestSupport.fork;
import static dev.channels.SelectTestSupport.assertNoWaiter;
import static dev.channels.SelectTestSupport.await;
import static dev.channels.SelectTestSupport.awaitParked;
import static dev.channels.SelectTestSupport.selectGuarded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** More clauses than Tokio's limit of 64: no limit here, and every clause can win. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectManyClausesTest {
    private static final int N = 100;

    private static List<Mpsc.Channel<Integer>> channels() {
        final List<Mpsc.Channel<Integer>> chs = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            chs.add(Mpsc.bounded(1));
        }
        return chs;
    }

    private static Select<Integer> selectOver(List<Mpsc.Channel<Integer>> chs) {
        final Select.Builder<Integer> b = Select.builder();
        for (int i = 0; i < chs.size(); i++) {
            final int index = i;
            b.recv(chs.get(i).receiver(), v -> {
                assertEquals(index, v, "the message of channel " + index + " came through its clause");
                return index;
            });
        }
        final Select<Integer> s = b.ifAllClosed(() -> -1).build();
        assertEquals(N, s.clauseCount());
        return s;
    }

    @Test
    void readyMessageOnARandomChannel() throws Exception {
        final List<Mpsc.Channel<Integer>> chs = channels();
        final Select<Integer> s = selectOver(chs);
        final Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            final int i = random.nextInt(N);
            chs.get(i).sender().send(i);
            assertEquals(i, s.select(), "round " + round);
        }
    }

    @Test
    void blockingSelectWokenOnARandomChannel() throws Exception {
        final List<Mpsc.Channel<Integer>> chs = channels();
        final Select<Integer> s = selectOver(chs);
        final Random random = new Random(7);
        for (int round = 0; round < 100; round++) {
            final Forked<Integer> selecting = fork("select", () -> selectGuarded(s));
            awaitParked(selecting.thread);
            final int i = random.nextInt(N);
            chs.get(i).sender().send(i);
            assertEquals(i, selecting.join(), "round " + round);
        }
        for (Mpsc.Channel<Integer> ch : chs) {
            assertNoWaiter(ch.receiver());
            assertNull(ch.receiver().tryRecv());
        }
    }

    @Test
    void asyncSelectCompletedOnARandomChannel() throws Exception {
        final List<Mpsc.Channel<Integer>> chs = channels();
        final Select<Integer> s = selectOver(chs);
        final Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            final CompletableFuture<Integer> f = s.selectAsync().toCompletableFuture();
            assertFalse(f.isDone());
            final int i = random.nextInt(N);
            if (round % 3 == 0) {
                // Cancelled first: the message then goes to the next call.
                f.cancel(false);
                chs.get(i).sender().send(i);
                assertEquals(i, await(s.selectAsync()), "round " + round);
            } else {
                chs.get(i).sender().send(i);
                assertEquals(i, await(f), "round " + round);
            }
        }
        for (Mpsc.Channel<Integer> ch : chs) {
            assertNoWaiter(ch.receiver());
        }
    }

    @Test
    void manyClausesOfEveryKindUntilAllClosed() throws Exception {
        final int each = 25; // 4 kinds: 100 clauses
        final List<Mpsc.Channel<Integer>> mpsc = new ArrayList<>();
        final List<Broadcast.Channel<Integer>> broadcast = new ArrayList<>();
        final List<Watch.Channel<Integer>> watch = new ArrayList<>();
        final List<Oneshot.Channel<Integer>> oneshot = new ArrayList<>();
        final Select.Builder<String> b = Select.builder();
        for (int i = 0; i < each; i++) {
            final int index = i;
            mpsc.add(Mpsc.bounded(2));
            broadcast.add(Broadcast.channel(2));
            watch.add(Watch.channel(0));
            oneshot.add(Oneshot.channel());
            final Oneshot.Receiver<Integer> orx = oneshot.get(i).receiver();
            b.recv(mpsc.get(i).receiver(), v -> "m" + index + ":" + v)
                    .recv(broadcast.get(i).receiver(), v -> "b" + index + ":" + v, missed -> "lagged")
                    .changed(watch.get(i).receiver(), v -> "w" + index + ":" + v)
                    .recv(orx, v -> "o" + index + ":" + v).when(() -> !orx.isTerminated());
        }
        final Select<String> s = b.ifAllClosed(() -> null).build();
        assertEquals(4 * each, s.clauseCount());
        final Random random = new Random(3);
        final List<String> expected = new ArrayList<>();
        final Forked<Void> producer = fork("producer", () -> {
            for (int i = 0; i < each; i++) {
                final int m = random.nextInt(each);
                mpsc.get(m).sender().send(i);
                expected.add("m" + m + ":" + i);
            }
            for (int i = 0; i < each; i++) {
                broadcast.get(i).sender().send(i);
                expected.add("b" + i + ":" + i);
                watch.get(i).sender().send(i + 1);
                expected.add("w" + i + ":" + (i + 1));
                oneshot.get(i).sender().send(i);
                expected.add("o" + i + ":" + i);
            }
            for (int i = 0; i < each; i++) {
                mpsc.get(i).sender().close();
                broadcast.get(i).sender().close();
                watch.get(i).sender().close();
            }
            return null;
        });
        final List<String> got = new ArrayList<>();
        for (String r; (r = selectGuarded(s)) != null; ) {
            got.add(r);
        }
        producer.join();
        expected.sort(null);
        got.sort(null);
        assertEquals(expected, got);
    }
}
