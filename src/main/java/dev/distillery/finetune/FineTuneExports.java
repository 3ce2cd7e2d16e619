package dev.distillery.finetune;

import java.sql.Timestamp;
import java.time.Instant;
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
                .params(r.id(), workspaceId, r.runId(), r.format(), r.baseFormat(), r.validationFraction(), r.seed(),
                        r.applyCorrections(), r.items(), r.trainSamples(), r.validationSamples(), r.contaminatedItems(),
                        r.contaminatedExamples().toArray(String[]::new), r.overrideReason(), createdBy, r.actor(),
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
                .query((rs, n) -> new ExportRecord(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getDouble(5), rs.getLong(6), rs.getBoolean(7), rs.getInt(8),
                        rs.getInt(9), rs.getInt(10), rs.getInt(11), List.of((String[]) rs.getArray(12).getArray()),
                        rs.getString(13), rs.getString(14), rs.getTimestamp(15).toInstant()))
                .list();
    }
}
