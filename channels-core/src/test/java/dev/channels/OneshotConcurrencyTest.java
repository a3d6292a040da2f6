package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static dev.channels.MpscTestSupport.GUARD_SECONDS;
import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.backOff;
import static dev.channels.MpscTestSupport.fork;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Oneshots across threads: request/reply over an mpsc channel, many channels in flight, and the
 * rule that receives on one receiver must not run concurrently.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OneshotConcurrencyTest {

    /** A request carrying its reply channel, as in the class javadoc of {@link Oneshot}. */
    private static final class Request {
        final long id;
        final Oneshot.Sender<Long> reply;

        Request(long id, Oneshot.Sender<Long> reply) {
            this.id = id;
            this.reply = reply;
        }
    }

    private static long answer(long id) {
        return id * 31 + 7;
    }

    /** The client's receive of reply number {@code i}: every form in turn. */
    private static long receiveReply(Oneshot.Receiver<Long> rx, long i) throws Exception {
        switch ((int) (i % 6)) {
            case 0:
                return rx.recv();
            case 1:
                return rx.recv(Duration.ofSeconds(GUARD_SECONDS));
            case 2:
                return rx.recvAsync().get(GUARD_SECONDS, TimeUnit.SECONDS);
            case 3:
                return await(rx.thenApply(v -> v));
            case 4: {
                Long v;
                while ((v = rx.tryRecv()) == null) {
                    backOff();
                }
                return v;
            }
            default: {
                // an async receive withdrawn if it has to wait, then a blocking one
                final CompletableFuture<Long> f = rx.recvAsync();
                if (!f.isDone() && f.cancel(false)) {
                    return rx.recv();
                }
                return f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aHundredThousandRequestReplyPairs() throws Exception {
        final int clients = 4;
        final int servers = 2;
        final int perClient = 25_000;
        final Mpsc.Channel<Request> requests = Mpsc.bounded(64);
        final AtomicLongArray answeredBy = new AtomicLongArray(clients * perClient);
        final List<Forked<Long>> serverThreads = new ArrayList<>();
        final Mpsc.Receiver<Request> inbox = requests.receiver();
        final Object inboxLock = new Object(); // mpsc: one receiving thread at a time
        for (int s = 0; s < servers; s++) {
            serverThreads.add(fork("server " + s, () -> {
                long served = 0;
                for (;;) {
                    final Request r;
                    synchronized (inboxLock) {
                        r = inbox.recv();
                    }
                    if (r == null) {
                        return served;
                    }
                    if (answeredBy.getAndIncrement((int) r.id) != 0) {
                        fail("request " + r.id + " arrived twice");
                    }
                    r.reply.send(answer(r.id));
                    served++;
                }
            }));
        }
        final List<Forked<Long>> clientThreads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            final Mpsc.Sender<Request> tx = requests.sender().duplicate();
            clientThreads.add(fork("client " + c, () -> {
                long sum = 0;
                try (tx) {
                    for (int i = 0; i < perClient; i++) {
                        final long id = (long) client * perClient + i;
                        final Oneshot.Channel<Long> reply = Oneshot.channel();
                        tx.send(new Request(id, reply.sender()));
                        final long got = receiveReply(reply.receiver(), i);
                        if (got != answer(id)) {
                            fail("request " + id + ": expected " + answer(id) + " but received " + got);
                        }
                        if (!reply.receiver().isTerminated()) {
                            fail("request " + id + ": receiver not terminated after the receive");
                        }
                        sum += got;
                    }
                }
                return sum;
            }));
        }
        requests.sender().close();
        long received = 0;
        for (Forked<Long> c : clientThreads) {
            received += c.join();
        }
        long served = 0;
        for (Forked<Long> s : serverThreads) {
            served += s.join();
        }
        final long n = (long) clients * perClient;
        assertEquals(n, served, "every request was served once");
        long expected = 0;
        for (long id = 0; id < n; id++) {
            expected += answer(id);
            assertEquals(1, answeredBy.get((int) id), "request " + id);
        }
        assertEquals(expected, received, "every reply was received exactly once");
    }

    @Test
    void manyChannelsInFlightBetweenTwoThreads() throws Exception {
        // The receiver side creates channels in batches; another thread answers them in reverse.
        final int batches = 200;
        final int batch = 500;
        final Mpsc.UnboundedChannel<List<Oneshot.Sender<Integer>>> work = Mpsc.unbounded();
        final Forked<Long> answerer = fork("answerer", () -> {
            long sent = 0;
            for (List<Oneshot.Sender<Integer>> senders; (senders = work.receiver().recv()) != null; ) {
                for (int i = senders.size() - 1; i >= 0; i--) {
                    if (i % 50 == 49) {
                        senders.get(i).close(); // some are abandoned without a value
                    } else {
                        senders.get(i).send(i);
                        sent++;
                    }
                }
            }
            return sent;
        });
        long received = 0;
        long closed = 0;
        for (int b = 0; b < batches; b++) {
            final List<Oneshot.Receiver<Integer>> receivers = new ArrayList<>(batch);
            final List<Oneshot.Sender<Integer>> senders = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                final Oneshot.Channel<Integer> ch = Oneshot.channel();
                receivers.add(ch.receiver());
                senders.add(ch.sender());
            }
            final List<CompletableFuture<Integer>> async = new ArrayList<>();
            for (int i = 0; i < batch; i += 2) {
                async.add(receivers.get(i).recvAsync()); // even ones async, registered before the sends
            }
            work.sender().send(senders);
            for (int i = 0; i < batch; i++) {
                try {
                    final int v = (i & 1) == 0 ? await(async.get(i / 2)) : receivers.get(i).recv();
                    assertEquals(i, v);
                    received++;
                } catch (ChannelClosedException e) {
                    assertEquals(49, i % 50, "only the abandoned ones are closed");
                    closed++;
                }
            }
        }
        work.sender().close();
        assertEquals(received, answerer.join());
        assertEquals((long) batches * batch, received + closed);
        assertEquals((long) batches * (batch / 50), closed);
    }

    @Test
    void aSecondReceiveWhileABlockingOneWaitsThrowsIllegalState() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> first = fork("first receiver", rx::recv);
        awaitParkedInChannel(first.thread);
        assertThrows(IllegalStateException.class, rx::tryRecv);
        assertThrows(IllegalStateException.class, rx::recv);
        assertThrows(IllegalStateException.class, () -> rx.recv(Duration.ofMinutes(5)));
        assertThrows(IllegalStateException.class, () -> rx.recv(Duration.ZERO));
        assertThrows(IllegalStateException.class, rx::recvAsync);
        assertThrows(IllegalStateException.class, () -> rx.recvAsync(Runnable::run));
        assertFalse(first.isDone(), "the failed receives did not disturb the waiting one");
        // the state queries may be used from any thread meanwhile
        assertTrue(rx.isEmpty());
        assertFalse(rx.isTerminated());
        ch.sender().send(1);
        assertEquals(1, first.join());
    }

    @Test
    void aSecondReceiveWhileAnAsyncOneWaitsThrowsIllegalState() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final CompletableFuture<Integer> first = rx.recvAsync();
        assertThrows(IllegalStateException.class, rx::tryRecv);
        assertThrows(IllegalStateException.class, rx::recv);
        assertThrows(IllegalStateException.class, () -> rx.recv(Duration.ofMinutes(5)));
        assertThrows(IllegalStateException.class, rx::recvAsync);
        assertFalse(first.isDone());
        ch.sender().send(2);
        assertEquals(2, await(first));
    }

    @Test
    void aSecondReceiveFromAnotherThreadWhileOneWaitsThrowsIllegalState() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final Oneshot.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> first = fork("first receiver", () -> rx.recv(Duration.ofMinutes(5)));
        awaitParkedInChannel(first.thread);
        final Forked<Integer> second = fork("second receiver", rx::recv);
        assertInstanceOf(IllegalStateException.class, second.joinFailure());
        ch.receiver().close();
        assertInstanceOf(ChannelClosedException.class, first.joinFailure(), "the close still woke the first");
    }

    @Test
    void closeFromManyThreadsAtOnce() throws Exception {
        for (int round = 0; round < 500; round++) {
            final Oneshot.Channel<Integer> ch = Oneshot.channel();
            final CompletableFuture<Void> closed = ch.sender().closed().toCompletableFuture();
            final CompletableFuture<Integer> pending = ch.receiver().recvAsync();
            final List<Forked<Void>> closers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                closers.add(fork("closer " + t, () -> {
                    ch.receiver().close();
                    return null;
                }));
            }
            for (Forked<Void> c : closers) {
                c.join();
            }
            closed.get(GUARD_SECONDS, TimeUnit.SECONDS);
            assertInstanceOf(ChannelClosedException.class, MpscTestSupport.awaitFailure(pending));
            assertThrows(ChannelClosedException.class, () -> ch.sender().send(1));
        }
    }

    @Test
    void awaitClosedFromManyThreads() throws Exception {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final AtomicLong woke = new AtomicLong();
        final List<Forked<Void>> waiters = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final boolean timed = (t & 1) == 0;
            waiters.add(fork("waiter " + t, () -> {
                if (timed) {
                    assertTrue(ch.sender().awaitClosed(Duration.ofSeconds(GUARD_SECONDS)));
                } else {
                    ch.sender().awaitClosed();
                }
                woke.incrementAndGet();
                return null;
            }));
        }
        ch.receiver().close();
        for (Forked<Void> w : waiters) {
            w.join();
        }
        assertEquals(8, woke.get());
    }
}
