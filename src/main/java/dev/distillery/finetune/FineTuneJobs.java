package dev.distillery.finetune;

import dev.distillery.endpoints.FineTuning;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for fine-tuning jobs and their events; callers run inside a tenant transaction (row-level security). */
@Repository
class FineTuneJobs {

    private static final String COLUMNS = """
            id, endpoint_id, endpoint_name, base_model, suffix, status, training_file_name, training_examples,
            validation_file_name, validation_examples, provider_job_id, fine_tuned_model, trained_tokens,
            created_endpoint_id, error, events_seen, created_by_label, created_at, updated_at, finished_at""";
    private static final String ACTIVE = "status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')";

    private final JdbcClient jdbc;

    FineTuneJobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What a launch stores before anything is sent to the provider. */
    record NewJob(
            UUID id,
            UUID workspaceId,
            UUID endpointId,
            String endpointName,
            String baseModel,
            @Nullable String suffix,
            String hyperparametersJson,
            String trainingFileName,
            int trainingExamples,
            @Nullable String validationFileName,
            @Nullable Integer validationExamples,
            @Nullable UUID createdBy,
            String createdByLabel) {}

    void insert(NewJob job, Instant now) {
        jdbc.sql("""
                        INSERT INTO fine_tune_jobs (id, workspace_id, endpoint_id, endpoint_name, base_model, suffix,
                            hyperparameters, training_file_name, training_examples, validation_file_name,
                            validation_examples, status, created_by, created_by_label, created_at, updated_at)
                        VALUES (:id, :ws, :endpoint, :endpointName, :model, :suffix, CAST(:hyper AS jsonb), :trainingName,
                            :trainingExamples, :validationName, :validationExamples, 'UPLOADING', :createdBy, :createdByLabel,
                            :now, :now)""")
                .param("id", job.id())
                .param("ws", job.workspaceId())
                .param("endpoint", job.endpointId())
                .param("endpointName", job.endpointName())
                .param("model", job.baseModel())
                .param("suffix", job.suffix())
                .param("hyper", job.hyperparametersJson())
                .param("trainingName", job.trainingFileName())
                .param("trainingExamples", job.trainingExamples())
                .param("validationName", job.validationFileName())
                .param("validationExamples", job.validationExamples())
                .param("createdBy", job.createdBy())
                .param("createdByLabel", job.createdByLabel())
                .param("now", Timestamp.from(now))
                .update();
    }

    /** Records the provider's files and job once it was created; false when the job was cancelled meanwhile. */
    boolean started(
            UUID id,
            String trainingFileId,
            @Nullable String validationFileId,
            FineTuning.ProviderJob job,
            Instant now) {
        return jdbc.sql("""
                        UPDATE fine_tune_jobs SET provider_training_file_id = ?, provider_validation_file_id = ?,
                            provider_job_id = ?, status = ?, updated_at = ?
                        WHERE id = ? AND status = 'UPLOADING'""")
                        .params(
                                trainingFileId,
                                validationFileId,
                                job.id(),
                                FineTuneJobStatus.of(job.status()).name(),
                                Timestamp.from(now),
                                id)
                        .update()
                == 1;
    }

    /** The provider's view of a running job; a finished job is never changed again. */
    boolean update(UUID id, FineTuning.ProviderJob job, int eventsSeen, Instant now) {
        FineTuneJobStatus status = FineTuneJobStatus.of(job.status());
        Instant finished = status.finished() ? (job.finishedAt() != null ? job.finishedAt() : now) : null;
        return jdbc.sql("UPDATE fine_tune_jobs SET status = ?, fine_tuned_model = ?, trained_tokens = ?, error = ?,"
                                + " events_seen = ?, updated_at = ?, finished_at = ? WHERE id = ? AND " + ACTIVE)
                        .params(
                                status.name(),
                                job.fineTunedModel(),
                                job.trainedTokens(),
                                job.error(),
                                eventsSeen,
                                Timestamp.from(now),
                                finished == null ? null : Timestamp.from(finished),
                                id)
                        .update()
                == 1;
    }

    /** Ends a job here (failed or cancelled) unless it already ended. */
    boolean finish(UUID id, FineTuneJobStatus status, @Nullable String error, Instant now) {
        return jdbc.sql(
                                "UPDATE fine_tune_jobs SET status = ?, error = COALESCE(?, error), updated_at = ?, finished_at = ?"
                                        + " WHERE id = ? AND " + ACTIVE)
                        .params(status.name(), error, Timestamp.from(now), Timestamp.from(now), id)
                        .update()
                == 1;
    }

    void createdEndpoint(UUID id, UUID endpointId, Instant now) {
        jdbc.sql("UPDATE fine_tune_jobs SET created_endpoint_id = ?, updated_at = ? WHERE id = ?")
                .params(endpointId, Timestamp.from(now), id)
                .update();
    }

    /** Stores events not seen before; returns how many the job has now. */
    int addEvents(UUID workspaceId, UUID jobId, List<FineTuning.ProviderEvent> events) {
        for (FineTuning.ProviderEvent e : events) {
            jdbc.sql("""
                            INSERT INTO fine_tune_job_events (workspace_id, job_id, provider_event_id, created_at, level, message)
                            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                    .params(workspaceId, jobId, e.id(), Timestamp.from(e.createdAt()), e.level(), e.message())
                    .update();
        }
        return jdbc.sql("SELECT count(*) FROM fine_tune_job_events WHERE job_id = ?")
                .param(jobId)
                .query(Integer.class)
                .single();
    }

    Optional<FineTuneJobSummary> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fine_tune_jobs WHERE id = ?")
                .param(id)
                .query(this::summary)
                .optional();
    }

    List<FineTuneJobSummary> list(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM fine_tune_jobs ORDER BY created_at DESC LIMIT ?")
                .param(limit)
                .query(this::summary)
                .list();
    }

    List<FineTuneJobEvent> events(UUID jobId) {
        return jdbc.sql("""
                        SELECT created_at, level, message FROM fine_tune_job_events WHERE job_id = ?
                        ORDER BY created_at, provider_event_id""")
                .param(jobId)
                .query((rs, n) -> new FineTuneJobEvent(
                        rs.getTimestamp("created_at").toInstant(), rs.getString("level"), rs.getString("message")))
                .list();
    }

    private FineTuneJobSummary summary(ResultSet rs, int n) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new FineTuneJobSummary(
                rs.getObject("id", UUID.class),
                rs.getObject("endpoint_id", UUID.class),
                rs.getString("endpoint_name"),
                rs.getString("base_model"),
                rs.getString("suffix"),
                FineTuneJobStatus.valueOf(rs.getString("status")),
                rs.getString("training_file_name"),
                rs.getInt("training_examples"),
                rs.getString("validation_file_name"),
                rs.getObject("validation_examples", Integer.class),
                rs.getString("provider_job_id"),
                rs.getString("fine_tuned_model"),
                rs.getObject("trained_tokens", Long.class),
                rs.getObject("created_endpoint_id", UUID.class),
                rs.getString("error"),
                rs.getInt("events_seen"),
                rs.getString("created_by_label"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                finished == null ? null : finished.toInstant());
    }
}
