package dev.distillery.methods;

import dev.distillery.methods.QaLayout.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Socratic CoT's iterative inference (METHODS.md §3): a decomposer asks the next subquestion, a solver answers it,
 * the pair joins the context, until the decomposer writes the stop marker or the step cap is reached. The state is
 * rebuilt from the history on every turn: "qg/i" holds the i-th subquestion, "qa/i" its answer.
 */
final class SocraticInference extends Protocol {

    static final String MAX_STEPS = "maxSteps";
    static final String DECOMPOSER = "decomposer";
    static final String SOLVER = "solver";
    /** The template holding the decomposer's stop marker, so a fine-tuned decomposer's marker can be matched. */
    static final String STOP = "stop";

    private final List<Preset> presets;

    private SocraticInference() {
        super(
                "socratic-inference",
                "Socratic CoT inference",
                "Socratic CoT inference (Shridhar, Stolfo & Sachan, \"Distilling Reasoning Capabilities into "
                        + "Smaller Language Models\", Findings of ACL 2023; arXiv 2212.00193): a decomposer (question "
                        + "generation) and a solver (question answering), typically small models fine-tuned on a "
                        + "teacher's decompositions, take turns: the decomposer asks the next subquestion given the "
                        + "problem and the pairs so far, the solver answers it, until the decomposer writes the stop "
                        + "marker or the step cap is reached. The prediction is the last answer's last number.",
                Set.of(ModelRole.DECOMPOSER, ModelRole.SOLVER),
                List.of(new ParamSpec(
                        MAX_STEPS,
                        "Maximum subquestions",
                        ParamSpec.Type.INTEGER,
                        8,
                        1.0,
                        32.0,
                        List.of(),
                        "The loop stops after this many subquestion/answer pairs even if the decomposer "
                                + "has not written its stop marker.")),
                "test");
        Decoding oneLine = new Decoding(0.0, null, 128, List.of("\n"), null, 1);
        this.presets = List.of(
                preset(
                        "socratic-instructed",
                        "Prompted models",
                        "socratic-instructed v1 (our format): for models that are not fine-tuned. The decomposer is "
                                + "told to write only the next subquestion or the stop marker [END]; the solver to "
                                + "answer the last subquestion in one sentence. Both see 'Problem: {question}' and the "
                                + "pairs so far as 'Q: ...' / 'A: ...' lines. A decomposer output that contains the "
                                + "marker, or is blank, ends the loop; otherwise its first line is the subquestion. "
                                + "Provider-default decoding.",
                        templates(
                                DECOMPOSER,
                                "Break the problem into simple subquestions, one at a time. Given the "
                                        + "problem and the subquestions answered so far, write only the next "
                                        + "subquestion. If the answers so far already solve the problem, write only "
                                        + "{stop}.\n\nProblem: {question}\n{pairs}Q:",
                                SOLVER,
                                "Answer the last subquestion about the problem in one sentence, using the "
                                        + "earlier answers.\n\nProblem: {question}\n{pairs}Q: {subquestion}\nA:",
                                STOP,
                                "[END]",
                                Turn.WITH_CHOICES,
                                CHOICES_ON_SAME_LINE),
                        Map.of(),
                        Map.of()),
                preset(
                        "socratic-finetuned",
                        "Fine-tuned models",
                        "socratic-finetuned v1 (our format): for a decomposer and a solver fine-tuned on the "
                                + "iterative sets. The decomposer completes 'Problem: {question}\\n' + earlier "
                                + "'Q: ...\\nA: ...\\n' lines + 'Q:' with the next subquestion or ' [END]'; the solver "
                                + "completes the same with 'Q: {subquestion}\\nA:'. Greedy, at most 128 tokens, one "
                                + "line each.",
                        templates(
                                DECOMPOSER,
                                "Problem: {question}\n{pairs}Q:",
                                SOLVER,
                                "Problem: {question}\n{pairs}Q: {subquestion}\nA:",
                                STOP,
                                "[END]",
                                Turn.WITH_CHOICES,
                                CHOICES_ON_SAME_LINE),
                        Map.of(ModelRole.DECOMPOSER, oneLine, ModelRole.SOLVER, oneLine),
                        Map.of()));
    }

    static SocraticInference create() {
        return new SocraticInference();
    }

    @Override
    public List<Preset> presets() {
        return presets;
    }

    @Override
    Step advance(Turn turn) {
        int maxSteps = turn.intParam(MAX_STEPS);
        String marker = turn.template(STOP);
        List<Pair> pairs = new ArrayList<>();
        for (int step = 0; step < maxSteps; step++) {
            String ask = "qg/" + step;
            String answer = "qa/" + step;
            String context = QaLayout.block(pairs);
            if (!turn.has(ask)) {
                return Turn.calls(turn.call(
                        ask, ModelRole.DECOMPOSER, turn.render(DECOMPOSER, Map.of("pairs", context, STOP, marker))));
            }
            Optional<String> subquestion = subquestion(turn.output(ask), marker);
            if (subquestion.isEmpty()) {
                break;
            }
            if (!turn.has(answer)) {
                return Turn.calls(turn.call(
                        answer,
                        ModelRole.SOLVER,
                        turn.render(SOLVER, Map.of("pairs", context, "subquestion", subquestion.get()))));
            }
            pairs.add(new Pair(subquestion.get(), answer(turn.output(answer))));
        }
        String last = pairs.isEmpty() ? "" : pairs.getLast().answer();
        return Turn.done(new Prediction(
                "prediction", last, "last-number", Map.of("decomposition", QaLayout.decomposition(pairs))));
    }

    /**
     * The decomposer's next subquestion: its first non-blank line without a leading "Q:". Empty, meaning stop, when
     * the output contains the marker anywhere (chat models add words around it) or holds nothing but whitespace.
     */
    static Optional<String> subquestion(String output, String marker) {
        if (!marker.isBlank() && output.contains(marker.strip())) {
            return Optional.empty();
        }
        return output.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .findFirst()
                .map(line -> line.startsWith(QaLayout.Q)
                        ? line.substring(QaLayout.Q.length()).strip()
                        : line)
                .filter(line -> !line.isEmpty());
    }

    /**
     * The solver's answer on one line, so the next prompts keep the layout: a leading "A:" removed, lines joined, and
     * anything from a line starting a new "Q:" or "Problem:" on dropped (a completion model continuing the pattern).
     */
    static String answer(String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.lines().map(String::strip).toList()) {
            if (line.startsWith(QaLayout.Q) || line.startsWith(QaLayout.PROBLEM)) {
                break;
            }
            if (!line.isEmpty()) {
                lines.add(
                        lines.isEmpty() && line.startsWith(QaLayout.A)
                                ? line.substring(QaLayout.A.length()).strip()
                                : line);
            }
        }
        return lines.stream().filter(line -> !line.isEmpty()).collect(Collectors.joining(" "));
    }
}
