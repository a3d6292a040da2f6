package dev.channels;

import dev.channels.MpscTestSupport.Forked;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.channels.MpscTestSupport.await;
import static dev.channels.MpscTestSupport.awaitParkedInChannel;
import static dev.channels.MpscTestSupport.fork;
import static dev.channels.MpscTestSupport.forkVoid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unbounded channel: sends never wait; the receive side is the same as the bounded one's. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MpscUnboundedTest {

    /** Message counts around the internal chunk size (512) and well past it. */
    @ParameterizedTest(name = "{0} messages")
    @ValueSource(ints = {1, 2, 511, 512, 513, 1025, 100_000})
    void sendsNeverWaitAndOrderIsKept(int n) throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        for (int i = 0; i < n; i++) {
            if ((i & 1) == 0) {
                tx.send(i);
            } else {
                assertEquals(TrySendResult.SENT, tx.trySend(i));
            }
        }
        assertEquals(n, rx.len());
        assertFalse(rx.isEmpty());
        for (int i = 0; i < n; i++) {
            assertEquals(i, (i % 3 == 0) ? rx.recv() : rx.tryRecv());
        }
        assertTrue(rx.isEmpty());
        assertEquals(0, rx.len());
        assertNull(rx.tryRecv());
    }

    @Test
    void interleavedSendAndReceiveCrossesChunksInOrder() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 2_000; round++) {
            tx.send(next++);
            tx.send(next++);
            assertEquals(expected++, rx.recv());
            assertEquals(round + 1, rx.len());
        }
        while (!rx.isEmpty()) {
            assertEquals(expected++, rx.recv());
        }
        assertEquals(next, expected);
    }

    @Test
    void tryRecvTellsEmptyFromClosedAndDrained() {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertNull(rx.tryRecv());
        tx.send(1);
        tx.send(2);
        tx.close();
        assertTrue(rx.isClosed(), "no sender left, messages still buffered");
        assertEquals(2, rx.len());
        assertEquals(1, rx.tryRecv());
        assertEquals(2, rx.tryRecv());
        assertThrows(ChannelClosedException.class, rx::tryRecv);
        assertThrows(ChannelClosedException.class, rx::tryRecv);
    }

    @Test
    void recvReturnsBufferedMessagesThenNull() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        for (int i = 0; i < 600; i++) {
            tx.send(i);
        }
        tx.close();
        for (int i = 0; i < 600; i++) {
            assertEquals(i, rx.recv());
        }
        assertNull(rx.recv());
        assertNull(rx.recv(Duration.ZERO));
        assertNull(await(rx.recvAsync()));
    }

    @Test
    void receiverCloseFailsSendsWithTheirValueAndKeepsBufferedMessages() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        tx.send(2);
        assertFalse(tx.isClosed());
        rx.close();
        assertTrue(tx.isClosed());
        assertTrue(rx.isClosed());
        final Integer value = 2_000_000;
        final ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> tx.send(value));
        assertSame(value, e.value());
        assertTrue(e.hasValue());
        assertEquals(TrySendResult.CLOSED, tx.trySend(value));
        assertEquals(1, rx.recv());
        assertEquals(2, rx.recv());
        assertNull(rx.recv());
    }

    @Test
    void blockingRecvWaitsForASendAndForTheLastSenderClosing() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        final Forked<Integer> first = fork("receiver", rx::recv);
        awaitParkedInChannel(first.thread);
        tx.send(5);
        assertEquals(5, first.join());
        final Forked<Integer> second = fork("receiver", rx::recv);
        awaitParkedInChannel(second.thread);
        tx.close();
        assertNull(second.join());
    }

    @Test
    void timedRecvTimesOutAndTakesNothing() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ofMillis(20)));
        assertThrows(TimeoutException.class, () -> rx.recv(Duration.ZERO));
        ch.sender().send(3);
        assertEquals(3, rx.recv(Duration.ofSeconds(10)));
    }

    @Test
    void recvAsyncCompletesWhenItHadToWaitAndCancelTakesNothing() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        tx.send(1);
        assertEquals(1, rx.recvAsync().toCompletableFuture().getNow(-1));

        final CompletableFuture<Integer> waiting = rx.recvAsync().toCompletableFuture();
        assertFalse(waiting.isDone());
        tx.send(2);
        assertEquals(2, await(waiting));

        final CompletableFuture<Integer> cancelled = rx.recvAsync().toCompletableFuture();
        assertTrue(cancelled.cancel(false));
        tx.send(3);
        assertEquals(3, rx.recv(), "the message after the cancelled receive goes to the next receive");

        final CompletableFuture<Integer> atEnd = rx.recvAsync().toCompletableFuture();
        assertFalse(atEnd.isDone());
        tx.close();
        assertNull(await(atEnd));
    }

    @Test
    void recvManyAndIterationEndAtEndOfStream() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        for (int i = 0; i < 10; i++) {
            tx.send(i);
        }
        final List<Integer> buffer = new ArrayList<>(List.of(-1));
        assertEquals(0, rx.recvMany(buffer, 0));
        assertEquals(4, rx.recvMany(buffer, 4));
        assertEquals(List.of(-1, 0, 1, 2, 3), buffer);
        tx.close();
        final List<Integer> rest = new ArrayList<>();
        for (Integer e : rx) {
            rest.add(e);
        }
        assertEquals(List.of(4, 5, 6, 7, 8, 9), rest);
        assertEquals(0, rx.recvMany(buffer, 3));
        assertEquals(0, rx.stream().count());
    }

    @Test
    void streamOfAProducerThreadEndsWhenItCloses() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final int n = 5_000;
        final Forked<Void> producer = forkVoid("producer", () -> {
            try (tx) {
                for (int i = 0; i < n; i++) {
                    tx.send(i);
                }
            }
        });
        final List<Integer> received = ch.receiver().stream().collect(Collectors.toList());
        producer.join();
        assertEquals(IntStream.range(0, n).boxed().collect(Collectors.toList()), received);
    }

    @Test
    void closedNotificationsAndIsClosed() throws Exception {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> tx = ch.sender();
        final Mpsc.UnboundedSender<Integer> tx2 = tx.duplicate();
        final Mpsc.Receiver<Integer> rx = ch.receiver();
        assertFalse(tx.awaitClosed(Duration.ofMillis(10)));
        final CompletableFuture<Void> closed = tx.closed().toCompletableFuture();
        final Forked<Void> waiter = forkVoid("awaitClosed", tx::awaitClosed);
        tx2.close();
        assertFalse(rx.isClosed());
        assertFalse(closed.isDone());
        rx.close();
        waiter.join();
        assertNull(await(closed));
        assertTrue(tx.awaitClosed(Duration.ZERO));
        assertTrue(tx.isClosed());
    }

    @Test
    void toStringDescribesTheSender() {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        assertTrue(ch.sender().toString().contains("closed=false"), ch.sender().toString());
        ch.receiver().close();
        assertTrue(ch.sender().toString().contains("closed=true"), ch.sender().toString());
        assertEquals(ch, new Mpsc.UnboundedChannel<>(ch.sender(), ch.receiver()));
    }
}
