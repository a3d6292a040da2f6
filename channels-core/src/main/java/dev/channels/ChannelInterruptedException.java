package dev.channels;

/**
 * Unchecked stand-in for {@link InterruptedException} where an interface forbids the checked one:
 * the {@link java.util.Iterator} and {@link java.util.stream.Stream} views of a receiver. When it is
 * thrown the thread's interrupt status has been set again, and no message was taken.
 */
public class ChannelInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param cause the interruption
     */
    public ChannelInterruptedException(InterruptedException cause) {
        super("interrupted while waiting to receive", cause);
    }
}
