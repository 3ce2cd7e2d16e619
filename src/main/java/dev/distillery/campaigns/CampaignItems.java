package dev.distillery.campaigns;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of a campaign's items, their consensus state and the contributors' answers. */
@Repository
class CampaignItems {

    private final JdbcClient jdbc;

    CampaignItems(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An item as copied into the campaign, with the run's state it was copied from. */
    record Snapshot(
            String itemId,
            int position,
            String question,
            String referenceAnswer,
            @Nullable String teacherOutput,
            @Nullable String studentOutput,
            @Nullable String studentAnswer,
            int baseRevision,
            @Nullable Boolean graderVerdict) {}

    /** The workspace's state of an item. */
    record State(
            String itemId,
            int position,
            int baseRevision,
            @Nullable Boolean graderVerdict,
            boolean gold,
            @Nullable Boolean goldVerdict,
            @Nullable String goldTrace,
            int taken,
            int answers,
            String state,
            @Nullable Double posterior,
            @Nullable Boolean finalVerdict,
            @Nullable String finalTrace,
            @Nullable String reason,
            @Nullable Integer appliedRevision) {}

    /** A given answer, as the consensus reads it. */
    record Given(
            long id,
            String itemId,
            UUID userId,
            String status,
            @Nullable Boolean verdict,
            @Nullable String correctedTrace,
            Instant servedAt,
            @Nullable Instant answeredAt,
            boolean scored) {}

    void insert(UUID workspaceId, UUID campaignId, List<Snapshot> items) {
        for (Snapshot s : items) {
            jdbc.sql("""
                            INSERT INTO campaign_items (workspace_id, campaign_id, item_id, position, question,
                                reference_answer, teacher_output, student_output, student_answer)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            workspaceId,
                            campaignId,
                            s.itemId(),
                            s.position(),
                            s.question(),
                            s.referenceAnswer(),
                            s.teacherOutput(),
                            s.studentOutput(),
                            s.studentAnswer())
                    .update();
            jdbc.sql("""
                            INSERT INTO campaign_item_states (workspace_id, campaign_id, item_id, position, base_revision,
                                grader_verdict)
                            VALUES (?, ?, ?, ?, ?, ?)""")
                    .params(workspaceId, campaignId, s.itemId(), s.position(), s.baseRevision(), s.graderVerdict())
                    .update();
        }
    }

    // --- serving (workspace context)

    /** The item served to the contributor and not yet answered, if any. */
    Optional<String> held(UUID campaignId, UUID userId) {
        return jdbc.sql("""
                        SELECT item_id FROM campaign_answers
                        WHERE campaign_id = ? AND user_id = ? AND status = 'SERVED' ORDER BY served_at LIMIT 1""").params(campaignId, userId).query(String.class).optional();
    }

    /** Frees the items served longer ago than the lease and never answered; they go back to the pool. */
    int reclaimExpired(UUID campaignId, Instant before) {
        List<String> freed = jdbc.sql("""
                        DELETE FROM campaign_answers
                        WHERE campaign_id = ? AND status = 'SERVED' AND served_at < ? RETURNING item_id""")
                .params(campaignId, Timestamp.from(before))
                .query(String.class)
                .list();
        freed.forEach(item -> adjustTaken(campaignId, item, -1));
        return freed.size();
    }

    /** How many items a contributor was served, and how many of them gold. */
    record Served(int all, int gold) {}

    Served served(UUID campaignId, UUID userId) {
        return jdbc.sql("""
                        SELECT count(*) AS all_items, count(*) FILTER (WHERE s.gold) AS gold
                        FROM campaign_answers a
                        JOIN campaign_item_states s ON s.campaign_id = a.campaign_id AND s.item_id = a.item_id
                        WHERE a.campaign_id = ? AND a.user_id = ?""")
                .params(campaignId, userId)
                .query((rs, n) -> new Served(rs.getInt("all_items"), rs.getInt("gold")))
                .single();
    }

    /** A gold item the contributor has not seen, in an order of their own. */
    Optional<String> unseenGold(UUID campaignId, UUID userId) {
        return jdbc.sql("""
                        SELECT s.item_id FROM campaign_item_states s
                        WHERE s.campaign_id = :campaign AND s.gold
                          AND NOT EXISTS (SELECT 1 FROM campaign_answers a
                                          WHERE a.campaign_id = s.campaign_id AND a.item_id = s.item_id
                                            AND a.user_id = :user)
                        ORDER BY md5(:user::text || s.item_id) LIMIT 1""")
                .param("campaign", campaignId)
                .param("user", userId)
                .query(String.class)
                .optional();
    }

    /**
     * The first open item in order that still needs a review and that the contributor has not seen, locked so two
     * contributors serving at once do not both take its last review.
     */
    Optional<String> nextOpen(UUID campaignId, UUID userId, int reviewsPerItem) {
        return jdbc.sql("""
                        SELECT s.item_id FROM campaign_item_states s
                        WHERE s.campaign_id = :campaign AND s.state = 'OPEN' AND NOT s.gold AND s.taken < :k
                          AND NOT EXISTS (SELECT 1 FROM campaign_answers a
                                          WHERE a.campaign_id = s.campaign_id AND a.item_id = s.item_id
                                            AND a.user_id = :user)
                        ORDER BY s.position LIMIT 1 FOR UPDATE SKIP LOCKED""")
                .param("campaign", campaignId)
                .param("user", userId)
                .param("k", reviewsPerItem)
                .query(String.class)
                .optional();
    }

    void serve(UUID workspaceId, UUID campaignId, String itemId, UUID userId, Instant at) {
        jdbc.sql("""
                        INSERT INTO campaign_answers (workspace_id, campaign_id, item_id, user_id, status, served_at)
                        VALUES (?, ?, ?, ?, 'SERVED', ?)""")
                .params(workspaceId, campaignId, itemId, userId, Timestamp.from(at))
                .update();
        adjustTaken(campaignId, itemId, 1);
    }

    void adjustTaken(UUID campaignId, String itemId, int by) {
        jdbc.sql("""
                        UPDATE campaign_item_states SET taken = greatest(0, taken + ?)
                        WHERE campaign_id = ? AND item_id = ?""").params(by, campaignId, itemId).update();
    }

    // --- contributor context

    /** The served item's content; row-level security shows a contributor only items served to them. */
    Optional<ServedItem> content(UUID campaignId, String itemId, UUID userId) {
        return jdbc.sql("""
                        SELECT i.item_id, i.question, i.reference_answer, i.teacher_output, i.student_output, i.student_answer, a.served_at FROM campaign_items i
                        JOIN campaign_answers a ON a.campaign_id = i.campaign_id AND a.item_id = i.item_id
                            AND a.user_id = ?
                        WHERE i.campaign_id = ? AND i.item_id = ?""")
                .params(userId, campaignId, itemId)
                .query((rs, n) -> new ServedItem(
                        campaignId,
                        rs.getString("item_id"),
                        rs.getString("question"),
                        rs.getString("reference_answer"),
                        rs.getString("teacher_output"),
                        rs.getString("student_output"),
                        rs.getString("student_answer"),
                        rs.getTimestamp("served_at").toInstant()))
                .optional();
    }

    /** The caller's answers in the last {@code since}, for their rate limit. */
    int answeredSince(UUID campaignId, UUID userId, Instant since) {
        return jdbc.sql("""
                        SELECT count(*) FROM campaign_answers
                        WHERE campaign_id = ? AND user_id = ? AND answered_at >= ?""")
                .params(campaignId, userId, Timestamp.from(since))
                .query(Integer.class)
                .single();
    }

    /**
     * Records the caller's answer on the item served to them; row-level security allows it only for their own served
     * item while they are active. Returns the answer's id, or empty when they hold no such item.
     */
    Optional<Long> answer(
            UUID campaignId, String itemId, UUID userId, AnswerDraft draft, Instant at, double minSeconds) {
        return jdbc.sql("""
                        UPDATE campaign_answers SET status = :status, verdict = :verdict, corrected_trace = :trace,
                            comment = :comment, answered_at = :at,
                            seconds = extract(epoch FROM (CAST(:at AS timestamptz) - served_at)),
                            suspicious = NOT :skip AND extract(epoch FROM (CAST(:at AS timestamptz) - served_at)) < :min
                        WHERE campaign_id = :campaign AND item_id = :item AND user_id = :user AND status = 'SERVED'
                        RETURNING id""")
                .param("status", draft.skip() ? "SKIPPED" : "ANSWERED")
                .param("verdict", draft.skip() ? null : draft.verdict())
                .param("trace", draft.skip() ? null : draft.correctedTrace())
                .param("comment", draft.comment())
                .param("at", Timestamp.from(at))
                .param("skip", draft.skip())
                .param("min", minSeconds)
                .param("campaign", campaignId)
                .param("item", itemId)
                .param("user", userId)
                .query(Long.class)
                .optional();
    }

    List<MyAnswer> history(UUID campaignId, UUID userId, int limit) {
        return jdbc.sql("""
                        SELECT a.item_id, i.question, a.status, a.verdict, a.corrected_trace IS NOT NULL AS corrected,
                            coalesce(a.answered_at, a.served_at) AS at
                        FROM campaign_answers a
                        JOIN campaign_items i ON i.campaign_id = a.campaign_id AND i.item_id = a.item_id
                        WHERE a.campaign_id = ? AND a.user_id = ? AND a.status <> 'SERVED'
                        ORDER BY a.answered_at DESC NULLS LAST, a.id DESC LIMIT ?""")
                .params(campaignId, userId, limit)
                .query((rs, n) -> new MyAnswer(
                        rs.getString("item_id"),
                        rs.getString("question"),
                        rs.getString("status"),
                        (Boolean) rs.getObject("verdict"),
                        rs.getBoolean("corrected"),
                        rs.getTimestamp("at").toInstant()))
                .list();
    }

    // --- scoring and consensus (workspace context)

    Optional<Given> given(long answerId) {
        return jdbc.sql("SELECT * FROM campaign_answers WHERE id = ?")
                .param(answerId)
                .query((rs, n) -> given(rs))
                .optional();
    }

    List<Long> unscored(UUID campaignId, @Nullable UUID userId) {
        return jdbc.sql("""
                        SELECT id FROM campaign_answers
                        WHERE campaign_id = :campaign AND NOT scored AND status IN ('ANSWERED', 'SKIPPED')
                          AND (CAST(:user AS uuid) IS NULL OR user_id = :user)
                        ORDER BY id""")
                .param("campaign", campaignId)
                .param("user", userId)
                .query(Long.class)
                .list();
    }

    /** Marks an answer scored; false when another transaction scored it first. */
    boolean markScored(long answerId) {
        return jdbc.sql("UPDATE campaign_answers SET scored = true WHERE id = ? AND NOT scored")
                        .param(answerId)
                        .update()
                == 1;
    }

    /** The item's answers that count: answered, not set aside or excluded. */
    List<Given> counted(UUID campaignId, String itemId) {
        return jdbc.sql("""
                        SELECT * FROM campaign_answers
                        WHERE campaign_id = ? AND item_id = ? AND status = 'ANSWERED' ORDER BY id""")
                .params(campaignId, itemId)
                .query((rs, n) -> given(rs))
                .list();
    }

    /** The counted answers of several items (a page of them), by item, in one query. */
    Map<String, List<Given>> counted(UUID campaignId, Collection<String> itemIds) {
        Map<String, List<Given>> byItem = new HashMap<>();
        jdbc.sql("""
                        SELECT * FROM campaign_answers
                        WHERE campaign_id = ? AND item_id = ANY(?) AND status = 'ANSWERED' ORDER BY id""")
                .params(campaignId, itemIds.toArray(String[]::new))
                .query((rs, n) -> given(rs))
                .list()
                .forEach(g -> byItem.computeIfAbsent(g.itemId(), k -> new ArrayList<>())
                        .add(g));
        return byItem;
    }

    /** Every answer of the campaign that counts, for a full fit of the consensus. */
    List<Given> allCounted(UUID campaignId) {
        return jdbc.sql("SELECT * FROM campaign_answers WHERE campaign_id = ? AND status = 'ANSWERED' ORDER BY id")
                .param(campaignId)
                .query((rs, n) -> given(rs))
                .list();
    }

    /** Sets aside (or excludes) a contributor's answers; returns the items whose counted answers changed. */
    List<String> withdraw(UUID campaignId, UUID userId, String status, boolean onlyUndecided) {
        return jdbc.sql("""
                        UPDATE campaign_answers a SET status = :status
                        WHERE a.campaign_id = :campaign AND a.user_id = :user AND a.status IN ('SERVED', 'ANSWERED')
                          AND (NOT :undecided OR EXISTS (SELECT 1 FROM campaign_item_states s
                                                         WHERE s.campaign_id = a.campaign_id AND s.item_id = a.item_id
                                                           AND s.state <> 'FINAL'))
                        RETURNING a.item_id""")
                .param("status", status)
                .param("campaign", campaignId)
                .param("user", userId)
                .param("undecided", onlyUndecided)
                .query(String.class)
                .list();
    }

    /** Recounts an item's taken reviews and answers from its answer rows. */
    void recount(UUID campaignId, String itemId) {
        jdbc.sql("""
                        UPDATE campaign_item_states s SET
                            answers = (SELECT count(*) FROM campaign_answers a
                                       WHERE a.campaign_id = s.campaign_id AND a.item_id = s.item_id
                                         AND a.status = 'ANSWERED'),
                            taken = (SELECT count(*) FROM campaign_answers a
                                     WHERE a.campaign_id = s.campaign_id AND a.item_id = s.item_id
                                       AND a.status IN ('ANSWERED', 'SERVED'))
                        WHERE s.campaign_id = ? AND s.item_id = ?""").params(campaignId, itemId).update();
    }

    Optional<State> state(UUID campaignId, String itemId) {
        return jdbc.sql("SELECT * FROM campaign_item_states WHERE campaign_id = ? AND item_id = ? FOR UPDATE")
                .params(campaignId, itemId)
                .query((rs, n) -> state(rs))
                .optional();
    }

    List<State> states(UUID campaignId) {
        return jdbc.sql("SELECT * FROM campaign_item_states WHERE campaign_id = ? ORDER BY position")
                .param(campaignId)
                .query((rs, n) -> state(rs))
                .list();
    }

    List<State> states(UUID campaignId, @Nullable String stateFilter, int offset, int limit) {
        return jdbc.sql("""
                        SELECT * FROM campaign_item_states
                        WHERE campaign_id = :campaign AND (CAST(:state AS text) IS NULL OR state = :state
                            OR (:state = 'GOLD' AND gold))
                        ORDER BY position OFFSET :offset LIMIT :limit""")
                .param("campaign", campaignId)
                .param("state", stateFilter)
                .param("offset", offset)
                .param("limit", limit)
                .query((rs, n) -> state(rs))
                .list();
    }

    void answered(UUID campaignId, String itemId, boolean skipped) {
        jdbc.sql("""
                        UPDATE campaign_item_states SET answers = answers + ?, taken = greatest(0, taken - ?)
                        WHERE campaign_id = ? AND item_id = ?""")
                .params(skipped ? 0 : 1, skipped ? 1 : 0, campaignId, itemId)
                .update();
    }

    void decide(
            UUID campaignId,
            String itemId,
            String state,
            @Nullable Double posterior,
            @Nullable Boolean verdict,
            @Nullable String trace,
            @Nullable String reason,
            @Nullable Instant at) {
        jdbc.sql("""
                        UPDATE campaign_item_states SET state = ?, posterior = ?, final_verdict = ?, final_trace = ?,
                            reason = ?, decided_at = ?
                        WHERE campaign_id = ? AND item_id = ?""")
                .params(
                        state,
                        posterior,
                        verdict,
                        trace,
                        reason,
                        at == null ? null : Timestamp.from(at),
                        campaignId,
                        itemId)
                .update();
    }

    /** The trace's latest revision (0 for the run's original), from review's published view. */
    int latestRevision(UUID runId, String itemId) {
        return jdbc.sql("SELECT revision FROM review_latest_revisions WHERE run_id = ? AND item_id = ?")
                .params(runId, itemId)
                .query(Integer.class)
                .optional()
                .orElse(0);
    }

    void updatePosterior(UUID campaignId, String itemId, double posterior) {
        jdbc.sql("UPDATE campaign_item_states SET posterior = ? WHERE campaign_id = ? AND item_id = ?")
                .params(posterior, campaignId, itemId)
                .update();
    }

    void applied(UUID campaignId, String itemId, int revision) {
        jdbc.sql("UPDATE campaign_item_states SET applied_revision = ? WHERE campaign_id = ? AND item_id = ?")
                .params(revision, campaignId, itemId)
                .update();
    }

    boolean setGold(UUID campaignId, String itemId, @Nullable Boolean verdict, @Nullable String trace) {
        return jdbc.sql("""
                        UPDATE campaign_item_states SET gold = ?, gold_verdict = ?, gold_trace = ?
                        WHERE campaign_id = ? AND item_id = ?""")
                        .params(verdict != null, verdict, trace, campaignId, itemId)
                        .update()
                == 1;
    }

    /** The teacher trace contributors were shown of an item. */
    @Nullable
    String shownTrace(UUID campaignId, String itemId) {
        return jdbc.sql("SELECT teacher_output FROM campaign_items WHERE campaign_id = ? AND item_id = ?")
                .params(campaignId, itemId)
                .query((rs, n) -> rs.getString("teacher_output"))
                .optional()
                .orElse(null);
    }

    /** Answers and final items by hour, cumulative, for the progress chart. */
    List<Progress> progress(UUID campaignId) {
        return jdbc.sql("""
                        WITH hours AS (
                            SELECT date_trunc('hour', answered_at) AS at, count(*) AS answers, 0 AS finals
                            FROM campaign_answers WHERE campaign_id = :campaign AND status = 'ANSWERED'
                            GROUP BY 1
                            UNION ALL
                            SELECT date_trunc('hour', decided_at), 0, count(*)
                            FROM campaign_item_states
                            WHERE campaign_id = :campaign AND state = 'FINAL' AND NOT gold GROUP BY 1),
                        summed AS (SELECT at, sum(answers) AS answers, sum(finals) AS finals FROM hours GROUP BY at)
                        SELECT at, sum(answers) OVER w AS answers, sum(finals) OVER w AS finals
                        FROM summed WINDOW w AS (ORDER BY at) ORDER BY at""")
                .param("campaign", campaignId)
                .query((rs, n) ->
                        new Progress(rs.getTimestamp("at").toInstant(), rs.getInt("answers"), rs.getInt("finals")))
                .list();
    }

    private static State state(ResultSet rs) throws SQLException {
        return new State(
                rs.getString("item_id"),
                rs.getInt("position"),
                rs.getInt("base_revision"),
                (Boolean) rs.getObject("grader_verdict"),
                rs.getBoolean("gold"),
                (Boolean) rs.getObject("gold_verdict"),
                rs.getString("gold_trace"),
                rs.getInt("taken"),
                rs.getInt("answers"),
                rs.getString("state"),
                (Double) rs.getObject("posterior"),
                (Boolean) rs.getObject("final_verdict"),
                rs.getString("final_trace"),
                rs.getString("reason"),
                (Integer) rs.getObject("applied_revision"));
    }

    private static Given given(ResultSet rs) throws SQLException {
        Timestamp answered = rs.getTimestamp("answered_at");
        return new Given(
                rs.getLong("id"),
                rs.getString("item_id"),
                rs.getObject("user_id", UUID.class),
                rs.getString("status"),
                (Boolean) rs.getObject("verdict"),
                rs.getString("corrected_trace"),
                rs.getTimestamp("served_at").toInstant(),
                answered == null ? null : answered.toInstant(),
                rs.getBoolean("scored"));
    }
}
