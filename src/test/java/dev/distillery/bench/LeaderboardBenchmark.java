package dev.distillery.bench;

import dev.distillery.TestDatabase;
import dev.distillery.TestTenants;
import dev.distillery.leaderboards.ChartOptions;
import dev.distillery.leaderboards.LeaderboardFilter;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.leaderboards.LeaderboardService;
import dev.distillery.leaderboards.PublicBoard;
import dev.distillery.leaderboards.PublicBoardDraft;
import dev.distillery.leaderboards.PublicBoardService;
import dev.distillery.leaderboards.TeacherStudentMatrix;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.WorkspaceService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * A workspace with 1,000 finished runs of 1,000 traces each (20 students' baselines and 980 Trace-of-Thought runs of
 * 10 teachers): entries are built through the production update path ({@link LeaderboardService#refresh}, what the
 * event-driven task calls), then the board is timed as the view renders it (rows, matrix, the four charts' options
 * as JSON; target ≤ 100 ms), together with one incremental update, and a published page read by 200 concurrent
 * readers over HTTP. Medians of 7 after 3 warm-up calls.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class LeaderboardBenchmark {

    static final int RUNS = 1_000;
    static final int ITEMS = 1_000;
    static final int STUDENTS = 20;
    static final int TEACHERS = 10;
    static final int READERS = 200;
    static final int READS_PER_READER = 20;

    @Autowired
    TestTenants tenants;

    @Autowired
    LeaderboardService leaderboards;

    @Autowired
    PublicBoardService publicBoards;

    @Autowired
    WorkspaceService workspaces;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    @Test
    void leaderboardWith1000RunsAnd1MillionTraces() throws Exception {
        var tenant = tenants.tenant("boardbench", Role.ADMIN);
        String email = tenant.email();
        long started = System.nanoTime();
        Generated data = generate(tenant.workspaceId());
        double generateS = (System.nanoTime() - started) / 1e9;

        started = System.nanoTime();
        tenants.as(email, () -> data.runs().forEach(leaderboards::refresh));
        double buildS = (System.nanoTime() - started) / 1e9;

        LeaderboardFilter board = LeaderboardFilter.of(data.dataset(), "test");
        double rowsMs = BenchReport.medianMs(() -> tenants.as(email, () -> leaderboards.rows(board)));
        double renderMs = BenchReport.medianMs(() -> tenants.as(email, () -> {
            List<LeaderboardRow> rows = leaderboards.rows(board);
            TeacherStudentMatrix matrix = TeacherStudentMatrix.of(rows);
            return json.writeValueAsString(ChartOptions.heatmap(matrix)).length()
                    + json.writeValueAsString(ChartOptions.accuracy(rows)).length()
                    + json.writeValueAsString(ChartOptions.gainVsSize(rows)).length()
                    + json.writeValueAsString(ChartOptions.accuracyVsCost(rows)).length();
        }));
        int[] next = {0};
        double updateMs = BenchReport.medianMs(() -> {
            tenants.as(email, () -> leaderboards.refresh(data.runs().get(STUDENTS + next[0]++)));
            return null;
        });
        double baselineUpdateMs = BenchReport.medianMs(() -> {
            tenants.as(email, () -> leaderboards.refresh(data.runs().get(next[0]++ % STUDENTS)));
            return null;
        });
        int compared = tenants.as(email, () -> (int) leaderboards.rows(board).stream()
                .filter(r -> r.gainPoints() != null)
                .count());

        String path = tenants.as(email, () -> {
            PublicBoard published = publicBoards.publish(
                    new PublicBoardDraft("bench", "Bench board", data.dataset(), "test", null, null, null, 10));
            return published.path(workspaces.current().slug());
        });
        HttpClient client = HttpClient.newBuilder()
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .GET()
                .build();
        int firstStatus = client.send(get, HttpResponse.BodyHandlers.ofString()).statusCode();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        started = System.nanoTime();
        try (var readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                results.add(readers.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < READS_PER_READER; i++) {
                        long t = System.nanoTime();
                        HttpResponse<String> page = client.send(get, HttpResponse.BodyHandlers.ofString());
                        latencies.add(System.nanoTime() - t);
                        ok += page.statusCode() == 200 && page.body().contains("Bench board") ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : results) {
                ok += f.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            BenchReport.record(
                    "leaderboard",
                    String.format(
                            "Leaderboard | %d runs × %d traces (generated in %.0f s) | entries built through refresh in %.1f s "
                                    + "(%d compared) | board rows %.1f ms | board + matrix + 4 charts as JSON %.1f ms | "
                                    + "one run's update %.1f ms | a baseline's update (re-compares its %d runs) %.1f ms | public page "
                                    + "(first status %d), %d readers × %d: %d/%d OK, %.0f pages/s, p50 %.1f ms, p95 %.1f ms",
                            RUNS,
                            ITEMS,
                            generateS,
                            buildS,
                            compared,
                            rowsMs,
                            renderMs,
                            updateMs,
                            (RUNS - STUDENTS) / STUDENTS,
                            baselineUpdateMs,
                            firstStatus,
                            READERS,
                            READS_PER_READER,
                            ok,
                            READERS * READS_PER_READER,
                            READERS * READS_PER_READER / seconds,
                            sorted[sorted.length / 2] / 1e6,
                            sorted[(int) (sorted.length * 0.95)] / 1e6));
        }
    }

    record Generated(UUID dataset, List<UUID> runs) {}

    /**
     * A dataset of 1,000 items and 1,000 finished runs on all of them, written directly as the owner: run i has
     * student i mod 20; the first 20 are the students' baselines (standard), the rest Trace-of-Thought with teacher
     * (i / 20) mod 10. Verdicts are pseudo-random, with the method right more often than the baseline.
     */
    private static Generated generate(UUID ws) throws Exception {
        UUID dataset = UUID.randomUUID();
        UUID version = UUID.randomUUID();
        List<UUID> runs = new ArrayList<>();
        List<String> sql = new ArrayList<>();
        sql.add("INSERT INTO datasets (id, workspace_id, name, created_at) VALUES ('%s', '%s', 'Bench', now())"
                .formatted(dataset, ws));
        sql.add("""
                INSERT INTO dataset_versions (id, workspace_id, dataset_id, version, format, file_name, item_count, split_counts,
                    type_counts, created_at) VALUES ('%s', '%s', '%s', 1, 'generic', 'bench.jsonl', %d, '{"test": %d}', '{}', now())""".formatted(version, ws, dataset, ITEMS, ITEMS));
        sql.add("""
                INSERT INTO dataset_items (workspace_id, version_id, position, item_id, split, question, gold_raw, gold,
                    answer_type, source_line, source_ref)
                SELECT '%s', '%s', g, 'item-' || g, 'test', 'Question ' || g, g::text, g::text, 'NUMBER', g, 'bench.jsonl:' || g
                FROM generate_series(0, %d) g""".formatted(ws, version, ITEMS - 1));
        UUID[] students = new UUID[STUDENTS];
        UUID[] teachers = new UUID[TEACHERS];
        Arrays.setAll(students, i -> UUID.randomUUID());
        Arrays.setAll(teachers, i -> UUID.randomUUID());
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < RUNS; i++) {
            UUID run = UUID.randomUUID();
            runs.add(run);
            int s = i % STUDENTS;
            boolean baseline = i < STUDENTS;
            String roles = baseline
                    ? "{\"STUDENT\": {\"endpointId\": \"%s\", \"name\": \"student-%d-%db\", \"model\": \"s%d\"}}"
                            .formatted(students[s], s, 1 + s % 8, s)
                    : ("{\"TEACHER\": {\"endpointId\": \"%s\", \"name\": \"teacher-%d\", \"model\": \"t\"}, "
                                    + "\"STUDENT\": {\"endpointId\": \"%s\", \"name\": \"student-%d-%db\", \"model\": \"s%d\"}}")
                            .formatted(
                                    teachers[(i / STUDENTS) % TEACHERS],
                                    (i / STUDENTS) % TEACHERS,
                                    students[s],
                                    s,
                                    1 + s % 8,
                                    s);
            values.append(values.isEmpty() ? "" : ",")
                    .append(
                            "('%s', '%s', 'run %d', '%s', '%s', 1, '{}', '{}', '{\"stop\": [], \"samples\": 1}', '%s', '%s', '%s', 'test', 0, 16, %d, 'COMPLETED', now(), now(), now() - interval '%d minutes', %d)"
                                    .formatted(
                                            run,
                                            ws,
                                            i,
                                            baseline ? "standard" : "trace-of-thought",
                                            baseline ? "tot" : "tot-paper",
                                            roles,
                                            dataset,
                                            version,
                                            ITEMS,
                                            RUNS - i,
                                            i));
        }
        sql.add(
                "CREATE TEMP TABLE bench_runs (id uuid, workspace_id uuid, name text, method text, preset text, preset_version int,"
                        + " preset_snapshot jsonb, params jsonb, decoding jsonb, roles jsonb, dataset_id uuid, dataset_version_id uuid,"
                        + " split text, item_offset int, concurrency int, total int, status text, created_at timestamptz,"
                        + " started_at timestamptz, finished_at timestamptz, n int)");
        sql.add("INSERT INTO bench_runs VALUES " + values);
        sql.add("""
                INSERT INTO runs (id, workspace_id, name, method, preset, preset_version, preset_snapshot, params, decoding, roles,
                    dataset_id, dataset_version_id, split, item_offset, concurrency, total, status, created_at, started_at, finished_at)
                SELECT id, workspace_id, name, method, preset, preset_version, preset_snapshot, params, decoding, roles,
                    dataset_id, dataset_version_id, split, item_offset, concurrency, total, status, created_at, started_at, finished_at
                FROM bench_runs""");
        sql.add("""
                INSERT INTO run_items (workspace_id, run_id, item_id, position, status, correct, results, prompt_tokens,
                    completion_tokens, cost, finished_at)
                SELECT r.workspace_id, r.id, 'item-' || g, g, 'DONE',
                    abs(hashtext(r.n::text || '/' || g)) %% 100 < CASE WHEN r.method = 'standard' THEN 30 ELSE 45 + r.n %% 20 END,
                    '[]'::jsonb, 80 + g %% 40, 40 + g %% 90, 0.0001, now()
                FROM bench_runs r, generate_series(0, %d) g""".formatted(ITEMS - 1));
        sql.add("ANALYZE runs");
        sql.add("ANALYZE run_items");
        try (Connection owner = TestDatabase.ownerConnection();
                var st = owner.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
        return new Generated(dataset, runs);
    }
}
