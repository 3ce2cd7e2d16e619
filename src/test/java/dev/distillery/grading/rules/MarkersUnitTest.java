package dev.distillery.grading.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.SharedDatasets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The hand-written search for the number markers finds exactly what the marker pattern finds last. */
class MarkersUnitTest {

    @Test
    void theLastPlainMarkerIsTheLastMatchOfThePattern() throws Exception {
        List<String> outputs = new ArrayList<>(List.of(
                "The answer is 5",
                "the Final  answer\nis 5.",
                "THE ANSWER IS 7",
                "theanswer is 5",
                "the answers is 5",
                "the answer isn't 5",
                "the answer is5",
                "bathe answer is 5",
                "The answer is 4. #### 5 --> 6 the answer is 7",
                "--> 3 END",
                "#### 1,234",
                "no marker here",
                "",
                "answer is",
                "the answer is",
                "The final answer is: 5",
                "so the final answer is 18 and the answer is 19",
                "final answer is 5",
                "the\tanswer is 3",
                "The answer is 3.\n\nThe answer"));
        JsonMapper json = JsonMapper.builder().build();
        List<String> lines = Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl"));
        for (int i = 0; i < 300; i++) {
            String answer = json.readTree(lines.get(i)).get("answer").asString();
            outputs.add(answer);
            outputs.add(answer.replace("####", "The answer is"));
            outputs.add(answer.replace("####", "Therefore, the final answer is"));
        }

        for (String output : outputs) {
            assertThat(Markers.lastPlain(output)).as(output).isEqualTo(byPattern(output));
        }
    }

    private static int @Nullable [] byPattern(String output) {
        int[] last = null;
        Matcher m = Markers.PLAIN.matcher(output);
        while (m.find()) {
            last = new int[] {m.start(), m.end()};
        }
        return last;
    }
}
