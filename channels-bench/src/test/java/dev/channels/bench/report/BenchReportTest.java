package dev.channels.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report generator, on a real JMH result ({@code broadcast-jdk25.json}: BroadcastBenchmark, two
 * of our implementations, 1 and 2 receivers, 3 forks, JDK 25) and on made-up results for the
 * cases that one does not have (peers, time per operation, allocation, forks that disagree).
 */
class BenchReportTest {
    private static final BenchReport.Environment ENV =
            new BenchReport.Environment("Test CPU", 2, "Linux", LocalDate.of(2026, 11, 23));

    private static Path fixture() throws URISyntaxException {
        return Path.of(BenchReportTest.class.getResource("/report/broadcast-jdk25.json").toURI());
    }

    @Test
    void readsJmhJson() throws Exception {
        final List<JmhResult> results = JmhResult.read(fixture());
        assertEquals(4, results.size());
        final JmhResult first = results.get(0);
        assertEquals("BroadcastBenchmark.send", first.shortName());
        assertEquals("thrpt", first.mode());
        assertEquals(Map.of("capacity", "1024", "impl", "channels-paced", "receivers", "1"), first.params());
        assertEquals("5 × 1 s", first.warmup());
        assertEquals("5 × 2 s", first.measurement());
        assertEquals(3, first.primary().forks().size());
        assertEquals(5, first.primary().forks().get(0).size());
        assertEquals("ops/us", first.primary().unit());
        assertEquals(6.795, first.primary().score(), 0.001);
        assertEquals(1.329, first.primary().error(), 0.001);
        assertTrue(first.secondary().containsKey("perReceiver"));
        assertNull(first.allocation(), "the fixture ran without -prof gc");
    }

    @Test
    void rejectsAFileThatIsNotJmhJson(@TempDir Path dir) throws IOException {
        final Path bad = Files.writeString(dir.resolve("bad.json"), "{\"benchmark\": \"x\"}");
        assertThrows(IOException.class, () -> JmhResult.read(bad));
    }

    @Test
    void groupsByEverythingButImpl() throws Exception {
        final List<Scenario> scenarios = Scenario.group(JmhResult.read(fixture()));
        assertEquals(2, scenarios.size());
        assertEquals("capacity=1024, receivers=1", scenarios.get(0).label());
        assertEquals(List.of("channels-paced", "channels"), scenarios.get(0).ours());
        assertTrue(scenarios.get(0).peers().isEmpty());
        assertNull(scenarios.get(0).bestPeer());
    }

    @Test
    void theSameResultTwiceIsAnError() throws Exception {
        final List<JmhResult> once = JmhResult.read(fixture());
        final List<JmhResult> twice = new java.util.ArrayList<>(once);
        twice.addAll(once);
        assertThrows(IllegalArgumentException.class, () -> Scenario.group(twice));
    }

    @Test
    void ratiosSayHowManyTimesFasterWeAre() {
        final Scenario thrpt = Scenario.group(List.of(result("thrpt", "channels", 30, 1, 30),
                result("thrpt", "ArrayBlockingQueue", 10, 1, 10), result("thrpt", "MpscArrayQueue", 60, 1, 60))).get(0);
        assertEquals(3.0, thrpt.ratio("channels", "ArrayBlockingQueue"), 1e-9);
        assertEquals(0.5, thrpt.ratio("channels", "MpscArrayQueue"), 1e-9);
        assertEquals("MpscArrayQueue", thrpt.bestPeer());
        final Scenario avgt = Scenario.group(List.of(result("avgt", "channels", 2, 1, 2),
                result("avgt", "CompletableFuture", 4, 1, 4))).get(0);
        assertEquals(2.0, avgt.ratio("channels", "CompletableFuture"), 1e-9, "half the time: twice as fast");
        assertEquals("CompletableFuture", avgt.bestPeer());
    }

    @Test
    void comparesTheNamedSecondaryResultWhereThePrimaryScoreCountsFailedAttempts() {
        // MpscTryBenchmark: the primary score counts empty polls, so a consumer that fails fast
        // wins it; the compared figure is what was received.
        final Scenario s = Scenario.group(List.of(
                withSecondary("MpscTryBenchmark.p1c1", "channels", 10, "received", 3),
                withSecondary("MpscTryBenchmark.p1c1", "ManyToOneConcurrentArrayQueue", 40, "received", 2))).get(0);
        assertEquals("received", s.comparedName());
        assertEquals(1.5, s.ratio("channels", "ManyToOneConcurrentArrayQueue"), 1e-9, "3 ÷ 2, not 10 ÷ 40");
        assertEquals("ManyToOneConcurrentArrayQueue", s.bestPeer());
        final Scenario missing = Scenario.group(List.of(
                withSecondary("MpscTryBenchmark.p1c1", "channels", 10, "sent", 3))).get(0);
        assertThrows(IllegalArgumentException.class, () -> missing.compared(missing.results().get("channels")),
                "a benchmark without the compared result is an error, not a silent fallback");
        final Scenario plain = Scenario.group(List.of(result("thrpt", "channels", 30, 1, 30))).get(0);
        assertEquals("score", plain.comparedName());
    }

