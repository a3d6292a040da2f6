package dev.channels.stress.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak test of the channels: rounds of the scenarios ({@link MpscScenario bounded and
 * unbounded mpsc}, {@link OneshotScenario oneshot}, {@link BroadcastScenario broadcast},
 * {@link WatchScenario watch}, {@link SelectScenario select}) in rotation for a given duration,
 * each round with its own seed-derived parameters, many producers and consumers, and random
 * interrupts, timeouts, cancellations and closes; an exact accounting per round; a watchdog that
 * fails a round that does not end; then the {@link LeakCheck waiter-leak check}.
 *
 * <pre>
 * java -cp channels-stress/target/jcstress.jar dev.channels.stress.soak.Soak --duration 60s [--seed N] [--report file]
 * </pre>
 * Exit code 0 only if every check passed; 1 on a violation; 2 on a hang; 3 on a bad command line.
 * A failure prints the master seed and the round: {@code --seed S --round K} repeats that round's
 * scenario with the same parameters and the same random decisions (not the same interleaving).
 */
public final class Soak {
    static final List<String> SCENARIO_NAMES =
            List.of("mpsc-bounded", "mpsc-unbounded", "oneshot", "broadcast", "watch", "select");

    private Soak() {
    }

    /** What a run found. */
    static final class Result {
        final boolean passed;
        final int exitCode;
        final String summary;
        final String markdown;
        final List<String> failures;

