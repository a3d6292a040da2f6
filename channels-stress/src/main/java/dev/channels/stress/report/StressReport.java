package dev.channels.stress.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes {@code channels-stress/REPORT.md} from the files a run of {@code channels-stress/stress-suite.sh}
 * leaves behind. Nothing here runs a test: it only reads what the runs printed, so the report can
 * say no more than the runs did.
 *
 * <p>A run directory holds one sub-directory per JDK, each with:
 * <ul>
 *   <li>{@code meta.properties}: the JDK, the mode of each part, start times, durations and exit codes
 *       (written by the script);</li>
 *   <li>{@code jcstress.txt}: jcstress's output with {@code -v}, which lists every test with the samples
 *       of each outcome;</li>
 *   <li>{@code lincheck/TEST-*.xml}: Surefire's reports of the model checks;</li>
 *   <li>{@code soak.md}: the soak run's own summary.</li>
 * </ul>
 * The run directory itself holds {@code machine.properties} (CPU, cores, OS, commit, date).
 *
 * <p>Usage: {@code java -cp jcstress.jar dev.channels.stress.report.StressReport <run-dir> <out.md>}.
 * Exit code 0 when the report was written and every part passed, 1 when a part failed (the report is
 * written anyway), 2 on bad arguments or unreadable input.
 */
public final class StressReport {

