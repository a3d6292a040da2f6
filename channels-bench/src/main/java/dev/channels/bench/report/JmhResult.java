package dev.channels.bench.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark result of JMH's JSON output ({@code -rf json}): a benchmark method with one
 * combination of parameters, its settings and its metrics.
 *
 * @param benchmark the benchmark's full name ({@code dev.channels.bench.BroadcastBenchmark.send})
 * @param mode JMH's short mode name: {@code thrpt}, {@code avgt}, {@code sample}, {@code ss}
 * @param threads the threads JMH ran the benchmark with
 * @param forks forks measured
 * @param jdkVersion the forked JVM's {@code java.version}
 * @param vmName the forked JVM's name
 * @param vmVersion the forked JVM's version
 * @param jmhVersion the JMH version
 * @param warmup warm-up iterations and their time, as JMH prints them ({@code "5 × 1 s"})
 * @param measurement measurement iterations and their time ({@code "5 × 2 s"})
 * @param params the {@code @Param} values by name, sorted by name
 * @param primary the primary metric
 * @param secondary the secondary metrics by name, in JMH's order: the benchmark's own counters
 *                  and the profilers' results ({@code "gc.alloc.rate.norm"}; see {@link #fromProfiler})
 */
public record JmhResult(String benchmark, String mode, int threads, int forks, String jdkVersion, String vmName,
        String vmVersion, String jmhVersion, String warmup, String measurement, Map<String, String> params,
        Metric primary, Map<String, Metric> secondary) {

    /** JMH 1.37's name of the allocation per operation that {@code -prof gc} reports. */
    public static final String ALLOC_NORM = "gc.alloc.rate.norm";
    /** The same before JMH 1.36, which prefixed profiler results with a middle dot. */
    static final String ALLOC_NORM_OLD = "·gc.alloc.rate.norm";

    /**
     * A metric: its score, the half-width of its 99.9% confidence interval, its unit and the raw
     * measurements per fork (empty for metrics JMH gives no raw data for).
     *
     * @param score the score
     * @param error the error JMH prints after "±" (NaN when JMH could not compute one)
     * @param unit the unit ({@code ops/us}, {@code B/op})
     * @param forks the iteration scores of each fork
     */
    public record Metric(double score, double error, String unit, List<List<Double>> forks) {
        public Metric {
            forks = List.copyOf(forks);
        }
    }

    public JmhResult {
        params = Collections.unmodifiableMap(new TreeMap<>(params));
        secondary = Collections.unmodifiableMap(new LinkedHashMap<>(secondary));
    }

    /** The class's simple name and the method: {@code BroadcastBenchmark.send}. */
    public String shortName() {
        final int method = benchmark.lastIndexOf('.');
        final int type = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(type + 1);
    }

    /** Whether a larger score is better (throughput), rather than a smaller one (time per operation). */
    public boolean higherIsBetter() {
        return mode.equals("thrpt");
    }

    /** The allocation per operation from {@code -prof gc}, or null if the run had no such profiler. */
    public Metric allocation() {
        final Metric m = secondary.get(ALLOC_NORM);
        return m != null ? m : secondary.get(ALLOC_NORM_OLD);
    }

    /**
     * Whether a secondary result comes from a profiler ({@code gc.*} of {@code -prof gc}, or any
     * name JMH before 1.36 prefixed with a middle dot) rather than from the benchmark's own counters.
     */
    public static boolean fromProfiler(String secondary) {
        return secondary.startsWith("·") || secondary.startsWith("gc.");
    }

    /** Reads every result of a JMH JSON file. */
    public static List<JmhResult> read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            final JsonElement root = JsonParser.parseReader(in);
            if (!root.isJsonArray()) {
                throw new IOException(file + ": not a JMH JSON result (expected an array of benchmarks)");
            }
            final List<JmhResult> results = new ArrayList<>();
            for (JsonElement e : root.getAsJsonArray()) {
                results.add(parse(e.getAsJsonObject(), file));
            }
            return results;
        }
    }

    private static JmhResult parse(JsonObject o, Path file) throws IOException {
        final String benchmark = string(o, "benchmark", file);
        final Map<String, String> params = new TreeMap<>();
        if (o.has("params")) {
            for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
                params.put(p.getKey(), p.getValue().getAsString());
            }
        }
        final Map<String, Metric> secondary = new LinkedHashMap<>();
        if (o.has("secondaryMetrics")) {
            for (Map.Entry<String, JsonElement> m : o.getAsJsonObject("secondaryMetrics").entrySet()) {
                secondary.put(m.getKey(), metric(m.getValue().getAsJsonObject()));
            }
        }
        if (!o.has("primaryMetric")) {
            throw new IOException(file + ": " + benchmark + " has no primaryMetric");
        }
        return new JmhResult(benchmark, string(o, "mode", file), o.get("threads").getAsInt(),
                o.get("forks").getAsInt(), optional(o, "jdkVersion"), optional(o, "vmName"), optional(o, "vmVersion"),
                optional(o, "jmhVersion"),
                o.get("warmupIterations").getAsInt() + " × " + optional(o, "warmupTime"),
                o.get("measurementIterations").getAsInt() + " × " + optional(o, "measurementTime"),
                params, metric(o.getAsJsonObject("primaryMetric")), secondary);
    }

    private static Metric metric(JsonObject m) {
        final JsonElement error = m.get("scoreError");
        final List<List<Double>> forks = new ArrayList<>();
        if (m.has("rawData")) {
            for (JsonElement fork : m.getAsJsonArray("rawData")) {
                final List<Double> iterations = new ArrayList<>();
                for (JsonElement it : fork.getAsJsonArray()) {
                    iterations.add(number(it));
                }
                forks.add(List.copyOf(iterations));
            }
        }
        return new Metric(number(m.get("score")), error == null ? Double.NaN : number(error),
                m.get("scoreUnit").getAsString(), forks);
    }

    /** JMH writes "NaN" as a string when a figure is undefined (one fork, one iteration). */
    private static double number(JsonElement e) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return Double.parseDouble(e.getAsString());
        }
        return e.getAsDouble();
    }

    private static String string(JsonObject o, String name, Path file) throws IOException {
        final JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            throw new IOException(file + ": a result has no \"" + name + "\"");
        }
        return e.getAsString();
    }

    private static String optional(JsonObject o, String name) {
        final JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? "?" : e.getAsString();
    }
}
