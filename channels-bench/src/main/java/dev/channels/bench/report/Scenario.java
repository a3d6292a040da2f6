package dev.channels.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One scenario of the report: a benchmark method with one combination of its parameters other
 * than {@code impl}, and the result of each implementation that ran it. Every benchmark class
 * names its implementations with an {@code impl} parameter; ours are {@code channels} and
 * {@code channels-<variant>}, every other value is a peer.
 *
 * @param benchmark the benchmark's short name ({@code BroadcastBenchmark.send})
 * @param params the parameters other than {@code impl}, sorted by name
 * @param results the results by implementation, in the order the benchmark declares them
 */
public record Scenario(String benchmark, Map<String, String> params, Map<String, JmhResult> results) {
    /** The parameter that names the implementation. */
    public static final String IMPL = "impl";

    /** Whether an implementation name is ours. */
    public static boolean isOurs(String impl) {
        return impl.equals("channels") || impl.startsWith("channels-");
    }

    /** The parameters as {@code capacity=1024, receivers=2}, or the empty string. */
    public String label() {
        final StringJoiner j = new StringJoiner(", ");
        params.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** Our implementations in this scenario. */
    public List<String> ours() {
        return results.keySet().stream().filter(Scenario::isOurs).toList();
    }

    /** The peers in this scenario. */
    public List<String> peers() {
        return results.keySet().stream().filter(i -> !isOurs(i)).toList();
    }

    /**
     * The name of the figure this scenario compares: a secondary result of the benchmark
     * ({@link Comparisons#metricOf}), or {@code "score"} for the primary score.
     */
    public String comparedName() {
        final String m = Comparisons.metricOf(benchmark);
        return m == null ? "score" : m;
    }

    /**
     * The compared figure of one result: the benchmark's compared secondary result
     * ({@link Comparisons#metricOf}), else the primary score. A result that lacks the named
     * secondary result is an error: the benchmark and {@link Comparisons} disagree.
     */
    public JmhResult.Metric compared(JmhResult r) {
        final String m = Comparisons.metricOf(benchmark);
        if (m == null) {
            return r.primary();
        }
        final JmhResult.Metric metric = r.secondary().get(m);
        if (metric == null) {
            throw new IllegalArgumentException(r.shortName() + " " + r.params() + " has no secondary result \"" + m
                    + "\", which the report compares for it");
        }
        return metric;
    }

    /**
     * How many times better {@code ours} did than {@code other} by the compared figure: the ratio
     * for throughput, its inverse for time per operation, so that above 1 always means ours was
     * faster.
     */
    public double ratio(String ours, String other) {
        final JmhResult a = results.get(ours);
        final JmhResult b = results.get(other);
        final double r = compared(a).score() / compared(b).score();
        return a.higherIsBetter() ? r : 1.0 / r;
    }

    /** The best peer by the compared figure, or null if no peer ran this scenario. */
    public String bestPeer() {
        return bestPeer(false);
    }

    /**
     * The best like-for-like peer by the compared figure (peers measured for reference only, see
     * {@link Comparisons#referenceOnly}, left out), or null if there is none.
     */
    public String bestComparablePeer() {
        return bestPeer(true);
    }

    private String bestPeer(boolean comparableOnly) {
        String best = null;
        for (String p : peers()) {
            if (comparableOnly && Comparisons.referenceOnly(benchmark, p)) {
                continue;
            }
            if (best == null || better(results.get(p), results.get(best))) {
                best = p;
            }
        }
        return best;
    }

    private boolean better(JmhResult a, JmhResult b) {
        return a.higherIsBetter() ? compared(a).score() > compared(b).score()
                : compared(a).score() < compared(b).score();
    }

    /**
     * Groups results into scenarios, in the order they first appear (JMH runs a benchmark's
     * parameter combinations in order). A result without an {@code impl} parameter is a scenario
     * of its own with the implementation {@code "-"}. Two results with the same benchmark and
     * parameters (the same run given twice) are an error.
     */
    public static List<Scenario> group(List<JmhResult> all) {
        final Map<String, Scenario> byKey = new LinkedHashMap<>();
        for (JmhResult r : all) {
            final Map<String, String> params = new TreeMap<>(r.params());
            final String impl = params.remove(IMPL);
            final String key = r.benchmark() + " " + params;
            final Scenario s = byKey.computeIfAbsent(key,
                    k -> new Scenario(r.shortName(), params, new LinkedHashMap<>()));
            final String name = impl == null ? "-" : impl;
            if (s.results.put(name, r) != null) {
                throw new IllegalArgumentException("two results for " + r.shortName() + " " + name + " "
                        + s.label() + ": merge the runs or give each file once");
            }
        }
        return new ArrayList<>(byKey.values());
    }
}
