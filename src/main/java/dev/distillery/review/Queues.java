package dev.distillery.review;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of review queues and their slots; always inside a tenant transaction. */
@Repository
class Queues {

    private final JdbcClient jdbc;

    Queues(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<QueueService.MyQueue> workFor(UUID reviewer, int limit) {
        return jdbc.sql("""
                        SELECT run_id, held, open FROM (
                            SELECT q.run_id, q.created_at,
                                (SELECT count(*) FROM review_slots s
                                 WHERE s.run_id = q.run_id AND s.reviewer_id = :me AND s.done_at IS NULL) AS held,
                                (SELECT count(DISTINCT c.item_id) FROM review_slots c
                                 WHERE c.run_id = q.run_id AND c.done_at IS NULL
                                   AND (c.reviewer_id IS NULL OR c.leased_until < now())
                                   AND NOT EXISTS (SELECT 1 FROM review_slots m
                                                   WHERE m.run_id = c.run_id AND m.item_id = c.item_id
                                                     AND m.reviewer_id = :me)) AS open
                            FROM review_queues q
                            WHERE coalesce(cardinality(q.reviewers), 0) = 0 OR :me = ANY (q.reviewers)) w
                        WHERE held > 0 OR open > 0
                        ORDER BY created_at DESC LIMIT :limit""")
                .param("me", reviewer)
                .param("limit", limit)
                .query((rs, n) -> new QueueService.MyQueue(
                        rs.getObject("run_id", UUID.class), rs.getInt("held"), rs.getInt("open")))
                .list();
    }

    boolean exists(UUID runId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM review_queues WHERE run_id = ?)")
                .param(runId)
                .query(Boolean.class)
                .single();
    }

    void insertQueue(
            UUID workspaceId, UUID runId, QueueService.QueueDraft d, int leaseSeconds, @Nullable UUID by, Instant at) {
        jdbc.sql("""
                        INSERT INTO review_queues (workspace_id, run_id, reviews_per_item, selection, sample_size, reviewers,
                            lease_seconds, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        workspaceId,
                        runId,
                        d.reviewsPerItem(),
                        d.selection().name(),
                        d.selection() == QueueService.Selection.SAMPLE ? d.sampleSize() : null,
                        d.reviewers().isEmpty() ? null : d.reviewers().toArray(UUID[]::new),
                        leaseSeconds,
                        by,
                        Timestamp.from(at))
                .update();
    }

    /** Creates the slots: each selected item times the reviews it needs; returns how many items. */
    int insertSlots(UUID workspaceId, UUID runId, QueueService.QueueDraft d) {
        String items = switch (d.selection()) {
            case ALL -> "SELECT item_id, position FROM run_item_outcomes WHERE run_id = :run AND status = 'DONE'";
            case INCORRECT ->
                "SELECT item_id, position FROM run_item_outcomes WHERE run_id = :run AND status = 'DONE' AND NOT correct";
            // A reproducible sample: the same run and size always give the same items.
            case SAMPLE -> """
                    SELECT item_id, position FROM run_item_outcomes WHERE run_id = :run AND status = 'DONE'
                    ORDER BY md5(run_id::text || item_id) LIMIT :sample""";
        };
        var spec = jdbc.sql("""
                        WITH chosen AS (%s)
                        INSERT INTO review_slots (workspace_id, run_id, item_id, slot, position)
                        SELECT :ws, :run, c.item_id, s, c.position FROM chosen c, generate_series(1, :k) s""".formatted(items))
                .param("ws", workspaceId)
                .param("run", runId)
                .param("k", d.reviewsPerItem());
        if (d.selection() == QueueService.Selection.SAMPLE) {
            spec = spec.param("sample", d.sampleSize());
        }
        return spec.update() / d.reviewsPerItem();
    }

    /** Who may review in the run's queue (empty: everyone who may review); empty when the run has no queue. */
    Optional<List<UUID>> reviewers(UUID runId) {
        return jdbc.sql("SELECT reviewers FROM review_queues WHERE run_id = ?")
                .param(runId)
                .query((rs, n) -> ids(rs.getArray("reviewers")))
                .optional();
    }

    Optional<QueueService.QueueStatus> status(UUID runId) {
        Map<String, Integer> byReviewer = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT reviewer, count(*) AS done FROM review_slots WHERE run_id = ? AND done_at IS NOT NULL
                        GROUP BY reviewer ORDER BY reviewer""").param(runId).query(rs -> {
            byReviewer.put(rs.getString("reviewer"), rs.getInt("done"));
        });
        return jdbc.sql("""
                        SELECT q.reviews_per_item, q.selection, q.sample_size, q.reviewers,
                            (SELECT count(DISTINCT item_id) FROM review_slots s WHERE s.run_id = q.run_id) AS items,
                            (SELECT count(*) FROM review_slots s WHERE s.run_id = q.run_id) AS slots,
                            (SELECT count(*) FROM review_slots s WHERE s.run_id = q.run_id AND s.done_at IS NOT NULL) AS done
                        FROM review_queues q WHERE q.run_id = ?""")
                .param(runId)
                .query((rs, n) -> new QueueService.QueueStatus(
                        rs.getInt("reviews_per_item"),
                        QueueService.Selection.valueOf(rs.getString("selection")),
                        rs.getObject("sample_size", Integer.class),
                        ids(rs.getArray("reviewers")),
                        rs.getInt("items"),
                        rs.getInt("slots"),
                        rs.getInt("done"),
                        byReviewer))
                .optional();
    }

