package dev.distillery.grading.rules;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Yes/no answers (StrategyQA, Coin Flip): the last "yes" or "no" word of the output. */
public final class YesNoAnswers {

    public static final String LAST_YES_NO = "last-yes-no";

    /** "yes" or "no" as a word between spaces or punctuation (so "no." and "(yes)" count, "know" and "yes2" do not). */
    private static final Pattern YES_NO = Pattern.compile(
            "(?<=^|[\\s\\p{Punct}\\p{IsPunctuation}])(?:yes|no)(?=$|[\\s\\p{Punct}\\p{IsPunctuation}])",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private YesNoAnswers() {}

    /** The last yes/no word of the output, case-insensitive, punctuation counting as a space. */
    public static Extraction extract(String output) {
        Matcher m = YES_NO.matcher(output);
        int start = -1;
        int end = -1;
        while (m.find()) {
            start = m.start();
            end = m.end();
        }
        return start < 0
                ? Extraction.none(LAST_YES_NO)
                : new Extraction(LAST_YES_NO, output.substring(start, end).toLowerCase(Locale.ROOT), start, end);
    }

    /** Whether the extracted yes/no equals gold, which may be yes/no or a boolean (StrategyQA stores true/false). */
    public static boolean matches(String extracted, String gold) {
        @Nullable
        String expected = switch (String.join(" ", words(gold))) {
            case "yes", "true" -> "yes";
            case "no", "false" -> "no";
            default -> null;
        };
        return extracted.equals(expected);
    }

    private static String[] words(String text) {
        String s = text.toLowerCase(Locale.ROOT)
                .replaceAll("[\\p{Punct}\\p{IsPunctuation}]", " ")
                .strip();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }
}
