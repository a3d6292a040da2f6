package dev.channels.examples;

import dev.channels.ChannelClosedException;
import dev.channels.Mpsc;
import dev.channels.Oneshot;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The client manager of the Tokio tutorial's "Channels" chapter, in Java. One task owns the
 * connection (here a map stands in for it) and serves the commands that other tasks send it over an
 * mpsc channel. Each command carries the sending half of a oneshot channel, and the manager sends the
 * reply on it. Only the manager touches the connection, so it needs no lock. The bounded channel
 * queues the commands and makes senders wait when the manager falls behind.
 *
 * <p>A command that the manager fails on gets no reply. Its responder is closed unsent, so the
 * requester's receive throws {@link ChannelClosedException} instead of waiting forever. A requester
 * sees the same thing when the manager dies (Tokio's {@code RecvError} when a sender is dropped).
 * Here, a value longer than {@link #MAX_VALUE_LENGTH} makes a SET fail.
 *
 * <p>Run it with {@code java -cp channels-bench/target/benchmarks.jar dev.channels.examples.ClientManager}.
 */
public final class ClientManager {
    /** The longest value the stand-in connection stores; a SET of a longer one fails. */
    static final int MAX_VALUE_LENGTH = 16;

    /** A command for the manager, which answers on {@link #resp()}. */
    sealed interface Command permits Get, Set {
        Oneshot.Sender<Optional<String>> resp();
    }

    /** GET: the reply is the key's value, or empty. */
    record Get(String key, Oneshot.Sender<Optional<String>> resp) implements Command {
    }

    /** SET: the reply is the key's previous value, or empty. */
    record Set(String key, String value, Oneshot.Sender<Optional<String>> resp) implements Command {
    }

    /**
     * What {@link #run()} observed.
     *
     * @param get the reply to the GET, which races with the SET: empty, or {@code bar}
     * @param set the reply to the SET: the previous value, empty
     * @param tooLongAnswered whether the SET of a too long value got a reply (it does not)
     * @param store the connection's contents when the manager stopped
     */
    record Outcome(Optional<String> get, Optional<String> set, boolean tooLongAnswered, Map<String, String> store) {
    }

    private ClientManager() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    /**
     * The manager. It owns the connection and serves commands until every sender is closed and
     * the channel is drained.
     *
     * @param rx the receiving end of the command channel
     * @return the connection's contents at the end
     */
    static Map<String, String> serve(Mpsc.Receiver<Command> rx) {
        Map<String, String> client = new HashMap<>(); // stands in for the connection
        for (Command cmd : rx) {
            try (Oneshot.Sender<Optional<String>> resp = cmd.resp()) { // closed unsent if the command fails
                if (cmd instanceof Get get) {
                    resp.send(Optional.ofNullable(client.get(get.key())));
                } else if (cmd instanceof Set set) {
                    if (set.value().length() > MAX_VALUE_LENGTH) {
                        throw new IllegalArgumentException("value of " + set.key() + " is too long");
                    }
                    resp.send(Optional.ofNullable(client.put(set.key(), set.value())));
                }
            } catch (ChannelClosedException requesterGone) {
                // The requester stopped waiting: ignore it, as the tutorial does (`let _ = resp.send(res)`).
            } catch (RuntimeException e) {
                System.out.println("manager: command failed, no reply: " + e.getMessage());
            }
        }
        System.out.println("manager: every sender closed, " + client + " stored");
        return client;
    }

    /**
     * Starts the manager, sends it a GET and a SET from two tasks and a failing SET from this
     * thread, then closes the senders and waits for the manager to finish.
     *
     * @return what the requesters and the manager observed
     * @throws Exception if a task failed or this thread was interrupted
     */
    static Outcome run() throws Exception {
        ExecutorService tasks = Executors.newCachedThreadPool(); // tokio::spawn
        try {
            Mpsc.Channel<Command> channel = Mpsc.bounded(32);
            Future<Map<String, String>> manager = tasks.submit(() -> serve(channel.receiver()));

            Optional<String> got;
            Optional<String> set;
            boolean answered = true;
            try (Mpsc.Sender<Command> tx = channel.sender()) {
                // t1 sends GET from its own thread and blocks in recv() until the reply comes.
                Mpsc.Sender<Command> tx1 = tx.duplicate();
                Future<Optional<String>> t1 = tasks.submit(() -> {
                    try (tx1) {
                        Oneshot.Channel<Optional<String>> resp = Oneshot.channel();
                        tx1.send(new Get("foo", resp.sender()));
                        Optional<String> res = resp.receiver().recv();
                        System.out.println("t1: GOT (Get) = " + res);
                        return res;
                    }
                });

                // t2 sends SET and does not block for the reply: the reply's receiver is a CompletionStage.
                // A continuation attached before the reply comes runs on the manager's thread: keep it short.
                Oneshot.Channel<Optional<String>> resp = Oneshot.channel();
                tx.send(new Set("foo", "bar", resp.sender()));
                Oneshot.Receiver<Optional<String>> t2 = resp.receiver();
                t2.thenAccept(res -> System.out.println("t2: GOT (Set) = " + res));

                got = t1.get(); // wait for both requests
                set = t2.toCompletableFuture().join();

                // The manager fails this command and closes its responder without sending.
                Oneshot.Channel<Optional<String>> tooLong = Oneshot.channel();
                tx.send(new Set("big", "x".repeat(MAX_VALUE_LENGTH + 1), tooLong.sender()));
                try {
                    tooLong.receiver().recv();
                } catch (ChannelClosedException noReply) {
                    System.out.println("main: no reply to the SET of big: " + noReply.getMessage());
                    answered = false;
                }
            } // the last sender is closed: the manager drains the channel and returns
            return new Outcome(got, set, answered, manager.get());
        } finally {
            tasks.shutdown();
        }
    }
}
