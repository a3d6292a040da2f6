package dev.channels.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.channels.ChannelClosedException;
import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Watch;
import dev.channels.examples.ClientManager.Command;
import dev.channels.examples.ClientManager.Get;
import dev.channels.examples.ClientManager.Set;
import dev.channels.examples.GracefulShutdown.Stopped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * Runs the examples and checks what they observed. The timeouts only guard against hangs: no
 * assertion depends on timing.
 */
class ExamplesTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @Test
    void clientManagerAnswersEveryRequestAndRefusesTheFailedOne() {
        ClientManager.Outcome outcome = assertTimeoutPreemptively(HANG_GUARD, ClientManager::run);

        // The GET races with the SET, as in the tutorial: it sees the value or nothing.
        assertTrue(outcome.get().isEmpty() || outcome.get().equals(Optional.of("bar")),
                "GET foo replied " + outcome.get());
        assertEquals(Optional.empty(), outcome.set(), "SET foo replies with the previous value");
        assertFalse(outcome.tooLongAnswered(), "the failed SET must get no reply");
        assertEquals(Map.of("foo", "bar"), outcome.store());
    }

    @Test
    void managerIgnoresRequestersThatLeftAndClosesTheResponderOfAFailedCommand() throws Exception {
        Mpsc.Channel<Command> channel = Mpsc.bounded(8);
        Oneshot.Channel<Optional<String>> abandoned = Oneshot.channel();
        Oneshot.Channel<Optional<String>> failedRecv = Oneshot.channel();
        Oneshot.Channel<Optional<String>> failedStage = Oneshot.channel();
        Oneshot.Channel<Optional<String>> get = Oneshot.channel();
        Oneshot.Channel<Optional<String>> missing = Oneshot.channel();
        String tooLong = "x".repeat(ClientManager.MAX_VALUE_LENGTH + 1);
        try (Mpsc.Sender<Command> tx = channel.sender()) {
            abandoned.receiver().close(); // this requester stopped waiting before the reply
            tx.send(new Set("a", "1", abandoned.sender()));
            tx.send(new Set("b", tooLong, failedRecv.sender()));
            tx.send(new Set("c", tooLong, failedStage.sender()));
            tx.send(new Get("a", get.sender()));
            tx.send(new Get("b", missing.sender()));
        }

        // Every sender is closed, so the manager serves the five commands on this thread and returns.
        Map<String, String> store = assertTimeoutPreemptively(HANG_GUARD, () -> ClientManager.serve(channel.receiver()));

        assertEquals(Map.of("a", "1"), store, "the abandoned SET was applied, the failed ones were not");
        assertTrue(abandoned.sender().isUsed());
        assertEquals(Optional.of("1"), get.receiver().recv());
        assertEquals(Optional.empty(), missing.receiver().recv());
        assertThrows(ChannelClosedException.class, failedRecv.receiver()::recv);
        CompletionException viaStage = assertThrows(CompletionException.class,
                () -> failedStage.receiver().toCompletableFuture().join());
        assertInstanceOf(ChannelClosedException.class, viaStage.getCause());
    }

    @Test
    void gracefulShutdownWaitsForEveryWorker() {
        int workers = 4;
        List<Stopped> stopped = assertTimeoutPreemptively(HANG_GUARD,
                () -> GracefulShutdown.run(workers, Duration.ofMillis(50)));

        assertEquals(IntStream.rangeClosed(1, workers).mapToObj(i -> "worker-" + i).collect(Collectors.toSet()),
                stopped.stream().map(Stopped::worker).collect(Collectors.toSet()));
        assertEquals(workers, stopped.size(), "one report per worker");
        stopped.forEach(s -> assertTrue(s.itemsHandled() >= 0, s.toString()));
    }

    @Test
    void gracefulShutdownRightAwayStillWaitsForEveryWorker() {
        List<Stopped> stopped = assertTimeoutPreemptively(HANG_GUARD,
                () -> GracefulShutdown.run(3, Duration.ZERO));

        assertEquals(3, stopped.size());
    }

    @Test
    void aWorkerThatFailsStillClosesItsSender() throws Exception {
        Watch.Channel<Boolean> shutdown = Watch.channel(false);
        Mpsc.UnboundedChannel<Stopped> done = Mpsc.unbounded();

        Thread.currentThread().interrupt(); // the worker's first item fails at once
        GracefulShutdown.work("w", shutdown.receiver(), done.sender());
        assertTrue(Thread.interrupted(), "the worker restores the interrupt status");

        // No report, but its sender is closed: the receiver sees end of stream instead of waiting.
        assertNull(assertTimeoutPreemptively(HANG_GUARD, () -> done.receiver().recv()));
        shutdown.sender().close();
    }

    @Test
    void selectLoopReceivesEveryMessageOnceInEachChannelsOrderThenEnds() {
        List<String> received = assertTimeoutPreemptively(HANG_GUARD, () -> SelectLoop.receiveUntilAllClosed(200));
        assertEquals(600, received.size());
        for (String name : List.of("one", "two", "three")) {
            List<String> fromOne = received.stream().filter(m -> m.startsWith(name + " ")).collect(Collectors.toList());
            assertEquals(IntStream.range(0, 200).mapToObj(i -> name + " " + i).collect(Collectors.toList()), fromOne);
        }
    }

    @Test
    void selectOverTwoOneshotsReportsOneOfThem() {
        String winner = assertTimeoutPreemptively(HANG_GUARD, SelectLoop::firstOfTwo);
        assertTrue(winner.equals("rx1 completed first with one") || winner.equals("rx2 completed first with two"), winner);
    }
}
