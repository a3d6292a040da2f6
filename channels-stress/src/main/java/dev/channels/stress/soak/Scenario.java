package dev.channels.stress.soak;

/** One kind of round: it builds its channels and starts its workers, then checks what they did. */
interface Scenario {
    String name();

    /**
     * Creates the round's channels and starts its workers on {@code r} (nothing of the round may
     * run on the calling thread after this returns). Returns the check, which the driver runs once
     * every worker has ended; it reports through {@link Round#violation(String)}.
     */
    Check start(Round r) throws Exception;

    /** The end-of-round check. */
    @FunctionalInterface
    interface Check {
        void run();
    }
}
