package dev.distillery.methods.grading;

import org.jspecify.annotations.Nullable;

/**
 * What an extraction rule read from a model output.
 *
 * @param rule the rule that produced {@code answer}, or the last rule tried when nothing was found
 * @param answer the answer as read (before the comparison's normalisation), or null when none was found
 */
public record Extraction(String rule, @Nullable String answer) {

    static Extraction none(String rule) {
        return new Extraction(rule, null);
    }
}
