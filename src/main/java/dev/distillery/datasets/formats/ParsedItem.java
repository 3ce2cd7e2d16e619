package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One dataset item as read from a file, before it is stored.
 *
 * @param itemId stable id: the source's own id where it has one (CommonsenseQA id, StrategyQA qid, SVAMP ID,
 *     MATH-500 unique_id, MATH path such as {@code algebra/1}), else {@code <split>-<0-based position>}
 * @param question the question as it is shown to a model (for SVAMP: Body + " " + Question); choices NOT appended
 * @param choices answer options in order, empty when the item has none
 * @param goldRaw the gold answer exactly as published (GSM8K: the text after ####; MATH: the last \boxed{} content)
 * @param goldNormalized canonical form: number without separators or trailing ".0"; choice letter upper-case;
 *     yes/no lower-case; math and string stripped of surrounding whitespace
 * @param rationale gold worked solution where published (GSM8K answer text before ####, MATH solution, AQuA rationale)
 * @param decomposition gold sub-steps where published: GSM8K Socratic (subquestion, step) pairs, StrategyQA
 *     decomposition; each map has keys "question" and "answer" (answer may be empty)
 * @param split train, test or dev
 * @param sourceLine 1-based line (JSONL/CSV), 1-based record index (JSON array), or 1-based file index in a zip
 * @param sourceRef where in the upload, e.g. {@code test.jsonl:12} or {@code MATH/test/algebra/1.json}
 * @param metadata other published fields worth keeping (MATH level and type, StrategyQA facts and term, ...)
 */
public record ParsedItem(
        String itemId,
        String question,
        List<Choice> choices,
        String goldRaw,
        String goldNormalized,
        AnswerType answerType,
        @Nullable String rationale,
        List<Map<String, String>> decomposition,
        String split,
        int sourceLine,
        String sourceRef,
        Map<String, Object> metadata) {

    /** One answer option, e.g. label "A", text "bank". */
    public record Choice(String label, String text) {}
}
