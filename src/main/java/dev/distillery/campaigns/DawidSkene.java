package dev.distillery.campaigns;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary Dawid–Skene (1979) aggregation of crowd verdicts: each contributor is modelled by a sensitivity and a
 * specificity, learnt jointly with each item's probability of being truly correct by expectation–maximisation.
 * Gold items, whose truth is known, anchor the estimates. A verdict {@code true} says "the item's answer is correct".
 *
 * <p>Pure: no I/O, no state. Contributors to exclude are simply left out of the answers by the caller.
 */
public final class DawidSkene {

    /** Sensitivities and specificities are kept inside [0.01, 0.99] so that no single verdict is ever decisive. */
    static final double MIN_RATE = 0.01;

    static final double MAX_RATE = 0.99;

    /** The class prior stays inside [0.05, 0.95] so that a lopsided campaign cannot silence every verdict. */
    static final double MIN_PRIOR = 0.05;

    static final double MAX_PRIOR = 0.95;

    private DawidSkene() {}

    /** One contributor's verdict on one item: {@code true} says the item's answer is correct. */
    public record Answer(String item, String worker, boolean verdict) {}

    /**
     * A contributor's reliability.
     *
     * @param sensitivity P(says true | truly true), in [0, 1]
     * @param specificity P(says false | truly false), in [0, 1]
     */
    public record Worker(double sensitivity, double specificity) {

        public Worker {
            if (!(sensitivity >= 0 && sensitivity <= 1 && specificity >= 0 && specificity <= 1)) {
                throw new IllegalArgumentException(
                        "sensitivity and specificity must lie in [0, 1]: " + sensitivity + ", " + specificity);
            }
        }

        /**
         * The log-likelihood ratio {@code log P(verdict | true) / P(verdict | false)} that one verdict of this worker
         * adds to an item's log-odds: positive pushes towards true, zero carries no information, negative means the
         * worker's verdict counts reversed. Rates are clamped to [0.01, 0.99] first, so the result is always finite.
         */
        public double evidence(boolean verdict) {
            double sens = clamp(sensitivity, MIN_RATE, MAX_RATE);
            double spec = clamp(specificity, MIN_RATE, MAX_RATE);
            return verdict ? Math.log(sens / (1 - spec)) : Math.log((1 - sens) / spec);
        }
    }

    /**
     * A worker's expected (soft) confusion counts: each answer contributes its item's posterior to the "truly true"
     * column and the rest to the "truly false" column.
     *
     * @param tp said true, truly true
     * @param fn said false, truly true
     * @param fp said true, truly false
     * @param tn said false, truly false
     */
    public record Counts(double tp, double fn, double fp, double tn) {

        /** A worker with no answers yet. */
        public static final Counts NONE = new Counts(0, 0, 0, 0);
    }

    /**
     * Beta pseudo-counts added to each side (truly true, truly false) of a worker's counts, so that a worker with few
     * answers starts at a modest reliability and moves from it as evidence accumulates.
     *
     * @param correct pseudo-answers that were right, per side
     * @param wrong pseudo-answers that were wrong, per side
     */
    public record Prior(double correct, double wrong) {

        /** Two right and one wrong on each side: a new worker starts at sensitivity = specificity = 2/3. */
        public static final Prior DEFAULT = new Prior(2, 1);

        public Prior {
            if (!(correct > 0 && wrong > 0 && Double.isFinite(correct) && Double.isFinite(wrong))) {
                throw new IllegalArgumentException("pseudo-counts must be positive: " + correct + ", " + wrong);
            }
        }
    }

    /** One verdict together with the reliability of the worker who gave it. */
    public record Vote(boolean verdict, Worker worker) {}

    /**
     * The outcome of {@link #fit}. The posteriors are the E-step of the returned workers and prior, and the workers
     * are {@link #estimate} of the returned counts, so a caller can continue incrementally with {@link #add}.
     *
     * @param posteriors P(item's answer is correct | all verdicts) for each answered item, 1 or 0 for gold items
     * @param workers each worker's estimated reliability
     * @param counts each worker's soft confusion counts
     * @param prior the estimated share of items whose answer is correct
     * @param iterations EM iterations run after the initial majority vote
     */
    public record Result(
            Map<String, Double> posteriors,
            Map<String, Worker> workers,
            Map<String, Counts> counts,
            double prior,
            int iterations) {

        public Result {
            posteriors = Collections.unmodifiableMap(new LinkedHashMap<>(posteriors));
            workers = Collections.unmodifiableMap(new LinkedHashMap<>(workers));
            counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        }
    }

