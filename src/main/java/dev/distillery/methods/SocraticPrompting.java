package dev.distillery.methods;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Socratic prompting (METHODS.md §3): the teacher writes the subquestions only and the student answers them in one
 * prompt; Trace-of-Thought with subquestions for steps, whose student prompt it mirrors.
 */
final class SocraticPrompting extends Protocol {

    static final String TEACHER = "teacher";
    static final String STUDENT = "student";

    private final List<Preset> presets;

    private SocraticPrompting() {
        super(
                "socratic-prompting",
                "Socratic prompting",
                "Socratic CoT's subquestions as a prompt (Shridhar, Stolfo & Sachan, \"Distilling Reasoning "
                        + "Capabilities into Smaller Language Models\", Findings of ACL 2023; arXiv 2212.00193): a "
                        + "large teacher, shown four GSM8K problems with their human subquestions, writes the "
                        + "subquestions of the problem without answering them; a small student answers them in order "
                        + "in a single prompt, close to Trace-of-Thought. Items that are one of the exemplars are "
                        + "excluded, not answered.",
                Set.of(ModelRole.TEACHER, ModelRole.STUDENT),
                List.of(),
                "test");
        this.presets = List.of(preset(
                "socratic",
                "Four GSM8K Socratic exemplars",
                "socratic v1 (our format): the teacher sees an instruction, four GSM8K test_socratic problems each "
                        + "followed by its 'Q: ...' subquestion lines, then 'Problem: {question}', and stops before a "
                        + "next 'Problem:'. The student prompt follows Trace-of-Thought's: the problem, then the "
                        + "subquestions as a numbered list (the teacher's Q lines, or its plain lines if it wrote none). "
                        + "Options are written '{stem} Answer choices: (A) x, (B) y.'",
                templates(
                        TEACHER,
                        "Break each problem into the subquestions that lead to its answer. Write one "
                                + "subquestion per line and do not answer them.\n\n{exemplars}\n\nProblem: {question}\n",
                        STUDENT,
                        "We are given the following problem to solve:\n{question}\nAnswer the following "
                                + "subquestions in order to solve the problem.\n{subquestions}",
                        Turn.WITH_CHOICES,
                        CHOICES_ON_SAME_LINE),
                Map.of(ModelRole.TEACHER, SocraticCot.STOP_AT_NEXT_PROBLEM),
                Map.of()));
    }

    static SocraticPrompting create() {
        return new SocraticPrompting();
    }

    @Override
    public List<Preset> presets() {
        return presets;
    }

    @Override
    Step advance(Turn turn) {
        if (SocraticExemplars.isExemplar(turn.item().question())) {
            return SocraticExemplars.excluded();
        }
        if (!turn.has(TEACHER)) {
            return Turn.calls(turn.call(
                    TEACHER,
                    ModelRole.TEACHER,
                    turn.render(TEACHER, Map.of("exemplars", SocraticExemplars.unsolved()))));
        }
        String subquestions = numbered(QaLayout.subquestions(turn.output(TEACHER)));
        if (!turn.has(STUDENT)) {
            return Turn.calls(
                    turn.call(STUDENT, ModelRole.STUDENT, turn.render(STUDENT, Map.of("subquestions", subquestions))));
        }
        return Turn.done(
                new Prediction("prediction", turn.output(STUDENT), null, Map.of("subquestions", subquestions)));
    }

    private static String numbered(List<String> questions) {
        return IntStream.range(0, questions.size())
                .mapToObj(i -> (i + 1) + ". " + questions.get(i))
                .collect(Collectors.joining("\n"));
    }
}
