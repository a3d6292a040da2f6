package dev.channels;

import dev.channels.internal.OneshotCore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import java.util.concurrent.Executor;

import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A channel for exactly one value, sent once and received once (Tokio's
 * {@code tokio::sync::oneshot}): the reply half of a request sent over an {@link Mpsc} channel.
 *
 * <pre>{@code
 * Oneshot.Channel<String> reply = Oneshot.channel();
 * commands.send(new Get("hello", reply.sender()));   // the server calls sender.send(result)
 * String value = reply.receiver().recv();            // or thenAccept(..): the receiver is a CompletionStage
 * }</pre>
 *
 * <h2>Closing and failure</h2>
 * {@link Sender#send} never waits. It throws {@link ChannelClosedException} carrying the value if
 * the receiver was closed first; otherwise the value belongs to the receiver. Closing the sender
 * without sending ends the channel: the receiver's receive throws {@link ChannelClosedException}.
 * Closing the {@link Receiver} is a half-close: sends from then on fail, and a value sent before
 * the close is still received. A sender is used once: a second send, or a send after its
 * {@code close()}, throws {@link IllegalStateException}. After the value was received, another
 * receive throws {@link IllegalStateException}.
 *
 * <h2>Cost</h2>
 * The channel's state is one object (the receiver) with one reference field: a send is one CAS, a
 * receive that finds the value is one CAS. The sender handle is a small view of it.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it sends the value <i>happen-before</i> the actions that follow its
 * receipt in another thread, whatever form of receive is used. Actions before a close
 * happen-before the other side's observation of that close.
 */
public final class Oneshot {
    private Oneshot() {
    }

    /**
     * Creates a oneshot channel.
     *
     * @param <T> the value type
     * @return the sender and the receiver of the new channel
     */
    public static <T> Channel<T> channel() {
        final Receiver<T> receiver = new Receiver<>();
        return new Channel<>(new Sender<>(receiver), receiver);
    }

    /**
     * The two ends of a new oneshot channel.
     *
     * @param sender the sender
     * @param receiver the receiver
     * @param <T> the value type
     */
    public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {
        /**
         * @throws NullPointerException if {@code sender} or {@code receiver} is null
         */
        public Channel {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
        }
    }

    /**
     * The sending end: sends one value, or is closed without sending. Thread-safe, but it can be
     * used only once.
     *
     * @param <T> the value type
     */
    public static final class Sender<T> implements AutoCloseable {
        private final Receiver<T> channel;

        Sender(Receiver<T> channel) {
            this.channel = channel;
        }

        /**
         * Sends the value; never waits. If this returns normally the value belongs to the receiver:
         * it will be received unless the receiver is abandoned. Afterwards the sender is used up.
         *
         * @param value the value, not null
         * @throws NullPointerException if {@code value} is null (the sender is still usable)
         * @throws ChannelClosedException if the receiver closed first; {@link ChannelClosedException#value()}
         *     is {@code value}, which was not sent
         * @throws IllegalStateException if this sender already sent, failed, or was closed
         */
        public void send(T value) {
            Mpsc.requireValue(value);
            switch (channel.sendValue(value)) {
                case Receiver.OK:
                    return;
                case Receiver.CLOSED_FIRST:
                    throw new ChannelClosedException("the oneshot receiver is closed; the value was not sent", value);
                default:
                    throw new IllegalStateException("this oneshot sender was already used");
            }
        }

        /**
         * Closes the sender without sending (Tokio's drop of an unused sender): the receiver's
         * receive throws {@link ChannelClosedException}. Does nothing after a send. Idempotent.
         */
        @Override
        public void close() {
            channel.closeSender();
        }

        /**
         * Whether the receiver has closed: a send would fail. Once true, stays true.
         *
         * @return whether the receiver is closed
         */
        public boolean isClosed() {
            return channel.receiverClosed();
        }

        /**
         * Waits until the receiver closes: for a computation whose result nobody wants any more.
         *
         * @throws InterruptedException if interrupted while waiting
         */
        public void awaitClosed() throws InterruptedException {
            Signals.await(channel.closedStage());
        }

        /**
         * Waits at most {@code timeout} for the receiver to close.
         *
         * @param timeout how long to wait; zero or negative means do not wait
         * @return whether the receiver closed
         * @throws InterruptedException if interrupted while waiting
         * @throws NullPointerException if {@code timeout} is null
         */
        public boolean awaitClosed(Duration timeout) throws InterruptedException {
            return Signals.await(channel.closedStage(), timeout);
        }

        /**
         * A stage completed when the receiver closes; already complete if it has. Each call returns
         * a new stage, so cancelling it affects no one else. Its continuations run on the closing
         * thread unless an async method is used.
         *
         * @return a stage completed when the receiver closes
         */
        public CompletionStage<Void> closed() {
            return channel.closedStage().copy();
        }

        /**
         * @return whether this sender has sent, failed to send, or been closed
         */
        public boolean isUsed() {
            return channel.senderDone();
        }

        @Override
        public String toString() {
            return "Oneshot.Sender[used=" + isUsed() + ", closed=" + isClosed() + "]";
        }
    }

    /**
     * The receiving end. It is also a {@link CompletionStage} of the value: attaching a stage
     * method ({@code thenApply}, {@code thenAccept}, ...) or calling {@link #toCompletableFuture()}
     * starts an asynchronous receive (once; later stage methods attach to the same one), which
     * completes with the value or exceptionally with {@link ChannelClosedException}.
     *
     * <p>A stage method given a null argument throws {@link NullPointerException} naming it, before
     * it starts the receive: the value, if there is one, stays receivable. If the value was already
     * received by another form of receive, the stage completes exceptionally with
     * {@link IllegalStateException}.
     *
     * <p>Receives must not run concurrently: a receive started while another waits throws
     * {@link IllegalStateException}. {@link #close()}, {@link #isEmpty()} and {@link #isTerminated()}
     * may be called from any thread.
     *
     * @param <T> the value type
     */
    // The state lives in the (unexported) core superclass so that a channel is one object; its
    // members are protected or package-private, and this class is final, so users reach none of them.
    @SuppressWarnings("exports")
    public static final class Receiver<T> extends OneshotCore<T> implements CompletionStage<T>, AutoCloseable {
        static final int OK = SEND_OK;
        static final int CLOSED_FIRST = SEND_CLOSED;

        /** Placeholder while one thread starts the stage's receive. */
        private static final CompletableFuture<Object> STARTING = new CompletableFuture<>();

        /** The receive started by the stage methods; created once. */
        private volatile CompletableFuture<T> stage;

        Receiver() {
        }

        int sendValue(T value) {
            return trySend(value);
        }

        void closeSender() {
            dropSender();
        }

        boolean receiverClosed() {
            return isReceiverClosed();
        }

        boolean senderDone() {
            return isSenderDone();
        }

        CompletableFuture<Void> closedStage() {
            return closedFuture();
        }

        /** For a select's oneshot clause: throws if the value was already received. */
        void ensureNotReceived() {
            if (isTaken()) {
                throw alreadyTaken();
            }
        }

        private static ChannelClosedException closedWithoutValue() {
            return new ChannelClosedException("the oneshot channel closed without a value");
        }

        private T result(Object r) {
            if (r == CLOSED_NO_VALUE) {
                throw closedWithoutValue();
            }
            if (r == ALREADY_TAKEN) {
                throw alreadyTaken();
            }
            @SuppressWarnings("unchecked")
            final T v = (T) r;
            return v;
        }

        /**
         * Waits for the value and takes it. Spins briefly before parking.
         *
         * @return the value
         * @throws InterruptedException if interrupted while waiting; nothing was taken
         * @throws ChannelClosedException if the sender closed without sending, or this receiver was
         *     closed, before a value came
         * @throws IllegalStateException if the value was already received, or another receive is waiting
         */
        public T recv() throws InterruptedException {
            return result(recv(false, 0L));
        }

        /**
         * Waits at most {@code timeout} for the value and takes it.
         *
         * @param timeout how long to wait; zero or negative means do not wait
         * @return the value
         * @throws InterruptedException if interrupted while waiting; nothing was taken
         * @throws TimeoutException if no value came in time; nothing was taken, the receiver is still usable
         * @throws ChannelClosedException if the channel closed without a value
         * @throws IllegalStateException if the value was already received, or another receive is waiting
         * @throws NullPointerException if {@code timeout} is null (nothing was taken)
         */
        public T recv(Duration timeout) throws InterruptedException, TimeoutException {
            final Object r = recv(true, Timeouts.nanos(timeout));
            if (r == TIMED_OUT) {
                throw new TimeoutException("no oneshot value within " + timeout);
            }
            return result(r);
        }

        /**
         * Takes the value if it is there. Never waits, allocates nothing.
         *
         * @return the value, or null if nothing was sent yet
         * @throws ChannelClosedException if the channel closed without a value
         * @throws IllegalStateException if the value was already received, or another receive is waiting
         */
        public T tryRecv() {
            final Object r = poll();
            return r == NOTHING ? null : result(r);
        }

        /**
         * Receives asynchronously: the future completes with the value, or exceptionally with
         * {@link ChannelClosedException}. If cancelling it returns true, nothing was taken and the
         * receiver can receive again. Continuations of a receive that had to wait run on the
         * thread that sent (or closed).
         *
         * @return a future of the value
         * @throws IllegalStateException if the value was already received, or another receive is waiting
         */
        public CompletableFuture<T> recvAsync() {
            return recvAsync(null, Receiver::closedWithoutValue);
        }

        /**
         * As {@link #recvAsync()}, with the completion run on {@code executor} when the receive had
         * to wait.
         *
         * @param executor where the future is completed; null for the completing thread
         * @return a future of the value
         * @throws IllegalStateException if the value was already received, or another receive is waiting
         */
        public CompletableFuture<T> recvAsync(Executor executor) {
            return recvAsync(executor, Receiver::closedWithoutValue);
        }

        /**
         * Half-closes the channel: a later send fails and hands its value back, and
         * {@link Sender#closed()} completes. A value sent before the close is still received.
         * May be called from any thread. Idempotent.
         */
        @Override
        public void close() {
            closeReceiver();
        }

        /**
         * @return whether no value is waiting to be received: nothing sent yet, the value already
         *     received, or the channel closed without one
         */
        public boolean isEmpty() {
            return !hasValue();
        }

        /**
         * @return whether the value was received (by any form of receive, including the stage)
         */
        public boolean isTerminated() {
            return isTaken();
        }

        /**
         * The receive behind the stage methods: started by the first of them, shared by all.
         */
        private CompletableFuture<T> stage() {
            for (;;) {
                final CompletableFuture<T> s = stage;
                if (s != null && s != STARTING) {
                    return s;
                }
                if (s == null && STAGE.compareAndSet(this, null, STARTING)) {
                    CompletableFuture<T> started;
                    try {
                        started = recvAsync();
                    } catch (Throwable e) { // even an Error: never leave STARTING behind
                        started = CompletableFuture.failedFuture(e);
                    }
                    stage = started; // volatile store: publishes the receive to the other stage methods
                    return started;
                }
                Thread.yield(); // another thread is starting the receive: a few instructions
            }
        }

        /** The stage, once {@code a} is checked: a call rejected for a null argument starts no receive. */
        private CompletableFuture<T> stage(Object a, String aName) {
            Objects.requireNonNull(a, aName);
            return stage();
        }

        private CompletableFuture<T> stage(Object a, String aName, Object b, String bName) {
            Objects.requireNonNull(a, aName);
            Objects.requireNonNull(b, bName);
            return stage();
        }

        private CompletableFuture<T> stage(Object a, String aName, Object b, String bName, Object c, String cName) {
            Objects.requireNonNull(a, aName);
            Objects.requireNonNull(b, bName);
            Objects.requireNonNull(c, cName);
            return stage();
        }

        /**
         * Starts the receive behind this stage (if not started yet) and returns its future.
         * Cancelling that future withdraws the receive, as for {@link #recvAsync()}.
         */
        @Override
        public CompletableFuture<T> toCompletableFuture() {
            return stage();
        }

        @Override
        public <U> CompletionStage<U> thenApply(Function<? super T, ? extends U> fn) {
            return stage(fn, "fn").thenApply(fn);
        }

        @Override
        public <U> CompletionStage<U> thenApplyAsync(Function<? super T, ? extends U> fn) {
            return stage(fn, "fn").thenApplyAsync(fn);
        }

        @Override
        public <U> CompletionStage<U> thenApplyAsync(Function<? super T, ? extends U> fn, Executor executor) {
            return stage(fn, "fn", executor, "executor").thenApplyAsync(fn, executor);
        }

        @Override
        public CompletionStage<Void> thenAccept(Consumer<? super T> action) {
            return stage(action, "action").thenAccept(action);
        }

        @Override
        public CompletionStage<Void> thenAcceptAsync(Consumer<? super T> action) {
            return stage(action, "action").thenAcceptAsync(action);
        }

        @Override
        public CompletionStage<Void> thenAcceptAsync(Consumer<? super T> action, Executor executor) {
            return stage(action, "action", executor, "executor").thenAcceptAsync(action, executor);
        }

        @Override
        public CompletionStage<Void> thenRun(Runnable action) {
            return stage(action, "action").thenRun(action);
        }

        @Override
        public CompletionStage<Void> thenRunAsync(Runnable action) {
            return stage(action, "action").thenRunAsync(action);
        }

        @Override
        public CompletionStage<Void> thenRunAsync(Runnable action, Executor executor) {
            return stage(action, "action", executor, "executor").thenRunAsync(action, executor);
        }

        @Override
        public <U, V> CompletionStage<V> thenCombine(CompletionStage<? extends U> other,
                BiFunction<? super T, ? super U, ? extends V> fn) {
            return stage(other, "other", fn, "fn").thenCombine(other, fn);
        }

        @Override
        public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> other,
                BiFunction<? super T, ? super U, ? extends V> fn) {
            return stage(other, "other", fn, "fn").thenCombineAsync(other, fn);
        }

        @Override
        public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> other,
                BiFunction<? super T, ? super U, ? extends V> fn, Executor executor) {
            return stage(other, "other", fn, "fn", executor, "executor").thenCombineAsync(other, fn, executor);
        }

        @Override
        public <U> CompletionStage<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                BiConsumer<? super T, ? super U> action) {
            return stage(other, "other", action, "action").thenAcceptBoth(other, action);
        }

        @Override
        public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
                BiConsumer<? super T, ? super U> action) {
            return stage(other, "other", action, "action").thenAcceptBothAsync(other, action);
        }

        @Override
        public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
                BiConsumer<? super T, ? super U> action, Executor executor) {
            return stage(other, "other", action, "action", executor, "executor")
                    .thenAcceptBothAsync(other, action, executor);
        }

        @Override
        public CompletionStage<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
            return stage(other, "other", action, "action").runAfterBoth(other, action);
        }

        @Override
        public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
            return stage(other, "other", action, "action").runAfterBothAsync(other, action);
        }

        @Override
        public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action, Executor executor) {
            return stage(other, "other", action, "action", executor, "executor")
                    .runAfterBothAsync(other, action, executor);
        }

        @Override
        public <U> CompletionStage<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
            return stage(other, "other", fn, "fn").applyToEither(other, fn);
        }

        @Override
        public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn) {
            return stage(other, "other", fn, "fn").applyToEitherAsync(other, fn);
        }

        @Override
        public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn,
                Executor executor) {
            return stage(other, "other", fn, "fn", executor, "executor").applyToEitherAsync(other, fn, executor);
        }

        @Override
        public CompletionStage<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
            return stage(other, "other", action, "action").acceptEither(other, action);
        }

        @Override
        public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action) {
            return stage(other, "other", action, "action").acceptEitherAsync(other, action);
        }

        @Override
        public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action,
                Executor executor) {
            return stage(other, "other", action, "action", executor, "executor")
                    .acceptEitherAsync(other, action, executor);
        }

        @Override
        public CompletionStage<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
            return stage(other, "other", action, "action").runAfterEither(other, action);
        }

        @Override
        public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
            return stage(other, "other", action, "action").runAfterEitherAsync(other, action);
        }

        @Override
        public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action, Executor executor) {
            return stage(other, "other", action, "action", executor, "executor")
                    .runAfterEitherAsync(other, action, executor);
        }

        @Override
        public <U> CompletionStage<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
            return stage(fn, "fn").thenCompose(fn);
        }

        @Override
        public <U> CompletionStage<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
            return stage(fn, "fn").thenComposeAsync(fn);
        }

        @Override
        public <U> CompletionStage<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn,
                Executor executor) {
            return stage(fn, "fn", executor, "executor").thenComposeAsync(fn, executor);
        }

        @Override
        public <U> CompletionStage<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
            return stage(fn, "fn").handle(fn);
        }

        @Override
        public <U> CompletionStage<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
            return stage(fn, "fn").handleAsync(fn);
        }

        @Override
        public <U> CompletionStage<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
            return stage(fn, "fn", executor, "executor").handleAsync(fn, executor);
        }

        @Override
        public CompletionStage<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
            return stage(action, "action").whenComplete(action);
        }

        @Override
        public CompletionStage<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
            return stage(action, "action").whenCompleteAsync(action);
        }

        @Override
        public CompletionStage<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor executor) {
            return stage(action, "action", executor, "executor").whenCompleteAsync(action, executor);
        }

        @Override
        public CompletionStage<T> exceptionally(Function<Throwable, ? extends T> fn) {
            return stage(fn, "fn").exceptionally(fn);
        }

        // CompletionStage's default methods of Java 12, overridden so that a null argument is
        // rejected at the call, before the receive starts, as by the methods above.

        @Override
        public CompletionStage<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) {
            return stage(fn, "fn").exceptionallyAsync(fn);
        }

        @Override
        public CompletionStage<T> exceptionallyAsync(Function<Throwable, ? extends T> fn, Executor executor) {
            return stage(fn, "fn", executor, "executor").exceptionallyAsync(fn, executor);
        }

        @Override
        public CompletionStage<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
            return stage(fn, "fn").exceptionallyCompose(fn);
        }

        @Override
        public CompletionStage<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
            return stage(fn, "fn").exceptionallyComposeAsync(fn);
        }

        @Override
        public CompletionStage<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
                Executor executor) {
            return stage(fn, "fn", executor, "executor").exceptionallyComposeAsync(fn, executor);
        }

        private static final VarHandle STAGE;

        static {
            try {
                STAGE = MethodHandles.lookup().findVarHandle(Receiver.class, "stage", CompletableFuture.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @Override
        public String toString() {
            return "Oneshot.Receiver[" + (isTerminated() ? "received" : isEmpty() ? "empty" : "value ready") + "]";
        }
    }

}
