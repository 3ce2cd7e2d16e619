package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import org.jspecify.annotations.Nullable;

/**
 * Options of a parse. The generic format needs a mapping from the file's fields (JSON keys, dotted for nesting, or
 * CSV header names) to item fields; built-in formats ignore it.
 *
 * @param question field holding the question (required for generic)
 * @param answer field holding the gold answer (required for generic)
 * @param choices optional field holding the choices: a JSON array of strings or of {label,text}, or in CSV a
 *     "|"-separated list; labels A, B, C ... are assigned when absent
 * @param id optional field holding a stable item id
 * @param split optional field holding train/test/dev per row
 * @param answerType answer type of the items (generic: required; built-ins have their own)
 * @param maxLineLength longest accepted line in characters
 */
public record FormatOptions(
        @Nullable String question,
        @Nullable String answer,
        @Nullable String choices,
        @Nullable String id,
        @Nullable String split,
        @Nullable AnswerType answerType,
        int maxLineLength) {

    public static final int DEFAULT_MAX_LINE_LENGTH = dev.distillery.shared.text.TextLines.DEFAULT_MAX_LENGTH;

    public static FormatOptions defaults() {
        return new FormatOptions(null, null, null, null, null, null, DEFAULT_MAX_LINE_LENGTH);
    }
}
