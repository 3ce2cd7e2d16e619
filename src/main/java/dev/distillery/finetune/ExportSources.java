package dev.distillery.finetune;

import dev.distillery.methods.MethodItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What exports are built from, read in a tenant transaction through the views runs (items, results, calls), datasets
 * (questions, splits) and review (latest revisions) publish (db/migration/V17), so exports of large runs take a few
 * queries instead of a trace at a time. Also the contamination check, which compares normalised-question keys in SQL.
 */
@Repository
class ExportSources {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ExportSources(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A graded prediction as stored with its run item: the verdict and the method's artifacts. */
    record StoredPrediction(boolean correct, Map<String, String> artifacts) {}

    /** A finished run item with its question as stored (stem and options) and its predictions in order. */
    record RunItem(
            String itemId,
            String question,
            List<MethodItem.Choice> choices,
            String gold,
            List<StoredPrediction> predictions) {}

    /** The latest revision of a reviewed trace; {@code rerunCorrect} is null when no re-run finished on it. */
    record LatestRevision(
            @Nullable String teacherOutput,
            boolean edited,
            @Nullable Boolean verdict,
            @Nullable Boolean rerunCorrect) {}

    /** An edited trace: the corrected call's prompt, its original first output and the latest correction. */
    record EditedTrace(String itemId, String prompt, String original, String corrected) {}

    /** An export item that is a test item, or whose question is one of a test item; the first match is named. */
    record ContaminatedItem(
            String itemId,
            boolean testSplit,
            @Nullable String matchItemId,
            @Nullable String matchDataset,
            @Nullable Integer matchVersion) {}

    /** The run's template for questions with options, as stored in its preset snapshot. */
    Optional<String> choicesTemplate(UUID runId) {
        return jdbc.sql(
                        "SELECT preset_snapshot -> 'templates' ->> 'question-with-choices' FROM run_overview WHERE run_id = ?")
                .param(runId)
                .query(String.class)
                .optional();
    }

    /** The run's finished items in source order. */
    List<RunItem> items(UUID runId, UUID versionId) {
        return jdbc.sql("""
                        SELECT i.item_id, d.question, d.choices::text, d.gold, i.results::text
                        FROM run_item_outcomes i JOIN dataset_item_texts d ON d.version_id = ? AND d.item_id = i.item_id
                        WHERE i.run_id = ? AND i.status = 'DONE' ORDER BY i.position""")
                .params(versionId, runId)
                .query((rs, n) -> new RunItem(
                        rs.getString("item_id"),
                        rs.getString("question"),
                        choices(rs.getString("choices")),
                        rs.getString("gold"),
                        predictions(rs.getString("results"))))
                .list();
    }

    /** The latest revision of each reviewed trace of the run, by item. */
    Map<String, LatestRevision> latestRevisions(UUID runId) {
        return jdbc
                .sql("""
                        SELECT item_id, teacher_output, edited, verdict, rerun_correct FROM review_latest_revisions
                        WHERE run_id = ?""")
                .param(runId)
                .query((rs, n) -> Map.entry(
                        rs.getString("item_id"),
                        new LatestRevision(
                                rs.getString("teacher_output"),
                                rs.getBoolean("edited"),
                                rs.getObject("verdict", Boolean.class),
                                rs.getObject("rerun_correct", Boolean.class))))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The run's traces whose latest revision edits the teacher's output, in source order. */
    List<EditedTrace> editedTraces(UUID runId) {
        return jdbc.sql("""
                        SELECT r.item_id, c.prompt, coalesce(c.first_output, '') AS original, r.teacher_output AS corrected
                        FROM review_latest_revisions r
                        JOIN run_call_texts c ON c.run_id = r.run_id AND c.item_id = r.item_id AND c.call_key = r.call_key
                        JOIN run_item_outcomes i ON i.run_id = r.run_id AND i.item_id = r.item_id
                        WHERE r.run_id = ? AND r.edited AND r.teacher_output IS NOT NULL
                        ORDER BY i.position""").param(runId).query(EditedTrace.class).list();
    }

    /**
     * The given items of a dataset version that are test items, or whose normalised question equals a test item's
     * of any dataset version of the workspace; in source order. Each item is looked up in the index of test items'
     * question keys.
     */
    List<ContaminatedItem> contaminated(UUID versionId, List<String> itemIds) {
        return jdbc.sql("""
                        SELECT d.item_id, d.split = 'test' AS test_split, m.item_id AS match_item_id,
                            v.dataset_name AS match_dataset, v.version AS match_version
                        FROM dataset_item_texts d
                        LEFT JOIN LATERAL (
                            SELECT t.item_id, t.version_id FROM dataset_item_texts t
                            WHERE t.workspace_id = app_workspace_id() AND t.split = 'test'
                              AND export_question_key(t.question) = export_question_key(d.question)
                              AND NOT (t.version_id = d.version_id AND t.item_id = d.item_id)
                            LIMIT 1) m ON true
                        LEFT JOIN dataset_version_names v ON v.version_id = m.version_id
                        WHERE d.version_id = ? AND d.item_id = ANY(?) AND (d.split = 'test' OR m.item_id IS NOT NULL)
                        ORDER BY d.split, d.position""")
                .params(versionId, itemIds.toArray(String[]::new))
                .query(ContaminatedItem.class)
                .list();
    }

    private List<MethodItem.Choice> choices(@Nullable String stored) {
        if (stored == null) {
            return List.of();
        }
        List<MethodItem.Choice> choices = new ArrayList<>();
        for (JsonNode choice : json.readTree(stored)) {
            choices.add(new MethodItem.Choice(
                    choice.path("label").asString(""), choice.path("text").asString("")));
        }
        return choices;
    }

    private List<StoredPrediction> predictions(@Nullable String stored) {
        if (stored == null) {
            return List.of();
        }
        List<StoredPrediction> predictions = new ArrayList<>();
        for (JsonNode p : json.readTree(stored)) {
            Map<String, String> artifacts = new java.util.LinkedHashMap<>();
            p.path("artifacts")
                    .properties()
                    .forEach(e -> artifacts.put(e.getKey(), e.getValue().asString("")));
            predictions.add(new StoredPrediction(p.path("correct").asBoolean(false), artifacts));
        }
        return predictions;
    }
}
