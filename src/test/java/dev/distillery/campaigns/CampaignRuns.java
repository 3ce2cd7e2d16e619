package dev.distillery.campaigns;

import dev.distillery.TestHttp;
import dev.distillery.TestRuns;
import dev.distillery.simulator.Config;
import dev.distillery.simulator.OpenAiSimulator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * Completed Trace-of-Thought runs for campaign tests: the teacher always writes "1. Add the numbers. 2. Report the
 * total." and the student reports the number the steps name (-1 when none), so every item is wrong until a
 * contributor's corrected trace names the reference answer.
 */
public final class CampaignRuns {

    static final String STEPS = "1. Add the numbers.\n2. Report the total.";
    private static final Pattern REPORT = Pattern.compile("Report (-?\\d+)");

    private CampaignRuns() {}

    public static OpenAiSimulator simulator() {
        OpenAiSimulator sim = OpenAiSimulator.start(Config.defaults().models("teacher", "student"));
        sim.when(r -> r.prompt().startsWith("Create very short")).reply(STEPS);
        sim.when(r -> r.prompt().startsWith("We are given")).reply((r, i) -> {
            Matcher m = REPORT.matcher(r.prompt());
            return "Following the steps, the answer is " + (m.find() ? m.group(1) : "-1") + ".";
        });
        return sim;
    }

    /** A completed run of the first {@code limit} GSM8K test items, every one of them incorrect. */
    public static String finishedRun(TestHttp http, JsonMapper json, OpenAiSimulator sim, String key, int limit)
            throws Exception {
        TestRuns runs = new TestRuns(http, json);
        String teacher = runs.endpoint(key, sim.baseUrl(), "teacher");
        String student = runs.endpoint(key, sim.baseUrl(), "student");
        String dataset = runs.gsm8k(key);
        return runs.completed(key, """
                {"method": "trace-of-thought", "preset": "tot-paper", "datasetId": "%s", "split": "test", "limit": %d,
                 "roles": {"teacher": "%s", "student": "%s"}, "concurrency": 2}""".formatted(dataset, limit, teacher, student));
    }
}