    @Test
    void theHeadlineLeavesOutWhatIsNotLikeForLike(@TempDir Path dir) throws Exception {
        final List<JmhResult> results = new java.util.ArrayList<>();
        for (String impl : List.of("channels-paced", "channels", "Disruptor-Blocking", "Disruptor-Yielding")) {
            results.add(withSecondary("BroadcastBenchmark.send", impl, 8, "perReceiver",
                    impl.equals("channels") ? 9 : impl.equals("Disruptor-Yielding") ? 20 : 4));
        }
        final Path out = dir.resolve("README.md");
        final String headline = new BenchReport.Report(results, "full", ENV, Map.of()).headline(dir, out);
        assertTrue(headline.contains("`channels-paced` 4.000"), headline);
        assertTrue(headline.contains("| 1.00× |"), headline);
        assertFalse(headline.contains("`channels` "), "the lossy sender is not in the headline: " + headline);
        assertTrue(headline.contains("`Disruptor-Blocking` 4.000"), "the spinning peer is reference only: " + headline);
        assertEquals("Disruptor-Yielding", Scenario.group(results).get(0).bestPeer(), "the tables still show it");
    }

    @Test
    void readsTheAllocationOfJmh137AndKeepsProfilerResultsOutOfTheCounters(@TempDir Path dir) throws Exception {
        // A real JMH 1.37 result with -prof gc: its profiler results are named gc.*, not ·gc.*.
        final List<JmhResult> results = JmhResult.read(Path.of(getClass()
                .getResource("/report/oneshot-gc-jmh137.json").toURI()));
        final JmhResult r = results.get(0);
        assertNotNull(r.allocation(), "gc.alloc.rate.norm is the allocation");
        assertEquals("B/op", r.allocation().unit());
        final Path out = dir.resolve("README.md");
        new BenchReport.Report(results, "quick", ENV, Map.of()).write(out);
        final String md = Files.readString(out);
        assertTrue(md.contains("| Allocation profiling | `-prof gc` on every benchmark |"), md);
        assertFalse(md.contains("| gc.alloc.rate |"), "profiler results are not counter columns: " + md);
    }

    @Test
    void forksThatSettleInTwoRegimesAreBimodal() {
        assertTrue(ForkSpread.bimodal(metric(List.of(List.of(5.0, 5.1, 4.9), List.of(10.0, 10.2, 9.9),
                List.of(5.0, 5.0, 5.1)))));
        assertFalse(ForkSpread.bimodal(metric(List.of(List.of(5.0, 5.1, 4.9), List.of(5.2, 5.0, 5.1),
                List.of(4.9, 5.0, 5.1)))), "forks that agree");
        assertFalse(ForkSpread.bimodal(metric(List.of(List.of(5.0, 9.0, 5.0), List.of(9.0, 5.0, 9.0)))),
                "noise within each fork as large as the gap");
        assertFalse(ForkSpread.bimodal(metric(List.of(List.of(5.0, 5.1)))), "one fork");
    }

    @Test
    void writesTheReportWithAChartPerBenchmark(@TempDir Path dir) throws Exception {
        final List<JmhResult> results = new java.util.ArrayList<>(JmhResult.read(fixture()));
        results.add(result("thrpt", "channels", 30, 2, 30));
        results.add(result("thrpt", "ArrayBlockingQueue", 10, 1, 10));
        final JmhResult r = result("thrpt", "channels", 5, 1, 30);
        results.add(new JmhResult("dev.channels.bench.TestBenchmark.other", r.mode(), r.threads(), r.forks(),
                r.jdkVersion(), r.vmName(), r.vmVersion(), r.jmhVersion(), r.warmup(), r.measurement(), r.params(),
                r.primary(), r.secondary()));
        final Path out = dir.resolve("docs/benchmarks/README.md");
        Files.createDirectories(out.getParent());
        final BenchReport.Report report = new BenchReport.Report(results, "full", ENV,
                Map.of("TestBenchmark", "ArrayBlockingQueue has no close: the benchmark stops it with a poison pill."));
        report.write(out);
        final String md = Files.readString(out);
        assertTrue(md.contains("| CPU | Test CPU |"), md);
        assertTrue(md.contains("## BroadcastBenchmark.send"), md);
        assertTrue(md.contains("![BroadcastBenchmark.send](charts/BroadcastBenchmark-send.svg)"), md);
        // BroadcastBenchmark is compared by perReceiver: its column comes first, then the score.
        assertTrue(md.contains("| Implementation | **perReceiver** (compared) | Score | B/op |"), md);
        assertTrue(md.contains("| `channels-paced` | 6.795 ± 1.329 ops/us | 6.795 ± 1.329 ops/us | n/a |"), md);
        assertTrue(md.contains("| `channels` | 3.804 ± 0.084 ops/us | 7.916 ± 0.465 ops/us | n/a |"), md);
        assertTrue(md.contains("| `ArrayBlockingQueue` | 10.0 ± 1.0 ops/us | 24.0 | 3.00× |"), md);
        assertTrue(md.contains("poison pill"), "the benchmark's notes are printed under it");
        assertTrue(md.contains("## TestBenchmark.other"), md);
        assertEquals(md.indexOf("poison pill"), md.lastIndexOf("poison pill"), "once, not under each method");
        assertTrue(md.contains("| Allocation profiling | 3 of 7 results have `-prof gc` |"), md);
        final String headline = report.headline(out.getParent(), out);
        assertTrue(headline.contains("[TestBenchmark.run](README.md#testbenchmarkrun)"), headline);
        assertTrue(headline.contains("3.00×"), headline);
        for (String chart : List.of("BroadcastBenchmark-send.svg", "TestBenchmark-run.svg")) {
            final String svg = Files.readString(out.getParent().resolve("charts").resolve(chart));
            assertTrue(svg.contains("<svg"), chart);
            assertTrue(svg.contains("channels"), chart + " has a legend with our implementation");
        }
    }

