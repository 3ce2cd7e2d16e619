package dev.distillery.grading.rules;

/** The outcome of an equivalence check; {@link #UNDECIDED} when a time or size limit stopped it. */
public enum Verdict {
    EQUAL,
    NOT_EQUAL,
    UNDECIDED;

    public static Verdict of(boolean equal) {
        return equal ? EQUAL : NOT_EQUAL;
    }
}
