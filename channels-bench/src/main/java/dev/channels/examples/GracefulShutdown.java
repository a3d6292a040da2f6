package dev.channels.examples;

import dev.channels.Mpsc;
import dev.channels.Watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Graceful shutdown, as in Tokio's shutdown guide: tell every worker to stop, let each one finish
 * the item it is handling, then wait until all of them have stopped.
 * <ul>
 * <li>Telling: a {@code Watch<Boolean>} that goes from {@code false} to {@code true}. Every worker
 * holds a receiver and checks it between items.</li>
 * <li>Waiting: an mpsc channel that nobody needs to send on. Every worker holds a sender handle and
 * closes it when it stops. Once the last handle is closed, {@code recv()} returns null. Here each
 * worker also sends a short report on its way out.</li>
 * </ul>
 *
 * <p>Run it with {@code java -cp channels-bench/target/benchmarks.jar dev.channels.examples.GracefulShutdown}.
 */
public final class GracefulShutdown {
    /**
     * A worker's report when it stops.
     *
     * @param worker the worker's name
     * @param itemsHandled how many items it handled, each one to the end
     */
    record Stopped(String worker, int itemsHandled) {
    }

    private GracefulShutdown() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<Stopped> stopped = run(3, Duration.ofMillis(200));
        System.out.println("main: shutdown complete, " + stopped.size() + " workers stopped");
    }

    /**
     * Starts {@code workers} workers, lets them serve for {@code runFor}, then shuts them down and
     * waits for all of them.
     *
     * @param workers how many workers to start
     * @param runFor how long to serve before shutting down
     * @return the reports of the workers, in the order they stopped
     * @throws InterruptedException if interrupted while waiting
     */
    static List<Stopped> run(int workers, Duration runFor) throws InterruptedException {
        Watch.Channel<Boolean> shutdown = Watch.channel(false); // true: stop after the current item
        Mpsc.UnboundedChannel<Stopped> done = Mpsc.unbounded(); // open while a worker holds a sender
        try (Watch.Sender<Boolean> shutdownTx = shutdown.sender();
                Watch.Receiver<Boolean> shutdownRx = shutdown.receiver();
                Mpsc.UnboundedSender<Stopped> doneTx = done.sender()) {
            for (int i = 1; i <= workers; i++) {
                String name = "worker-" + i;
                Watch.Receiver<Boolean> stop = shutdownRx.duplicate();
                Mpsc.UnboundedSender<Stopped> stopped = doneTx.duplicate();
                new Thread(() -> work(name, stop, stopped), name).start();
            }
            try {
                Thread.sleep(runFor.toMillis()); // serving; a real server would wait for Ctrl-C here
            } finally {
                System.out.println("main: shutting down");
                shutdownTx.send(true);
            }
        } // main's handles are closed: now only the workers' senders keep `done` open

        List<Stopped> stopped = new ArrayList<>();
        for (Stopped s; (s = done.receiver().recv()) != null; ) { // null: every worker has closed its sender
            stopped.add(s);
        }
        return stopped;
    }

    /** A worker: handles items until shutdown is signalled, always finishing the item in hand. */
    static void work(String name, Watch.Receiver<Boolean> stop, Mpsc.UnboundedSender<Stopped> done) {
        try (stop; done) { // closed even if the work fails, so main never waits forever
            int handled = 0;
            while (!stop.borrow()) { // checked between items only
                handleItem();
                handled++;
            }
            System.out.println(name + ": shutdown seen, stopping after " + handled + " item(s)");
            done.send(new Stopped(name, handled));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stands in for the work on one item. */
    private static void handleItem() throws InterruptedException {
        Thread.sleep(20);
    }
}
