package dev.distillery.datasets;

import dev.distillery.shared.AnswerType;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One stored item of a dataset version.
 *
 * @param position 0-based order within its split, as in the source file
 * @param goldRaw the gold answer as published; {@code gold} is its normalised form
 * @param decomposition gold sub-steps, each with "question" and "answer"
 */
public record DatasetItem(
        String itemId,
        int position,
        String split,
        String question,
        List<Choice> choices,
        String goldRaw,
        String gold,
        AnswerType answerType,
        @Nullable String rationale,
        List<Map<String, String>> decomposition,
        int sourceLine,
        String sourceRef,
        Map<String, Object> metadata) {

    /** An item's id and its position in its split: what a run needs to list its work without the texts. */
    public record Ref(String itemId, int position) {}

    /** An answer option such as (A) bank. */
    public record Choice(String label, String text) {}
}
