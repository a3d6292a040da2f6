package dev.channels.stress.lincheck;

import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.StressOptions;

import java.util.Locale;

/**
 * The one place that says how hard the Lincheck tests work. Two budgets, chosen with
 * {@code -Dlincheck.mode=fast|full}:
 * <ul>
 *   <li>{@code fast} (the default, what {@code ./mvnw verify} and CI run): two threads, small
 *       scenarios, few invocations; every Lincheck test together stays well under three minutes on
 *       two cores;</li>
 *   <li>{@code full} (on demand): three threads in the parallel part, longer scenarios and many
 *       more scenarios and invocations; 10 to 15 minutes for the whole suite on two busy cores.</li>
 * </ul>
 * A scenario is an init part, a parallel part of {@link #threads()} threads and a post part; model
 * checking explores up to {@code invocations} interleavings of each scenario, stress mode runs each
 * scenario {@code invocations} times on real threads. Each run prints one line with its budget and
 * its duration, so that a report can quote them.
 */
final class LincheckBudget {
    /** The two budgets. */
    enum Mode {
        FAST, FULL
    }

    /** The selected budget; read once (a constant for Lincheck's snapshot of static state). */
    static final Mode MODE = Mode.valueOf(System.getProperty("lincheck.mode", "fast").trim().toUpperCase(Locale.ROOT));

    //                                     fast   full
    private static final int THREADS = pick(2, 3);
    private static final int ACTORS_PER_THREAD = pick(3, 4);
    private static final int ACTORS_BEFORE = pick(2, 3);
    private static final int ACTORS_AFTER = pick(2, 3);
    private static final int MC_ITERATIONS = pick(12, 40);
    private static final int MC_INVOCATIONS = pick(100, 1_500);
    private static final int STRESS_ITERATIONS = pick(10, 40);
    private static final int STRESS_INVOCATIONS = pick(100, 5_000);

    private LincheckBudget() {
    }

    private static int pick(int fast, int full) {
        return MODE == Mode.FAST ? fast : full;
    }

    /**
     * The number of threads in the parallel part. Tests that give each thread its own sender
     * handle make this many handles.
     */
    static int threads() {
        return THREADS;
    }

    /**
     * The handle of the thread that runs an operation, given the thread id that Lincheck's
     * {@code ThreadIdGen} passes (0 for the init part, 1 to {@link #threads()} for the parallel
     * part, {@code threads() + 1} for the post part). Parallel threads get distinct handles, so no
     * thread closes a handle that another thread is sending through; the init and post parts, which
     * run alone, borrow one.
     */
    static int handleOf(int threadId) {
        return Math.floorMod(threadId - 1, THREADS);
    }

    /**
     * Model checking with this budget, against {@code model} as the sequential specification: the
     * random scenarios, then the {@code handWritten} ones (see {@link Scenarios}).
     */
    static void modelCheck(Class<?> test, Class<?> model, ExecutionScenario... handWritten) {
        run("model checking", configure(new ModelCheckingOptions(), model, MC_ITERATIONS, MC_INVOCATIONS, handWritten),
                test, MC_ITERATIONS, MC_INVOCATIONS, handWritten.length);
    }

    /** Stress testing with this budget, as {@link #modelCheck}. */
    static void stress(Class<?> test, Class<?> model, ExecutionScenario... handWritten) {
        run("stress", configure(new StressOptions(), model, STRESS_ITERATIONS, STRESS_INVOCATIONS, handWritten),
                test, STRESS_ITERATIONS, STRESS_INVOCATIONS, handWritten.length);
    }

    private static <O extends Options<O, ?>> O configure(O options, Class<?> model, int iterations, int invocations,
            ExecutionScenario... handWritten) {
        options.iterations(iterations)
                .invocationsPerIteration(invocations)
                .threads(THREADS)
                .actorsPerThread(ACTORS_PER_THREAD)
                .actorsBefore(ACTORS_BEFORE)
                .actorsAfter(ACTORS_AFTER)
                .sequentialSpecification(model);
        for (ExecutionScenario s : handWritten) {
            options.addCustomScenario(s);
        }
        return options;
    }

    private static void run(String strategy, Options<?, ?> options, Class<?> test, int iterations, int invocations,
            int handWritten) {
        final long start = System.nanoTime();
        options.check(test);
        final long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "lincheck %s %s [%s]: %d random + %d hand-written scenarios x up to %d "
                        + "invocations, %d threads x %d actors (+%d before, +%d after): passed in %d ms%n",
                test.getSimpleName(), strategy, MODE.name().toLowerCase(Locale.ROOT), iterations, handWritten,
                invocations, THREADS, ACTORS_PER_THREAD, ACTORS_BEFORE, ACTORS_AFTER, millis);
    }
}
