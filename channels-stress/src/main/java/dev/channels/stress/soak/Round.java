package dev.channels.stress.soak;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One round of one scenario: its seed, its production window, its worker threads, the chaos thread
 * that injects interrupts and runs the scenario's timed actions (closes), and the violations found.
 *
 * <p>Randomness: every worker gets its own {@link SplittableRandom}, split in creation order from
 * the round's seed, which is derived from the master seed and the round number. The decisions of a
 * round (parameters, operation mix, when to close, whom to interrupt) are therefore reproduced by
 * the seed; the thread interleaving is not, so a failure may need a few repetitions of its round
 * ({@code --seed S --round K}).
 */
final class Round {
    /** A worker's body; anything it throws is a violation. */
    @FunctionalInterface
    interface Body {
        void run(SplittableRandom rnd) throws Exception;
    }

    private static final int MAX_VIOLATIONS = 20;

    final int number;
    final long seed;
    final Stats stats;
    final Faults faults;
    /** For the async forms that take an executor. Its threads are never interrupted. */
    final Executor executor;
    final boolean virtual;
    final long startNanos;
    /** Producers stop starting new sends at this System.nanoTime(). */
    final long produceUntil;
    final long windowNanos;

    private final SplittableRandom setup;
    private final StringBuilder params = new StringBuilder();
    private final List<Thread> workers = new ArrayList<>();
    private final List<Thread> targets = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger violationCount = new AtomicInteger();
    private final List<Action> actions = new ArrayList<>();
    /** Mean gap between injected interrupts, 0 for none. */
    private final long interruptGapNanos;
    private volatile boolean stopChaos;
    private Thread chaos;

    private static final class Action {
        final long at;
        final String what;
        final Runnable body;
        boolean done;

        Action(long at, String what, Runnable body) {
            this.at = at;
            this.what = what;
            this.body = body;
        }
    }

    Round(int number, long seed, Stats stats, Faults faults, Executor executor, boolean virtual, long windowNanos) {
        this.number = number;
        this.seed = seed;
        this.stats = stats;
        this.faults = faults;
        this.executor = executor;
        this.virtual = virtual;
        this.setup = new SplittableRandom(seed);
        final int chaosKind = setup.nextInt(20);
        this.interruptGapNanos = chaosKind < 5 ? 0L : chaosKind < 13 ? 2_000_000L : 200_000L;
        describe("interrupts", interruptGapNanos == 0 ? "none" : "every~" + interruptGapNanos / 1000 + "us");
        describe("threads", virtual ? "virtual" : "platform");
        this.windowNanos = windowNanos;
        this.startNanos = System.nanoTime();
        this.produceUntil = startNanos + windowNanos;
    }

    /** The round's own random source (parameters); workers get their own. */
    SplittableRandom random() {
        return setup;
    }

    void describe(String key, Object value) {
        if (params.length() > 0) {
            params.append(' ');
        }
        params.append(key).append('=').append(value);
    }

    String params() {
        return params.toString();
    }

    /** Starts a worker; {@code interruptible} workers are the chaos thread's targets. */
    Thread start(String name, boolean interruptible, Body body) {
        final SplittableRandom rnd = setup.split();
        final String threadName = "soak-" + stats.scenario + "-r" + number + "-" + name;
        final Thread t = Threads.create(threadName, () -> {
            try {
                body.run(rnd);
            } catch (Throwable e) {
                violation("worker " + name + " threw " + stackTrace(e));
            } finally {
                Thread.interrupted(); // an interrupt aimed at a finished worker dies with it
            }
        }, virtual);
        workers.add(t);
        if (interruptible) {
            targets.add(t);
        }
        t.start();
        return t;
    }

    /** Runs {@code body} on the chaos thread once {@code fraction} of the production window has passed (or at the end, at the latest). */
    void at(double fraction, String what, Runnable body) {
        actions.add(new Action(startNanos + (long) (fraction * windowNanos), what, body));
    }

    /** Whether producers may start another send: inside the window, and nothing has failed yet. */
    boolean producing() {
        return System.nanoTime() - produceUntil < 0L && violationCount.get() == 0;
    }

    void violation(String message) {
        if (violationCount.incrementAndGet() <= MAX_VIOLATIONS) {
            violations.add(message);
        }
    }

    boolean failed() {
        return violationCount.get() > 0;
    }

    List<String> violations() {
        final List<String> v = new ArrayList<>(violations);
        final int more = violationCount.get() - v.size();
        if (more > 0) {
            v.add("... and " + more + " more");
        }
        return v;
    }

    List<Thread> workers() {
        return workers;
    }

    void startChaos() {
        actions.sort(Comparator.comparingLong(a -> a.at - startNanos));
        final SplittableRandom rnd = setup.split();
        chaos = new Thread(() -> chaosLoop(rnd), "soak-" + stats.scenario + "-r" + number + "-chaos");
        chaos.setDaemon(true);
        chaos.start();
    }

    private void chaosLoop(SplittableRandom rnd) {
        long nextInterrupt = System.nanoTime() + gap(rnd);
        int next = 0;
        while (!stopChaos) {
            final long now = System.nanoTime();
            while (next < actions.size() && now - actions.get(next).at >= 0L) {
                runAction(actions.get(next++));
            }
            if (interruptGapNanos > 0 && now - nextInterrupt >= 0L) {
                nextInterrupt = now + gap(rnd);
                final int n = targets.size();
                if (n > 0) {
                    final Thread t = targets.get(rnd.nextInt(n));
                    final Thread.State s = t.getState();
                    // Mostly threads that are blocked; now and then a running one, whose next
                    // blocking operation then fails at once.
                    if (t.isAlive() && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || rnd.nextInt(4) == 0)) {
                        t.interrupt();
                        stats.interruptsInjected.increment();
                    }
                }
            }
            LockSupport.parkNanos(20_000L);
        }
    }

    private void runAction(Action a) {
        synchronized (a) { // the chaos thread and stopChaos(): once each (no channel operation waits here)
            if (a.done) {
                return;
            }
            a.done = true;
        }
        try {
            a.body.run();
        } catch (Throwable e) {
            violation("action " + a.what + " threw " + stackTrace(e));
        }
    }

    private long gap(SplittableRandom rnd) {
        if (interruptGapNanos == 0) {
            return Long.MAX_VALUE / 4;
        }
        return 1 + (long) (-Math.log(1.0 - rnd.nextDouble()) * interruptGapNanos); // exponential
    }

    /** Waits for every worker until {@code deadline} (System.nanoTime()); false if some are still running. */
    boolean awaitWorkers(long deadline) {
        for (Thread t : workers) {
            for (;;) {
                final long left = deadline - System.nanoTime();
                if (left <= 0L) {
                    return !t.isAlive() && allDone();
                }
                try {
                    t.join(Math.max(1L, TimeUnit.NANOSECONDS.toMillis(left)));
                    if (!t.isAlive()) {
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private boolean allDone() {
        for (Thread t : workers) {
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Stops the chaos thread; actions it did not reach run here, so that each runs exactly once. */
    void stopChaos() {
        stopChaos = true;
        if (chaos != null) {
            try {
                chaos.join(10_000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Action a : actions) {
            runAction(a);
        }
    }

    static String stackTrace(Throwable e) {
        final StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
