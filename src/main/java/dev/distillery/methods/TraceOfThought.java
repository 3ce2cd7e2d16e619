package dev.distillery.methods;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trace-of-Thought prompting (METHODS.md §1): the teacher writes a step list without solving, the student solves with
 * it. The steps are the teacher call's output whatever it holds, so the engine re-runs only the student on a
 * reviewer's edited steps by putting them in the "teacher" call of the history.
 */
final class TraceOfThought extends Protocol {

    static final String TEACHER = "teacher";
    static final String STUDENT = "student";

    private final List<Preset> presets;

    private TraceOfThought() {
        super(
                "trace-of-thought",
                "Trace-of-Thought",
                "Trace-of-Thought prompting (McDonald & Emami, ACL SRW 2024; arXiv 2504.20946): a large teacher "
                        + "writes a short step-by-step plan for the problem without solving it, and a small student "
                        + "solves the problem following those steps. Two calls per item; the steps are kept as the "
                        + "interpretable object a reviewer can correct and re-run the student on. The paper reports "
                        + "gains relative to the student's own baseline on the first 200 items of GSM8K and MATH test.",
                Set.of(ModelRole.TEACHER, ModelRole.STUDENT),
                List.of(),
                "test");
        this.presets = List.of(
                preset(
                        "tot-paper",
                        "Paper",
                        "tot-paper v1: the prompts of the paper and its code. The teacher template joins the question "
                                + "without spaces or newlines, as the original does. Options are appended to the "
                                + "question on a new line as 'Answer choices: (A) x, (B) y.' Provider-default decoding.",
                        templates(
                                TEACHER,
                                "Create very short step-by-step prompts for this problem:{question}Format "
                                        + "as a list. Do not solve the problem.",
                                STUDENT,
                                "We are given the following problem to solve:\n{question}\nUse the following "
                                        + "steps to solve the problem.\n{steps}",
                                Turn.WITH_CHOICES,
                                CHOICES_ON_NEW_LINE),
                        Map.of(),
                        Map.of()),
                preset(
                        "tot-2024-05",
                        "Released traces (2024-05)",
                        "tot-2024-05 v1: the variant that produced the authors' released traces. Options on a new "
                                + "line as in tot-paper; provider-default decoding.",
                        templates(
                                TEACHER,
                                "Create step-by-step prompts for this problem:{question}Format as a list of "
                                        + "simple instructions to guide a student. Do not solve the problem.",
                                STUDENT,
                                "First, carefully review this problem:\n{question}\nThen, solve the problem "
                                        + "using the provided steps as a plan, thinking step-by-step.\n{steps}",
                                Turn.WITH_CHOICES,
                                CHOICES_ON_NEW_LINE),
                        Map.of(),
                        Map.of()));
    }

    static TraceOfThought create() {
        return new TraceOfThought();
    }

    @Override
    public List<Preset> presets() {
        return presets;
    }

    /**
     * The steps reach the student byte for byte: the original code inserts the teacher's reply as it came, and a
     * reviewer's correction must be what the student sees, so neither trimming nor reformatting happens here.
     */
    @Override
    Step advance(Turn turn) {
        if (!turn.has(TEACHER)) {
            return Turn.calls(turn.call(TEACHER, ModelRole.TEACHER, turn.render(TEACHER, Map.of())));
        }
        String steps = turn.output(TEACHER);
        if (!turn.has(STUDENT)) {
            return Turn.calls(turn.call(STUDENT, ModelRole.STUDENT, turn.render(STUDENT, Map.of("steps", steps))));
        }
        return Turn.done(new Prediction("prediction", turn.output(STUDENT), null, Map.of("steps", steps)));
    }
}
