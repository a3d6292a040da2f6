package dev.channels.examples;

import dev.channels.Mpsc;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The seeds' main use case in Java: one task owns a resource (here a key-value store standing in
 * for a connection) and serves the requests that other tasks send to it over an mpsc channel.
 * Nobody else touches the store, so it needs no lock; the channel is the queue of work and
 * applies back-pressure when the manager falls behind.
 *
 * <p>Run it with {@code java -cp channels-bench/target/benchmarks.jar dev.channels.examples.ClientManager}.
 */
public final class ClientManager {
    /** A request to the manager. The reply travels back on a future the requester holds. */
    sealed interface Command permits Get, Set {
    }

    record Get(String key, CompletableFuture<String> reply) implements Command {
    }

    record Set(String key, String value, CompletableFuture<Void> reply) implements Command {
    }

    private ClientManager() {
    }

    public static void main(String[] args) throws Exception {
        final Mpsc.Channel<Command> channel = Mpsc.bounded(32);
        final Mpsc.Receiver<Command> rx = channel.receiver();

        // The manager owns the store and serves commands until every sender is closed.
        final Thread manager = new Thread(() -> {
            final Map<String, String> store = new HashMap<>();
            for (Command cmd : rx) {
                if (cmd instanceof Get get) {
                    get.reply().complete(store.get(get.key()));
                } else if (cmd instanceof Set set) {
                    store.put(set.key(), set.value());
                    set.reply().complete(null);
                }
            }
            System.out.println("manager: all senders closed, " + store.size() + " keys stored");
        }, "manager");
        manager.start();

        // Two tasks, each with its own sender handle.
        try (Mpsc.Sender<Command> tx = channel.sender(); Mpsc.Sender<Command> tx2 = tx.duplicate()) {
            final Thread setter = new Thread(() -> {
                try {
                    final CompletableFuture<Void> done = new CompletableFuture<>();
                    tx2.send(new Set("foo", "bar", done));
                    done.join();
                    System.out.println("setter: foo = bar");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "setter");
            setter.start();
            setter.join();

            final CompletableFuture<String> reply = new CompletableFuture<>();
            tx.send(new Get("foo", reply));
            System.out.println("getter: foo -> " + reply.join());
        } // closing the last sender ends the manager's loop once it has drained the channel
        manager.join();
    }
}
