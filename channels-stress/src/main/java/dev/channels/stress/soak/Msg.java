package dev.channels.stress.soak;

/**
 * A message of the soak: the sender that made it and its place in that sender's sequence. Every
 * message is a distinct object, so that a value handed back by a failed send can be checked to be
 * the very object offered.
 */
final class Msg {
    final int sender;
    final int seq;

    Msg(int sender, int seq) {
        this.sender = sender;
        this.seq = seq;
    }

    @Override
    public String toString() {
        return sender + ":" + seq;
    }
}