    /**
     * A worker's reliability from their soft counts, Beta-smoothed by {@code prior} and clamped to [0.01, 0.99], so it
     * is never exactly 0 or 1.
     */
    public static Worker estimate(Counts counts, Prior prior) {
        double sensitivity =
                (counts.tp() + prior.correct()) / (counts.tp() + counts.fn() + prior.correct() + prior.wrong());
        double specificity =
                (counts.tn() + prior.correct()) / (counts.tn() + counts.fp() + prior.correct() + prior.wrong());
        return new Worker(clamp(sensitivity, MIN_RATE, MAX_RATE), clamp(specificity, MIN_RATE, MAX_RATE));
    }

    /**
     * P(true | votes), assuming the verdicts independent given the truth. Summed in log-odds space, so a hundred
     * unanimous votes give a finite result in [0, 1] rather than NaN.
     *
     * @param prior P(true) before any vote, strictly between 0 and 1
     */
    public static double posterior(double prior, List<Vote> votes) {
        if (!(prior > 0 && prior < 1)) {
            throw new IllegalArgumentException("prior must lie strictly between 0 and 1: " + prior);
        }
        double logOdds = Math.log(prior / (1 - prior));
        for (Vote vote : votes) {
            logOdds += vote.worker().evidence(vote.verdict());
        }
        return sigmoid(logOdds);
    }

    /**
     * Adds one new answer's soft counts to a worker's counts, weighting it by its item's current posterior. Meant for
     * the time between two full fits: the posteriors used here are never revised, so the counts drift from what a
     * full {@link #fit} would give, and a periodic full fit corrects that drift.
     */
    public static Counts add(Counts counts, boolean verdict, double itemPosterior) {
        if (!(itemPosterior >= 0 && itemPosterior <= 1)) {
            throw new IllegalArgumentException("posterior must lie in [0, 1]: " + itemPosterior);
        }
        return verdict
                ? new Counts(counts.tp() + itemPosterior, counts.fn(), counts.fp() + 1 - itemPosterior, counts.tn())
                : new Counts(counts.tp(), counts.fn() + itemPosterior, counts.fp(), counts.tn() + 1 - itemPosterior);
    }

    /** {@link #fit(List, Map, Prior, int, double)} with {@link Prior#DEFAULT}. */
    public static Result fit(List<Answer> answers, Map<String, Boolean> gold, int maxIterations, double tolerance) {
        return fit(answers, gold, Prior.DEFAULT, maxIterations, tolerance);
    }

    /**
     * Fits workers' reliabilities and items' posteriors by EM.
     *
     * <p>Starts from a reliability-free majority vote: every worker starts from their gold answers alone, which for a
     * worker without gold is the smoothing prior, so that without gold the first posteriors are a plain majority
     * vote. Gold items' truth stays clamped to the gold verdict (posterior 1 or 0) and they count in the workers'
     * confusion estimates like any other item; gold items nobody answered are ignored. Each iteration then re-estimates
     * workers and the class prior (smoothed, clamped to [0.05, 0.95]) from the posteriors, and the posteriors from
     * them, until no posterior moves by more than {@code tolerance} or {@code maxIterations} is reached. Linear in the
     * number of answers per iteration.
     *
     * @param gold known truth by item id; items not in the answers are ignored
     * @param maxIterations 0 returns the initial majority vote
     */
    public static Result fit(
            List<Answer> answers, Map<String, Boolean> gold, Prior smoothing, int maxIterations, double tolerance) {
        if (maxIterations < 0 || !(tolerance >= 0)) {
            throw new IllegalArgumentException(
                    "maxIterations and tolerance must not be negative: " + maxIterations + ", " + tolerance);
        }
        Map<String, Integer> itemIndex = new LinkedHashMap<>();
        Map<String, Integer> workerIndex = new LinkedHashMap<>();
        int n = answers.size();
        int[] itemOf = new int[n];
        int[] workerOf = new int[n];
        boolean[] says = new boolean[n];
        for (int a = 0; a < n; a++) {
            Answer answer = answers.get(a);
            itemOf[a] = index(itemIndex, answer.item());
            workerOf[a] = index(workerIndex, answer.worker());
            says[a] = answer.verdict();
        }
        int items = itemIndex.size();
        int workers = workerIndex.size();
        double[] truth = new double[items];
        boolean[] known = new boolean[items];
        for (var entry : itemIndex.entrySet()) {
            Boolean verdict = gold.get(entry.getKey());
            if (verdict != null) {
                known[entry.getValue()] = true;
                truth[entry.getValue()] = verdict ? 1 : 0;
            }
        }

        double[][] counts = count(itemOf, workerOf, says, truth, known, true, workers);
        Worker[] reliability = estimateAll(counts, smoothing);
        double prior = 0.5;
        eStep(itemOf, workerOf, says, truth, known, reliability, prior);
        int iterations = 0;
        while (iterations < maxIterations) {
            iterations++;
            counts = count(itemOf, workerOf, says, truth, known, false, workers);
            reliability = estimateAll(counts, smoothing);
            prior = classPrior(truth);
            double moved = eStep(itemOf, workerOf, says, truth, known, reliability, prior);
            if (moved <= tolerance) {
                break;
            }
        }

        Map<String, Double> posteriors = new LinkedHashMap<>();
        itemIndex.forEach((item, i) -> posteriors.put(item, truth[i]));
        Map<String, Worker> workersById = new LinkedHashMap<>();
        Map<String, Counts> countsById = new LinkedHashMap<>();
        for (var entry : workerIndex.entrySet()) {
            double[] c = counts[entry.getValue()];
            workersById.put(entry.getKey(), reliability[entry.getValue()]);
            countsById.put(entry.getKey(), new Counts(c[0], c[1], c[2], c[3]));
        }
        return new Result(posteriors, workersById, countsById, prior, iterations);
    }

