package dev.distillery.methods.grading;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The answer markers of METHODS.md §4: {@code ####} (GSM8K), {@code -->} (Fine-tune-CoT students, followed by
 * {@code END}), "The answer is" (few-shot CoT, which also covers Kojima's "Therefore, the answer is"), "The final
 * answer is" (Minerva-style outputs) and {@code \boxed{}}. The last one in the output wins, because a reasoning
 * chain may state intermediate "answers" before the final one.
 */
final class Markers {

    private static final Pattern TEXT_MARKER =
            Pattern.compile("####|-->|\\bthe\\s+(?:final\\s+)?answer\\s+is\\b", Pattern.CASE_INSENSITIVE);
    /** Fine-tune-CoT completions end with END; whatever a student writes after it is not its answer. */
    private static final Pattern END = Pattern.compile("\\bEND\\b");

    private Markers() {
    }

    /**
     * The text after the last marker of {@code output} (for {@code \boxed{}}: its content), cut at a following
     * {@code END} and stripped of a leading colon; null when the output has no marker.
     *
     * @param includeBoxed whether {@code \boxed{}} counts as a marker
     */
    static @Nullable String afterLastMarker(String output, boolean includeBoxed) {
        int textStart = -1;
        int textEnd = -1;
        Matcher m = TEXT_MARKER.matcher(output);
        while (m.find()) {
            textStart = m.start();
            textEnd = m.end();
        }
        Latex.Found boxed = includeBoxed ? Latex.lastBoxed(output) : null;
        if (boxed != null && boxed.start() > textStart) {
            return boxed.content().strip();
        }
        if (textStart < 0) {
            return null;
        }
        String rest = output.substring(textEnd);
        Matcher end = END.matcher(rest);
        if (end.find()) {
            rest = rest.substring(0, end.start());
        }
        rest = rest.strip();
        if (rest.startsWith(":")) {
            rest = rest.substring(1).strip();
        }
        return rest;
    }

    /** The first non-blank line of {@code text}, stripped; empty when there is none. */
    static String firstLine(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }
}
