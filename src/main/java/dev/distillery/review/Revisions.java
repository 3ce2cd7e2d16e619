package dev.distillery.review;

import dev.distillery.runs.TraceCursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of revisions, review states and the review grid; always inside a tenant transaction. The grid joins the run's
 * items and the dataset's questions through the views runs and datasets publish (db/migration/V17), one query per page.
 */
@Repository
class Revisions {

    private final JdbcClient jdbc;

    Revisions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether anyone in the workspace has corrected a trace or given a verdict in a review queue. */
    boolean anyReview() {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM trace_revisions)
                            OR EXISTS (SELECT 1 FROM review_slots WHERE done_at IS NOT NULL)""").query(Boolean.class).single();
    }

    List<Revision> list(UUID runId, String itemId) {
        return jdbc.sql("""
                        SELECT revision, base_revision, call_key, teacher_output, verdict, reason, comment, author,
                            created_at, rerun_status, rerun_output, rerun_rule, rerun_extracted, rerun_correct, rerun_error,
                            rerun_at, (SELECT correct FROM run_item_outcomes i WHERE i.run_id = r.run_id AND i.item_id = r.item_id)
                            AS item_correct
                        FROM trace_revisions r WHERE run_id = ? AND item_id = ? ORDER BY revision""").params(runId, itemId).query(Revisions::revision).list();
    }

    /** Adds a revision; false when its number is taken (another reviewer saved on the same base first). */
    boolean insert(UUID workspaceId, UUID runId, String itemId, Revision r, @Nullable UUID authorId) {
        return jdbc.sql("""
                        INSERT INTO trace_revisions (workspace_id, run_id, item_id, revision, base_revision, call_key,
                            teacher_output, verdict, reason, comment, author_id, author, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (run_id, item_id, revision) DO NOTHING""")
                        .params(
                                workspaceId,
                                runId,
                                itemId,
                                r.revision(),
                                r.baseRevision(),
                                r.callKey(),
                                r.teacherOutput(),
                                r.verdict(),
                                r.reason(),
                                r.comment(),
                                authorId,
                                r.author(),
                                Timestamp.from(r.createdAt()))
                        .update()
                == 1;
    }

    void upsertState(
            UUID workspaceId,
            UUID runId,
            String itemId,
            int position,
            int revision,
            boolean edited,
            @Nullable Boolean verdict,
            String reviewer,
            Instant at) {
        jdbc.sql("""
                        INSERT INTO review_states (workspace_id, run_id, item_id, position, latest_revision, edited,
                            verdict, last_reviewer, updated_at, outcome)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                        ON CONFLICT (run_id, item_id) DO UPDATE SET latest_revision = excluded.latest_revision,
                            edited = excluded.edited, verdict = excluded.verdict, last_reviewer = excluded.last_reviewer,
                            updated_at = excluded.updated_at, outcome = NULL""")
                .params(workspaceId, runId, itemId, position, revision, edited, verdict, reviewer, Timestamp.from(at))
                .update();
        // What the review filters read changed: totals kept under the run's previous version are not used again.
        // (A re-run's outcome and an adjudicator's name are not filtered on, so their updates leave it.)
        jdbc.sql("""
                        INSERT INTO review_state_versions (workspace_id, run_id, version) VALUES (?, ?, 1)
                        ON CONFLICT (run_id) DO UPDATE SET version = review_state_versions.version + 1""").params(workspaceId, runId).update();
    }

    /** How many saves have changed the run's review states (db/migration/V24); 0 before the first. */
    long stateVersion(UUID runId) {
        return jdbc.sql("SELECT coalesce((SELECT version FROM review_state_versions WHERE run_id = ?), 0)")
                .param(runId)
                .query(Long.class)
                .single();
    }

    void recordRerun(UUID runId, String itemId, int revision, Revision.Rerun rerun, @Nullable String graderVersion) {
        jdbc.sql("""
                        UPDATE trace_revisions SET rerun_status = ?, rerun_output = ?, rerun_rule = ?, rerun_extracted = ?,
                            rerun_correct = ?, rerun_error = ?, rerun_at = ?, rerun_grader_version = ?
                        WHERE run_id = ? AND item_id = ? AND revision = ?""")
                .params(
                        rerun.status().toUpperCase(Locale.ROOT),
                        rerun.output(),
                        rerun.rule(),
                        rerun.extracted(),
                        rerun.correct(),
                        rerun.error(),
                        rerun.at() == null ? null : Timestamp.from(rerun.at()),
                        graderVersion,
                        runId,
                        itemId,
                        revision)
                .update();
        jdbc.sql("UPDATE review_states SET outcome = ? WHERE run_id = ? AND item_id = ? AND latest_revision = ?")
                .params(rerun.outcome() == null ? null : rerun.outcome().name(), runId, itemId, revision)
                .update();
    }

    /** A finished student re-run on a correction, to be graded again. */
    record FinishedRerun(String itemId, int revision, String output) {}

    /** The run's finished re-runs not graded by {@code version}. */
    List<FinishedRerun> rerunsToRegrade(UUID runId, String version) {
        return jdbc.sql("""
                        SELECT item_id, revision, rerun_output AS output FROM trace_revisions
                        WHERE run_id = ? AND rerun_status = 'DONE' AND rerun_output IS NOT NULL
                          AND rerun_grader_version IS DISTINCT FROM ?
                        ORDER BY item_id, revision""").params(runId, version).query(FinishedRerun.class).list();
    }

    void regradeRerun(
            UUID runId, FinishedRerun rerun, String rule, @Nullable String extracted, boolean correct, String version) {
        jdbc.sql("""
                        UPDATE trace_revisions SET rerun_rule = ?, rerun_extracted = ?, rerun_correct = ?, rerun_grader_version = ?
                        WHERE run_id = ? AND item_id = ? AND revision = ?""")
                .params(rule, extracted, correct, version, runId, rerun.itemId(), rerun.revision())
                .update();
    }

    /**
     * Sets every review state's outcome again from the item's verdict and its latest revision's re-run verdict, after
     * either changed (a re-grade changes both).
     */
    void recomputeOutcomes(UUID runId) {
        jdbc.sql("""
                        UPDATE review_states s SET outcome = CASE
                                WHEN coalesce(i.correct, false) = r.rerun_correct THEN 'NO_CHANGE'
                                WHEN r.rerun_correct THEN 'FIXED' ELSE 'WORSE' END
                        FROM trace_revisions r, run_item_outcomes i
                        WHERE s.run_id = ? AND r.run_id = s.run_id AND r.item_id = s.item_id
                          AND r.revision = s.latest_revision AND r.rerun_status = 'DONE'
                          AND i.run_id = s.run_id AND i.item_id = s.item_id""").param(runId).update();
    }

    /** Per item, the verdict of the student's latest finished re-run on a correction. */
    Map<String, Boolean> rerunVerdicts(UUID runId) {
        Map<String, Boolean> verdicts = new HashMap<>();
        jdbc.sql("""
                        SELECT DISTINCT ON (item_id) item_id, rerun_correct FROM trace_revisions
                        WHERE run_id = ? AND rerun_status = 'DONE' ORDER BY item_id, revision DESC""").param(runId).query(rs -> {
            verdicts.put(rs.getString("item_id"), rs.getBoolean("rerun_correct"));
        });
        return verdicts;
    }

    /** Items whose latest revision edits the teacher trace, with that revision. */
    List<EditedItem> edited(UUID runId, @Nullable List<String> onlyItems) {
        return jdbc.sql("""
                        SELECT s.item_id, s.latest_revision AS revision FROM review_states s
                        WHERE s.run_id = ? AND s.edited AND (CAST(? AS text[]) IS NULL OR s.item_id = ANY(?))
                        ORDER BY s.item_id""")
                .params(
                        runId,
                        onlyItems == null ? null : onlyItems.toArray(String[]::new),
                        onlyItems == null ? null : onlyItems.toArray(String[]::new))
                .query(EditedItem.class)
                .list();
    }

    record EditedItem(String itemId, int revision) {}

    /** Corrections of a run and what their re-runs changed. */
    CorrectionSummary summary(UUID runId) {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE edited) AS edited, count(*) FILTER (WHERE outcome IS NOT NULL) AS rerun,
                            count(*) FILTER (WHERE outcome = 'FIXED') AS fixed, count(*) FILTER (WHERE outcome = 'WORSE') AS worse,
                            count(*) FILTER (WHERE verdict IS NOT NULL) AS overridden
                        FROM review_states WHERE run_id = ?""").param(runId).query(CorrectionSummary.class).single();
    }

    /**
     * A page of the grid. {@code indexedSearch}: the run's texts are in the search table (see {@link SearchIndex}), so
     * a text filter goes through it instead of scanning the run.
     */
    List<ReviewRow> rows(
            UUID runId,
            UUID versionId,
            ReviewFilter filter,
            @Nullable UUID me,
            boolean indexedSearch,
            int offset,
            int limit) {
        var where = where(filter, me, Text.search(indexedSearch, versionId));
        String direction = filter.descending() ? " DESC" : "";
        SortSql sort = SortSql.of(filter.sort());
        // The page is chosen from the run's items alone (in index order where there is one), and only its rows are
        // joined to their questions.
        String sql = """
                SELECT p.item_id, p.position, left(d.question, 240) AS question, d.gold, p.extracted, p.verdict,
                    p.state AS review_state, p.reviewer, p.edited, p.tokens, p.outcome
                FROM (SELECT i.item_id, i.position, i.results -> 0 ->> 'extracted' AS extracted,
                          CASE WHEN i.status = 'ERROR' THEN 'error' WHEN i.status <> 'DONE' THEN 'pending'
                               WHEN i.correct THEN 'correct' ELSE 'incorrect' END AS verdict,
                          CASE WHEN s.item_id IS NULL THEN 'unreviewed' WHEN s.verdict IS NOT NULL THEN 'overridden'
                               ELSE 'reviewed' END AS state,
                          s.last_reviewer AS reviewer, coalesce(s.edited, false) AS edited,
                          i.tokens, s.outcome,
                          CASE WHEN i.status = 'ERROR' THEN 2 WHEN i.correct THEN 0 ELSE 1 END AS verdict_order
                      FROM run_item_outcomes i
                      LEFT JOIN review_states s ON s.run_id = i.run_id AND s.item_id = i.item_id
                      WHERE i.run_id = :run""" + where.sql()
                + " ORDER BY " + sort.column() + direction + ", i.position" + direction
                + " OFFSET :offset LIMIT :limit) p"
                + " JOIN dataset_item_texts d ON d.version_id = :version AND d.item_id = p.item_id"
                + " ORDER BY p." + sort.alias() + direction + ", p.position" + direction;
        return where.bind(jdbc.sql(sql)
                        .param("version", versionId)
                        .param("run", runId)
                        .param("offset", offset)
                        .param("limit", limit))
                .query(ReviewRow.class)
                .list();
    }

    int count(UUID runId, UUID versionId, ReviewFilter filter, @Nullable UUID me, boolean indexedSearch) {
        return count(runId, filter, me, Text.search(indexedSearch, versionId));
    }

    /** The count with the text filter's matches read before ({@link #textMatches}); null without a text filter. */
    int count(UUID runId, ReviewFilter filter, @Nullable UUID me, String @Nullable [] matches) {
        return count(runId, filter, me, Text.matched(matches));
    }

    private int count(UUID runId, ReviewFilter filter, @Nullable UUID me, Text text) {
        var where = where(filter, me, text);
        // Every run item has its dataset item, so the join is only needed to filter; review states likewise.
        boolean states = filter.state() != null || filter.editedOnly();
        return where.bind(jdbc.sql("SELECT count(*) FROM run_item_outcomes i"
                                + (states
                                        ? " LEFT JOIN review_states s ON s.run_id = i.run_id AND s.item_id = i.item_id"
                                        : "")
                                + " WHERE i.run_id = :run" + where.sql())
                        .param("run", runId))
                .query(Integer.class)
                .single();
    }

    /** An item of a keyset page: its id, its position and its order's sort key as text (null: it has none). */
    record KeyedItem(String itemId, int position, @Nullable String sortKey) {}

    /**
     * The next {@code limit} items of the run that pass {@code filter}, in the grid's order for its sort (the sort's
     * key, then the position), after the cursor {@code after} or from the first: the order's index is entered at the
     * cursor, so a page costs the same however deep it is.
     */
    List<KeyedItem> keysetPage(
            UUID runId,
            ReviewFilter filter,
            @Nullable UUID me,
            String @Nullable [] matches,
            @Nullable TraceCursor after,
            int limit) {
        Text text = Text.matched(matches);
        if (filter.sort() != ReviewFilter.Sort.REVIEWER) {
            return byKey(Keyset.items(filter.sort()), runId, filter, me, text, after, limit);
        }
        // The reviewed items are in reviewer order in the reviewer index; the unreviewed have no reviewer, and the
        // grid's ORDER BY puts them after every reviewer going up and before going down (PostgreSQL's NULLS LAST and
        // NULLS FIRST), in position order. Each part is read from its own index, and a cursor without a key is in
        // the unreviewed part.
        boolean reviewed = filter.state() != ReviewFilter.State.UNREVIEWED;
        boolean unreviewed =
                (filter.state() == null || filter.state() == ReviewFilter.State.UNREVIEWED) && !filter.editedOnly();
        List<Boolean> parts = filter.descending() ? List.of(false, true) : List.of(true, false);
        int start = after == null ? 0 : parts.indexOf(after.key() != null);
        List<KeyedItem> items = new ArrayList<>();
        for (int p = start; p < parts.size() && items.size() < limit; p++) {
            TraceCursor from = p == start ? after : null;
            int left = limit - items.size();
            if (parts.get(p) && reviewed) {
                items.addAll(byKey(Keyset.REVIEWED, runId, filter, me, text, from, left));
            } else if (!parts.get(p) && unreviewed) {
                ReviewFilter unreviewedOnly = new ReviewFilter(
                        filter.verdict(),
                        ReviewFilter.State.UNREVIEWED,
                        false,
                        filter.assignedToMe(),
                        filter.text(),
                        ReviewFilter.Sort.ITEM,
                        filter.descending());
                byKey(Keyset.items(ReviewFilter.Sort.ITEM), runId, unreviewedOnly, me, text, from, left).stream()
                        .map(i -> new KeyedItem(i.itemId(), i.position(), null))
                        .forEach(items::add);
            }
        }
        return items;
    }

    /**
     * A keyset order: the rows it reads, the run's column among them, and its key and tie-breaker as the index it
     * walks has them, so that a cursor's bound on them enters the index.
     */
    private record Keyset(String from, String run, String key, String position, boolean textKey) {

        /** The run's items in an order by a number (position, verdict, tokens), from its index (V6, V22). */
        static Keyset items(ReviewFilter.Sort sort) {
            return new Keyset(
                    "run_item_outcomes i LEFT JOIN review_states s ON s.run_id = i.run_id AND s.item_id = i.item_id",
                    "i.run_id",
                    SortSql.of(sort).column(),
                    "i.position",
                    false);
        }

        /** The reviewed items by reviewer, from the reviewer index, which ends in the position the state keeps (V23). */
        static final Keyset REVIEWED = new Keyset(
                "review_states s JOIN run_item_outcomes i ON i.run_id = s.run_id AND i.item_id = s.item_id",
                "s.run_id",
                "s.last_reviewer",
                "s.position",
                true);
    }

    private List<KeyedItem> byKey(
            Keyset keyset,
            UUID runId,
            ReviewFilter filter,
            @Nullable UUID me,
            Text text,
            @Nullable TraceCursor after,
            int limit) {
        var where = where(filter, me, text);
        String direction = filter.descending() ? " DESC" : "";
        boolean byPosition = keyset.key().equals(keyset.position());
        String seek = "";
        if (after != null) {
            String op = filter.descending() ? " < " : " > ";
            seek = byPosition
                    ? " AND " + keyset.position() + op + ":position"
                    : " AND (" + keyset.key() + ", " + keyset.position() + ")" + op + "(:key, :position)";
        }
        var spec = jdbc.sql("SELECT i.item_id, " + keyset.position() + " AS position, " + keyset.key()
                        + " AS sort_key FROM " + keyset.from() + " WHERE " + keyset.run() + " = :run" + where.sql()
                        + seek + " ORDER BY " + keyset.key() + direction + ", " + keyset.position() + direction
                        + " LIMIT :limit")
                .param("run", runId)
                .param("limit", limit);
        if (after != null) {
            spec = spec.param("position", after.position());
            if (!byPosition) {
                spec = spec.param("key", keyset.textKey() ? String.valueOf(after.key()) : after.numericKey());
            }
        }
        return where.bind(spec).query(Revisions::keyed).list();
    }

    private static KeyedItem keyed(ResultSet rs, int n) throws SQLException {
        return new KeyedItem(rs.getString("item_id"), rs.getInt("position"), rs.getString("sort_key"));
    }

    /** A trace's place in review: its state, last reviewer and latest revision (null when never revised). */
    record ReviewedItem(
            String itemId,
            int position,
            String state,
            @Nullable String reviewer,
            boolean edited,
            @Nullable Revision latest) {}

    /**
     * The next {@code limit} items of the run after {@code afterPosition} in item order that pass the grid's filter,
     * with their review: an export's walk, a page at a time from the position index, so each batch costs the same.
     */
    List<ReviewedItem> reviewedAfter(
            UUID runId,
            UUID versionId,
            ReviewFilter filter,
            @Nullable UUID me,
            boolean indexedSearch,
            int afterPosition,
            int limit) {
        var where = where(filter, me, Text.search(indexedSearch, versionId));
        var spec = jdbc.sql("""
                        SELECT i.item_id, i.position, i.correct AS item_correct,
                            CASE WHEN s.item_id IS NULL THEN 'unreviewed' WHEN s.verdict IS NOT NULL THEN 'overridden'
                                 ELSE 'reviewed' END AS state,
                            s.last_reviewer, coalesce(s.edited, false) AS edited,
                            r.revision, r.base_revision, r.call_key, r.teacher_output, r.verdict, r.reason, r.comment,
                            r.author, r.created_at, r.rerun_status, r.rerun_output, r.rerun_rule, r.rerun_extracted,
                            r.rerun_correct, r.rerun_error, r.rerun_at
                        FROM run_item_outcomes i
                        LEFT JOIN review_states s ON s.run_id = i.run_id AND s.item_id = i.item_id
                        LEFT JOIN trace_revisions r ON r.run_id = s.run_id AND r.item_id = s.item_id
                            AND r.revision = s.latest_revision
                        WHERE i.run_id = :run AND i.position > :after""" + where.sql() + " ORDER BY i.position LIMIT :limit")
                .param("run", runId)
                .param("after", afterPosition)
                .param("limit", limit);
        return where.bind(spec)
                .query((rs, n) -> new ReviewedItem(
                        rs.getString("item_id"),
                        rs.getInt("position"),
                        rs.getString("state"),
                        rs.getString("last_reviewer"),
                        rs.getBoolean("edited"),
                        rs.getObject("revision") == null ? null : revision(rs, n)))
                .list();
    }

    /** A sort as SQL: its expression over the run's items (the one its index is on), and its name in a page's rows. */
    private record SortSql(String column, String alias) {

        static SortSql of(ReviewFilter.Sort sort) {
            return switch (sort) {
                case ITEM -> new SortSql("i.position", "position");
                case VERDICT ->
                    new SortSql(
                            "(CASE WHEN i.status = 'ERROR' THEN 2 WHEN i.correct THEN 0 ELSE 1 END)", "verdict_order");
                case TOKENS -> new SortSql("i.tokens", "tokens");
                case REVIEWER -> new SortSql("s.last_reviewer", "reviewer");
            };
        }
    }

    private record Param(String name, Object value) {}

    /** Conditions on the run's items ({@code i}) and their review states ({@code s}), and the values they name. */
    private record Where(String sql, List<Param> params) {

        JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec) {
            for (var p : params) {
                spec = spec.param(p.name(), p.value());
            }
            return spec;
        }
    }

    /**
     * How a text filter is answered: through the search table once the run is in it, else by scanning the run's texts
     * (of dataset version {@code versionId}); or by the matches read before, as a page that keeps them does.
     */
    private record Text(boolean indexed, @Nullable UUID versionId, String @Nullable [] matches) {

        static Text search(boolean indexed, UUID versionId) {
            return new Text(indexed, versionId, null);
        }

        static Text matched(String @Nullable [] matches) {
            return new Text(false, null, matches);
        }
    }

    /**
     * The run's items whose question or a graded prediction's output holds {@code text} (any case): through the
     * search table when {@code indexedSearch}, else by scanning the run's texts.
     */
    String[] textMatches(UUID runId, UUID versionId, String text, boolean indexedSearch) {
        return jdbc.sql(
                        indexedSearch
                                ? "SELECT ARRAY(SELECT review_search_matches(:run, :text))"
                                : "SELECT ARRAY(SELECT review_text_matches(:run, :version, :text))")
                .param("run", runId)
                .param("version", versionId)
                .param("text", pattern(text))
                .query((rs, n) -> (String[]) rs.getArray(1).getArray())
                .single();
    }

    /**
     * Which of these items of an indexed run hold {@code text} in the search table: the same texts and test as
     * {@link #textMatches}, for a batch of items rather than the whole run. Read under row-level security: the run and
     * item bounds are leakproof, so the item index bounds the read and the ILIKE is tested on the batch's rows only.
     */
    Set<String> holdingText(UUID runId, List<String> itemIds, String text) {
        if (itemIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("""
                        SELECT DISTINCT item_id FROM trace_search
                        WHERE run_id = :run AND item_id = ANY(CAST(:items AS text[])) AND doc ILIKE :text""")
                .param("run", runId)
                .param("items", itemIds.toArray(String[]::new))
                .param("text", pattern(text))
                .query(String.class)
                .list());
    }

    /** ILIKE's pattern for the text, its pattern characters escaped: the user searches for text, not patterns. */
    private static String pattern(String text) {
        return "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static Where where(ReviewFilter f, @Nullable UUID me, Text text) {
        StringBuilder sql = new StringBuilder();
        List<Param> params = new ArrayList<>();
        if (f.verdict() != null) {
            sql.append(
                    switch (f.verdict()) {
                        case CORRECT -> " AND i.status = 'DONE' AND i.correct";
                        case INCORRECT -> " AND i.status = 'DONE' AND NOT i.correct";
                        case ERROR -> " AND i.status = 'ERROR'";
                        case PENDING -> " AND i.status IN ('PENDING', 'RUNNING')";
                    });
        }
        if (f.state() != null) {
            sql.append(
                    switch (f.state()) {
                        case UNREVIEWED -> " AND s.item_id IS NULL";
                        case REVIEWED -> " AND s.item_id IS NOT NULL";
                        case OVERRIDDEN -> " AND s.verdict IS NOT NULL";
                    });
        }
        if (f.editedOnly()) {
            sql.append(" AND s.edited");
        }
        if (f.assignedToMe()) {
            sql.append(
                    " AND i.item_id IN (SELECT a.item_id FROM review_slots a WHERE a.run_id = :run AND a.reviewer_id = :me"
                            + " AND a.done_at IS NULL)");
            params.add(new Param("me", me == null ? new UUID(0, 0) : me));
        }
        String[] matches = text.matches();
        if (f(f.text()) && matches != null) {
            // Unnested in a subquery, the array's size is unknown to the planner, which looks its items up by id as
            // below, whatever the page; with the size in view it may walk the order's index testing every item.
            sql.append(" AND i.item_id = ANY(ARRAY(SELECT unnest(CAST(:matches AS text[]))))");
            params.add(new Param("matches", matches));
        } else if (f(f.text())) {
            // Both functions search the questions and the graded predictions' outputs: through the trigram-indexed
            // search table once the run is in it, else by scanning the run's texts. Their matches are read once, as
            // an array whose items are then looked up by id: as IN (subquery), a page with a LIMIT could be planned
            // as a walk down the order's index testing every item against every match, which took 23 s at 100,000
            // items when the rest of the order held none (docs/BENCHMARKS.md).
            sql.append(
                    text.indexed()
                            ? " AND i.item_id = ANY(ARRAY(SELECT review_search_matches(:run, :text)))"
                            : " AND i.item_id = ANY(ARRAY(SELECT review_text_matches(:run, :version, :text)))");
            params.add(new Param("text", pattern(Objects.requireNonNull(f.text()))));
            if (!text.indexed()) {
                params.add(new Param("version", Objects.requireNonNull(text.versionId())));
            }
        }
        return new Where(sql.toString(), params);
    }

    private static boolean f(@Nullable String value) {
        return value != null && !value.isBlank();
    }

    private static Revision revision(ResultSet rs, int n) throws SQLException {
        String status = rs.getString("rerun_status");
        Revision.Rerun rerun = null;
        if (status != null) {
            Boolean correct = rs.getObject("rerun_correct", Boolean.class);
            Timestamp at = rs.getTimestamp("rerun_at");
            rerun = new Revision.Rerun(
                    status.toLowerCase(Locale.ROOT),
                    rs.getString("rerun_output"),
                    rs.getString("rerun_rule"),
                    rs.getString("rerun_extracted"),
                    correct,
                    rs.getString("rerun_error"),
                    correct == null ? null : Revision.Outcome.of(rs.getObject("item_correct", Boolean.class), correct),
                    at == null ? null : at.toInstant());
        }
        return new Revision(
                rs.getInt("revision"),
                rs.getInt("base_revision"),
                rs.getString("call_key"),
                rs.getString("teacher_output"),
                rs.getObject("verdict", Boolean.class),
                rs.getString("reason"),
                rs.getString("comment"),
                rs.getString("author"),
                rs.getTimestamp("created_at").toInstant(),
                rerun);
    }

    Optional<Integer> latest(UUID runId, String itemId) {
        return jdbc.sql("SELECT max(revision) FROM trace_revisions WHERE run_id = ? AND item_id = ?")
                .params(runId, itemId)
                .query(Integer.class)
                .optional();
    }
}
