package dev.distillery;

import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A simulated teacher and student on the first 40 GSM8K test items whose figures are known in advance: with the
 * teacher's Trace-of-Thought steps the student solves the items whose index is not 4 mod 5 (4 in 5), alone only those
 * at 0 mod 5 (1 in 5, all among the 4), and a corrected step "Report n" makes it answer n.
 */
public final class TraceOfThoughtSimulation {

    private static final Pattern REPORT = Pattern.compile("Report (-?\\d+)");

    /** Question → index in the file, and question → gold answer, of the first 40 items. */
    public static final Map<String, Integer> INDEX = new HashMap<>();

    public static final Map<String, String> GOLD = new HashMap<>();

    static {
        try {
            List<String> lines = Files.readAllLines(SharedDatasets.file("gsm8k/test.jsonl"));
            JsonMapper mapper = JsonMapper.builder().build();
            for (int i = 0; i < 40; i++) {
                JsonNode item = mapper.readTree(lines.get(i));
                String answer = item.get("answer").asString();
                INDEX.put(item.get("question").asString(), i);
                GOLD.put(
                        item.get("question").asString(),
                        answer.substring(answer.lastIndexOf("####") + 4).strip().replace(",", ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TraceOfThoughtSimulation() {}

    /** A simulator serving models "teacher" and "student" that answer as described above. */
    public static OpenAiSimulator start() {
        OpenAiSimulator sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
        sim.when(r -> r.prompt().startsWith("Create very short")).reply("1. Add the numbers.\n2. Report the total.");
        sim.when(r -> r.prompt().startsWith("We are given")).reply((r, i) -> {
            Matcher m = REPORT.matcher(r.prompt());
            if (m.find()) {
                return "The answer is " + m.group(1) + ".";
            }
            String question = r.prompt().split("\n")[1];
            return "The answer is " + (INDEX.get(question) % 5 != 4 ? GOLD.get(question) : "-1") + ".";
        });
        sim.when(r -> GOLD.containsKey(r.prompt()))
                .reply((r, i) ->
                        "The answer is " + (INDEX.get(r.prompt()) % 5 == 0 ? GOLD.get(r.prompt()) : "-1") + ".");
        return sim;
    }

    /**
     * A simulator whose student is wrong on every item (it answers -1) until a corrected step "Report n" makes it
     * answer n: a run where every item needs a correction.
     */
    public static OpenAiSimulator wrongUntilCorrected() {
        OpenAiSimulator sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
        sim.when(r -> r.prompt().startsWith("Create very short")).reply("1. Add the numbers.\n2. Report the total.");
        sim.when(r -> r.prompt().startsWith("We are given")).reply((r, i) -> {
            Matcher m = REPORT.matcher(r.prompt());
            return "Following the steps, the answer is " + (m.find() ? m.group(1) : "-1") + ".";
        });
        return sim;
    }
}
