package dev.channels.bench.report;

import java.util.Map;
import java.util.Set;

/**
 * What the report compares for each benchmark. A primary score is not always comparable across
 * implementations: where a benchmark counts failed attempts (an empty poll, a full offer) or the
 * rate a lossy sender offers, the comparable figure is one of its secondary results, the
 * operations that actually moved a value. This class names that figure per benchmark, and the
 * implementations and scenarios that are not like-for-like and so stay out of the headline.
 * {@code docs/benchmarks/notes.md} explains each choice to the reader.
 */
final class Comparisons {
    /**
     * The compared secondary result per benchmark method ({@code Class.method}) or per class;
     * benchmarks not listed are compared by their primary score.
     */
    private static final Map<String, String> METRIC = Map.of(
            // Values each receiver got, per µs: for the never-waiting `channels` the primary score
            // is the rate it offered, not what the receivers got.
            "BroadcastBenchmark", "perReceiver",
            // Transfers, not attempts: the primary score counts failed offers and polls too.
            "MpscTryBenchmark", "received",
            // The primary score adds the producers' and the consumer's calls (about twice this).
            "MpscBlockingBenchmark", "received",
            "MpscBlockingUntimedBenchmark", "received",
            // The primary score adds the requester's and the responder's calls.
            "OneshotBenchmark.requestReply", "roundTrips",
            // New versions seen by the readers; the primary score counts empty polls.
            "WatchBenchmark.w1r1", "changes",
            "WatchBenchmark.w1r4", "changes",
            // Completed selects; the primary score adds the producer's sends.
            "SelectBenchmark.noneReady", "selects");

    /**
     * Peers measured for reference but not like-for-like, by benchmark class: the report shows
     * them in every table and chart, and the headline compares with the best of the others.
     */
    private static final Map<String, Set<String>> REFERENCE_ONLY = Map.of(
            // Consumers that spin and yield instead of sleeping: the like-for-like peer is
            // Disruptor-Blocking, whose consumers block as ours park.
            "BroadcastBenchmark", Set.of("Disruptor-Yielding"),
            // Unbounded: its put never waits, so it applies no back-pressure.
            "ManyProducersBenchmark", Set.of("LinkedTransferQueue"));

    private Comparisons() {
    }

    /** The compared secondary result of a benchmark ({@code BroadcastBenchmark.send}), or null for its primary score. */
    static String metricOf(String benchmark) {
        final String own = METRIC.get(benchmark);
        return own != null ? own : METRIC.get(classOf(benchmark));
    }

    /** The class part of a benchmark's short name: {@code BroadcastBenchmark} of {@code BroadcastBenchmark.send}. */
    static String classOf(String benchmark) {
        final int dot = benchmark.indexOf('.');
        return dot < 0 ? benchmark : benchmark.substring(0, dot);
    }

    /** Whether a peer is measured for reference only and so stays out of the headline's comparison. */
    static boolean referenceOnly(String benchmark, String peer) {
        return REFERENCE_ONLY.getOrDefault(classOf(benchmark), Set.of()).contains(peer);
    }

    /**
     * Whether one of our implementations in a scenario belongs in the headline. Left out: the
     * never-waiting broadcast sender (it loses values by design, the peers are lossless; its
     * lossless twin {@code channels-paced} is in), and the select scenarios where a paused
     * producer sets the pace of both sides (those measure the allocation of the parked path, not
     * speed), and the plain send-and-receive reference of the select benchmark.
     */
    static boolean inHeadline(Scenario s, String ours) {
        if (s.benchmark().equals("BroadcastBenchmark.send") && ours.equals("channels")) {
            return false;
        }
        if (s.benchmark().equals("SelectBenchmark.sendRecv")) {
            return false;
        }
        final String pause = s.params().get("pauseMicros");
        return pause == null || pause.equals("0");
    }
}
