package dev.distillery.datasets.formats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * GSM8K Socratic ({@code test_socratic.jsonl}): GSM8K whose solution lines read {@code <sub-question> ** <step>};
 * each line becomes a decomposition step {question: sub-question, answer: step}.
 */
final class Gsm8kSocraticFormat extends Gsm8kFormat {

    private static final String SEPARATOR = " ** ";

    Gsm8kSocraticFormat() {
        super("gsm8k-socratic", "GSM8K Socratic");
    }

    @Override
    boolean looksLike(JsonNode first) {
        return isGsm8k(first) && isSocratic(solution(first.get("answer").asString()));
    }

    /** Whether every non-blank solution line has a sub-question before " ** ". */
    static boolean isSocratic(String solution) {
        List<String> lines = solution.lines().filter(line -> !line.isBlank()).toList();
        return !lines.isEmpty() && lines.stream().allMatch(line -> line.indexOf(SEPARATOR) > 0);
    }

    @Override
    void decompose(String solution, ItemDraft item) {
        List<Map<String, String>> steps = new ArrayList<>();
        List<String> lines = solution.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int separator = line.indexOf(SEPARATOR);
            if (separator <= 0) {
                throw new FieldProblem("answer", "solution line " + (i + 1) + " has no '<sub-question> ** <step>'");
            }
            steps.add(ItemDraft.step(
                    line.substring(0, separator).strip(),
                    line.substring(separator + SEPARATOR.length()).strip()));
        }
        item.decomposition(steps);
    }
}
