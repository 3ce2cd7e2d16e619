package dev.distillery.grading;

import org.jspecify.annotations.Nullable;

/** What a test checks of a {@link Grade}: the rule, the answer read and the verdict (not where the answer was). */
record Seen(String rule, @Nullable String extracted, boolean correct, boolean flagged) {

    static Seen of(Grade grade) {
        return new Seen(grade.rule(), grade.extracted(), grade.correct(), grade.flagged());
    }
}
