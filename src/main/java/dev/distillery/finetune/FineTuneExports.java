package dev.distillery.finetune;

import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the record of exports; always inside a tenant transaction. */
@Repository
class FineTuneExports {

    private final JdbcClient jdbc;

    FineTuneExports(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID workspaceId, @Nullable UUID createdBy, ExportRecord r) {
        jdbc.sql("""
                        INSERT INTO finetune_exports (id, workspace_id, run_id, format, base_format, validation_fraction,
                            seed, apply_corrections, items, train_samples, validation_samples, contaminated_items,
                            contaminated_examples, override_reason, created_by, actor, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        r.id(),
                        workspaceId,
                        r.runId(),
                        r.format(),
                        r.baseFormat(),
                        r.validationFraction(),
                        r.seed(),
                        r.applyCorrections(),
                        r.items(),
                        r.trainSamples(),
                        r.validationSamples(),
                        r.contaminatedItems(),
                        r.contaminatedExamples().toArray(String[]::new),
                        r.overrideReason(),
                        createdBy,
                        r.actor(),
                        Timestamp.from(r.createdAt()))
                .update();
    }

    /** A run's exports, newest first. */
    List<ExportRecord> list(UUID runId) {
        return jdbc.sql("""
                        SELECT id, run_id, format, base_format, validation_fraction, seed, apply_corrections, items,
                            train_samples, validation_samples, contaminated_items, contaminated_examples, override_reason,
                            actor, created_at
                        FROM finetune_exports WHERE run_id = ? ORDER BY created_at DESC, id""")
                .param(runId)
                .query((rs, n) -> new ExportRecord(
                        rs.getObject("id", UUID.class),
                        rs.getObject("run_id", UUID.class),
                        rs.getString("format"),
                        rs.getString("base_format"),
                        rs.getDouble("validation_fraction"),
                        rs.getLong("seed"),
                        rs.getBoolean("apply_corrections"),
                        rs.getInt("items"),
                        rs.getInt("train_samples"),
                        rs.getInt("validation_samples"),
                        rs.getInt("contaminated_items"),
                        List.of((String[]) rs.getArray("contaminated_examples").getArray()),
                        rs.getString("override_reason"),
                        rs.getString("actor"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }
}
