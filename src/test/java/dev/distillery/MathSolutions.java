package dev.distillery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MATH test split's reference solutions as grading fixtures, read independently of the grader under test: each
 * solution with its gold answer (the content of its last {@code \boxed{}}), as written or with every box removed.
 */
public final class MathSolutions {

    /** A solution and its gold answer. */
    public record Solution(String text, String gold) {}

    private MathSolutions() {}

    /** All 5,000 solutions that box an answer, in file order. */
    public static List<Solution> all() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        List<Solution> solutions = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SharedDatasets.file("math/MATH/test"))) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String solution =
                        json.readTree(Files.readString(file)).get("solution").asString();
                String gold = lastBoxed(solution);
                if (gold != null) {
                    solutions.add(new Solution(solution, gold));
                }
            }
        }
        return solutions;
    }

    /** The content of the last {@code \boxed{…}} with balanced braces, or null. */
    public static @Nullable String lastBoxed(String text) {
        int at = text.lastIndexOf("\\boxed{");
        if (at < 0) {
            return null;
        }
        int close = closingBrace(text, at + "\\boxed".length());
        return close < 0 ? null : text.substring(at + "\\boxed{".length(), close);
    }

    /** The solution with each {@code \boxed{x}} replaced by x: a free-form solution whose answer is only in the text. */
    public static String unboxed(String solution) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        int box;
        while ((box = solution.indexOf("\\boxed{", at)) >= 0) {
            int close = closingBrace(solution, box + "\\boxed".length());
            if (close < 0) {
                break;
            }
            out.append(solution, at, box).append(solution, box + "\\boxed{".length(), close);
            at = close + 1;
        }
        return out.append(solution.substring(at)).toString();
    }

    private static int closingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
