package dev.channels;

/**
 * The outcome of a non-blocking send. A value that was not sent is still the caller's: nothing
 * was taken from it.
 */
public enum TrySendResult {
    /** The value is in the channel. */
    SENT,
    /** No capacity now (or it is promised to senders already waiting); the value was not sent. */
    FULL,
    /** The receiver has closed; the value was not sent, and no later send will succeed. */
    CLOSED;

    /**
     * @return whether the value was sent
     */
    public boolean isSent() {
        return this == SENT;
    }
}
