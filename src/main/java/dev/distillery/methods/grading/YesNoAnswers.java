package dev.distillery.methods.grading;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Yes/no answers (StrategyQA, Coin Flip): the last "yes" or "no" word of the output. */
public final class YesNoAnswers {

    public static final String LAST_YES_NO = "last-yes-no";

    private YesNoAnswers() {
    }

    /** The last yes/no token after lower-casing and turning punctuation into spaces. */
    public static Extraction extract(String output) {
        String[] tokens = words(output);
        for (int i = tokens.length - 1; i >= 0; i--) {
            if (tokens[i].equals("yes") || tokens[i].equals("no")) {
                return new Extraction(LAST_YES_NO, tokens[i]);
            }
        }
        return Extraction.none(LAST_YES_NO);
    }

    /** Whether the extracted yes/no equals gold, which may be yes/no or a boolean (StrategyQA stores true/false). */
    public static boolean matches(String extracted, String gold) {
        @Nullable String expected = switch (String.join(" ", words(gold))) {
            case "yes", "true" -> "yes";
            case "no", "false" -> "no";
            default -> null;
        };
        return extracted.equals(expected);
    }

    private static String[] words(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[\\p{Punct}\\p{IsPunctuation}]", " ").strip();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }
}
