package dev.channels.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a metric's forks disagree: on a shared 2-vCPU virtual machine, spinning code can settle
 * in one of two regimes per JVM (its threads on different cores or taking turns on one), and the
 * mean over forks then describes neither. A result is called <em>bimodal across forks</em> when
 * the fork means split into a low and a high group (at the largest gap between sorted means) whose
 * gap is at least {@value #MIN_RATIO}× apart and larger than {@value #NOISE_FACTOR} times the
 * largest spread of iterations within a fork: a difference between JVMs, not noise within one.
 */
public final class ForkSpread {
    /** The high group's lowest mean must be this many times the low group's highest. */
    static final double MIN_RATIO = 1.25;
    /** The gap must exceed this many within-fork standard deviations. */
    static final double NOISE_FACTOR = 3.0;

    private ForkSpread() {
    }

    /** The mean of each fork's iterations. */
    public static List<Double> forkMeans(JmhResult.Metric m) {
        final List<Double> means = new ArrayList<>();
        for (List<Double> fork : m.forks()) {
            means.add(fork.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        }
        return means;
    }

    /** Whether the forks of {@code m} fall into two groups, as the class comment defines. */
    public static boolean bimodal(JmhResult.Metric m) {
        final List<Double> means = forkMeans(m);
        if (means.size() < 2) {
            return false;
        }
        final List<Double> sorted = new ArrayList<>(means);
        sorted.sort(null);
        double gapLow = sorted.get(0);
        double gapHigh = sorted.get(0);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i) - sorted.get(i - 1) > gapHigh - gapLow) {
                gapLow = sorted.get(i - 1);
                gapHigh = sorted.get(i);
            }
        }
        double noise = 0.0;
        for (List<Double> fork : m.forks()) {
            noise = Math.max(noise, stdDev(fork));
        }
        return gapLow > 0.0 && gapHigh / gapLow >= MIN_RATIO && gapHigh - gapLow > NOISE_FACTOR * noise;
    }

    private static double stdDev(List<Double> xs) {
        if (xs.size() < 2) {
            return 0.0;
        }
        final double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(0.0);
        double sum = 0.0;
        for (double x : xs) {
            sum += (x - mean) * (x - mean);
        }
        return Math.sqrt(sum / (xs.size() - 1));
    }
}
