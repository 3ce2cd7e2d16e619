package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * MATH (Hendrycks et al.): the original per-problem layout {@code MATH/<split>/<subject>/<n>.json}, usually uploaded
 * as a zip, or JSON Lines with the same fields. The gold answer is the content of the last \boxed{} (or \boxed,
 * \fbox{}) in {@code solution}; a per-problem file's id is {@code <subject>/<n>} and its split the {@code train} or
 * {@code test} folder it sits in. Other files in a zip (README, LICENSE) are ignored.
 */
final class MathFormat extends RecordFormat {

    private static final String BOXED = "\\boxed";
    private static final String FBOX = "\\fbox";

    MathFormat() {
        super("math", "MATH");
    }

    @Override
    boolean looksLike(JsonNode first) {
        return hasAll(first, "problem", "solution") && (first.has("level") || first.has("type"));
    }

    @Override
    void readFile(String path, InputStream in, ImportRun run) throws IOException {
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl")) {
            JsonRecords.lines(path, in, run, this::read);
        } else if (name.endsWith(".json")) {
            JsonRecords.single(path, run.nextFileIndex(), in, run, (record, item) -> {
                read(record, item);
                item.id(problemId(path), "(path)");
                splitFolder(path).ifPresent(item::split);
            });
        }
    }

    @Override
    void read(JsonRecord record, ItemDraft item) {
        String solution = record.text("solution");
        String answer = lastBoxed(solution);
        if (answer == null || answer.isBlank()) {
            throw new FieldProblem("solution", "has no \\boxed{...} answer");
        }
        item.question(record.text("problem"))
                .gold("solution", answer, AnswerType.MATH)
                .rationale(solution)
                .meta("level", record.plain("level"))
                .meta("type", record.plain("type"));
    }

    /**
     * The content of the last {@code \boxed{...}} or {@code \fbox{...}} with nested braces matched, or of the last
     * {@code \boxed x} (up to the closing $); null when there is none or its braces never close.
     */
    static @Nullable String lastBoxed(String solution) {
        int at = lastCommand(solution, solution.length());
        while (at >= 0) {
            int start = at + (solution.startsWith(BOXED, at) ? BOXED.length() : FBOX.length());
            if (start < solution.length() && solution.charAt(start) == '{') {
                return braced(solution, start);
            }
            if (start < solution.length() && solution.charAt(start) == ' ') {
                int end = solution.indexOf('$', start);
                return solution.substring(start, end < 0 ? solution.length() : end)
                        .strip();
            }
            at = lastCommand(solution, at - 1);
        }
        return null;
    }

    private static int lastCommand(String text, int from) {
        return Math.max(text.lastIndexOf(BOXED, from), text.lastIndexOf(FBOX, from));
    }

    private static @Nullable String braced(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(open + 1, i);
            }
        }
        return null;
    }

    /** {@code MATH/test/algebra/1.json} becomes {@code algebra/1}. */
    static String problemId(String path) {
        String[] parts = path.split("/");
        String name = parts[parts.length - 1];
        String stem = name.substring(0, name.length() - ".json".length());
        return parts.length >= 2 ? parts[parts.length - 2] + "/" + stem : stem;
    }

    /** The split named by a train/test folder in the path, if any. */
    static Optional<String> splitFolder(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 2; i >= 0; i--) {
            String split = parts[i].toLowerCase(Locale.ROOT);
            if (split.equals("train") || split.equals("test")) {
                return Optional.of(split);
            }
        }
        return Optional.empty();
    }
}
