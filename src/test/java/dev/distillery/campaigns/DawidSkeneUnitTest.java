package dev.distillery.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import dev.distillery.campaigns.DawidSkene.Answer;
import dev.distillery.campaigns.DawidSkene.Counts;
import dev.distillery.campaigns.DawidSkene.Prior;
import dev.distillery.campaigns.DawidSkene.Result;
import dev.distillery.campaigns.DawidSkene.Vote;
import dev.distillery.campaigns.DawidSkene.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DawidSkeneUnitTest {

    static final int MAX_ITERATIONS = 100;
    static final double TOLERANCE = 1e-6;

    /** Answers of a crowd on items with known truth, with the gold subset the fit is told about. */
    record Crowd(List<Answer> answers, Map<String, Boolean> truth, Map<String, Boolean> gold) {

        double accuracy(Map<String, Double> posteriors) {
            long right = nonGold().stream()
                    .filter(item -> (posteriors.get(item) > 0.5) == truth.get(item))
                    .count();
            return right / (double) nonGold().size();
        }

        double majorityAccuracy() {
            return accuracy(majorityVote(answers));
        }

        List<String> nonGold() {
            return truth.keySet().stream()
                    .filter(item -> !gold.containsKey(item))
                    .toList();
        }
    }

    /** A worker who, given the item's truth and a random source, answers. */
    interface Behaviour {
        boolean answer(boolean truth, Random random);

        static Behaviour accurate(double accuracy) {
            return (truth, random) -> random.nextDouble() < accuracy ? truth : !truth;
        }
    }

    static final Behaviour COIN = (truth, random) -> random.nextBoolean();
    static final Behaviour OPPOSITE = (truth, random) -> !truth;
    static final Behaviour ALWAYS_TRUE = (truth, random) -> true;

    /** Every worker answers every item; the first {@code goldCount} items are gold. */
    static Crowd everyoneAnswers(long seed, int items, int goldCount, Map<String, Behaviour> workers) {
        Random random = new Random(seed);
        Map<String, Boolean> truth = new LinkedHashMap<>();
        Map<String, Boolean> gold = new HashMap<>();
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            String item = "item-" + i;
            boolean correct = random.nextBoolean();
            truth.put(item, correct);
            if (i < goldCount) {
                gold.put(item, correct);
            }
            workers.forEach(
                    (worker, behaviour) -> answers.add(new Answer(item, worker, behaviour.answer(correct, random))));
        }
        return new Crowd(answers, truth, gold);
    }

    static Map<String, Double> majorityVote(List<Answer> answers) {
        Map<String, int[]> tally = new LinkedHashMap<>();
        for (Answer answer : answers) {
            int[] t = tally.computeIfAbsent(answer.item(), k -> new int[2]);
            t[answer.verdict() ? 0 : 1]++;
        }
        Map<String, Double> decisions = new LinkedHashMap<>();
        tally.forEach((item, t) -> decisions.put(item, t[0] > t[1] ? 1.0 : t[0] < t[1] ? 0.0 : 0.5));
        return decisions;
    }

    static double balancedAccuracy(Worker worker) {
        return (worker.sensitivity() + worker.specificity()) / 2;
    }

    @Test
    void twoReliableWorkersOutweighThreeWhoAnswerAtRandomOnceGoldRevealsThem() {
        Crowd crowd = everyoneAnswers(
                7,
                120,
                20,
                Map.of(
                        "reliable-1", Behaviour.accurate(0.9),
                        "reliable-2", Behaviour.accurate(0.9),
                        "coin-1", COIN,
                        "coin-2", COIN,
                        "coin-3", COIN));

        Result fit = DawidSkene.fit(crowd.answers(), crowd.gold(), MAX_ITERATIONS, TOLERANCE);

        assertThat(crowd.accuracy(fit.posteriors()))
                .isGreaterThanOrEqualTo(0.85)
                .isGreaterThan(crowd.majorityAccuracy());
        for (String coin : List.of("coin-1", "coin-2", "coin-3")) {
            assertThat(Math.abs(fit.workers().get(coin).evidence(true)))
                    .as("a coin's verdict is worth much less than a reliable one's")
                    .isLessThan(fit.workers().get("reliable-1").evidence(true) / 3);
        }
    }

    @Test
    void twoReliableWorkersOutweighThreeWhoAlwaysAnswerTheOppositeOnceGoldRevealsThem() {
        Crowd crowd = everyoneAnswers(
                11,
                120,
                12,
                Map.of(
                        "reliable-1", Behaviour.accurate(0.9),
                        "reliable-2", Behaviour.accurate(0.9),
                        "contrarian-1", OPPOSITE,
                        "contrarian-2", OPPOSITE,
                        "contrarian-3", OPPOSITE));

        Result fit = DawidSkene.fit(crowd.answers(), crowd.gold(), MAX_ITERATIONS, TOLERANCE);

        assertThat(crowd.majorityAccuracy()).isLessThan(0.1);
        assertThat(crowd.accuracy(fit.posteriors())).isEqualTo(1.0);
    }

    @Test
    void equallyReliableWorkersWithoutGoldReproduceTheMajorityVote() {
        // Every pattern of dissent appears in all five rotations and for both truths, so the workers are
        // interchangeable and the fit has no reason to prefer anyone.
        List<Answer> answers = new ArrayList<>();
        int item = 0;
        for (int[] dissenters : new int[][] {{}, {0}, {0, 1}, {0, 2}, {0}, {0, 1}}) {
            for (boolean truth : new boolean[] {true, false}) {
                for (int rotation = 0; rotation < 5; rotation++) {
                    String id = "item-" + item++;
                    for (int w = 0; w < 5; w++) {
                        boolean dissents = false;
                        for (int d : dissenters) {
                            dissents |= (d + rotation) % 5 == w;
                        }
                        answers.add(new Answer(id, "worker-" + w, dissents != truth));
                    }
                }
            }
        }

        Result fit = DawidSkene.fit(answers, Map.of(), MAX_ITERATIONS, TOLERANCE);
        Map<String, Double> majority = majorityVote(answers);

        assertThat(fit.posteriors()).hasSameSizeAs(majority);
        majority.forEach((id, decision) ->
                assertThat(fit.posteriors().get(id) > 0.5).as(id).isEqualTo(decision > 0.5));
        assertThat(fit.workers().values())
                .map(DawidSkeneUnitTest::balancedAccuracy)
                .allSatisfy(a ->
                        assertThat(a).isCloseTo(balancedAccuracy(fit.workers().get("worker-0")), within(1e-9)));
        assertThat(fit.prior()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void withoutIterationsTheFitIsThePlainMajorityVote() {
        Crowd crowd = everyoneAnswers(
                3,
                50,
                0,
                Map.of(
                        "a",
                        Behaviour.accurate(0.9),
                        "b",
                        COIN,
                        "c",
                        OPPOSITE,
                        "d",
                        Behaviour.accurate(0.6),
                        "e",
                        COIN));

        Result fit = DawidSkene.fit(crowd.answers(), Map.of(), 0, TOLERANCE);

        assertThat(fit.iterations()).isZero();
        majorityVote(crowd.answers())
                .forEach((id, decision) ->
                        assertThat(fit.posteriors().get(id) > 0.5).as(id).isEqualTo(decision > 0.5));
    }

    @Test
    void aWorkerWhoAlwaysAnswersTheOppositeIsDetectedAndTheirVotesCountReversed() {
        Crowd crowd = everyoneAnswers(
                5,
                150,
                15,
                Map.of(
                        "a", Behaviour.accurate(0.85),
                        "b", Behaviour.accurate(0.8),
                        "c", Behaviour.accurate(0.75),
                        "contrarian", OPPOSITE));

        Result fit = DawidSkene.fit(crowd.answers(), crowd.gold(), MAX_ITERATIONS, TOLERANCE);

        Worker contrarian = fit.workers().get("contrarian");
        assertThat(contrarian.sensitivity()).isLessThan(0.2);
        assertThat(contrarian.specificity()).isLessThan(0.2);
        assertThat(contrarian.evidence(true)).isLessThan(-1);
        assertThat(contrarian.evidence(false)).isGreaterThan(1);
        assertThat(DawidSkene.posterior(0.5, List.of(new Vote(true, contrarian))))
                .isLessThan(0.2);
        assertThat(crowd.accuracy(fit.posteriors())).isGreaterThan(crowd.majorityAccuracy());
    }

    @Test
    void aSpammerWhoAlwaysSaysTrueCarriesAlmostNoInformation() {
        Map<String, Behaviour> honest =
                Map.of("a", Behaviour.accurate(0.85), "b", Behaviour.accurate(0.8), "c", Behaviour.accurate(0.8));
        Map<String, Behaviour> withSpammer = new HashMap<>(honest);
        withSpammer.put("spammer", ALWAYS_TRUE);
        Crowd crowd = everyoneAnswers(13, 300, 0, withSpammer);
        List<Answer> withoutSpammer = crowd.answers().stream()
                .filter(a -> !a.worker().equals("spammer"))
                .toList();

        Result fit = DawidSkene.fit(crowd.answers(), Map.of(), MAX_ITERATIONS, TOLERANCE);
        Result fitWithout = DawidSkene.fit(withoutSpammer, Map.of(), MAX_ITERATIONS, TOLERANCE);

        Worker spammer = fit.workers().get("spammer");
        assertThat(spammer.sensitivity()).isGreaterThan(0.95);
        assertThat(spammer.specificity()).isLessThan(0.05);
        assertThat(Math.abs(spammer.evidence(true))).isLessThan(0.05);
        fitWithout
                .posteriors()
                .forEach((item, p) ->
                        assertThat(fit.posteriors().get(item)).as(item).isCloseTo(p, within(0.05)));
    }

    @Test
    void aHundredUnanimousVotesGiveAFinitePosterior() {
        Worker reliable = new Worker(0.99, 0.99);
        List<Vote> yes = Collections.nCopies(100, new Vote(true, reliable));
        List<Vote> no = Collections.nCopies(100, new Vote(false, reliable));
        List<Vote> perfect = Collections.nCopies(100, new Vote(true, new Worker(1, 0)));

        double up = DawidSkene.posterior(0.5, yes);
        double down = DawidSkene.posterior(0.5, no);
        assertThat(up).isFinite().isGreaterThan(0.999).isLessThanOrEqualTo(1);
        assertThat(down).isFinite().isGreaterThanOrEqualTo(0).isLessThan(0.001);
        assertThat(DawidSkene.posterior(0.5, perfect)).isFinite().isBetween(0.0, 1.0);

        List<Answer> answers = IntStream.range(0, 100)
                .mapToObj(w -> new Answer("item", "worker-" + w, true))
                .toList();
        Result fit = DawidSkene.fit(answers, Map.of(), MAX_ITERATIONS, TOLERANCE);
        assertThat(fit.posteriors().get("item")).isFinite().isGreaterThan(0.5).isLessThanOrEqualTo(1);
        assertThat(fit.workers().values()).allSatisfy(w -> {
            assertThat(w.sensitivity()).isFinite().isBetween(0.01, 0.99);
            assertThat(w.specificity()).isFinite().isBetween(0.01, 0.99);
        });
    }

    @Test
    void goldItemsKeepTheirKnownTruthWhateverTheCrowdSays() {
        List<Answer> answers = new ArrayList<>();
        Map<String, Boolean> gold = new HashMap<>(Map.of("unanswered", true));
        for (int i = 0; i < 4; i++) {
            gold.put("gold-yes-" + i, true);
            gold.put("gold-no-" + i, false);
            for (String worker : List.of("a", "b")) {
                answers.add(new Answer("gold-yes-" + i, worker, false));
                answers.add(new Answer("gold-no-" + i, worker, true));
            }
        }
        answers.add(new Answer("open", "a", true));

        Result fit = DawidSkene.fit(answers, gold, MAX_ITERATIONS, TOLERANCE);

        assertThat(fit.posteriors())
                .containsEntry("gold-yes-0", 1.0)
                .containsEntry("gold-no-0", 0.0)
                .doesNotContainKey("unanswered");
        assertThat(fit.posteriors().get("open"))
                .as("a's true counts against the item")
                .isLessThan(0.5);
    }

    @Test
    void aSimulatedCrowdIsDecidedAtLeastAsWellAsByMajorityAndItsWorkersAreRankedRight() {
        Random random = new Random(20_250_101);
        int workers = 20;
        double[] accuracy = new double[workers];
        for (int w = 0; w < workers; w++) {
            accuracy[w] = 0.55 + 0.4 * random.nextDouble();
        }
        List<Integer> order = new ArrayList<>(IntStream.range(0, 500).boxed().toList());
        Collections.shuffle(order, random);
        var gold = new HashMap<String, Boolean>();
        var truth = new LinkedHashMap<String, Boolean>();
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String item = "item-" + i;
            boolean correct = random.nextDouble() < 0.6;
            truth.put(item, correct);
            if (order.indexOf(i) < 50) {
                gold.put(item, correct);
            }
            List<Integer> pool =
                    new ArrayList<>(IntStream.range(0, workers).boxed().toList());
            Collections.shuffle(pool, random);
            for (int w : pool.subList(0, 3)) {
                boolean says = random.nextDouble() < accuracy[w] ? correct : !correct;
                answers.add(new Answer(item, "worker-" + w, says));
            }
        }
        Crowd crowd = new Crowd(answers, truth, gold);

        Result fit = DawidSkene.fit(answers, gold, MAX_ITERATIONS, TOLERANCE);

        double fitted = crowd.accuracy(fit.posteriors());
        assertThat(fitted).isGreaterThanOrEqualTo(crowd.majorityAccuracy());
        double[] estimated = IntStream.range(0, workers)
                .mapToDouble(w -> balancedAccuracy(fit.workers().get("worker-" + w)))
                .toArray();
        assertThat(pearson(accuracy, estimated)).isGreaterThanOrEqualTo(0.7);
    }

    @Test
    void aHundredThousandAnswersFitQuickly() {
        Random random = new Random(42);
        List<Answer> answers = new ArrayList<>(100_000);
        Map<String, Boolean> gold = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String item = "item-" + i;
            boolean correct = random.nextBoolean();
            if (i % 10 == 0) {
                gold.put(item, correct);
            }
            for (int k = 0; k < 5; k++) {
                int w = random.nextInt(500);
                boolean says = random.nextDouble() < 0.6 + 0.3 * (w % 2) ? correct : !correct;
                answers.add(new Answer(item, "worker-" + w, says));
            }
        }

        Result fit =
                assertTimeout(Duration.ofSeconds(3), () -> DawidSkene.fit(answers, gold, MAX_ITERATIONS, TOLERANCE));

        assertThat(fit.posteriors()).hasSize(20_000);
        assertThat(fit.workers()).hasSize(500);
    }

    @Test
    void aNewWorkerStartsAtAModestReliabilityAndNoneReachesCertainty() {
        Worker fresh = DawidSkene.estimate(Counts.NONE, Prior.DEFAULT);
        assertThat(fresh.sensitivity()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(fresh.specificity()).isCloseTo(2.0 / 3, within(1e-12));

        Worker flawless = DawidSkene.estimate(new Counts(1e6, 0, 0, 1e6), Prior.DEFAULT);
        assertThat(flawless.sensitivity()).isEqualTo(0.99);
        assertThat(flawless.specificity()).isEqualTo(0.99);
        Worker hopeless = DawidSkene.estimate(new Counts(0, 1e6, 1e6, 0), Prior.DEFAULT);
        assertThat(hopeless.sensitivity()).isEqualTo(0.01);
        assertThat(hopeless.specificity()).isEqualTo(0.01);
    }

    @Test
    void addingAnAnswerSplitsItBetweenTheTwoTruthsByTheItemsPosterior() {
        Counts afterYes = DawidSkene.add(Counts.NONE, true, 0.8);
        assertThat(afterYes.tp()).isCloseTo(0.8, within(1e-12));
        assertThat(afterYes.fp()).isCloseTo(0.2, within(1e-12));
        assertThat(afterYes.fn()).isZero();
        assertThat(afterYes.tn()).isZero();

        Counts afterNo = DawidSkene.add(afterYes, false, 0.3);
        assertThat(afterNo.fn()).isCloseTo(0.3, within(1e-12));
        assertThat(afterNo.tn()).isCloseTo(0.7, within(1e-12));
        assertThat(afterNo.tp()).isCloseTo(0.8, within(1e-12));

        assertThatThrownBy(() -> DawidSkene.add(Counts.NONE, true, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addingTheFittedAnswersOneByOneRebuildsTheFittedCountsOfAConvergedFit() {
        Crowd crowd = everyoneAnswers(17, 80, 8, Map.of("a", Behaviour.accurate(0.9), "b", Behaviour.accurate(0.7)));
        Result fit = DawidSkene.fit(crowd.answers(), crowd.gold(), 1000, 1e-12);

        Map<String, Counts> rebuilt = new HashMap<>();
        for (Answer answer : crowd.answers()) {
            Counts before = rebuilt.getOrDefault(answer.worker(), Counts.NONE);
            rebuilt.put(
                    answer.worker(),
                    DawidSkene.add(before, answer.verdict(), fit.posteriors().get(answer.item())));
        }

        fit.counts().forEach((worker, counts) -> {
            Counts other = rebuilt.get(worker);
            assertThat(other.tp()).isCloseTo(counts.tp(), within(1e-6));
            assertThat(other.fn()).isCloseTo(counts.fn(), within(1e-6));
            assertThat(other.fp()).isCloseTo(counts.fp(), within(1e-6));
            assertThat(other.tn()).isCloseTo(counts.tn(), within(1e-6));
        });
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThatThrownBy(() -> DawidSkene.fit(List.of(), Map.of(), -1, TOLERANCE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DawidSkene.posterior(1, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Worker(1.2, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DawidSkene.fit(List.of(), Map.of(), MAX_ITERATIONS, TOLERANCE)
                        .posteriors())
                .isEmpty();
    }

    static double pearson(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
