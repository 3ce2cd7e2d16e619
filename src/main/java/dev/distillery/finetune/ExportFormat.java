package dev.distillery.finetune;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A training-data format (METHODS.md §2 and §3). A base format turns a kept teacher output into prompt/completion
 * samples; a wrapper ({@link #OPENAI_CHAT}, {@link #TRL_SFT}) writes a base format's samples in another file layout;
 * {@link #DPO} writes preference pairs from corrected traces of any method.
 */
public enum ExportFormat {
    FT_COT(
            "ft-cot",
            "fine-tune-cot",
            Kind.BASE,
            "Fine-tune-CoT for decoder students",
            "{\"prompt\": \"{question} ###\", \"completion\": \" {rationale} --> {answer} END\"}"),
    FT_COT_GPT3(
            "ft-cot-gpt3",
            "fine-tune-cot",
            Kind.BASE,
            "Fine-tune-CoT as in the paper's GPT-3 runs",
            "{\"prompt\": \"{question}\\n\\n###\\n\\n\", \"completion\": \" {rationale}\\n\\n-->\\n\\n{answer} END\"}"),
    FT_COT_T5(
            "ft-cot-t5",
            "fine-tune-cot",
            Kind.BASE,
            "Fine-tune-CoT for encoder–decoder students",
            "{\"input\": \"{question}\", \"target\": \"{rationale} --> {answer}\"}"),
    VANILLA(
            "vanilla",
            "fine-tune-cot",
            Kind.BASE,
            "Vanilla fine-tuning baseline (no rationale)",
            "{\"prompt\": \"{question} ###\", \"completion\": \" {answer} END\"}, one per item with the gold answer"),
    UNIFIED(
            "unified",
            "socratic-cot",
            Kind.BASE,
            "Socratic CoT unified: problem → all subquestions and answers",
            "{\"prompt\": \"Problem: {question}\\n\", \"completion\": \"Q: q1\\nA: a1\\n...\"}"),
    DECOMPOSER(
            "decomposer",
            "socratic-cot",
            Kind.BASE,
            "Socratic CoT decomposer (QG): the next subquestion or [END]",
            "{\"prompt\": \"Problem: {question}\\n{earlier pairs}Q:\", \"completion\": \" {subquestion}\" or \" [END]\"}"),
    SOLVER(
            "solver",
            "socratic-cot",
            Kind.BASE,
            "Socratic CoT solver (QA): the answer to a subquestion",
            "{\"prompt\": \"Problem: {question}\\n{earlier pairs}Q: {subquestion}\\nA:\", \"completion\": \" {answer}\"}"),
    OPENAI_CHAT(
            "openai-chat",
            null,
            Kind.WRAPPER,
            "OpenAI chat fine-tuning, carrying a base format",
            "{\"messages\": [{\"role\": \"user\", \"content\": prompt}, {\"role\": \"assistant\", \"content\": completion}]}"),
    TRL_SFT(
            "trl-sft",
            null,
            Kind.WRAPPER,
            "TRL SFT prompt–completion, carrying a base format",
            "{\"prompt\": prompt, \"completion\": completion}"),
    DPO(
            "dpo",
            null,
            Kind.PREFERENCE,
            "Preference pairs from corrected traces (any method)",
            "{\"prompt\": teacher prompt, \"chosen\": corrected teacher output, \"rejected\": original output}");

    /** What a format is built from. */
    public enum Kind {
        /** Samples from a method's kept teacher outputs. */
        BASE,
        /** A base format's samples in another layout. */
        WRAPPER,
        /** Preference pairs from reviewed traces. */
        PREFERENCE
    }

    private final String id;
    private final @Nullable String method;
    private final Kind kind;
    private final String label;
    private final String layout;

    ExportFormat(String id, @Nullable String method, Kind kind, String label, String layout) {
        this.id = id;
        this.method = method;
        this.kind = kind;
        this.label = label;
        this.layout = layout;
    }

    public String id() {
        return id;
    }

    /** The method whose runs it is built from, or null for any method (wrappers: any with a base format). */
    public @Nullable String method() {
        return method;
    }

    public Kind kind() {
        return kind;
    }

    public String label() {
        return label;
    }

    /** One line of the file, with placeholders. */
    public String layout() {
        return layout;
    }

    public static Optional<ExportFormat> byId(@Nullable String id) {
        String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.id.equals(wanted)).findFirst();
    }

    /** The base formats of a method's runs, the default first; empty for a method that yields no samples. */
    public static List<ExportFormat> basesOf(String method) {
        return Arrays.stream(values())
                .filter(f -> f.kind == Kind.BASE && method.equals(f.method))
                .toList();
    }

    /** Every format a run of the method can be exported in: its bases, the wrappers when it has any, and DPO. */
    public static List<ExportFormat> forMethod(String method) {
        List<ExportFormat> bases = basesOf(method);
        return Arrays.stream(values())
                .filter(f ->
                        bases.contains(f) || f.kind == Kind.PREFERENCE || (f.kind == Kind.WRAPPER && !bases.isEmpty()))
                .toList();
    }
}
