package dev.distillery;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A large run written directly as the owner, for benchmarks and tests of paging and exports: a dataset version of
 * {@code items} questions (≈ 250 characters, every 50th about apples), a Trace-of-Thought run over all of them, every
 * 200th item an error and every 3rd incorrect, tokens varying (so sorts have ties), a teacher and then a student call
 * per item, and every 10th item reviewed with a revision 1 (every 20th with an edited teacher trace).
 */
public final class GeneratedRuns {

    private GeneratedRuns() {}

    /** The run's id; {@code status} is the run's (RUNNING leaves it unfinished, COMPLETED finishes it now). */
    public static UUID insert(UUID ws, int items, String status) throws Exception {
        UUID dataset = UUID.randomUUID();
        UUID version = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        List<String> sql = new ArrayList<>();
        // Named by its id, as a workspace's dataset names are unique and a test may generate more than one run.
        sql.add("INSERT INTO datasets (id, workspace_id, name, created_at) VALUES ('%s', '%s', 'Generated %s', now())"
                .formatted(dataset, ws, dataset));
        sql.add("""
                INSERT INTO dataset_versions (id, workspace_id, dataset_id, version, format, file_name, item_count, split_counts,
                    type_counts, created_at) VALUES ('%s', '%s', '%s', 1, 'generic', 'generated.jsonl', %d, '{}', '{}', now())""".formatted(version, ws, dataset, items));
        sql.add("""
                INSERT INTO dataset_items (workspace_id, version_id, position, item_id, split, question, gold_raw, gold,
                    answer_type, source_line, source_ref)
                SELECT '%s', '%s', g, 'item-' || g, 'test',
                    'Question ' || g || ': a farmer has ' || (g %% 97) || CASE WHEN g %% 50 = 0 THEN ' apples' ELSE ' pears' END
                        || ' and buys ' || (g %% 13) || ' more. How many does the farmer have now? ' || repeat('Some context. ', 12),
                    (g %% 97 + g %% 13)::text, (g %% 97 + g %% 13)::text, 'NUMBER', g, 'generated.jsonl:' || g
                FROM generate_series(0, %d) g""".formatted(ws, version, items - 1));
        sql.add("""
                INSERT INTO runs (id, workspace_id, name, method, preset, preset_version, preset_snapshot, params, decoding, roles,
                    dataset_id, dataset_version_id, split, item_offset, concurrency, total, status, created_at, started_at, finished_at)
                VALUES ('%s', '%s', 'Generated run', 'trace-of-thought', 'tot-paper', 1, '{}', '{}', '{"stop": [], "samples": 1}', '{}', '%s', '%s', 'test',
                    0, 64, %d, '%s', now(), now(), %s)""".formatted(run, ws, dataset, version, items, status, status.equals("RUNNING") ? "NULL" : "now()"));
        sql.add("""
                INSERT INTO run_items (workspace_id, run_id, item_id, position, status, correct, results, prompt_tokens,
                    completion_tokens, finished_at)
                SELECT '%s', '%s', 'item-' || g, g, CASE WHEN g %% 200 = 0 THEN 'ERROR' ELSE 'DONE' END, g %% 3 <> 0,
                    jsonb_build_array(jsonb_build_object('label', 'prediction', 'output', 'The answer is ' || (g %% 101) || '.',
                        'rule', 'number', 'extracted', (g %% 101)::text, 'correct', g %% 3 <> 0, 'flagged', false,
                        'artifacts', '{}'::jsonb)),
                    80 + g %% 40, 40 + g %% 90, now()
                FROM generate_series(0, %d) g""".formatted(ws, run, items - 1));
        sql.add("""
                INSERT INTO run_calls (workspace_id, run_id, item_id, call_key, role, endpoint_id, prompt, outputs, prompt_tokens,
                    completion_tokens, cost, latency_ms, attempts, cached, created_at)
                SELECT '%s', '%s', 'item-' || g, k, upper(k), '%s', 'Prompt of ' || k || ' for item ' || g,
                    jsonb_build_array(CASE WHEN k = 'teacher' THEN '1. Count the fruit.' || chr(10) || '2. Add the new ones.'
                        ELSE 'The answer is ' || (g %% 101) || '.' END), 60, 30, 0, 200, 1, false,
                    now() - CASE WHEN k = 'teacher' THEN interval '1 second' ELSE interval '0 seconds' END
                FROM generate_series(0, %d) g, (VALUES ('teacher'), ('student')) AS c(k)""".formatted(ws, run, UUID.randomUUID(), items - 1));
        sql.add("""
                INSERT INTO review_states (workspace_id, run_id, item_id, position, latest_revision, edited, verdict, last_reviewer,
                    updated_at)
                SELECT '%s', '%s', 'item-' || g, g, 1, g %% 20 = 0, NULL, 'reviewer' || (g %% 7) || '@example.com', now()
                FROM generate_series(0, %d, 10) g""".formatted(ws, run, items - 1));
        sql.add("""
                INSERT INTO trace_revisions (workspace_id, run_id, item_id, revision, base_revision, call_key, teacher_output,
                    author, created_at)
                SELECT '%s', '%s', 'item-' || g, 1, 0, 'teacher',
                    CASE WHEN g %% 20 = 0 THEN '1. Count the fruit again.' || chr(10) || '2. Add the new ones.'
                         ELSE '1. Count the fruit.' || chr(10) || '2. Add the new ones.' END,
                    'reviewer' || (g %% 7) || '@example.com', now()
                FROM generate_series(0, %d, 10) g""".formatted(ws, run, items - 1));
        sql.add("ANALYZE dataset_items");
        sql.add("ANALYZE run_items");
        sql.add("ANALYZE run_calls");
        sql.add("ANALYZE review_states");
        sql.add("ANALYZE trace_revisions");
        try (Connection owner = TestDatabase.ownerConnection();
                var st = owner.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
        return run;
    }
}
