package dev.distillery.datasets;

import dev.distillery.datasets.formats.ParsedItem;
import dev.distillery.shared.AnswerType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** SQL for datasets, versions and items; every call runs in a tenant transaction under row-level security. */
@Repository
class Datasets {

    private static final String VERSION_COLUMNS = """
            v.id, v.dataset_id, v.version, v.format, v.file_name, v.source, v.item_count, v.split_counts::text,
            v.type_counts::text, u.email, v.created_at""";
    private static final String ITEM_COLUMNS = """
            item_id, position, split, question, choices::text, gold_raw, gold, answer_type, rationale,
            decomposition::text, source_line, source_ref, metadata::text""";
    private static final TypeReference<LinkedHashMap<String, Integer>> COUNTS = new TypeReference<>() {};
    private static final TypeReference<List<Map<String, String>>> STEPS = new TypeReference<>() {};
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonMapper json;

    Datasets(JdbcClient jdbc, JdbcTemplate template, JsonMapper json) {
        this.jdbc = jdbc;
        this.template = template;
        this.json = json;
    }

    Optional<UUID> idByName(String name) {
        return jdbc.sql("SELECT id FROM datasets WHERE lower(name) = lower(?)")
                .param(name)
                .query(UUID.class)
                .optional();
    }

    void insertDataset(
            UUID id, UUID workspaceId, String name, @Nullable String source, @Nullable UUID userId, Instant now) {
        jdbc.sql(
                        "INSERT INTO datasets (id, workspace_id, name, source, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(id, workspaceId, name, source, userId, Timestamp.from(now))
                .update();
    }

    /**
     * Serialises imports of one dataset name in a workspace until the transaction ends, so concurrent uploads get
     * one dataset and consecutive version numbers (an advisory lock: the app may not lock rows it cannot update).
     */
    void lockName(UUID workspaceId, String name) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(? || '/' || lower(?), 0))")
                .params(workspaceId.toString(), name)
                .query()
                .singleValue();
    }

    int nextVersion(UUID datasetId) {
        return jdbc.sql("SELECT coalesce(max(version), 0) + 1 FROM dataset_versions WHERE dataset_id = ?")
                .param(datasetId)
                .query(Integer.class)
                .single();
    }

    void insertVersion(
            UUID id,
            UUID workspaceId,
            UUID datasetId,
            int version,
            String format,
            String fileName,
            @Nullable String source,
            int itemCount,
            Map<String, Integer> splits,
            Map<String, Integer> types,
            @Nullable UUID userId,
            Instant now) {
        jdbc.sql("""
                        INSERT INTO dataset_versions (id, workspace_id, dataset_id, version, format, file_name, source,
                            item_count, split_counts, type_counts, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)""")
                .params(
                        id,
                        workspaceId,
                        datasetId,
                        version,
                        format,
                        fileName,
                        source,
                        itemCount,
                        json.writeValueAsString(splits),
                        json.writeValueAsString(types),
                        userId,
                        Timestamp.from(now))
                .update();
    }

    void finishVersion(UUID versionId, int itemCount, Map<String, Integer> splits, Map<String, Integer> types) {
        jdbc.sql(
                        "UPDATE dataset_versions SET item_count = ?, split_counts = ?::jsonb, type_counts = ?::jsonb WHERE id = ?")
                .params(itemCount, json.writeValueAsString(splits), json.writeValueAsString(types), versionId)
                .update();
    }

    /** Inserts a batch in one round trip (the driver rewrites the batch into multi-row INSERTs). */
    void insertItems(UUID workspaceId, UUID versionId, List<ParsedItem> items, List<Integer> positions) {
        List<Object[]> rows = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            ParsedItem item = items.get(i);
            rows.add(new Object[] {
                workspaceId,
                versionId,
                positions.get(i),
                item.itemId(),
                item.split(),
                item.question(),
                item.choices().isEmpty() ? null : json.writeValueAsString(item.choices()),
                item.goldRaw(),
                item.goldNormalized(),
                item.answerType().name(),
                item.rationale(),
                item.decomposition().isEmpty() ? null : json.writeValueAsString(item.decomposition()),
                item.sourceLine(),
                item.sourceRef(),
                item.metadata().isEmpty() ? null : json.writeValueAsString(item.metadata())
            });
        }
        template.batchUpdate("""
                INSERT INTO dataset_items (workspace_id, version_id, position, item_id, split, question, choices,
                    gold_raw, gold, answer_type, rationale, decomposition, source_line, source_ref, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb)""", rows);
    }

    List<VersionSummary> versions(UUID datasetId) {
        return jdbc.sql("SELECT " + VERSION_COLUMNS
                        + " FROM dataset_versions v LEFT JOIN account_names u ON u.id = v.created_by"
                        + " WHERE v.dataset_id = ? ORDER BY v.version DESC")
                .param(datasetId)
                .query(this::mapVersion)
                .list();
    }

    Optional<VersionSummary> version(UUID versionId) {
        return jdbc.sql("SELECT " + VERSION_COLUMNS
                        + " FROM dataset_versions v LEFT JOIN account_names u ON u.id = v.created_by"
                        + " WHERE v.id = ?")
                .param(versionId)
                .query(this::mapVersion)
                .optional();
    }

    Optional<String> name(UUID datasetId) {
        return jdbc.sql("SELECT name FROM datasets WHERE id = ?")
                .param(datasetId)
                .query(String.class)
                .optional();
    }

    boolean any() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM datasets)")
                .query(Boolean.class)
                .single();
    }

    List<DatasetSummary> list() {
        return jdbc.sql("""
                        SELECT d.id, d.name, v.source, v.version, v.id AS version_id, v.item_count, v.split_counts::text,
                            v.created_at
                        FROM datasets d
                        JOIN LATERAL (SELECT * FROM dataset_versions x WHERE x.dataset_id = d.id ORDER BY x.version DESC LIMIT 1) v ON true
                        ORDER BY lower(d.name)""")
                .query((rs, n) -> new DatasetSummary(
                        rs.getObject("id", UUID.class),
                        rs.getString("name"),
                        rs.getString("source"),
                        rs.getInt("version"),
                        rs.getObject("version_id", UUID.class),
                        rs.getInt("item_count"),
                        json.readValue(rs.getString("split_counts"), COUNTS),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    /** Items of a version in split and source order, optionally of one split and matching a search text. */
    List<DatasetItem> items(UUID versionId, @Nullable String split, @Nullable String search, int offset, int limit) {
        return jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM dataset_items WHERE version_id = :v" + filters(split, search)
                        + " ORDER BY split, position OFFSET :offset LIMIT :limit")
                .param("v", versionId)
                .params(filterParams(split, search))
                .param("offset", offset)
                .param("limit", limit)
                .query(this::mapItem)
                .list();
    }

    List<DatasetItem.Ref> itemRefs(UUID versionId, String split, int offset, int limit) {
        return jdbc.sql("""
                        SELECT item_id, position FROM dataset_items WHERE version_id = ? AND split = ?
                        ORDER BY position OFFSET ? LIMIT ?""")
                .params(versionId, split, offset, limit)
                .query(DatasetItem.Ref.class)
                .list();
    }

    List<DatasetItem> itemsByIds(UUID versionId, List<String> itemIds) {
        return jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM dataset_items WHERE version_id = ? AND item_id = ANY(?)")
                .params(versionId, itemIds.toArray(String[]::new))
                .query(this::mapItem)
                .list();
    }

    int countItems(UUID versionId, @Nullable String split, @Nullable String search) {
        return jdbc.sql("SELECT count(*) FROM dataset_items WHERE version_id = :v" + filters(split, search))
                .param("v", versionId)
                .params(filterParams(split, search))
                .query(Integer.class)
                .single();
    }

    /** Streams every item of a version to {@code consumer}, in split and source order, without loading them all. */
    void forEachItem(UUID versionId, java.util.function.Consumer<DatasetItem> consumer) {
        template.query(
                con -> {
                    var statement = con.prepareStatement("SELECT " + ITEM_COLUMNS
                            + " FROM dataset_items WHERE version_id = ? ORDER BY split, position");
                    statement.setObject(1, versionId);
                    statement.setFetchSize(1000);
                    return statement;
                },
                rs -> {
                    consumer.accept(mapItem(rs, 0));
                });
    }

    private static String filters(@Nullable String split, @Nullable String search) {
        return (split == null ? "" : " AND split = :split")
                + (search == null
                        ? ""
                        : " AND (question ILIKE :search OR item_id ILIKE :search OR gold ILIKE :search)");
    }

    private static Map<String, Object> filterParams(@Nullable String split, @Nullable String search) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (split != null) {
            p.put("split", split);
        }
        if (search != null) {
            p.put(
                    "search",
                    "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        return p;
    }

    private VersionSummary mapVersion(ResultSet rs, int n) throws SQLException {
        return new VersionSummary(
                rs.getObject("id", UUID.class),
                rs.getObject("dataset_id", UUID.class),
                rs.getInt("version"),
                rs.getString("format"),
                rs.getString("file_name"),
                rs.getString("source"),
                rs.getInt("item_count"),
                json.readValue(rs.getString("split_counts"), COUNTS),
                json.readValue(rs.getString("type_counts"), COUNTS),
                rs.getString("email"),
                rs.getTimestamp("created_at").toInstant());
    }

    private DatasetItem mapItem(ResultSet rs, int n) throws SQLException {
        String choices = rs.getString("choices");
        String steps = rs.getString("decomposition");
        String metadata = rs.getString("metadata");
        return new DatasetItem(
                rs.getString("item_id"),
                rs.getInt("position"),
                rs.getString("split"),
                rs.getString("question"),
                choices == null ? List.of() : List.of(json.readValue(choices, DatasetItem.Choice[].class)),
                rs.getString("gold_raw"),
                rs.getString("gold"),
                AnswerType.valueOf(rs.getString("answer_type")),
                rs.getString("rationale"),
                steps == null ? List.of() : json.readValue(steps, STEPS),
                rs.getInt("source_line"),
                rs.getString("source_ref"),
                metadata == null ? Map.of() : json.readValue(metadata, OBJECT));
    }
}
