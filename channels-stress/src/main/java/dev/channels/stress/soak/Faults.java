package dev.channels.stress.soak;

import java.util.concurrent.atomic.AtomicBoolean;

/** The self-test faults of {@code --inject}: each fires at most once per run. */
final class Faults {
    private final Options.Inject inject;
    private final AtomicBoolean fired = new AtomicBoolean();

    Faults(Options.Inject inject) {
        this.inject = inject;
    }

    /** True exactly once if {@code kind} is the injected fault. */
    boolean fire(Options.Inject kind) {
        return inject == kind && fired.compareAndSet(false, true);
    }

    boolean is(Options.Inject kind) {
        return inject == kind;
    }
}
