package dev.distillery.methods;

import dev.distillery.shared.AnswerType;
import java.util.List;
import java.util.Map;

/**
 * A dataset item as a method sees it.
 *
 * @param question the question without choices; methods append choices in their protocol's own way
 * @param choices answer options (label, text) in order, empty when none
 * @param gold the normalised gold answer (as the grader compares it)
 * @param goldDecomposition the item's published sub-steps (GSM8K Socratic), each with "question" and "answer"
 */
public record MethodItem(
        String itemId,
        String question,
        List<Choice> choices,
        String gold,
        AnswerType answerType,
        List<Map<String, String>> goldDecomposition) {

    /** An answer option such as (A) bank. */
    public record Choice(String label, String text) {}
}
