package dev.distillery.shared;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a gold answer is written and compared (METHODS.md §4): datasets store it per item, the grader picks its
 * extraction rules and equivalence by it.
 */
public enum AnswerType {
    /** Signed integers, decimals, simple fractions (GSM8K, SVAMP). */
    NUMBER,
    /** LaTeX expressions compared symbolically and numerically (MATH, MATH-500). */
    MATH,
    /** A letter among the item's choices (AQuA, CommonsenseQA). */
    CHOICE,
    /** yes or no (StrategyQA). */
    YESNO,
    /** Exact text after trimming (Last Letter). */
    STRING;

    /** The lower-case name used in files and the API: number, math, choice, yesno, string. */
    @JsonValue
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static AnswerType fromId(String id) {
        for (AnswerType t : values()) {
            if (t.id().equalsIgnoreCase(id.strip()) || (t == YESNO && id.strip().equalsIgnoreCase("yes/no"))) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "Unknown answer type '" + id + "': use number, math, choice, yesno or string");
    }
}