        Result(boolean passed, int exitCode, String summary, String markdown, List<String> failures) {
            this.passed = passed;
            this.exitCode = exitCode;
            this.summary = summary;
            this.markdown = markdown;
            this.failures = failures;
        }
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help")) {
            System.out.println(Options.USAGE);
            return;
        }
        final Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(3);
            return;
        }
        final Result r = run(o, System.out, true);
        System.out.flush();
        System.exit(r.exitCode);
    }

    private static Scenario scenario(String name) {
        switch (name) {
            case "mpsc-bounded": return new MpscScenario(true);
            case "mpsc-unbounded": return new MpscScenario(false);
            case "oneshot": return new OneshotScenario();
            case "broadcast": return new BroadcastScenario();
            case "watch": return new WatchScenario();
            case "select": return new SelectScenario();
            default: throw new IllegalArgumentException(name);
        }
    }

    /** Mixes the master seed and a round number into the round's seed. */
    static long roundSeed(long seed, int round) {
        long z = seed + 0x9E3779B97F4A7C15L * (round + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The backstop: if the driver itself stops making progress (outside a round), dump and (from main) halt. */
    private static final class Backstop extends Thread {
        volatile long deadline = Long.MAX_VALUE;
        volatile String phase = "start";
        volatile boolean stop;
        private final PrintStream out;
        private final boolean halt;

        Backstop(PrintStream out, boolean halt) {
            super("soak-backstop");
            this.out = out;
            this.halt = halt;
            setDaemon(true);
        }

        void arm(String what, long seconds) {
            phase = what;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        }

        @Override
        public void run() {
            while (!stop) {
                LockSupport.parkNanos(200_000_000L);
                if (System.nanoTime() - deadline > 0L) {
                    out.println("soak: WATCHDOG: " + phase + " did not finish in time; thread dump:");
                    out.println(Threads.dump(List.of()));
                    out.flush();
                    if (halt) {
                        Runtime.getRuntime().halt(2);
                    }
                    deadline = Long.MAX_VALUE;
                }
            }
        }
    }

    static Result run(Options o, PrintStream out, boolean fromMain) {
        final long t0 = System.nanoTime();
        final List<String> names = o.only.isEmpty() ? SCENARIO_NAMES : o.only;
        final List<Scenario> scenarios = new ArrayList<>();
        final Map<String, Stats> stats = new LinkedHashMap<>();
        for (String n : names) {
            scenarios.add(scenario(n));
            stats.put(n, new Stats(n));
        }
        final String jdk = System.getProperty("java.vm.name") + " " + Runtime.version();
        out.printf("soak: seed 0x%016x (%s), duration %s, JDK %s, %d cores, threads %s%s%n", o.seed,
                o.seedGiven ? "given" : "random", o.duration, jdk, Runtime.getRuntime().availableProcessors(), o.threads,
                o.inject == Options.Inject.NONE ? "" : ", SELF-TEST inject=" + o.inject.name().toLowerCase(Locale.ROOT));
        out.printf("soak: reproduce with --seed 0x%016x%n", o.seed);
        final Faults faults = new Faults(o.inject);
        final AtomicInteger executorThreads = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(2, task -> {
            final Thread t = new Thread(task, "soak-executor-" + executorThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // The executor of the async forms: it rejects one task in eight, after which the library
        // must complete the operation on the completing thread rather than drop its result.
        final Executor executor = task -> {
            if (ThreadLocalRandom.current().nextInt(8) == 0) {
                throw new RejectedExecutionException("the soak's executor rejects one task in eight");
            }
            pool.execute(task);
        };
        final Backstop backstop = new Backstop(out, fromMain);
        backstop.start();
        final List<String> failures = new ArrayList<>();
        int exit = 0;
        int rounds = 0;
        final long end = t0 + o.duration.toNanos();
        long nextProgress = t0 + TimeUnit.SECONDS.toNanos(10);
        try {
            for (int k = 0; rounds == 0 || System.nanoTime() - end < 0L; k++) {
                final int number = o.onlyRound >= 0 ? o.onlyRound : k;
                final Scenario sc = scenarios.get(number % scenarios.size());
                final long seed = roundSeed(o.seed, number);
                final SplittableRandom plan = new SplittableRandom(seed ^ 0x5A5A5A5AL);
                final long window = TimeUnit.MILLISECONDS.toNanos(o.roundMinMillis + plan.nextInt(o.roundMaxMillis - o.roundMinMillis + 1));
                final boolean virtual = Threads.VIRTUAL_AVAILABLE
                        && (o.threads.equals("virtual") || (o.threads.equals("mixed") && plan.nextInt(3) == 0));
                final Stats st = stats.get(sc.name());
                backstop.arm("round " + number + " setup", o.hangSeconds + 30L);
                final Round r = new Round(number, seed, st, faults, executor, virtual, window);
                final long roundStart = System.nanoTime();
                final Scenario.Check check = sc.start(r);
                if (faults.fire(Options.Inject.HANG)) {
                    r.start("hang-self-test", false, rnd -> {
                        for (;;) {
                            LockSupport.park(); // never ends: the watchdog must report it
                        }
                    });
                }
                r.startChaos();
                backstop.arm("round " + number, 2L * o.hangSeconds + 60L);
                final boolean finished = r.awaitWorkers(roundStart + TimeUnit.SECONDS.toNanos(o.hangSeconds));
                r.stopChaos();
                final long took = System.nanoTime() - roundStart;
                rounds++;
                final String where = String.format("round %d (%s, seed 0x%016x; %s)", number, sc.name(), o.seed, r.params());
                if (!finished) {
                    failures.add("HANG: " + where + " did not finish within " + o.hangSeconds + " s");
                    out.println("soak: HANG in " + where + "; thread dump:");
                    out.println(Threads.dump(r.workers()));
                    exit = 2;
                    st.roundTook(took);
                    break;
                }
                backstop.arm("round " + number + " check", 120L);
                check.run();
                st.roundTook(took);
                if (o.verbose) {
                    out.printf("soak: %s %d ms%s%n", where, took / 1_000_000, r.failed() ? " FAILED" : "");
                }
                if (r.failed()) {
                    for (String v : r.violations()) {
                        failures.add(where + ": " + v);
                    }
                    out.println("soak: VIOLATION in " + where + ":");
                    for (String v : r.violations()) {
                        out.println("  - " + v);
                    }
                    out.printf("soak: repeat with --seed 0x%016x --round %d --only %s%n", o.seed, number, sc.name());
                    exit = 1;
                    break;
                }
                if (System.nanoTime() - nextProgress > 0L) {
                    nextProgress += TimeUnit.SECONDS.toNanos(10);
                    out.printf("soak: %d s, %d rounds, all checks passed so far%n",
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), rounds);
                }
            }
            final long roundsNanos = System.nanoTime() - t0;
            List<LeakCheck.Result> leaks = List.of();
            if (exit == 0 && o.leakCheck) {
                backstop.arm("leak check", 600L);
                leaks = new LeakCheck(o, out).run();
                for (LeakCheck.Result lr : leaks) {
                    if (!lr.ok()) {
                        failures.add("LEAK: " + lr.name + ": " + lr.problem);
                        exit = 1;
                    }
                }
            }
            backstop.stop = true;
            final boolean passed = exit == 0;
            final String summary = Summary.text(o, jdk, stats, rounds, roundsNanos, leaks, failures, passed);
            final String markdown = Summary.markdown(o, jdk, stats, rounds, roundsNanos, leaks, failures, passed);
            out.println();
            out.print(summary);
            if (o.report != null) {
                try {
                    Files.writeString(o.report, markdown, StandardCharsets.UTF_8);
                    out.println("soak: report written to " + o.report);
                } catch (IOException e) {
                    out.println("soak: could not write the report: " + e);
                    exit = exit == 0 ? 1 : exit;
                }
            }
            return new Result(exit == 0, exit, summary, markdown, failures);
        } catch (Exception e) {
            failures.add("the soak itself failed: " + Round.stackTrace(e));
            out.println("soak: " + failures.get(failures.size() - 1));
            return new Result(false, 1, String.join("\n", failures), String.join("\n", failures), failures);
        } finally {
            backstop.stop = true;
            pool.shutdownNow();
        }
    }
}
