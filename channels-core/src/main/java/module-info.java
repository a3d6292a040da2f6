/**
 * Tokio-style channels for the JVM: bounded and unbounded {@link dev.channels.Mpsc mpsc},
 * {@link dev.channels.Oneshot oneshot}, {@link dev.channels.Broadcast broadcast} and
 * {@link dev.channels.Watch watch}, with
 * blocking, non-blocking and {@link java.util.concurrent.CompletionStage} forms of every operation
 * that can wait.
 *
 * <p>Only the package {@code dev.channels} is exported; {@code dev.channels.internal} holds the
 * ring buffers and the waiting layer and is not part of the API.
 */
module dev.channels {
    exports dev.channels;
}
