package dev.distillery.review;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Inter-rater agreement on verdicts. Fleiss' kappa over items rated by two or more reviewers (in its common form
 * for a varying number of ratings per item), Cohen's kappa when exactly two reviewers rated the same items, and an
 * item's own agreement: the share of its reviewers who gave the majority verdict. Kappa is undefined (null) when
 * there is nothing to compare or when chance agreement is already total (everyone always gives the same verdict).
 */
public final class Agreement {

    private Agreement() {}

    /** The verdicts one item received: how many reviewers said correct and how many incorrect. */
    public record Votes(int correct, int incorrect) {
        public int total() {
            return correct + incorrect;
        }

        /** Share of reviewers agreeing with the majority; 1 for a single vote, null for none. */
        public @Nullable Double agreement() {
            return total() == 0 ? null : (double) Math.max(correct, incorrect) / total();
        }

        public boolean disagreement() {
            return correct > 0 && incorrect > 0;
        }
    }

    /** Fleiss' kappa over the items with at least two votes. */
    public static @Nullable Double fleiss(List<Votes> items) {
        double sumP = 0;
        long ratings = 0;
        long correct = 0;
        int n = 0;
        for (Votes v : items) {
            int m = v.total();
            if (m < 2) {
                continue;
            }
            n++;
            sumP += (double) (v.correct() * (v.correct() - 1) + v.incorrect() * (v.incorrect() - 1)) / (m * (m - 1.0));
            ratings += m;
            correct += v.correct();
        }
        if (n == 0) {
            return null;
        }
        double pBar = sumP / n;
        double pCorrect = (double) correct / ratings;
        double pe = pCorrect * pCorrect + (1 - pCorrect) * (1 - pCorrect);
        return pe >= 1 ? null : (pBar - pe) / (1 - pe);
    }

    /** Cohen's kappa of two reviewers' verdicts on the same items ({@code a[i]} and {@code b[i]} on item i). */
    public static @Nullable Double cohen(List<Boolean> a, List<Boolean> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("Both reviewers must rate the same items");
        }
        int n = a.size();
        if (n == 0) {
            return null;
        }
        int agree = 0;
        int aYes = 0;
        int bYes = 0;
        for (int i = 0; i < n; i++) {
            if (a.get(i).equals(b.get(i))) {
                agree++;
            }
            aYes += a.get(i) ? 1 : 0;
            bYes += b.get(i) ? 1 : 0;
        }
        double po = (double) agree / n;
        double pe = ((double) aYes / n) * ((double) bYes / n) + (1 - (double) aYes / n) * (1 - (double) bYes / n);
        return pe >= 1 ? null : (po - pe) / (1 - pe);
    }
}
