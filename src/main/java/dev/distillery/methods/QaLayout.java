package dev.distillery.methods;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The Socratic CoT layout (METHODS.md §3, ours since the paper released no code): {@code Problem: ...}, then
 * alternating {@code Q: ...} and {@code A: ...} lines, the last answer ending "The answer is N.". Reads it from model
 * output, which rarely keeps to it exactly, and writes it for prompts and artifacts.
 */
final class QaLayout {

    static final String PROBLEM = "Problem:";
    static final String Q = "Q:";
    static final String A = "A:";

    private static final Pattern LIST_MARKER = Pattern.compile("^(?:\\d+[.)]|[-*•])\\s*");

    private QaLayout() {}

    /** A subquestion and its answer; either may be empty when the model wrote only the other. */
    record Pair(String question, String answer) {}

    /**
     * The pairs in a model's text. Text before the first Q or A line is ignored (an echoed problem, a preamble); a
     * field goes on over the following lines until a blank line or the next Q or A; a "Problem:" line after the
     * first pair ends the text (a completion model inventing the next exemplar); two A lines in a row make two pairs.
     */
    static List<Pair> parse(String text) {
        List<Pair> pairs = new ArrayList<>();
        @Nullable StringBuilder question = null;
        @Nullable StringBuilder answer = null;
        @Nullable StringBuilder field = null;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith(PROBLEM)) {
                if (question != null || answer != null) {
                    break;
                }
                field = null;
            } else if (line.startsWith(Q)) {
                if (question != null || answer != null) {
                    pairs.add(pair(question, answer));
                }
                question = new StringBuilder(line.substring(Q.length()).strip());
                answer = null;
                field = question;
            } else if (line.startsWith(A)) {
                if (answer != null) {
                    pairs.add(pair(question, answer));
                    question = null;
                }
                answer = new StringBuilder(line.substring(A.length()).strip());
                field = answer;
            } else if (line.isEmpty()) {
                field = null;
            } else if (field != null) {
                field.append(field.isEmpty() ? "" : " ").append(line);
            }
        }
        if (question != null || answer != null) {
            pairs.add(pair(question, answer));
        }
        return pairs;
    }

    private static Pair pair(@Nullable StringBuilder question, @Nullable StringBuilder answer) {
        return new Pair(question == null ? "" : question.toString(), answer == null ? "" : answer.toString());
    }

    /**
     * The subquestions of a teacher's list: its Q lines, or, when it wrote none (a numbered or bulleted list), every
     * other non-blank line without its list marker.
     */
    static List<String> subquestions(String text) {
        List<String> questions = parse(text).stream()
                .map(Pair::question)
                .filter(q -> !q.isEmpty())
                .toList();
        if (!questions.isEmpty()) {
            return questions;
        }
        return text.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith(PROBLEM) && !line.startsWith(A))
                .map(line -> LIST_MARKER.matcher(line).replaceFirst("").strip())
                .filter(line -> !line.isEmpty())
                .toList();
    }

    /** The last non-empty answer, if any. */
    static @Nullable String lastAnswer(List<Pair> pairs) {
        return pairs.reversed().stream()
                .map(Pair::answer)
                .filter(a -> !a.isEmpty())
                .findFirst()
                .orElse(null);
    }

    /**
     * The pairs as prompt lines, each ending in a newline, so a template can put the next {@code Q:} right after them:
     * {@code "Q: q1\nA: a1\nQ: q2\nA: a2\n"}; empty for none.
     */
    static String block(List<Pair> pairs) {
        return pairs.stream().map(pair -> lines(pair) + "\n").collect(Collectors.joining());
    }

    /** The pairs as the "decomposition" artifact: Q and A lines without a trailing newline, empty fields left out. */
    static String decomposition(List<Pair> pairs) {
        return pairs.stream().map(QaLayout::lines).collect(Collectors.joining("\n"));
    }

    private static String lines(Pair pair) {
        List<String> lines = new ArrayList<>(2);
        if (!pair.question().isEmpty()) {
            lines.add(Q + " " + pair.question());
        }
        if (!pair.answer().isEmpty()) {
            lines.add(A + " " + pair.answer());
        }
        return String.join("\n", lines);
    }
}
