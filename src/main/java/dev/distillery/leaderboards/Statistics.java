package dev.distillery.leaderboards;

import java.util.BitSet;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.inference.BinomialTest;
import org.apache.commons.statistics.interval.BinomialConfidenceInterval;
import org.apache.commons.statistics.interval.Interval;

/** The statistics a leaderboard reports, from Apache Commons Statistics; pure functions of verdict vectors. */
final class Statistics {

    /** Resamples of the paired bootstrap: enough for stable 2.5/97.5 percentiles. */
    static final int BOOTSTRAP_RESAMPLES = 2_000;

    private static final double ALPHA = 0.05;

    private Statistics() {}

    /** The 95% Wilson score interval of {@code correct} out of {@code n}; [0, 0] when there are no items. */
    static double[] wilson(int correct, int n) {
        if (n == 0) {
            return new double[] {0, 0};
        }
        Interval interval = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate(n, correct, ALPHA);
        return new double[] {interval.getLowerBound(), interval.getUpperBound()};
    }

    /**
     * Compares a method with its baseline item by item ({@code n} items, bit i set when item i is correct): the
     * discordant counts, McNemar's exact test (a two-sided binomial test of the discordant pairs at 1/2), and a
     * percentile bootstrap interval of the accuracy difference from resampling items with a fixed seed, so the
     * same runs always give the same interval.
     */
    static Comparison compare(BitSet method, BitSet baseline, int n, long seed) {
        byte[] difference = new byte[n];
        int onlyMethod = 0;
        int onlyBaseline = 0;
        for (int i = 0; i < n; i++) {
            boolean m = method.get(i);
            boolean b = baseline.get(i);
            if (m && !b) {
                difference[i] = 1;
                onlyMethod++;
            } else if (b && !m) {
                difference[i] = -1;
                onlyBaseline++;
            }
        }
        int discordant = onlyMethod + onlyBaseline;
        if (discordant == 0) {
            // Same verdict on every item: no evidence of a difference, and every resample's difference is 0.
            return new Comparison(0, 0, 1.0, 0, 0);
        }
        double p = BinomialTest.withDefaults().test(discordant, onlyMethod, 0.5).getPValue();
        double[] diffs = new double[BOOTSTRAP_RESAMPLES];
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        for (int r = 0; r < BOOTSTRAP_RESAMPLES; r++) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += difference[random.nextInt(n)];
            }
            diffs[r] = (double) sum / n;
        }
        double[] bounds = Quantile.withDefaults().evaluate(diffs, ALPHA / 2, 1 - ALPHA / 2);
        return new Comparison(onlyMethod, onlyBaseline, Math.min(1.0, p), bounds[0], bounds[1]);
    }

    /**
     * A paired comparison with the baseline.
     *
     * @param onlyMethod items the method got right and the baseline wrong
     * @param onlyBaseline items the baseline got right and the method wrong
     * @param pValue McNemar's exact two-sided p
     * @param diffLow lower bound of the 95% bootstrap interval of accuracy(method) − accuracy(baseline), as a fraction
     */
    record Comparison(int onlyMethod, int onlyBaseline, double pValue, double diffLow, double diffHigh) {}
}
