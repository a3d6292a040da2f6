package dev.channels.stress.lincheck;

import java.util.function.IntFunction;

/**
 * One handle for each parallel thread of a scenario (the init and post parts borrow one, see
 * {@link LincheckBudget#handleOf}). The handles sit in final fields rather than a collection: the
 * model checker does not interleave other threads at reads of final fields, so no interleavings are
 * spent on the test's own bookkeeping.
 *
 * @param <H> the handle type
 */
final class PerThread<H> {
    private final H h0;
    private final H h1;
    private final H h2;

    /** Makes the handles: {@code make.apply(0)} first, then the others. */
    PerThread(IntFunction<H> make) {
        if (LincheckBudget.threads() > 3) {
            throw new IllegalStateException("PerThread holds 3 handles; the budget asks for "
                    + LincheckBudget.threads());
        }
        h0 = make.apply(0);
        h1 = LincheckBudget.threads() > 1 ? make.apply(1) : null;
        h2 = LincheckBudget.threads() > 2 ? make.apply(2) : null;
    }

    /** The handle of the thread with Lincheck thread id {@code threadId}. */
    H of(int threadId) {
        switch (LincheckBudget.handleOf(threadId)) {
            case 0:
                return h0;
            case 1:
                return h1;
            case 2:
                return h2;
            default:
                throw new IllegalStateException("no handle for thread " + threadId);
        }
    }
}
