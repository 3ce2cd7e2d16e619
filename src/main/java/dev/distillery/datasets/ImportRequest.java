package dev.distillery.datasets;

import dev.distillery.shared.AnswerType;
import org.jspecify.annotations.Nullable;

/**
 * What to import and how.
 *
 * @param name the dataset's name; an existing name gets a new version
 * @param format a format id (gsm8k, gsm8k-socratic, svamp, math, math500, strategyqa, aqua, csqa, generic) or "auto"
 * @param defaultSplit split of items whose file does not say (train, test, dev); null guesses from the file name
 * @param source where the data comes from and its license, as the user typed it
 * @param mapping the generic format's column mapping; ignored by the built-in formats
 */
public record ImportRequest(
        String name,
        String format,
        @Nullable String defaultSplit,
        @Nullable String source,
        @Nullable ColumnMapping mapping) {

    /** Which fields of a generic file hold what (JSON keys, dotted for nesting, or CSV header names). */
    public record ColumnMapping(
            @Nullable String question,
            @Nullable String answer,
            @Nullable String choices,
            @Nullable String id,
            @Nullable String split,
            @Nullable AnswerType answerType) {}
}