    private static QueueService.Assignment assignment(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new QueueService.Assignment(
                rs.getString("item_id"),
                rs.getInt("slot"),
                rs.getTimestamp("leased_until").toInstant());
    }

    private static List<UUID> ids(java.sql.@Nullable Array array) throws java.sql.SQLException {
        return array == null ? List.of() : Arrays.asList((UUID[]) array.getArray());
    }

    /**
     * The reviewer's open slot (its lease renewed), else the first free slot, or one whose lease expired, of an item
     * they have no slot of; other reviewers' transactions skip the rows locked here.
     */
    Optional<QueueService.Assignment> lease(UUID runId, UUID reviewer, String label, Duration lease) {
        Optional<QueueService.Assignment> held = jdbc
                .sql("""
                        UPDATE review_slots SET leased_until = now() + make_interval(secs => :lease)
                        WHERE run_id = :run AND reviewer_id = :me AND done_at IS NULL
                        RETURNING item_id, slot, leased_until""")
                .param("lease", (double) lease.toSeconds())
                .param("run", runId)
                .param("me", reviewer)
                .query(Queues::assignment)
                .list()
                .stream()
                .findFirst();
        if (held.isPresent()) {
            return held;
        }
        // First reviews of all items before second ones, so reviewers working at once spread over the items. The
        // pick is a CTE: evaluated once. As a subquery in FROM it may be re-scanned for each row of the update
        // and, skipping the row it just locked, pick a second slot of the same item.
        return jdbc.sql("""
                        WITH picked AS (
                            SELECT c.item_id, c.slot FROM review_slots c
                            WHERE c.run_id = :run AND c.done_at IS NULL
                              AND (c.reviewer_id IS NULL OR c.leased_until < now())
                              AND NOT EXISTS (SELECT 1 FROM review_slots m
                                              WHERE m.run_id = c.run_id AND m.item_id = c.item_id AND m.reviewer_id = :me)
                            ORDER BY c.slot, c.position LIMIT 1 FOR UPDATE SKIP LOCKED)
                        UPDATE review_slots s SET reviewer_id = :me, reviewer = :label,
                            leased_until = now() + make_interval(secs => :lease)
                        FROM picked
                        WHERE s.run_id = :run AND s.item_id = picked.item_id AND s.slot = picked.slot
                        RETURNING s.item_id, s.slot, s.leased_until""")
                .param("me", reviewer)
                .param("label", label)
                .param("lease", (double) lease.toSeconds())
                .param("run", runId)
                .query(Queues::assignment)
                .optional();
    }

    boolean complete(UUID runId, String itemId, UUID reviewer, boolean verdict, @Nullable Integer revision) {
        return jdbc.sql("""
                        UPDATE review_slots SET done_at = now(), verdict = ?, revision = ?, leased_until = NULL
                        WHERE run_id = ? AND item_id = ? AND reviewer_id = ? AND done_at IS NULL""").params(verdict, revision, runId, itemId, reviewer).update() == 1;
    }

    /** The latest revision this reviewer saved of the item, if any (their correction, linked to their review). */
    @Nullable
    Integer latestRevisionBy(UUID runId, String itemId, String author) {
        return jdbc.sql("SELECT max(revision) FROM trace_revisions WHERE run_id = ? AND item_id = ? AND author = ?")
                .params(runId, itemId, author)
                .query(Integer.class)
                .optional()
                .orElse(null);
    }

    /** A finished review; {@code revision} is the reviewer's latest revision of the trace when they gave it, if any. */
    record DoneSlot(
            String itemId,
            String reviewer,
            boolean verdict,
            @Nullable Integer revision,
            @Nullable String teacherOutput,
            @Nullable Boolean rerunCorrect) {}

    List<DoneSlot> done(UUID runId) {
        return jdbc.sql("""
                        SELECT s.item_id, s.reviewer, s.verdict, r.revision, r.teacher_output, r.rerun_correct
                        FROM review_slots s
                        LEFT JOIN trace_revisions r ON r.run_id = s.run_id AND r.item_id = s.item_id AND r.revision = s.revision
                        WHERE s.run_id = ? AND s.done_at IS NOT NULL ORDER BY s.item_id, s.slot""").param(runId).query(DoneSlot.class).list();
    }

    Map<String, String> adjudicated(UUID runId) {
        Map<String, String> out = new LinkedHashMap<>();
        jdbc.sql("SELECT item_id, adjudicated_by FROM review_states WHERE run_id = ? AND adjudicated_by IS NOT NULL")
                .param(runId)
                .query(rs -> {
                    out.put(rs.getString("item_id"), rs.getString("adjudicated_by"));
                });
        return out;
    }

    void markAdjudicated(UUID runId, String itemId, String by) {
        jdbc.sql("UPDATE review_states SET adjudicated_by = ? WHERE run_id = ? AND item_id = ?")
                .params(by, runId, itemId)
                .update();
    }
}
