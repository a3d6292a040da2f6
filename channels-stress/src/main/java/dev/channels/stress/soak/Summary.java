package dev.channels.stress.soak;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-run summary: a plain-text table for the console, a compact Markdown one for reports. */
final class Summary {
    private Summary() {
    }

    private static final String[] HEAD = {"scenario", "rounds", "sent", "received", "returned", "lagged",
        "interrupts inj/seen", "timeouts", "cancels won/tried", "closes", "max round"};

    private static String[] row(Stats s) {
        return new String[] {
            s.scenario,
            Long.toString(s.rounds.sum()),
            Long.toString(s.sent.sum()),
            Long.toString(s.received.sum()),
            Long.toString(s.returned.sum()),
            Long.toString(s.lagged.sum()),
            s.interruptsInjected.sum() + "/" + s.interruptsSeen.sum(),
            Long.toString(s.timeouts.sum()),
            s.cancelsWon.sum() + "/" + s.cancels.sum(),
            Long.toString(s.closes.sum()),
            s.maxRoundNanos.get() / 1_000_000 + " ms",
        };
    }

    private static final String[] LEAK_HEAD = {"leak case", "ops", "heap delta", "limit", "waiter structures", "result"};

    private static String[] leakRow(LeakCheck.Result r) {
        return new String[] {
            r.name,
            Long.toString(r.ops),
            r.delta + " B",
            r.limit + " B",
            r.structures,
            r.name.startsWith("control") ? (r.ok() ? "leak detected (as it must)" : "NOT DETECTED") : r.ok() ? "ok" : "FAILED",
        };
    }

    private static String header(Options o, String jdk, int rounds, long nanos, boolean passed) {
        return String.format(Locale.ROOT, "seed 0x%016x, JDK %s, %d rounds in %.1f s (%d-%d ms production per round), %s",
                o.seed, jdk, rounds, nanos / 1e9, o.roundMinMillis, o.roundMaxMillis, passed ? "PASSED" : "FAILED");
    }

    static String text(Options o, String jdk, Map<String, Stats> stats, int rounds, long nanos,
            List<LeakCheck.Result> leaks, List<String> failures, boolean passed) {
        final StringBuilder sb = new StringBuilder();
        sb.append("soak summary: ").append(header(o, jdk, rounds, nanos, passed)).append('\n');
        final String[][] rows = new String[stats.size() + 1][];
        rows[0] = HEAD;
        int i = 1;
        for (Stats s : stats.values()) {
            rows[i++] = row(s);
        }
        table(sb, rows);
        sb.append("(sent = values the channels accepted; received counts every receiver; returned = sends that failed and kept their value;\n"
                + " lagged = broadcast values reported missed; interrupts injected by the chaos thread / InterruptedExceptions caught)\n");
        if (!leaks.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nwaiter-leak check: heap used after GC before/after, limit = ops x %.1f B; structures read by reflection%n",
                    LeakCheck.LIMIT_BYTES_PER_OP));
            final String[][] lr = new String[leaks.size() + 1][];
            lr[0] = LEAK_HEAD;
            for (int k = 0; k < leaks.size(); k++) {
                lr[k + 1] = leakRow(leaks.get(k));
            }
            table(sb, lr);
        } else if (!o.leakCheck) {
            sb.append("waiter-leak check: skipped (--no-leak-check)\n");
        }
        if (!failures.isEmpty()) {
            sb.append("\nFAILURES:\n");
            for (String f : failures) {
                sb.append("  - ").append(f).append('\n');
            }
        }
        sb.append(passed ? "soak: PASSED\n" : "soak: FAILED\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, String[][] rows) {
        final int cols = rows[0].length;
        final int[] w = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < cols; c++) {
                w[c] = Math.max(w[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            for (int c = 0; c < cols; c++) {
                final String cell = r[c];
                if (c == 0 || c == cols - 1 && rows[0] == LEAK_HEAD || (rows[0] == LEAK_HEAD && c == 4)) {
                    sb.append(String.format("%-" + w[c] + "s", cell));
                } else {
                    sb.append(String.format("%" + w[c] + "s", cell));
                }
                sb.append(c == cols - 1 ? "\n" : "  ");
            }
        }
    }

    static String markdown(Options o, String jdk, Map<String, Stats> stats, int rounds, long nanos,
            List<LeakCheck.Result> leaks, List<String> failures, boolean passed) {
        final StringBuilder sb = new StringBuilder();
        sb.append("**Soak:** ").append(header(o, jdk, rounds, nanos, passed).replaceFirst("^seed (0x[0-9a-f]+)", "seed `$1`")).append("\n\n");
        mdRow(sb, HEAD);
        sb.append("|---|").append("---:|".repeat(HEAD.length - 1)).append('\n');
        for (Stats s : stats.values()) {
            mdRow(sb, row(s));
        }
        if (!leaks.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nWaiter-leak check (heap after GC; limit = ops × %.1f B; structures by reflection):%n%n",
                    LeakCheck.LIMIT_BYTES_PER_OP));
            mdRow(sb, LEAK_HEAD);
            sb.append("|---|---:|---:|---:|---|---|\n");
            for (LeakCheck.Result r : leaks) {
                mdRow(sb, leakRow(r));
            }
        }
        if (!failures.isEmpty()) {
            sb.append("\nFailures:\n\n");
            for (String f : failures) {
                sb.append("- ").append(f.replace("\n", " ").replace("\t", " ")).append('\n');
            }
        }
        return sb.toString();
    }

    private static void mdRow(StringBuilder sb, String[] cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(c.replace("|", "\\|")).append(" |");
        }
        sb.append('\n');
    }
}
