package dev.channels.stress.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The command line of {@link Soak}. */
final class Options {
    /** Faults the soak can inject into itself, to show that each kind of check fails when it should. */
    enum Inject {
        NONE,
        /** The mpsc consumer forgets one message it received: the accounting must report a loss. */
        LOSS,
        /** The mpsc consumer records one message twice: the accounting must report a duplicate. */
        DUP,
        /** A producer books one accepted message as handed back: "a returned value was received". */
        RETURNED,
        /** The leak check keeps its futures (and leaves the last one pending): both leak checks must fail. */
        LEAK,
        /** A worker of the first round never ends: the hang watchdog must fire. */
        HANG
    }

    Duration duration = Duration.ofSeconds(60);
    long seed = new java.util.SplittableRandom().nextLong(); // seeded from the system's entropy: printed, so that a run can be repeated
    boolean seedGiven;
    Path report;
    int hangSeconds = 30;
    int roundMinMillis = 150;
    int roundMaxMillis = 1200;
    /** Scenarios to run (empty: all). */
    List<String> only = new ArrayList<>();
    /** Only this round number (with the seed): repeats that round's scenario and parameters. */
    int onlyRound = -1;
    /** "mixed" (some rounds on virtual threads when the JDK has them), "platform" or "virtual". */
    String threads = "mixed";
    boolean leakCheck = true;
    long leakOps = 1_000_000;
    long leakInterruptOps = 250_000;
    long leakTimedOps = 10_000;
    Inject inject = Inject.NONE;
    boolean verbose;

    static final String USAGE = String.join("\n",
            "usage: java -cp jcstress.jar dev.channels.stress.soak.Soak [options]",
            "  --duration D          how long the rounds run: 60s (default), 10m, 1h, 500ms",
            "  --seed N              master seed (printed at start; a run is reproduced by its seed)",
            "  --report FILE         also write the summary as Markdown to FILE",
            "  --hang-seconds N      a round that has not finished after N s fails the run (30)",
            "  --round-ms MIN-MAX    production time of a round (150-1200)",
            "  --only A,B            only these scenarios (" + String.join(", ", Soak.SCENARIO_NAMES) + ")",
            "  --round K             only round K of the seed, repeated for the duration",
            "  --threads T           mixed (default), platform or virtual (virtual needs JDK 21+)",
            "  --leak-ops N          cancelled async operations per leak case (1000000)",
            "  --leak-interrupt-ops N  interrupted blocking operations per leak case (250000)",
            "  --leak-timed-ops N    timed-out operations per leak case (10000)",
            "  --no-leak-check       skip the waiter-leak check",
            "  --inject F            self-test: loss, dup, returned, leak or hang; the run must then fail",
            "  --verbose             one line per round",
            "  --help                this text");

    static Options parse(String... args) {
        final Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            switch (a) {
                case "--duration": o.duration = parseDuration(value(args, ++i, a)); break;
                case "--seed": o.seed = parseLong(value(args, ++i, a)); o.seedGiven = true; break;
                case "--report": o.report = Path.of(value(args, ++i, a)); break;
                case "--hang-seconds": o.hangSeconds = Integer.parseInt(value(args, ++i, a)); break;
                case "--round-ms": {
                    final String[] mm = value(args, ++i, a).split("-");
                    o.roundMinMillis = Integer.parseInt(mm[0]);
                    o.roundMaxMillis = Integer.parseInt(mm.length > 1 ? mm[1] : mm[0]);
                    if (o.roundMinMillis < 1 || o.roundMaxMillis < o.roundMinMillis) {
                        throw new IllegalArgumentException("bad --round-ms " + args[i]);
                    }
                    break;
                }
                case "--only":
                    for (String s : value(args, ++i, a).split(",")) {
                        if (!Soak.SCENARIO_NAMES.contains(s)) {
                            throw new IllegalArgumentException("unknown scenario " + s + "; known: " + Soak.SCENARIO_NAMES);
                        }
                        o.only.add(s);
                    }
                    break;
                case "--round": o.onlyRound = Integer.parseInt(value(args, ++i, a)); break;
                case "--threads": {
                    o.threads = value(args, ++i, a);
                    if (!List.of("mixed", "platform", "virtual").contains(o.threads)) {
                        throw new IllegalArgumentException("--threads must be mixed, platform or virtual");
                    }
                    if (o.threads.equals("virtual") && !Threads.VIRTUAL_AVAILABLE) {
                        throw new IllegalArgumentException("--threads virtual needs JDK 21 or later");
                    }
                    break;
                }
                case "--leak-ops": o.leakOps = parseLong(value(args, ++i, a)); break;
                case "--leak-interrupt-ops": o.leakInterruptOps = parseLong(value(args, ++i, a)); break;
                case "--leak-timed-ops": o.leakTimedOps = parseLong(value(args, ++i, a)); break;
                case "--no-leak-check": o.leakCheck = false; break;
                case "--inject": o.inject = Inject.valueOf(value(args, ++i, a).toUpperCase(Locale.ROOT)); break;
                case "--verbose": o.verbose = true; break;
                default: throw new IllegalArgumentException("unknown option " + a);
            }
        }
        o.only = Collections.unmodifiableList(o.only);
        return o;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long parseLong(String s) {
        final String t = s.replace("_", "");
        return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    }

    /** 60s, 10m, 1h, 500ms, or plain seconds. */
    static Duration parseDuration(String s) {
        final String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        if (t.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        if (t.endsWith("h")) {
            return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(t));
    }
}
