package dev.distillery.methods;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Socratic CoT's teacher (METHODS.md §3): a few-shot prompted teacher decomposes a training problem into
 * subquestion/answer pairs in {@link QaLayout}; decompositions whose final answer is correct become the unified and
 * iterative training sets.
 */
final class SocraticCot extends Protocol {

    static final String TEACHER = "teacher";

    /** "Do not let a completion model write the next exemplar": harmless for chat models, which never emit it. */
    static final Decoding STOP_AT_NEXT_PROBLEM =
            new Decoding(null, null, null, List.of("\n" + QaLayout.PROBLEM), null, 1);

    private final List<Preset> presets;

    private SocraticCot() {
        super(
                "socratic-cot",
                "Socratic CoT (teacher)",
                "Socratic CoT (Shridhar, Stolfo & Sachan, \"Distilling Reasoning Capabilities into Smaller Language "
                        + "Models\", Findings of ACL 2023; arXiv 2212.00193): a large teacher, prompted with four human "
                        + "Socratic solutions from GSM8K (MIT), decomposes each training problem into subquestions "
                        + "with their answers, the last answer ending 'The answer is N.'. Decompositions with a correct "
                        + "final answer train a decomposer and a solver (or one unified model). Runs on the train "
                        + "split by default; an item that is one of the exemplars is excluded, not answered.",
                Set.of(ModelRole.TEACHER),
                List.of(),
                "train");
        this.presets = List.of(preset(
                "socratic",
                "Four GSM8K Socratic exemplars",
                "socratic v1 (our format, the paper released no code): an instruction, four GSM8K test_socratic "
                        + "solutions as 'Problem: ...' followed by 'Q: ...' / 'A: ...' lines (calculator annotations "
                        + "removed), then 'Problem: {question}'. Stops before a next 'Problem:'; the answer is read "
                        + "after 'The answer is' in the last A line. Options are written '{stem} Answer choices: "
                        + "(A) x, (B) y.' to keep the problem on one line.",
                templates(
                        TEACHER,
                        "Break each problem into subquestions and answer each one in turn. End the last "
                                + "answer with \"The answer is\" and the final answer.\n\n{exemplars}\n\nProblem: "
                                + "{question}\n",
                        Turn.WITH_CHOICES,
                        CHOICES_ON_SAME_LINE),
                Map.of(ModelRole.TEACHER, STOP_AT_NEXT_PROBLEM),
                Map.of()));
    }

    static SocraticCot create() {
        return new SocraticCot();
    }

    @Override
    public List<Preset> presets() {
        return presets;
    }

    /**
     * The prediction is the last answer, whose "The answer is N." the grader reads. Output that holds no answer at
     * all is passed on whole: the grader decides, and the item is not an error because the model rambled.
     */
    @Override
    Step advance(Turn turn) {
        if (SocraticExemplars.isExemplar(turn.item().question())) {
            return SocraticExemplars.excluded();
        }
        if (!turn.has(TEACHER)) {
            return Turn.calls(turn.call(
                    TEACHER, ModelRole.TEACHER, turn.render(TEACHER, Map.of("exemplars", SocraticExemplars.solved()))));
        }
        String output = turn.output(TEACHER);
        List<QaLayout.Pair> pairs = QaLayout.parse(output);
        String last = QaLayout.lastAnswer(pairs);
        return Turn.done(new Prediction(
                "prediction",
                last != null ? last : output.strip(),
                "after-marker",
                Map.of("decomposition", QaLayout.decomposition(pairs))));
    }
}