    private StressReport() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: StressReport <run-dir> <out.md>");
            System.exit(2);
        }
        Path runDir = Path.of(args[0]);
        Path out = Path.of(args[1]);
        try {
            Report report = read(runDir);
            Files.writeString(out, report.markdown(), StandardCharsets.UTF_8);
            System.out.println("wrote " + out + (report.allPassed() ? " (all parts passed)" : " (SOME PARTS FAILED)"));
            System.exit(report.allPassed() ? 0 : 1);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            System.err.println("StressReport: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Reads a whole run directory. */
    static Report read(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException("not a directory: " + runDir);
        }
        Properties machine = properties(runDir.resolve("machine.properties"));
        List<JdkRun> jdks = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                if (Files.exists(dir.resolve("meta.properties"))) {
                    jdks.add(JdkRun.read(dir));
                }
            }
        }
        if (jdks.isEmpty()) {
            throw new IllegalArgumentException("no JDK run (a directory with meta.properties) under " + runDir);
        }
        return new Report(machine, jdks);
    }

    static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        return p;
    }

    /** One JDK's runs of the three parts. */
    record JdkRun(String label, Properties meta, JcstressResults jcstress, LincheckResults lincheck,
                  String soakMarkdown) {

        static JdkRun read(Path dir) throws IOException {
            Properties meta = properties(dir.resolve("meta.properties"));
            Path jcs = dir.resolve("jcstress.txt");
            JcstressResults jcstress = Files.exists(jcs)
                    ? JcstressResults.parse(Files.readAllLines(jcs, StandardCharsets.UTF_8)) : null;
            Path lin = dir.resolve("lincheck");
            LincheckResults lincheck = Files.isDirectory(lin) ? LincheckResults.read(lin) : null;
            Path soak = dir.resolve("soak.md");
            String soakMd = Files.exists(soak) ? Files.readString(soak, StandardCharsets.UTF_8) : null;
            return new JdkRun(dir.getFileName().toString(), meta, jcstress, lincheck, soakMd);
        }

        String meta(String key) {
            return meta.getProperty(key, "?");
        }

        boolean exitedZero(String part) {
            return "0".equals(meta.getProperty(part + ".exit"));
        }

        boolean jcstressPassed() {
            return jcstress != null && exitedZero("jcstress") && jcstress.passed();
        }

        boolean lincheckPassed() {
            return lincheck != null && exitedZero("lincheck") && lincheck.passed();
        }

        boolean soakPassed() {
            return soakMarkdown != null && exitedZero("soak");
        }
    }

    /** The whole report. */
    record Report(Properties machine, List<JdkRun> jdks) {

        boolean allPassed() {
            return jdks.stream().allMatch(j -> j.jcstressPassed() && j.lincheckPassed() && j.soakPassed());
        }

        String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("# Stress suite report\n\n");
            md.append("Written by `channels-stress/stress-suite.sh` from the output of the runs below; do not edit by hand.\n\n");
            md.append("| | |\n|---|---|\n");
            row(md, "Date (UTC)", machine.getProperty("date", "?"));
            row(md, "Commit", "`" + machine.getProperty("commit", "?") + "`");
            row(md, "CPU", machine.getProperty("cpu", "?"));
            row(md, "Cores", machine.getProperty("cores", "?"));
            row(md, "Memory", machine.getProperty("memory", "?"));
            row(md, "OS", machine.getProperty("os", "?"));
            md.append('\n');

            md.append("## Summary\n\n");
            md.append("| JDK | jcstress | tests | samples | FORBIDDEN seen | time | Lincheck | tests | time | soak | time | verdict |\n");
            md.append("|---|---|---:|---:|---:|---:|---|---:|---:|---|---:|---|\n");
            for (JdkRun j : jdks) {
                JcstressResults c = j.jcstress();
                LincheckResults l = j.lincheck();
                md.append("| ").append(j.meta("java.version"))
                  .append(" | `-m ").append(j.meta("jcstress.mode")).append('`')
                  .append(" | ").append(c == null ? "not run" : c.tests().size())
                  .append(" | ").append(c == null ? "" : String.format(Locale.ROOT, "%,d", c.totalSamples()))
                  .append(" | ").append(c == null ? "" : c.forbiddenSamples())
                  .append(" | ").append(j.meta("jcstress.seconds")).append(" s")
                  .append(" | ").append(j.meta("lincheck.mode"))
                  .append(" | ").append(l == null ? "not run" : l.tests() + " (" + l.failures() + " failed)")
                  .append(" | ").append(j.meta("lincheck.seconds")).append(" s")
                  .append(" | ").append(j.meta("soak.duration"))
                  .append(" | ").append(j.meta("soak.seconds")).append(" s")
                  .append(" | ").append(j.jcstressPassed() && j.lincheckPassed() && j.soakPassed() ? "**pass**" : "**FAIL**")
                  .append(" |\n");
            }
            md.append('\n');

            for (JdkRun j : jdks) {
                md.append("## JDK ").append(j.meta("java.version")).append("\n\n");
                md.append("`").append(j.meta("java.full")).append("` (").append(j.meta("java.home")).append(")\n\n");
                jcstressSection(md, j);
                lincheckSection(md, j);
                md.append("### Soak (").append(j.meta("soak.duration")).append(", exit ")
                  .append(j.meta("soak.exit")).append(")\n\n");
                md.append(j.soakMarkdown() == null ? "Not run.\n" : demoteHeadings(j.soakMarkdown().strip())).append("\n\n");
            }
            return md.toString();
        }

        private static void jcstressSection(StringBuilder md, JdkRun j) {
            JcstressResults c = j.jcstress();
            md.append("### jcstress (`-m ").append(j.meta("jcstress.mode")).append("`, ")
              .append(j.meta("jcstress.seconds")).append(" s, exit ").append(j.meta("jcstress.exit")).append(")\n\n");
            if (c == null) {
                md.append("Not run.\n\n");
                return;
            }
            md.append("jcstress's verdict: `").append(c.resultsLine() == null ? "(no Results line)" : c.resultsLine()).append("`\n\n");
            md.append("| Class | tests | samples | outcomes seen | acceptable outcomes never seen | FORBIDDEN samples |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            Map<String, List<JcstressResults.Test>> byClass = new TreeMap<>();
            for (JcstressResults.Test t : c.tests()) {
                byClass.computeIfAbsent(t.outerClass(), k -> new ArrayList<>()).add(t);
            }
            for (var e : byClass.entrySet()) {
                long samples = 0;
                long seen = 0;
                long unseen = 0;
                long forbidden = 0;
                for (JcstressResults.Test t : e.getValue()) {
                    samples += t.samples();
                    for (JcstressResults.Row r : t.rows()) {
                        if (r.samples() > 0) {
                            seen++;
                        }
                        if (r.samples() == 0 && !r.forbidden()) {
                            unseen++;
                        }
                        if (r.forbidden()) {
                            forbidden += r.samples();
                        }
                    }
                }
                md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().size())
                  .append(" | ").append(String.format(Locale.ROOT, "%,d", samples))
                  .append(" | ").append(seen).append(" | ").append(unseen)
                  .append(" | ").append(forbidden).append(" |\n");
            }
            md.append('\n');
            List<String> unseen = new ArrayList<>();
            for (JcstressResults.Test t : c.tests()) {
                for (JcstressResults.Row r : t.rows()) {
                    if (r.samples() == 0 && !r.forbidden()) {
                        unseen.add("`" + t.shortName() + "` `" + r.result() + "` (" + r.description() + ")");
                    }
                }
            }
            if (!unseen.isEmpty()) {
                md.append("<details><summary>Acceptable outcomes not observed in this run (").append(unseen.size())
                  .append(")</summary>\n\n");
                for (String u : unseen) {
                    md.append("- ").append(u).append('\n');
                }
                md.append("\n</details>\n\n");
            }
            List<String> bad = new ArrayList<>();
            for (JcstressResults.Test t : c.tests()) {
                if (!t.status().equals("OK")) {
                    bad.add("`" + t.name() + "`: " + t.status());
                }
            }
            if (!bad.isEmpty()) {
                md.append("Tests not OK:\n\n");
                for (String b : bad) {
                    md.append("- ").append(b).append('\n');
                }
                md.append('\n');
            }
        }

        private static void lincheckSection(StringBuilder md, JdkRun j) {
            LincheckResults l = j.lincheck();
            md.append("### Lincheck (").append(j.meta("lincheck.mode")).append(" mode, ")
              .append(j.meta("lincheck.seconds")).append(" s, exit ").append(j.meta("lincheck.exit")).append(")\n\n");
            if (l == null) {
                md.append("Not run.\n\n");
                return;
            }
            md.append("| Test class | tests | failures | errors | skipped | time (s) |\n|---|---:|---:|---:|---:|---:|\n");
            for (LincheckResults.Suite s : l.suites()) {
                md.append("| ").append(s.name()).append(" | ").append(s.tests()).append(" | ").append(s.failures())
                  .append(" | ").append(s.errors()).append(" | ").append(s.skipped())
                  .append(" | ").append(String.format(Locale.ROOT, "%.1f", s.seconds())).append(" |\n");
            }
            md.append('\n');
        }

        private static void row(StringBuilder md, String key, String value) {
            md.append("| ").append(key).append(" | ").append(value).append(" |\n");
        }

        /** The soak's summary is a document of its own; nest its headings under the JDK's section. */
        private static String demoteHeadings(String text) {
            return text.replaceAll("(?m)^(#+) ", "$1### ");
        }
    }
}
