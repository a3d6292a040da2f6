package dev.channels.stress.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a jcstress run printed with {@code -v}: its final verdict line and, per test, the samples of every
 * declared outcome summed across configurations.
 *
 * @param resultsLine the last {@code Results: N planned; ...} line (jcstress prints running totals; only
 *                    the last is the verdict), or {@code null} when there is none
 * @param tests       every test printed after {@code RUN RESULTS:}, in order
 */
record JcstressResults(String resultsLine, List<Test> tests) {

    private static final Pattern RESULTS =
            Pattern.compile("Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs, (\\d+) hard errs");
    private static final Pattern HEADER = Pattern.compile("\\[(OK|FAILED|ERROR)\\]\\s+(\\S+)\\s*$");
    private static final Pattern ROW = Pattern.compile(
            "^\\s+(.+?)\\s+(\\d[\\d,]*)\\s+(\\d+(?:\\.\\d+)?%)\\s+(Acceptable|Forbidden|Interesting)\\s+(.*)$");

    /** One outcome row: the observed state, its samples, and how the test classifies it. */
    record Row(String result, long samples, String expect, String description) {
        boolean forbidden() {
            return expect.equals("Forbidden");
        }
    }

    /** One test's status and outcome rows. */
    record Test(String name, String status, List<Row> rows) {
        long samples() {
            return rows.stream().mapToLong(Row::samples).sum();
        }

        /** {@code MpscTests} for {@code dev.channels.stress.MpscTests.LenAfterSend}. */
        String outerClass() {
            String[] parts = name.split("\\.");
            return parts.length >= 2 ? parts[parts.length - 2] : name;
        }

        /** {@code MpscTests.LenAfterSend}. */
        String shortName() {
            return outerClass() + "." + name.substring(name.lastIndexOf('.') + 1);
        }
    }

    static JcstressResults parse(List<String> lines) {
        String resultsLine = null;
        boolean inResults = false;
        Map<String, Test> tests = new LinkedHashMap<>();
        List<Row> current = null;
        for (String line : lines) {
            Matcher r = RESULTS.matcher(line);
            if (r.find()) {
                resultsLine = r.group();
            }
            if (line.startsWith("RUN RESULTS:")) {
                inResults = true;
                continue;
            }
            if (!inResults) {
                continue;
            }
            Matcher h = HEADER.matcher(line);
            if (h.find()) {
                String name = h.group(2);
                if (tests.containsKey(name)) {
                    current = null; // printed again in a later section: keep the first block only
                } else {
                    current = new ArrayList<>();
                    tests.put(name, new Test(name, h.group(1), current));
                }
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (current != null && row.find()) {
                current.add(new Row(row.group(1).strip(), Long.parseLong(row.group(2).replace(",", "")),
                        row.group(4), row.group(5).strip()));
            }
        }
        return new JcstressResults(resultsLine, List.copyOf(tests.values()));
    }

    long totalSamples() {
        return tests.stream().mapToLong(Test::samples).sum();
    }

    long forbiddenSamples() {
        return tests.stream().flatMap(t -> t.rows().stream()).filter(Row::forbidden).mapToLong(Row::samples).sum();
    }

    /**
     * True when the verdict line says every planned configuration passed with no errors, every listed
     * test is OK, and no FORBIDDEN outcome was sampled.
     */
    boolean passed() {
        if (resultsLine == null || tests.isEmpty()) {
            return false;
        }
        Matcher m = RESULTS.matcher(resultsLine);
        if (!m.find()) {
            return false;
        }
        boolean verdict = m.group(1).equals(m.group(2)) && m.group(3).equals("0")
                && m.group(4).equals("0") && m.group(5).equals("0");
        return verdict && tests.stream().allMatch(t -> t.status().equals("OK")) && forbiddenSamples() == 0;
    }
}