    @Test
    void notesBimodalResults(@TempDir Path dir) throws Exception {
        final JmhResult split = new JmhResult("dev.channels.bench.TestBenchmark.run", "thrpt", 2, 3, "25", "VM", "25",
                "1.37", "5 × 1 s", "5 × 1 s", Map.of("impl", "channels"), metric(List.of(List.of(5.0, 5.1, 4.9),
                List.of(10.0, 10.2, 9.9), List.of(5.0, 5.0, 5.1))), Map.of());
        final Path out = dir.resolve("README.md");
        new BenchReport.Report(List.of(split), "full", ENV, Map.of()).write(out);
        assertTrue(Files.readString(out).contains("bimodal across forks: fork means 5.000 / 10.0 / 5.033"));
    }

    @Test
    void putsTheHeadlineBetweenTheMarkers(@TempDir Path dir) throws IOException {
        final Path readme = Files.writeString(dir.resolve("README.md"), "intro\n" + BenchReport.HEADLINE_START
                + "\nold table\n" + BenchReport.HEADLINE_END + "\nrest\n");
        BenchReport.putHeadline(readme, "| new | table |\n");
        assertEquals("intro\n" + BenchReport.HEADLINE_START + "\n| new | table |\n" + BenchReport.HEADLINE_END
                + "\nrest\n", Files.readString(readme));
        final Path none = Files.writeString(dir.resolve("NONE.md"), "no markers\n");
        assertThrows(IOException.class, () -> BenchReport.putHeadline(none, "x"));
    }

    @Test
    void splitsNotesAtSecondLevelHeadings() {
        assertEquals(Map.of("A", "one\ntwo", "B", "three"),
                BenchReport.sections("preamble\n## A\none\ntwo\n\n## B\nthree\n"));
    }

    @Test
    void formatsNumbersAsJmhDoes() {
        assertEquals("1234", BenchReport.number(1234.4));
        assertEquals("12.3", BenchReport.number(12.34));
        assertEquals("1.234", BenchReport.number(1.2344));
        assertEquals("1.2e-04", BenchReport.number(0.00012));
        assertEquals("0", BenchReport.number(0.0));
        assertEquals("0.5", BenchReport.number(0.5, 10.2), "an error has its score's decimals");
    }

    private static JmhResult result(String mode, String impl, double score, double error, double alloc) {
        return new JmhResult("dev.channels.bench.TestBenchmark.run", mode, 2, 3, "25", "VM", "25", "1.37",
                "5 × 1 s", "5 × 1 s", Map.of("impl", impl),
                new JmhResult.Metric(score, error, mode.equals("thrpt") ? "ops/us" : "us/op", List.of()),
                Map.of(JmhResult.ALLOC_NORM, new JmhResult.Metric(alloc == 30 ? 0.0 : 24.0, 0.0, "B/op", List.of())));
    }

    private static JmhResult withSecondary(String benchmark, String impl, double score, String name, double value) {
        return new JmhResult("dev.channels.bench." + benchmark, "thrpt", 2, 3, "25", "VM", "25", "1.37",
                "5 × 1 s", "5 × 1 s", Map.of("impl", impl), new JmhResult.Metric(score, 1, "ops/us", List.of()),
                Map.of(name, new JmhResult.Metric(value, 0.1, "ops/us", List.of())));
    }

    private static JmhResult.Metric metric(List<List<Double>> forks) {
        final double mean = forks.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).average().orElse(0);
        return new JmhResult.Metric(mean, 0.0, "ops/us", forks);
    }
}
