package dev.distillery.methods;

import dev.distillery.methods.MethodItem.Choice;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The text of fine-tuning samples, built by the same code that writes prompts and reads outputs, so that training
 * data and inference never drift apart: the question as a preset writes it, a Socratic decomposition read back into
 * pairs, and the decomposer and solver prompts of the {@code socratic-finetuned} inference preset.
 */
public final class TrainingText {

    /** The template a preset without one uses for options: {@code {stem} Answer choices: (A) x, (B) y.} */
    public static final String CHOICES_ON_SAME_LINE = Protocol.CHOICES_ON_SAME_LINE;

    private static final Preset FINETUNED_SOCRATIC =
            Methods.preset("socratic-inference", "socratic-finetuned").orElseThrow();

    private TrainingText() {}

    /** A subquestion and its answer, one line each; either may be empty when the model wrote only the other. */
    public record QaPair(String question, String answer) {}

    /**
     * The question as a preset wrote it into its prompts: the stem alone, or with the options filled into the
     * preset's {@code question-with-choices} template ({@link #CHOICES_ON_SAME_LINE} when it has none).
     */
    public static String question(String withChoicesTemplate, String stem, List<Choice> choices) {
        if (choices.isEmpty()) {
            return stem;
        }
        return Prompts.fill(withChoicesTemplate, Map.of("question", stem, "choices", Prompts.choices(choices)));
    }

    /** The pairs of a teacher's Socratic decomposition (or of its stored "decomposition" artifact). */
    public static List<QaPair> decomposition(String text) {
        return QaLayout.parse(text).stream()
                .map(p -> new QaPair(p.question(), p.answer()))
                .toList();
    }

    /** The pairs as Q and A lines without a trailing newline, as the "decomposition" artifact writes them. */
    public static String decompositionText(List<QaPair> pairs) {
        return QaLayout.decomposition(layout(pairs));
    }

    /** The unified model's prompt: the problem line that precedes the whole decomposition. */
    public static String problem(String question) {
        return QaLayout.PROBLEM + " " + question + "\n";
    }

    /** What a fine-tuned decomposer is asked at inference, after the pairs answered so far. */
    public static String decomposerPrompt(String question, List<QaPair> before) {
        return Prompts.fill(
                template(SocraticInference.DECOMPOSER),
                Map.of("question", question, "pairs", QaLayout.block(layout(before))));
    }

    /** What a fine-tuned solver is asked at inference for {@code subquestion}, after the pairs answered so far. */
    public static String solverPrompt(String question, List<QaPair> before, String subquestion) {
        return Prompts.fill(
                template(SocraticInference.SOLVER),
                Map.of("question", question, "pairs", QaLayout.block(layout(before)), "subquestion", subquestion));
    }

    /** The marker a fine-tuned decomposer writes when the problem is solved. */
    public static String stopMarker() {
        return template(SocraticInference.STOP);
    }

    /** The built-in preset defines every template these prompts use. */
    private static String template(String name) {
        return Objects.requireNonNull(FINETUNED_SOCRATIC.templates().get(name), name);
    }

    private static List<QaLayout.Pair> layout(List<QaPair> pairs) {
        return pairs.stream()
                .map(p -> new QaLayout.Pair(p.question(), p.answer()))
                .toList();
    }
}
