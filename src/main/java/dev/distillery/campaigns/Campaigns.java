package dev.distillery.campaigns;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of campaigns and their contributors. The workspace's methods run in its tenant transaction; the contributor's
 * ({@code forContributor…}, {@link #join}) in a transaction that knows only the contributor's user id, where row-level
 * security shows them nothing but their own campaign and row.
 */
@Repository
class Campaigns {

    private final JdbcClient jdbc;

    Campaigns(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A campaign's settings as the engine needs them. */
    record Settings(
            UUID id,
            UUID workspaceId,
            UUID runId,
            String title,
            String status,
            int reviewsPerItem,
            double goldShare,
            int goldMinAnswers,
            double goldThreshold,
            double decideThreshold,
            @Nullable Integer cap,
            int answersPerMinute,
            double minSeconds,
            @Nullable Instant endsAt,
            double prior) {

        boolean openAt(Instant now) {
            return "OPEN".equals(status) && (endsAt == null || endsAt.isAfter(now));
        }
    }

    /** A contributor's row: status and the counts their stats and reliability come from. */
    record Contributor(
            UUID userId,
            String displayName,
            String status,
            @Nullable String statusReason,
            Instant joinedAt,
            int answers,
            int skips,
            double seconds,
            int suspicious,
            int goldAnswers,
            int goldCorrect,
            int agreed,
            int decided,
            DawidSkene.Counts counts) {}

    void insert(UUID id, UUID workspaceId, CampaignDraft d, String tokenHash, @Nullable UUID by, Instant at) {
        jdbc.sql("""
                        INSERT INTO campaigns (id, workspace_id, run_id, title, instructions, reviews_per_item, selection,
                            sample_size, gold_share, gold_min_answers, gold_threshold, decide_threshold,
                            cap_per_contributor, answers_per_minute, min_seconds_per_item, ends_at, listed,
                            join_token_hash, status, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, ?)""")
                .params(
                        id,
                        workspaceId,
                        d.runId(),
                        d.title().strip(),
                        d.instructions().strip(),
                        d.reviewsPerItem(),
                        d.selection().name(),
                        d.sampleSize(),
                        d.goldShare(),
                        d.goldMinAnswers(),
                        d.goldThreshold(),
                        d.decideThreshold(),
                        d.capPerContributor(),
                        d.answersPerMinute(),
                        d.minSecondsPerItem(),
                        d.endsAt() == null ? null : Timestamp.from(d.endsAt()),
                        d.listed(),
                        tokenHash,
                        by,
                        Timestamp.from(at))
                .update();
    }

    Optional<Settings> settings(UUID id) {
        return jdbc.sql("SELECT * FROM campaigns WHERE id = ?")
                .param(id)
                .query((rs, n) -> settings(rs))
                .optional();
    }

    private static Settings settings(ResultSet rs) throws SQLException {
        return new Settings(
                rs.getObject("id", UUID.class),
                rs.getObject("workspace_id", UUID.class),
                rs.getObject("run_id", UUID.class),
                rs.getString("title"),
                rs.getString("status"),
                rs.getInt("reviews_per_item"),
                rs.getDouble("gold_share"),
                rs.getInt("gold_min_answers"),
                rs.getDouble("gold_threshold"),
                rs.getDouble("decide_threshold"),
                (Integer) rs.getObject("cap_per_contributor"),
                rs.getInt("answers_per_minute"),
                rs.getDouble("min_seconds_per_item"),
                instant(rs, "ends_at"),
                rs.getDouble("prior"));
    }

    private static final String SUMMARY = """
            SELECT c.*,
                (SELECT count(*) FROM campaign_item_states s WHERE s.campaign_id = c.id) AS items,
                (SELECT count(*) FROM campaign_item_states s WHERE s.campaign_id = c.id AND s.gold) AS gold_items,
                (SELECT count(*) FROM campaign_item_states s
                 WHERE s.campaign_id = c.id AND s.state = 'FINAL' AND NOT s.gold) AS final_items,
                (SELECT count(*) FROM campaign_item_states s WHERE s.campaign_id = c.id AND s.state = 'ADJUDICATION')
                    AS adjudication,
                (SELECT count(*) FROM campaign_contributors k WHERE k.campaign_id = c.id) AS contributors,
                (SELECT count(*) FROM campaign_answers a WHERE a.campaign_id = c.id AND a.status = 'ANSWERED') AS answers
            FROM campaigns c""";

    // The workspace's own campaigns: row-level security would also show a member the campaigns they contribute to.
    List<CampaignSummary> list(UUID workspaceId, int offset, int limit) {
        return jdbc.sql(SUMMARY + " WHERE c.workspace_id = ? ORDER BY c.created_at DESC, c.id OFFSET ? LIMIT ?")
                .params(workspaceId, offset, limit)
                .query((rs, n) -> summary(rs))
                .list();
    }

    Optional<CampaignSummary> summary(UUID workspaceId, UUID id) {
        return jdbc.sql(SUMMARY + " WHERE c.id = ? AND c.workspace_id = ?")
                .params(id, workspaceId)
                .query((rs, n) -> summary(rs))
                .optional();
    }

    private static CampaignSummary summary(ResultSet rs) throws SQLException {
        return new CampaignSummary(
                rs.getObject("id", UUID.class),
                rs.getObject("run_id", UUID.class),
                rs.getString("title"),
                rs.getString("instructions"),
                rs.getString("status"),
                rs.getInt("reviews_per_item"),
                rs.getDouble("gold_share"),
                rs.getInt("gold_min_answers"),
                rs.getDouble("gold_threshold"),
                rs.getDouble("decide_threshold"),
                (Integer) rs.getObject("cap_per_contributor"),
                rs.getInt("answers_per_minute"),
                rs.getDouble("min_seconds_per_item"),
                instant(rs, "ends_at"),
                rs.getBoolean("listed"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getInt("items"),
                rs.getInt("gold_items"),
                rs.getInt("final_items"),
                rs.getInt("adjudication"),
                rs.getInt("contributors"),
                rs.getInt("answers"));
    }

    int count(UUID workspaceId) {
        return jdbc.sql("SELECT count(*) FROM campaigns WHERE workspace_id = ?")
                .param(workspaceId)
                .query(Integer.class)
                .single();
    }

    boolean close(UUID id, Instant at) {
        return jdbc.sql("UPDATE campaigns SET status = 'CLOSED', closed_at = ? WHERE id = ? AND status = 'OPEN'")
                        .params(Timestamp.from(at), id)
                        .update()
                == 1;
    }

    void replaceToken(UUID id, String tokenHash) {
        jdbc.sql("UPDATE campaigns SET join_token_hash = ? WHERE id = ?")
                .params(tokenHash, id)
                .update();
    }

    void updatePrior(UUID id, double prior) {
        jdbc.sql("UPDATE campaigns SET prior = ? WHERE id = ?")
                .params(prior, id)
                .update();
    }

    // --- contributors

    /** Joins by token as the transaction's user; the outcome is JOINED, ALREADY, REMOVED or CLOSED. */
    Optional<Joined> join(String tokenHash, String displayName, Instant at) {
        return jdbc.sql("SELECT campaign_id, outcome FROM campaign_join(?, ?, ?)")
                .params(tokenHash, displayName, Timestamp.from(at))
                .query((rs, n) -> new Joined(rs.getObject("campaign_id", UUID.class), rs.getString("outcome")))
                .optional();
    }

    record Joined(UUID campaignId, String outcome) {}

    /** Joins a listed campaign by its id, as the transaction's user. */
    Optional<Joined> joinListed(UUID campaignId, String displayName, Instant at) {
        return jdbc.sql("SELECT campaign_id, outcome FROM campaign_join_listed(?, ?, ?)")
                .params(campaignId, displayName, Timestamp.from(at))
                .query((rs, n) -> new Joined(rs.getObject("campaign_id", UUID.class), rs.getString("outcome")))
                .optional();
    }

    List<ListedCampaign> listed(String workspaceSlug, Instant now) {
        return jdbc.sql("""
                        SELECT campaign_id, title, instructions, ends_at, workspace_name
                        FROM listed_campaigns(?, ?)""")
                .params(workspaceSlug, Timestamp.from(now))
                .query((rs, n) -> new ListedCampaign(
                        rs.getObject("campaign_id", UUID.class),
                        rs.getString("title"),
                        rs.getString("instructions"),
                        instant(rs, "ends_at"),
                        rs.getString("workspace_name"),
                        ContributorService.LISTED + rs.getObject("campaign_id", UUID.class)))
                .list();
    }

    List<Contributor> contributors(UUID campaignId) {
        return jdbc.sql("SELECT * FROM campaign_contributors WHERE campaign_id = ? ORDER BY joined_at, user_id")
                .param(campaignId)
                .query((rs, n) -> contributor(rs))
                .list();
    }

    /** Some of the campaign's contributors (an item's voters), in no particular order. */
    List<Contributor> contributors(UUID campaignId, Collection<UUID> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM campaign_contributors WHERE campaign_id = ? AND user_id = ANY(?)")
                .params(campaignId, userIds.toArray(UUID[]::new))
                .query((rs, n) -> contributor(rs))
                .list();
    }

    /** The contributor's row, locked: one contributor's serving and scoring take turns. */
    Optional<Contributor> lockContributor(UUID campaignId, UUID userId) {
        return jdbc.sql("SELECT * FROM campaign_contributors WHERE campaign_id = ? AND user_id = ? FOR UPDATE")
                .params(campaignId, userId)
                .query((rs, n) -> contributor(rs))
                .optional();
    }

    /** The caller's own row (row-level security shows a contributor only theirs). */
    Optional<Contributor> contributor(UUID campaignId, UUID userId) {
        return jdbc.sql("SELECT * FROM campaign_contributors WHERE campaign_id = ? AND user_id = ?")
                .params(campaignId, userId)
                .query((rs, n) -> contributor(rs))
                .optional();
    }

    private static Contributor contributor(ResultSet rs) throws SQLException {
        return new Contributor(
                rs.getObject("user_id", UUID.class),
                rs.getString("display_name"),
                rs.getString("status"),
                rs.getString("status_reason"),
                rs.getTimestamp("joined_at").toInstant(),
                rs.getInt("answers"),
                rs.getInt("skips"),
                rs.getDouble("seconds"),
                rs.getInt("suspicious"),
                rs.getInt("gold_answers"),
                rs.getInt("gold_correct"),
                rs.getInt("agreed"),
                rs.getInt("decided"),
                new DawidSkene.Counts(rs.getDouble("tp"), rs.getDouble("fn"), rs.getDouble("fp"), rs.getDouble("tn")));
    }

    /** The campaigns the caller contributes to (row-level security shows no others), newest first. */
    List<UUID> myCampaigns(UUID userId) {
        return jdbc.sql("""
                        SELECT k.campaign_id FROM campaign_contributors k
                        WHERE k.user_id = ? AND k.status <> 'REMOVED' ORDER BY k.joined_at DESC""")
                .param(userId)
                .query((rs, n) -> rs.getObject("campaign_id", UUID.class))
                .list();
    }

    /** A contributor's view of a campaign: what row-level security lets them read of it. */
    Optional<MyCampaign> myCampaign(UUID campaignId, UUID userId, Instant now) {
        return jdbc.sql("""
                        SELECT c.id, c.title, c.instructions, c.status AS campaign_status, c.ends_at,
                            c.cap_per_contributor, c.gold_min_answers,
                            k.status, k.status_reason, k.answers, k.skips, k.gold_answers, k.gold_correct
                        FROM campaigns c JOIN campaign_contributors k ON k.campaign_id = c.id AND k.user_id = ?
                        WHERE c.id = ?""")
                .params(userId, campaignId)
                .query((rs, n) -> {
                    Instant ends = instant(rs, "ends_at");
                    int goldAnswers = rs.getInt("gold_answers");
                    return new MyCampaign(
                            rs.getObject("id", UUID.class),
                            rs.getString("title"),
                            rs.getString("instructions"),
                            "OPEN".equals(rs.getString("campaign_status")) && (ends == null || ends.isAfter(now)),
                            rs.getString("status"),
                            rs.getString("status_reason"),
                            rs.getInt("answers"),
                            rs.getInt("skips"),
                            (Integer) rs.getObject("cap_per_contributor"),
                            goldAnswers >= rs.getInt("gold_min_answers")
                                    ? (double) rs.getInt("gold_correct") / goldAnswers
                                    : null);
                })
                .optional();
    }

    void setStatus(UUID campaignId, UUID userId, String status, @Nullable String reason) {
        jdbc.sql("UPDATE campaign_contributors SET status = ?, status_reason = ? WHERE campaign_id = ? AND user_id = ?")
                .params(status, reason, campaignId, userId)
                .update();
    }

    /** Adds one scored answer (or skip) to the contributor's counts. */
    void addAnswer(
            UUID campaignId,
            UUID userId,
            boolean skipped,
            double seconds,
            boolean suspicious,
            @Nullable Boolean goldRight) {
        jdbc.sql("""
                        UPDATE campaign_contributors SET answers = answers + :answered, skips = skips + :skipped,
                            seconds = seconds + :seconds, suspicious = suspicious + :suspicious,
                            gold_answers = gold_answers + :gold, gold_correct = gold_correct + :right
                        WHERE campaign_id = :campaign AND user_id = :user""")
                .param("answered", skipped ? 0 : 1)
                .param("skipped", skipped ? 1 : 0)
                .param("seconds", seconds)
                .param("suspicious", suspicious ? 1 : 0)
                .param("gold", goldRight == null ? 0 : 1)
                .param("right", Boolean.TRUE.equals(goldRight) ? 1 : 0)
                .param("campaign", campaignId)
                .param("user", userId)
                .update();
    }

    void setCounts(UUID campaignId, UUID userId, DawidSkene.Counts c) {
        jdbc.sql(
                        "UPDATE campaign_contributors SET tp = ?, fn = ?, fp = ?, tn = ? WHERE campaign_id = ? AND user_id = ?")
                .params(c.tp(), c.fn(), c.fp(), c.tn(), campaignId, userId)
                .update();
    }

    void setAgreement(UUID campaignId, UUID userId, int agreed, int decided) {
        jdbc.sql("UPDATE campaign_contributors SET agreed = ?, decided = ? WHERE campaign_id = ? AND user_id = ?")
                .params(agreed, decided, campaignId, userId)
                .update();
    }

    /** One of the contributor's answers is on an item just decided: their agreement and their confusion counts. */
    void addDecided(UUID campaignId, UUID userId, boolean agreed, DawidSkene.Counts c) {
        jdbc.sql("""
                        UPDATE campaign_contributors SET agreed = agreed + ?, decided = decided + 1,
                            tp = ?, fn = ?, fp = ?, tn = ?
                        WHERE campaign_id = ? AND user_id = ?""")
                .params(agreed ? 1 : 0, c.tp(), c.fn(), c.fp(), c.tn(), campaignId, userId)
                .update();
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
