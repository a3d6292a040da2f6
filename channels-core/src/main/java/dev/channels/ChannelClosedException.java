package dev.channels;

/**
 * The channel is closed for this operation. Thrown by a send when the receiver has closed or no
 * receiver is left (the value that was not sent is handed back in {@link #value()}), by a receive
 * that can report the end of a channel no other way (an mpsc or broadcast {@code tryRecv} once
 * closed and drained, a oneshot receive of a channel closed without a value, a watch
 * {@code hasChanged} or {@code waitFor} after every sender closed), and by a reservation on a
 * closed channel.
 *
 * <p>This is a run-time state of the channel, not a programming error; using a handle after
 * closing that handle is a programming error and throws {@link IllegalStateException} instead.
 */
public class ChannelClosedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The value handed back; transient: a value need not be serializable. */
    private final transient Object value;

    /**
     * @param message what was closed, for the reader of a stack trace
     */
    public ChannelClosedException(String message) {
        this(message, null);
    }

    /**
     * @param message what was closed, for the reader of a stack trace
     * @param value the value that was not sent, handed back to the caller; may be null
     */
    public ChannelClosedException(String message, Object value) {
        super(message);
        this.value = value;
    }

    /**
     * The value that the failed operation did not send, or null if it carried none (a receive, a
     * reservation).
     *
     * @param <V> the message type of the channel; the cast is unchecked
     * @return the value handed back, or null
     */
    @SuppressWarnings("unchecked")
    public <V> V value() {
        return (V) value;
    }

    /**
     * @return whether this exception hands a value back
     */
    public boolean hasValue() {
        return value != null;
    }
}
