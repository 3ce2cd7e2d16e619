package dev.distillery.methods;

import org.jspecify.annotations.Nullable;

/**
 * The grader's verdict on one output.
 *
 * @param rule the extraction rule that produced {@code extracted} (e.g. "after-marker", "last-number", "boxed")
 * @param extracted the answer read from the output, or null when none was found
 * @param correct whether it equals the gold answer under the answer type's equivalence
 * @param flagged true when equivalence could not be decided within the time limit (then {@code correct} is false)
 */
public record Grade(String rule, @Nullable String extracted, boolean correct, boolean flagged) {
}
