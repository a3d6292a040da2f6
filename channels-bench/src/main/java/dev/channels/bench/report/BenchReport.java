package dev.channels.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Writes the benchmark report from JMH's JSON results: {@code docs/benchmarks/README.md} with the
 * environment, a headline table, and per benchmark an SVG chart and a table per scenario
 * (throughput or time with its error, allocation per operation, our ratio to every peer, and a
 * note where the forks disagree). Also prints the headline table, and can put it into the project
 * README between {@value #HEADLINE_START} and {@value #HEADLINE_END}.
 *
 * <pre>
 * java -cp channels-bench/target/benchmarks.jar dev.channels.bench.report.BenchReport \
 *     [--out docs/benchmarks/README.md] [--readme README.md] [--mode quick|full] [--notes FILE] result.json...
 * </pre>
 *
 * {@code --notes} names a Markdown file of {@code ## <BenchmarkClass>} sections (what each peer
 * lacks and how the benchmark makes up for it); each section is printed under its benchmark.
 */
public final class BenchReport {
    static final String HEADLINE_START = "<!-- benchmarks:headline:start -->";
    static final String HEADLINE_END = "<!-- benchmarks:headline:end -->";

    private BenchReport() {
    }

    public static void main(String[] args) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // charts are drawn off-screen, also on a desktop
        }
        Path out = Path.of("docs/benchmarks/README.md");
        Path readme = null;
        Path notes = null;
        String mode = "full";
        final List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--readme" -> readme = Path.of(value(args, ++i));
                case "--notes" -> notes = Path.of(value(args, ++i));
                case "--mode" -> mode = value(args, ++i);
                case "-h", "--help" -> {
                    System.out.println("usage: BenchReport [--out FILE] [--readme FILE] [--mode quick|full] "
                            + "[--notes FILE] result.json...");
                    return;
                }
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
                    }
                    inputs.add(Path.of(args[i]));
                }
            }
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no JMH JSON result given (see --help)");
        }
        final List<JmhResult> results = new ArrayList<>();
        for (Path in : inputs) {
            results.addAll(JmhResult.read(in));
        }
        final Map<String, String> noteSections = notes == null ? Map.of() : sections(Files.readString(notes));
        final Report report = new Report(results, mode, Environment.ofThisMachine(), noteSections);
        report.write(out);
        System.out.println(report.headline(out.getParent() == null ? Path.of(".") : out.getParent(), out));
        if (readme != null) {
            putHeadline(readme, report.headline(readme.toAbsolutePath().getParent(), out));
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** Splits a Markdown file at its {@code ## Name} headings. */
    static Map<String, String> sections(String markdown) {
        final Map<String, String> sections = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : markdown.split("\n", -1)) {
            if (line.startsWith("## ")) {
                if (name != null) {
                    sections.put(name, body.toString().strip());
                }
                name = line.substring(3).strip();
                body = new StringBuilder();
            } else if (name != null) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            sections.put(name, body.toString().strip());
        }
        return sections;
    }

    /** Replaces the text between the headline markers of {@code readme}. */
    static void putHeadline(Path readme, String headline) throws IOException {
        final String text = Files.readString(readme);
        final int start = text.indexOf(HEADLINE_START);
        final int end = text.indexOf(HEADLINE_END);
        if (start < 0 || end < start) {
            throw new IOException(readme + " has no " + HEADLINE_START + " ... " + HEADLINE_END + " block");
        }
        Files.writeString(readme, text.substring(0, start + HEADLINE_START.length()) + "\n" + headline
                + text.substring(end));
    }

    /** Where the report was made: from this machine when the report is written after the run. */
    record Environment(String cpu, int cores, String os, LocalDate date) {
        static Environment ofThisMachine() {
            String cpu = System.getProperty("os.arch");
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        cpu = line.substring(line.indexOf(':') + 1).strip();
                        break;
                    }
                }
            } catch (IOException notLinux) {
                // keep os.arch
            }
            return new Environment(cpu, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    LocalDate.now(ZoneOffset.UTC));
        }
    }

    /** The report's content. */
    static final class Report {
        private final List<JmhResult> results;
        private final List<Scenario> scenarios;
        private final String mode;
        private final Environment env;
        private final Map<String, String> notes;

        Report(List<JmhResult> results, String mode, Environment env, Map<String, String> notes) {
            this.results = List.copyOf(results);
            this.scenarios = Scenario.group(results);
            this.mode = mode;
            this.env = env;
            this.notes = notes;
        }

        /** Writes the report to {@code out} and its charts to {@code charts/} beside it. */
        void write(Path out) throws IOException {
            final Path dir = out.toAbsolutePath().getParent();
            Files.createDirectories(dir.resolve("charts"));
            final StringBuilder md = new StringBuilder();
            md.append("# Benchmarks\n\n");
            md.append("Generated by `dev.channels.bench.report.BenchReport` from JMH's JSON output (").append(mode)
                    .append(" mode). Scores are JMH's means over every measured iteration of every fork, with the ")
                    .append("half-width of the 99.9% confidence interval after ±. Where a benchmark's primary score ")
                    .append("counts more than the values moved (failed attempts, empty polls, both sides' calls, ")
                    .append("a lossy sender's offered rate), the report compares the secondary result named in ")
                    .append("its **compared** column instead; every ratio, chart and headline row uses the compared ")
                    .append("figure. A ratio is ours ÷ the peer for ")
                    .append("throughput (the peer ÷ ours for time per operation): above 1 we are faster. ")
                    .append("B/op is `-prof gc`'s allocation per operation, every thread's allocations included.\n\n");
            environment(md);
            md.append("## Headline\n\n").append(headline(dir, out)).append('\n');
            final Set<String> notesPrinted = new java.util.HashSet<>();
            for (Map.Entry<String, List<Scenario>> b : byBenchmark().entrySet()) {
                final String name = b.getKey();
                final List<String> impls = implementations(b.getValue());
                final String file = name.replace('.', '-') + ".svg";
                Files.writeString(dir.resolve("charts").resolve(file), Charts.barChart(name, b.getValue(), impls),
                        StandardCharsets.UTF_8);
                md.append("## ").append(name).append("\n\n");
                md.append("![").append(name).append("](charts/").append(file).append(")\n\n");
                final String cls = Comparisons.classOf(name);
                // A method's own section, else the class's, printed under its first method only.
                final String key = notes.containsKey(name) ? name : cls;
                if (notes.containsKey(key) && notesPrinted.add(key)) {
                    md.append(notes.get(key)).append("\n\n");
                }
                for (Scenario s : b.getValue()) {
                    scenarioTable(md, s);
                }
            }
            Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        }

        private void environment(StringBuilder md) {
            md.append("## Environment\n\n| | |\n|---|---|\n");
            md.append("| Date | ").append(env.date()).append(" |\n");
            md.append("| CPU | ").append(env.cpu()).append(" |\n");
            md.append("| Cores | ").append(env.cores()).append(" |\n");
            md.append("| OS | ").append(env.os()).append(" |\n");
            md.append("| JVM | ").append(distinct(r -> r.vmName() + " " + r.vmVersion() + " (Java " + r.jdkVersion()
                    + ")")).append(" |\n");
            md.append("| JMH | ").append(distinct(JmhResult::jmhVersion)).append(" |\n");
            md.append("| Forks | ").append(distinct(r -> Integer.toString(r.forks()))).append(" |\n");
            md.append("| Warm-up | ").append(distinct(JmhResult::warmup)).append(" |\n");
            md.append("| Measurement | ").append(distinct(JmhResult::measurement)).append(" |\n");
            md.append("| Threads (JMH) | ").append(distinct(r -> Integer.toString(r.threads()))).append(" |\n");
            final long withGc = results.stream().filter(r -> r.allocation() != null).count();
            md.append("| Allocation profiling | ").append(withGc == results.size() ? "`-prof gc` on every benchmark"
                    : withGc + " of " + results.size() + " results have `-prof gc`").append(" |\n\n");
        }

        private String distinct(java.util.function.Function<JmhResult, String> f) {
            final Set<String> values = results.stream().map(f).collect(Collectors.toCollection(TreeSet::new));
            return String.join("; ", values);
        }

        private Map<String, List<Scenario>> byBenchmark() {
            final Map<String, List<Scenario>> by = new LinkedHashMap<>();
            for (Scenario s : scenarios) {
                by.computeIfAbsent(s.benchmark(), k -> new ArrayList<>()).add(s);
            }
            return by;
        }

        private static List<String> implementations(List<Scenario> scenarios) {
            final Set<String> impls = new LinkedHashSet<>();
            scenarios.forEach(s -> impls.addAll(s.results().keySet()));
            return new ArrayList<>(impls);
        }

        /**
         * The headline: per scenario and per implementation of ours that is like-for-like
         * ({@link Comparisons#inHeadline}), its compared figure against the best like-for-like
         * peer's ({@link Scenario#bestComparablePeer}). Links
         * to the report's sections are relative to {@code from}.
         */
        String headline(Path from, Path report) {
            final String link = from.toAbsolutePath().relativize(report.toAbsolutePath()).toString()
                    .replace('\\', '/');
            final StringBuilder t = new StringBuilder();
            t.append("| Scenario | Compared | Ours | Best like-for-like peer | Ours ÷ peer | Ours B/op |\n|---|---|---|---|---:|---:|\n");
            for (Scenario s : scenarios) {
                final String peer = s.bestComparablePeer();
                if (peer == null) {
                    continue;
                }
                for (String ours : s.ours()) {
                    if (!Comparisons.inHeadline(s, ours)) {
                        continue;
                    }
                    final String anchor = s.benchmark().toLowerCase(Locale.ROOT).replace(".", "");
                    final JmhResult o = s.results().get(ours);
                    t.append("| [").append(s.benchmark()).append("](").append(link).append('#').append(anchor)
                            .append(")").append(s.label().isEmpty() ? "" : " " + s.label())
                            .append(" | ").append(s.comparedName())
                            .append(" | `").append(ours).append("` ").append(withError(s.compared(o)))
                            .append(" | `").append(peer).append("` ").append(withError(s.compared(s.results().get(peer))))
                            .append(" | ").append(ratio(s.ratio(ours, peer)))
                            .append(" | ").append(o.allocation() == null ? "n/a" : number(o.allocation().score()))
                            .append(" |\n");
                }
            }
            return t.toString();
        }

        private static void scenarioTable(StringBuilder md, Scenario s) {
            md.append("### ").append(s.benchmark()).append(s.label().isEmpty() ? "" : " — " + s.label()).append("\n\n");
            final List<String> ours = s.ours();
            final String compared = s.comparedName();
            final boolean secondary = !compared.equals("score");
            final List<String> extra = new ArrayList<>();
            s.results().values().forEach(r -> r.secondary().keySet().stream()
                    .filter(k -> !JmhResult.fromProfiler(k) && !k.equals(compared) && !extra.contains(k)).forEach(extra::add));
            md.append("| Implementation |");
            if (secondary) {
                md.append(" **").append(compared).append("** (compared) |");
            }
            md.append(" Score | B/op");
            ours.forEach(o -> md.append(" | `").append(o).append("` ÷ it"));
            extra.forEach(k -> md.append(" | ").append(k));
            md.append(" | Note |\n|---|").append(secondary ? "---|" : "").append("---|---");
            ours.forEach(o -> md.append("|---"));
            extra.forEach(k -> md.append("|---"));
            md.append("|---|\n");
            for (Map.Entry<String, JmhResult> e : s.results().entrySet()) {
                final JmhResult r = e.getValue();
                md.append("| `").append(e.getKey()).append("` | ");
                if (secondary) {
                    md.append(withError(s.compared(r))).append(" | ");
                }
                md.append(score(r)).append(" | ")
                        .append(r.allocation() == null ? "n/a" : number(r.allocation().score()));
                for (String o : ours) {
                    md.append(" | ").append(Scenario.isOurs(e.getKey()) ? "—" : ratio(s.ratio(o, e.getKey())));
                }
                for (String k : extra) {
                    final JmhResult.Metric m = r.secondary().get(k);
                    md.append(" | ").append(m == null ? "" : withError(m));
                }
                final JmhResult.Metric c = s.compared(r);
                md.append(" | ").append(ForkSpread.bimodal(c) ? "bimodal across forks: fork means "
                        + ForkSpread.forkMeans(c).stream().map(BenchReport::number)
                        .collect(Collectors.joining(" / ")) : "").append(" |\n");
            }
            md.append('\n');
        }

        private static String score(JmhResult r) {
            return withError(r.primary());
        }
    }

    /** The score, its error with as many decimals, and the unit: {@code 6.795 ± 1.329 ops/us}. */
    static String withError(JmhResult.Metric m) {
        final String error = Double.isNaN(m.error()) ? "" : " ± " + number(m.error(), m.score());
        return number(m.score()) + error + " " + m.unit();
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }

    /** Three significant digits at most, as JMH prints scores; tiny values in scientific notation. */
    static String number(double x) {
        return number(x, x);
    }

    /** {@code x} with the decimals that {@link #number(double)} gives {@code like}. */
    static String number(double x, double like) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        final double a = Math.abs(like);
        if (x == 0.0 && like == 0.0) {
            return "0";
        }
        if (a >= 100.0) {
            return String.format(Locale.ROOT, "%.0f", x);
        }
        if (a >= 10.0) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.3f", x);
        }
        return String.format(Locale.ROOT, "%.1e", x);
    }
}
