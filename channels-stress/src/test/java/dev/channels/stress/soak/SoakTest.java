package dev.channels.stress.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short soak for {@code mvn verify}: every scenario for about five seconds, and a smaller leak
 * check; then the self-tests, which inject a fault and require the run to fail with the right
 * report (a check that cannot fail proves nothing). The long runs use the main class from the
 * shaded jar.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SoakTest {

    private static Soak.Result run(String... args) {
        return Soak.run(Options.parse(args), System.out, false);
    }

    @Test
    void fiveSecondsOfEveryScenarioPass() {
        final Soak.Result r = run("--duration", "5s", "--round-ms", "100-400",
                "--leak-ops", "50000", "--leak-interrupt-ops", "10000", "--leak-timed-ops", "500");
        assertTrue(r.passed, () -> "the soak failed:\n" + String.join("\n", r.failures));
        assertEquals(0, r.exitCode);
        for (String scenario : Soak.SCENARIO_NAMES) {
            assertTrue(r.summary.contains(scenario), scenario + " missing from the summary");
        }
    }

    @Test
    void aLostMessageIsReported() {
        final Soak.Result r = run("--duration", "3s", "--only", "mpsc-bounded", "--no-leak-check", "--inject", "loss");
        assertFalse(r.passed);
        assertEquals(1, r.exitCode);
        assertTrue(r.failures.stream().anyMatch(f -> f.contains("LOST")), () -> String.join("\n", r.failures));
    }

    @Test
    void aDuplicateIsReported() {
        final Soak.Result r = run("--duration", "3s", "--only", "mpsc-unbounded", "--no-leak-check", "--inject", "dup");
        assertFalse(r.passed);
        assertTrue(r.failures.stream().anyMatch(f -> f.contains("duplicate")), () -> String.join("\n", r.failures));
    }

    @Test
    void aReceivedReturnedValueIsReported() {
        final Soak.Result r = run("--duration", "3s", "--only", "mpsc-bounded", "--no-leak-check", "--inject", "returned");
        assertFalse(r.passed);
        assertTrue(r.failures.stream().anyMatch(f -> f.contains("handed back")), () -> String.join("\n", r.failures));
    }

    @Test
    void keptWaitersAreReportedAsLeaks() {
        final Soak.Result r = run("--duration", "1s", "--only", "oneshot", "--inject", "leak",
                "--leak-ops", "20000", "--leak-interrupt-ops", "100", "--leak-timed-ops", "100");
        assertFalse(r.passed);
        // both measures: the heap growth and the waiter left in the structure
        assertTrue(r.failures.stream().anyMatch(f -> f.contains("LEAK: mpsc bounded: recvAsync cancelled")
                && f.contains("still holds a waiter") && f.contains("the heap grew")), () -> String.join("\n", r.failures));
    }

    @Test
    void aHungRoundIsReported() {
        final Soak.Result r = run("--duration", "1s", "--only", "watch", "--no-leak-check", "--inject", "hang",
                "--hang-seconds", "2");
        assertFalse(r.passed);
        assertEquals(2, r.exitCode);
        assertTrue(r.failures.stream().anyMatch(f -> f.startsWith("HANG")), () -> String.join("\n", r.failures));
    }
}
