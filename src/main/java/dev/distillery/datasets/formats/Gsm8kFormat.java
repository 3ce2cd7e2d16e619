package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import tools.jackson.databind.JsonNode;

/**
 * GSM8K (openai/grade-school-math): JSON Lines with {@code question} and {@code answer}; the gold answer is the
 * number after the final {@code ####}, the worked solution before it (calculator annotations kept as published).
 */
class Gsm8kFormat extends RecordFormat {

    static final String FINAL_ANSWER = "####";

    Gsm8kFormat() {
        super("gsm8k", "GSM8K");
    }

    Gsm8kFormat(String id, String label) {
        super(id, label);
    }

    @Override
    boolean looksLike(JsonNode first) {
        return isGsm8k(first)
                && !Gsm8kSocraticFormat.isSocratic(solution(first.get("answer").asString()));
    }

    static boolean isGsm8k(JsonNode first) {
        return hasAll(first, "question", "answer")
                && first.get("answer").isString()
                && first.get("answer").asString().contains(FINAL_ANSWER);
    }

    @Override
    final void read(JsonRecord record, ItemDraft item) {
        String answer = record.text("answer");
        int mark = answer.lastIndexOf(FINAL_ANSWER);
        if (mark < 0) {
            throw new FieldProblem("answer", "has no final '#### <number>' line");
        }
        String solution = solution(answer);
        item.question(record.text("question"))
                .gold("answer", answer.substring(mark + FINAL_ANSWER.length()), AnswerType.NUMBER)
                .rationale(solution.isEmpty() ? null : solution);
        decompose(solution, item);
    }

    /** Adds gold sub-steps found in the solution; plain GSM8K has none. */
    void decompose(String solution, ItemDraft item) {}

    /** The worked solution: the answer text before the final {@code ####}. */
    static String solution(String answer) {
        int mark = answer.lastIndexOf(FINAL_ANSWER);
        return (mark < 0 ? answer : answer.substring(0, mark)).strip();
    }
}
