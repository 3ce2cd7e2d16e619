package dev.distillery.bench;

import dev.distillery.MathSolutions;
import dev.distillery.SharedDatasets;
import dev.distillery.grading.Grader;
import dev.distillery.shared.AnswerType;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Grading throughput (targets: numeric grading at least 100,000 answers/s on one core; 5,000 MATH outputs graded in
 * at most 10 s on this machine). Pure: no Spring, no database.
 *
 * <p>Numbers: the 7,473 GSM8K train worked solutions as outputs, half of them with their {@code #### n} line and half
 * without it (so the last-number rule reads them), graded on one thread, 30 passes after 5 warm-up passes. Math: the
 * 5,000 MATH test solutions, as written (boxed) and with every box removed (free-form, read from the text), each
 * set graded first by a fresh grader (the computer algebra starts on the first answer that needs it) and then again
 * warm, on one thread and on all cores.
 */
class GradingBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void gradesNumbersAndMath() throws Exception {
        List<String[]> numbers = gsm8k();
        Grader grader = new Grader();
        for (int pass = 0; pass < 5; pass++) {
            gradeAll(grader, AnswerType.NUMBER, numbers);
        }
        int passes = 30;
        long started = System.nanoTime();
        int correct = 0;
        for (int pass = 0; pass < passes; pass++) {
            correct = gradeAll(grader, AnswerType.NUMBER, numbers);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double perSecond = passes * numbers.size() / seconds;
        BenchReport.record(
                "grading-numbers",
                String.format(
                        "%d GSM8K answers × %d passes on one thread: %.0f answers/s " + "(%d of %d correct per pass)",
                        numbers.size(), passes, perSecond, correct, numbers.size()));

        List<String[]> boxed = new ArrayList<>();
        List<String[]> free = new ArrayList<>();
        for (MathSolutions.Solution solution : MathSolutions.all()) {
            boxed.add(new String[] {solution.text(), solution.gold()});
            free.add(new String[] {MathSolutions.unboxed(solution.text()), solution.gold()});
        }
        for (var set : List.of(new Named("boxed", boxed), new Named("free-form", free))) {
            Grader fresh = new Grader();
            long cold = System.nanoTime();
            int right = gradeAll(fresh, AnswerType.MATH, set.cases());
            double coldSeconds = (System.nanoTime() - cold) / 1e9;
            long warm = System.nanoTime();
            gradeAll(fresh, AnswerType.MATH, set.cases());
            double warmSeconds = (System.nanoTime() - warm) / 1e9;
            long parallel = System.nanoTime();
            long parallelRight = set.cases().parallelStream()
                    .filter(c -> fresh.grade(AnswerType.MATH, null, c[0], c[1], List.of())
                            .correct())
                    .count();
            double parallelSeconds = (System.nanoTime() - parallel) / 1e9;
            BenchReport.record(
                    "grading-math",
                    String.format(
                            "%d MATH solutions (%s): first pass %.2f s on one thread "
                                    + "(computer algebra started in it), again %.2f s on one thread, %.2f s on %d cores; %d correct "
                                    + "(%d in parallel)",
                            set.cases().size(),
                            set.name(),
                            coldSeconds,
                            warmSeconds,
                            parallelSeconds,
                            Runtime.getRuntime().availableProcessors(),
                            right,
                            parallelRight));
        }
    }

    private record Named(String name, List<String[]> cases) {}

    private static int gradeAll(Grader grader, AnswerType type, List<String[]> cases) {
        int correct = 0;
        for (String[] c : cases) {
            if (grader.grade(type, null, c[0], c[1], List.of()).correct()) {
                correct++;
            }
        }
        return correct;
    }

    private static List<String[]> gsm8k() throws Exception {
        List<String[]> cases = new ArrayList<>();
        List<String> lines = Files.readAllLines(SharedDatasets.file("gsm8k/train.jsonl"));
        for (int i = 0; i < lines.size(); i++) {
            String answer = JSON.readTree(lines.get(i)).get("answer").asString();
            int marker = answer.lastIndexOf("####");
            String gold = answer.substring(marker + 4).strip();
            cases.add(new String[] {i % 2 == 0 ? answer : answer.substring(0, marker), gold});
        }
        return cases;
    }
}
