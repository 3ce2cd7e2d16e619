package dev.distillery.grading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The conformance corpus: cases gathered from public checkers' own test suites (Math-Verify, the MATH reference
 * {@code is_equiv}, lm-evaluation-harness, Qwen2.5-Math, PRM800K, simple-evals, ToRA; as data, with their source
 * and licence on every line) plus our own, in {@code src/test/resources/grading/conformance/}. Every case must be
 * graded as its source expects, except the ones listed in {@code decisions.jsonl} with the reason we decide
 * otherwise. docs/GRADING.md's agreement table is generated from the same run and must match it.
 */
class GradingConformanceUnitTest {

    static final Path CORPUS = Path.of("src/test/resources/grading/conformance");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Grader grader = new Grader();

    /** One case of the corpus, identified by file and line. */
    record Case(
            String id,
            String source,
            String category,
            AnswerType type,
            String gold,
            String prediction,
            boolean expected,
            @Nullable String decided) {}

    /** The outcome of one case. */
    record Outcome(Case c, Grade grade) {

        boolean expected() {
            return c.decided() != null ? !c.expected() : c.expected();
        }

        boolean passed() {
            return grade.correct() == expected();
        }
    }

    @Test
    void everyCaseIsGradedAsItsSourceExpectsOrAsWeDecidedWithAReason() {
        List<Outcome> outcomes = cases().stream().map(this::grade).toList();

        List<String> failures = outcomes.stream()
                .filter(o -> !o.passed())
                .map(o -> o.c().id() + " [" + o.c().category() + "] gold=" + o.c().gold() + " | prediction="
                        + abbreviate(o.c().prediction()) + " | expected " + o.expected() + ", graded " + o.grade())
                .toList();
        System.out.println("Conformance: " + (outcomes.size() - failures.size()) + " of " + outcomes.size() + " pass");
        failures.forEach(System.out::println);
        assertThat(failures).isEmpty();
    }

    @Test
    void theTablesOfDocsGradingAreCurrent() throws IOException {
        List<Outcome> outcomes = cases().stream().map(this::grade).toList();
        String expected = tables(outcomes);
        Path doc = Path.of("docs/GRADING.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        assertThat(start).as("docs/GRADING.md has the conformance markers").isNotNegative();
        String current = text.substring(start + START.length(), end).strip();
        if (!current.equals(expected.strip())) {
            Path generated = Path.of("target", "grading-conformance.md");
            Files.createDirectories(generated.getParent());
            Files.writeString(generated, expected, StandardCharsets.UTF_8);
        }
        assertThat(current)
                .as("docs/GRADING.md's conformance tables (the current ones are in target/grading-conformance.md)")
                .isEqualTo(expected.strip());
    }

    private static final String START = "<!-- conformance:start -->";
    private static final String END = "<!-- conformance:end -->";

    /** The agreement per category and the cases decided otherwise, as Markdown. */
    static String tables(List<Outcome> outcomes) {
        StringBuilder md = new StringBuilder(
                "| category | cases | graded as the source expects | decided otherwise |\n|---|---|---|---|\n");
        int[] all = new int[3];
        for (var row : byCategory(outcomes).entrySet()) {
            int[] r = row.getValue();
            md.append("| ")
                    .append(row.getKey())
                    .append(" | ")
                    .append(r[0])
                    .append(" | ")
                    .append(r[1])
                    .append(" | ")
                    .append(r[2])
                    .append(" |\n");
            for (int i = 0; i < 3; i++) {
                all[i] += r[i];
            }
        }
        md.append("| **all** | **")
                .append(all[0])
                .append("** | **")
                .append(all[1])
                .append("** | **")
                .append(all[2])
                .append(
                        "** |\n\nEvery case not decided otherwise is graded as its source expects (the test fails otherwise). ")
                .append("Decided otherwise, with the reason:\n\n");
        for (Outcome o : outcomes) {
            if (o.c().decided() != null) {
                md.append("- `")
                        .append(o.c().id())
                        .append("` (")
                        .append(o.c().category())
                        .append("; gold `")
                        .append(o.c().gold().replace("\n", " ").replace("`", "'"))
                        .append("`, source expects ")
                        .append(o.c().expected() ? "equal" : "different")
                        .append("): ")
                        .append(o.c().decided())
                        .append('\n');
            }
        }
        return md.toString();
    }

    Outcome grade(Case c) {
        return new Outcome(c, grader.grade(c.type(), null, c.prediction(), c.gold(), List.of()));
    }

    static List<Case> cases() {
        Map<String, String> decisions = decisions();
        List<Case> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl") && !f.endsWith("decisions.jsonl"))
                    .sorted()
                    .toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).isBlank()) {
                        continue;
                    }
                    JsonNode node = JSON.readTree(lines.get(i));
                    String id = file.getFileName() + "#" + (i + 1);
                    all.add(new Case(
                            id,
                            node.get("source").asString(),
                            node.get("category").asString(),
                            AnswerType.fromId(node.get("type").asString()),
                            node.get("gold").asString(),
                            node.get("prediction").asString(),
                            node.get("expected").asBoolean(),
                            decisions.get(id)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** Case id → the reason we decide a case the other way from its source. */
    static Map<String, String> decisions() {
        Path file = CORPUS.resolve("decisions.jsonl");
        Map<String, String> decisions = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return decisions;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    JsonNode node = JSON.readTree(line);
                    decisions.put(
                            node.get("case").asString(), node.get("reason").asString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return decisions;
    }

    static Map<String, int[]> byCategory(List<Outcome> outcomes) {
        Map<String, int[]> table = new TreeMap<>();
        for (Outcome o : outcomes) {
            int[] row = table.computeIfAbsent(o.c().category(), k -> new int[3]);
            row[0]++;
            if (o.grade().correct() == o.c().expected()) {
                row[1]++;
            }
            if (o.c().decided() != null) {
                row[2]++;
            }
        }
        return table;
    }

    private static String abbreviate(String s) {
        String flat = s.replace("\n", "\\n");
        return flat.length() <= 160 ? flat : "…" + flat.substring(flat.length() - 160);
    }
}
