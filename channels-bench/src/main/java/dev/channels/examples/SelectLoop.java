package dev.channels.examples;

import dev.channels.Mpsc;
import dev.channels.Oneshot;
import dev.channels.Select;

import java.util.ArrayList;
import java.util.List;

/**
 * The select examples of the Tokio tutorial, in Java: a loop that receives from three channels until
 * all of them are closed (no message is lost: the clauses that do not win take nothing), and a race
 * between two oneshot channels.
 */
public final class SelectLoop {
    private SelectLoop() {
    }

    /** Three producers, one loop; returns every message in the order received. */
    static List<String> receiveUntilAllClosed(int messagesPerChannel) throws InterruptedException {
        Mpsc.Channel<String> ch1 = Mpsc.bounded(128);
        Mpsc.Channel<String> ch2 = Mpsc.bounded(128);
        Mpsc.Channel<String> ch3 = Mpsc.bounded(128);
        startProducer("one", ch1.sender(), messagesPerChannel);
        startProducer("two", ch2.sender(), messagesPerChannel);
        startProducer("three", ch3.sender(), messagesPerChannel);

        Select<String> select = Select.<String>builder()
                .recv(ch1.receiver(), msg -> msg)
                .recv(ch2.receiver(), msg -> msg)
                .recv(ch3.receiver(), msg -> msg)
                .ifAllClosed(() -> null) // Tokio's `else => break`: every channel is closed and drained
                .build();
        List<String> received = new ArrayList<>();
        for (String msg; (msg = select.select()) != null; ) {
            System.out.println("Got " + msg);
            received.add(msg);
        }
        System.out.println("All channels have been closed.");
        return received;
    }

    private static void startProducer(String name, Mpsc.Sender<String> tx, int count) {
        new Thread(() -> {
            try (tx) { // closing the only sender ends that channel's stream
                for (int i = 0; i < count; i++) {
                    tx.send(name + " " + i);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "producer-" + name).start();
    }

    /** Two oneshot channels raced: the first value wins, the other receiver is left untouched. */
    static String firstOfTwo() throws InterruptedException {
        Oneshot.Channel<String> one = Oneshot.channel();
        Oneshot.Channel<String> two = Oneshot.channel();
        new Thread(() -> one.sender().send("one")).start();
        new Thread(() -> two.sender().send("two")).start();
        String winner = Select.<String>builder()
                .recv(one.receiver(), val -> "rx1 completed first with " + val)
                .recv(two.receiver(), val -> "rx2 completed first with " + val)
                .build()
                .select();
        System.out.println(winner);
        return winner;
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> received = receiveUntilAllClosed(3);
        if (received.size() != 9) {
            throw new AssertionError("expected 9 messages, got " + received);
        }
        firstOfTwo();
    }
}
