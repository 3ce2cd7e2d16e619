package dev.distillery.methods;

import dev.distillery.methods.QaLayout.Pair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Socratic CoT teacher's exemplars: four GSM8K problems with their human Socratic solutions, shipped as the
 * original lines of {@code test_socratic.jsonl} (see the README next to the resource) and converted here to
 * {@link QaLayout}. Calculator annotations ({@code <<6*5=30>>}) are removed: they are GSM8K's tooling, not something
 * a teacher should imitate. The final step gets "The answer is N." from the {@code ####} line.
 */
final class SocraticExemplars {

    static final String RESOURCE = "socratic_exemplars.jsonl";

    private static final String STEP_SEPARATOR = " ** ";
    private static final String FINAL_ANSWER = "####";

    /** A problem and its subquestion/answer pairs, the last answer ending "The answer is N.". */
    record Exemplar(String question, List<Pair> pairs) {}

    private static final List<Exemplar> EXEMPLARS = load();

    private SocraticExemplars() {}

    static List<Exemplar> all() {
        return EXEMPLARS;
    }

    /** The exemplars in full, blank-line separated, for a teacher that writes whole decompositions. */
    static String solved() {
        return EXEMPLARS.stream()
                .map(e -> QaLayout.PROBLEM + " " + e.question() + "\n" + QaLayout.decomposition(e.pairs()))
                .collect(Collectors.joining("\n\n"));
    }

    /** The exemplars with their subquestions only, for a teacher that writes the questions and leaves the solving. */
    static String unsolved() {
        return EXEMPLARS.stream()
                .map(e -> QaLayout.PROBLEM + " " + e.question() + "\n"
                        + e.pairs().stream()
                                .map(pair -> QaLayout.Q + " " + pair.question())
                                .collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n\n"));
    }

    /**
     * Whether the question is one of the exemplars' (ignoring surrounding whitespace): answering it would copy the
     * solution from the prompt, so such an item is excluded rather than given its own answer.
     */
    static boolean isExemplar(String question) {
        return EXEMPLARS.stream().anyMatch(e -> e.question().strip().equals(question.strip()));
    }

    /** An excluded item is done without calls; the empty output grades as no answer, the artifact says why. */
    static Step excluded() {
        return Turn.done(new Prediction("prediction", "", null, Map.of("excluded", "exemplar")));
    }

    /** One GSM8K Socratic record: "subquestion ** step" lines, then "#### answer". */
    static Exemplar convert(String question, String solution) {
        List<String> lines = solution.lines().filter(line -> !line.isBlank()).toList();
        String last = lines.getLast().strip();
        if (!last.startsWith(FINAL_ANSWER)) {
            throw new IllegalArgumentException("No final '#### answer' line in the exemplar '" + question + "'");
        }
        String answer = last.substring(FINAL_ANSWER.length()).strip();
        List<Pair> pairs = new ArrayList<>();
        for (String line : lines.subList(0, lines.size() - 1)) {
            int separator = line.indexOf(STEP_SEPARATOR);
            if (separator <= 0) {
                throw new IllegalArgumentException("No 'subquestion ** step' in the exemplar line '" + line + "'");
            }
            String step = line.substring(separator + STEP_SEPARATOR.length())
                    .replaceAll("<<[^>]*>>", "")
                    .strip();
            pairs.add(new Pair(line.substring(0, separator).strip(), step));
        }
        Pair lastStep = pairs.removeLast();
        String ending = lastStep.answer().matches(".*[.!?]$") ? "" : ".";
        pairs.add(new Pair(lastStep.question(), lastStep.answer() + ending + " The answer is " + answer + "."));
        return new Exemplar(question, List.copyOf(pairs));
    }

    private static List<Exemplar> load() {
        JsonMapper json = JsonMapper.builder().build();
        try (InputStream in = SocraticExemplars.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Exemplar> exemplars = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    JsonNode record = json.readTree(line);
                    exemplars.add(convert(
                            record.get("question").asString(),
                            record.get("answer").asString()));
                }
            }
            return List.copyOf(exemplars);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
