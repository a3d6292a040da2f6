package dev.channels.stress.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report reads jcstress's {@code -v} output: verdict line, tests, samples per outcome. */
class JcstressResultsTest {

    private static final List<String> PASSING = List.of(
            "----- [OK] Unlocking diagnostic VM options",
            "(Results: 28 planned; 1 passed, 0 failed, 0 soft errs, 0 hard errs)",
            "(Results: 28 planned; 28 passed, 0 failed, 0 soft errs, 0 hard errs)",
            "RUN RESULTS:",
            "  Interesting tests: No matches.",
            ".......... [OK] dev.channels.stress.MpscTests.LenAfterSend",
            "  RESULT  SAMPLES     FREQ      EXPECT  DESCRIPTION",
            "    1, 1        0    0.00%   Forbidden  Each saw only its own message",
            "    1, 2   63,001   48.46%  Acceptable  The first sender read len before the second send",
            "    2, 1       34   26.15%  Acceptable  Mirror image.",
            "    2, 2        0    0.00% Interesting  Both read len after both sends.",
            ".......... [OK] dev.channels.stress.WatchTests.BorrowVisibility",
            "    1        5  100.00%  Acceptable  Seen.");

    @Test
    void readsTheVerdictTestsAndSamples() {
        JcstressResults r = JcstressResults.parse(PASSING);
        assertEquals("Results: 28 planned; 28 passed, 0 failed, 0 soft errs, 0 hard errs", r.resultsLine());
        assertEquals(2, r.tests().size(), "the probe's [OK] lines before RUN RESULTS are not tests");
        JcstressResults.Test len = r.tests().get(0);
        assertEquals("MpscTests", len.outerClass());
        assertEquals("MpscTests.LenAfterSend", len.shortName());
        assertEquals(4, len.rows().size());
        assertEquals("1, 2", len.rows().get(1).result());
        assertEquals(63_001, len.rows().get(1).samples());
        assertEquals(63_035, len.samples());
        assertEquals(63_040, r.totalSamples());
        assertEquals(0, r.forbiddenSamples());
        assertTrue(r.passed());
    }

    @Test
    void aFailedConfigurationFailsTheRun() {
        List<String> lines = new java.util.ArrayList<>(PASSING);
        lines.set(2, "(Results: 28 planned; 27 passed, 1 failed, 0 soft errs, 0 hard errs)");
        assertFalse(JcstressResults.parse(lines).passed());
    }

    @Test
    void aSampledForbiddenOutcomeFailsTheRunWhateverTheVerdictLine() {
        List<String> lines = new java.util.ArrayList<>(PASSING);
        lines.set(7, "    1, 1        3    0.01%   Forbidden  Each saw only its own message");
        JcstressResults r = JcstressResults.parse(lines);
        assertEquals(3, r.forbiddenSamples());
        assertFalse(r.passed());
    }

    @Test
    void aTestNotOkFailsTheRun() {
        List<String> lines = new java.util.ArrayList<>(PASSING);
        lines.set(11, "...... [FAILED] dev.channels.stress.WatchTests.BorrowVisibility");
        JcstressResults r = JcstressResults.parse(lines);
        assertEquals("FAILED", r.tests().get(1).status());
        assertFalse(r.passed());
    }

    @Test
    void noVerdictLineIsNoPass() {
        assertFalse(JcstressResults.parse(PASSING.subList(3, PASSING.size())).passed());
    }
}
