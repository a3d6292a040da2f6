package dev.channels;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Book-keeping for the mpsc race tests: every value sent is a distinct {@link Msg} object that
 * records what became of it, so that a round can prove that each value ended up in exactly one
 * place: received once, or handed back to its sender once.
 */
final class MpscRaceAccounting {
    /** The sender id of values sent from continuations ("relays"); their order is not checked. */
    static final int RELAY = -1;
    /** The sender id of the end-of-round marker. */
    static final int SENTINEL = -2;

    static final int UNRESOLVED = 0;
    static final int SENT = 1;
    static final int BACK = 2;

    private MpscRaceAccounting() {
    }

    /** One value. Identity matters: a handed-back value must be this very object. */
    static final class Msg {
        final int sender;
        final int seq;
        /** UNRESOLVED, SENT or BACK, set once by whoever learns the outcome of the send. */
        final AtomicInteger fate = new AtomicInteger(UNRESOLVED);
        /** How the fate was learnt, for failure messages. */
        volatile String how = "";
        /** How many times the receiver got it. */
        final AtomicInteger received = new AtomicInteger();

        Msg(int sender, int seq) {
            this.sender = sender;
            this.seq = seq;
        }

        @Override
        public String toString() {
            return (sender == RELAY ? "relay" : sender == SENTINEL ? "sentinel" : "s" + sender) + "#" + seq;
        }
    }

    /** All values of one round, and every inconsistency seen while it ran. */
    static final class Ledger {
        private final ConcurrentLinkedQueue<Msg> all = new ConcurrentLinkedQueue<>();
        private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger relaySeq = new AtomicInteger();

        Msg newMsg(int sender, int seq) {
            final Msg m = new Msg(sender, seq);
            all.add(m);
            return m;
        }

        Msg newRelay() {
            return newMsg(RELAY, relaySeq.getAndIncrement());
        }

        void error(String message) {
            errors.add(message + " [on " + Thread.currentThread().getName() + "]");
        }

        boolean hasErrors() {
            return !errors.isEmpty();
        }

        /** The send of {@code m} took effect. */
        void sent(Msg m, String how) {
            resolve(m, SENT, how);
        }

        /** The send of {@code m} did not take effect; the sender still has the value. */
        void back(Msg m, String how) {
            resolve(m, BACK, how);
        }

        /** The send of {@code m} failed with {@code e}, which must carry {@code m} itself. */
        void back(Msg m, ChannelClosedException e, String how) {
            if (e.value() != m) {
                error("value handed back by " + how + " is " + e.value() + ", not the value sent " + m);
            }
            resolve(m, BACK, how + " (closed)");
        }

        private void resolve(Msg m, int fate, String how) {
            if (!m.fate.compareAndSet(UNRESOLVED, fate)) {
                error(m + " resolved twice: first " + m.how + ", then " + how);
                return;
            }
            m.how = how;
        }

        /** The receiver got {@code m}. */
        void received(Msg m) {
            if (m.received.incrementAndGet() != 1) {
                error(m + " received " + m.received.get() + " times");
            }
        }

        /**
         * The end-of-round check: every value is resolved, and received exactly once if it was
         * sent, never if it was handed back. Returns the problems, at most {@code max}.
         */
        List<String> verify(int max) {
            final List<String> problems = new ArrayList<>(errors);
            for (Msg m : all) {
                final int fate = m.fate.get();
                final int received = m.received.get();
                if (fate == UNRESOLVED) {
                    problems.add(m + " was never resolved (neither sent nor handed back); received " + received + " times");
                } else if (fate == SENT && received != 1) {
                    problems.add(m + " was sent (" + m.how + ") but received " + received + " times");
                } else if (fate == BACK && received != 0) {
                    problems.add(m + " was handed back (" + m.how + ") but also received " + received + " times");
                }
                if (problems.size() >= max) {
                    break;
                }
            }
            return problems;
        }

        int size() {
            return all.size();
        }

        /** Adds how each value ended, by kind, to {@code stats}. */
        void tally(java.util.Map<String, Integer> stats) {
            for (Msg m : all) {
                final String key = (m.fate.get() == SENT ? "sent: " : "back: ") + m.how.replaceAll(" \\(.*", "");
                stats.merge(key, 1, Integer::sum);
            }
            stats.merge("values", all.size(), Integer::sum);
        }
    }

    /** Checks that each sender's values arrive in the order it sent them. Receiver thread only. */
    static final class OrderCheck {
        private final int[] last;

        OrderCheck(int senders) {
            last = new int[senders];
            java.util.Arrays.fill(last, -1);
        }

        void check(Msg m, Ledger ledger) {
            if (m.sender < 0) {
                return;
            }
            if (m.seq <= last[m.sender]) {
                ledger.error("per-sender order broken: " + m + " received after s" + m.sender + "#" + last[m.sender]);
            }
            last[m.sender] = m.seq;
        }
    }

    // ------------------------------------------------------------------ threads

    private static final Method OF_VIRTUAL;
    private static final Method UNSTARTED;

    static {
        Method ofVirtual = null;
        Method unstarted = null;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
            unstarted = Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class);
        } catch (ReflectiveOperationException notOnThisJdk) {
            ofVirtual = null;
        }
        OF_VIRTUAL = ofVirtual;
        UNSTARTED = unstarted;
    }

    static boolean virtualThreadsAvailable() {
        return OF_VIRTUAL != null;
    }

    /** A new unstarted thread: virtual if asked and available, else a daemon platform thread. */
    static Thread newThread(String name, boolean virtual, Runnable body) {
        if (virtual && OF_VIRTUAL != null) {
            try {
                final Thread t = (Thread) UNSTARTED.invoke(OF_VIRTUAL.invoke(null), body);
                t.setName(name);
                return t;
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("cannot create a virtual thread", e);
            }
        }
        final Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Waits, without regard to interrupts, until {@code f} is done; returns false if the hang
     * guard passed first. An interrupt seen meanwhile is kept pending.
     */
    static boolean awaitDone(CompletableFuture<?> f, long guardNanos) {
        final long deadline = System.nanoTime() + guardNanos;
        boolean interrupted = false;
        while (!f.isDone()) {
            if (System.nanoTime() - deadline > 0) {
                break;
            }
            LockSupport.parkNanos(f, 20_000L);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return f.isDone();
    }

    /** The cause of a failed future, unwrapped. */
    static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.getNow(null);
            return null;
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        }
    }

    /** Joins {@code threads}; false if one is still running after the guard. */
    static boolean joinAll(List<Thread> threads, long guardNanos) throws InterruptedException {
        final long deadline = System.nanoTime() + guardNanos;
        for (Thread t : threads) {
            final long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** The stacks of the given threads, for a hang report. */
    static String stacks(List<Thread> threads) {
        final StringBuilder sb = new StringBuilder();
        final Map<Thread, StackTraceElement[]> traces = Thread.getAllStackTraces();
        for (Thread t : threads) {
            sb.append('\n').append(t.getName()).append(" (").append(t.getState()).append(')');
            StackTraceElement[] trace = traces.get(t);
            if (trace == null) {
                trace = t.getStackTrace();
            }
            for (StackTraceElement e : trace) {
                sb.append("\n    at ").append(e);
            }
        }
        return sb.toString();
    }

    /** Gets a future's value or fails with the cause (for the simple deterministic tests). */
    static <T> T get(CompletableFuture<T> f, long seconds) throws Exception {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new AssertionError(cause);
        }
    }
}