    private static int index(Map<String, Integer> index, String id) {
        Integer existing = index.get(id);
        if (existing != null) {
            return existing;
        }
        int next = index.size();
        index.put(id, next);
        return next;
    }

    /** Soft confusion counts per worker as {tp, fn, fp, tn}; {@code goldOnly} for the initial, reliability-free step. */
    private static double[][] count(
            int[] itemOf,
            int[] workerOf,
            boolean[] says,
            double[] truth,
            boolean[] known,
            boolean goldOnly,
            int workers) {
        double[][] counts = new double[workers][4];
        for (int a = 0; a < itemOf.length; a++) {
            int item = itemOf[a];
            if (goldOnly && !known[item]) {
                continue;
            }
            double p = truth[item];
            double[] c = counts[workerOf[a]];
            if (says[a]) {
                c[0] += p;
                c[2] += 1 - p;
            } else {
                c[1] += p;
                c[3] += 1 - p;
            }
        }
        return counts;
    }

    private static Worker[] estimateAll(double[][] counts, Prior smoothing) {
        Worker[] workers = new Worker[counts.length];
        for (int w = 0; w < counts.length; w++) {
            double[] c = counts[w];
            workers[w] = estimate(new Counts(c[0], c[1], c[2], c[3]), smoothing);
        }
        return workers;
    }

    /** Laplace-smoothed mean posterior, so that a handful of items cannot push the prior to an extreme. */
    private static double classPrior(double[] truth) {
        double sum = 0;
        for (double p : truth) {
            sum += p;
        }
        return clamp((sum + 1) / (truth.length + 2), MIN_PRIOR, MAX_PRIOR);
    }

    /** Updates the posteriors of items not in gold in place; returns the largest change. */
    private static double eStep(
            int[] itemOf,
            int[] workerOf,
            boolean[] says,
            double[] truth,
            boolean[] known,
            Worker[] workers,
            double prior) {
        double[] onTrue = new double[workers.length];
        double[] onFalse = new double[workers.length];
        for (int w = 0; w < workers.length; w++) {
            onTrue[w] = workers[w].evidence(true);
            onFalse[w] = workers[w].evidence(false);
        }
        double[] logOdds = new double[truth.length];
        Arrays.fill(logOdds, Math.log(prior / (1 - prior)));
        for (int a = 0; a < itemOf.length; a++) {
            logOdds[itemOf[a]] += says[a] ? onTrue[workerOf[a]] : onFalse[workerOf[a]];
        }
        double moved = 0;
        for (int i = 0; i < truth.length; i++) {
            if (!known[i]) {
                double next = sigmoid(logOdds[i]);
                moved = Math.max(moved, Math.abs(next - truth[i]));
                truth[i] = next;
            }
        }
        return moved;
    }

    private static double sigmoid(double logOdds) {
        if (logOdds >= 0) {
            return 1 / (1 + Math.exp(-logOdds));
        }
        double e = Math.exp(logOdds);
        return e / (1 + e);
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
