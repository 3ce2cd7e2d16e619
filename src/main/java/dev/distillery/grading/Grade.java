package dev.distillery.grading;

import org.jspecify.annotations.Nullable;

/**
 * The grader's verdict on one output.
 *
 * @param rule the extraction rule that produced {@code extracted} (e.g. "after-marker", "last-number", "boxed"), or
 *     the last rule tried when nothing was found
 * @param extracted the answer read from the output, or null when none was found ("no answer found")
 * @param start where {@code extracted} begins in the output (a char index), or -1 when nothing was found
 * @param end where it ends (exclusive), or -1
 * @param correct whether it equals the gold answer under the answer type's equivalence
 * @param flagged true when equivalence could not be decided within the time limit (then {@code correct} is false)
 * @param graderVersion the version of the grader that decided, see {@link Grader#VERSION}
 */
public record Grade(
        String rule,
        @Nullable String extracted,
        int start,
        int end,
        boolean correct,
        boolean flagged,
        String graderVersion) {

    /** Whether an answer was read from the output at all. */
    public boolean answerFound() {
        return extracted != null;
    }
}
