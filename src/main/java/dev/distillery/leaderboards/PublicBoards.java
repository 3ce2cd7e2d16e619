package dev.distillery.leaderboards;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Published boards of the workspace, and the one lookup a visitor without a tenant may make. */
@Repository
class PublicBoards {

    private static final String COLUMNS = " id, slug, title, dataset_id, split, method, teacher_name, student_name,"
            + " sample_traces, published, created_by, updated_at";

    private final JdbcClient jdbc;

    PublicBoards(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The published board behind the two slugs, from any workspace: it runs with the owner's rights. */
    Optional<Published> findPublished(String workspaceSlug, String boardSlug) {
        return jdbc.sql("SELECT board_id, workspace_id, workspace_name, updated_at FROM find_public_board(?, ?)")
                .params(workspaceSlug, boardSlug)
                .query((rs, n) -> new Published(
                        rs.getObject("board_id", UUID.class),
                        rs.getObject("workspace_id", UUID.class),
                        rs.getString("workspace_name"),
                        rs.getTimestamp("updated_at").toInstant()))
                .optional();
    }

    record Published(UUID boardId, UUID workspaceId, String workspaceName, Instant updatedAt) {}

    /** Publishes the board under its slug, replacing what was published there before. */
    PublicBoard upsert(UUID workspaceId, PublicBoardDraft draft, String by, Instant now) {
        return jdbc.sql("""
                        INSERT INTO public_boards (id, workspace_id, slug, title, dataset_id, split, method, teacher_name,
                            student_name, sample_traces, published, created_by, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?, ?, ?)
                        ON CONFLICT (workspace_id, slug) DO UPDATE SET title = excluded.title,
                            dataset_id = excluded.dataset_id, split = excluded.split, method = excluded.method,
                            teacher_name = excluded.teacher_name, student_name = excluded.student_name,
                            sample_traces = excluded.sample_traces, published = true, updated_at = excluded.updated_at
                        RETURNING""" + COLUMNS)
                .params(
                        UUID.randomUUID(),
                        workspaceId,
                        draft.slug(),
                        draft.title(),
                        draft.datasetId(),
                        draft.split(),
                        draft.method(),
                        draft.teacher(),
                        draft.student(),
                        draft.sampleTraces(),
                        by,
                        Timestamp.from(now),
                        Timestamp.from(now))
                .query((rs, n) -> board(rs))
                .single();
    }

    boolean unpublish(UUID id, Instant now) {
        return jdbc.sql("UPDATE public_boards SET published = false, updated_at = ? WHERE id = ? AND published")
                        .params(Timestamp.from(now), id)
                        .update()
                == 1;
    }

    Optional<PublicBoard> get(UUID id) {
        return jdbc.sql("SELECT" + COLUMNS + " FROM public_boards WHERE id = ?")
                .param(id)
                .query((rs, n) -> board(rs))
                .optional();
    }

    List<PublicBoard> list() {
        return jdbc.sql("SELECT" + COLUMNS + " FROM public_boards ORDER BY published DESC, updated_at DESC")
                .query((rs, n) -> board(rs))
                .list();
    }

    private static PublicBoard board(ResultSet rs) throws SQLException {
        return new PublicBoard(
                rs.getObject("id", UUID.class),
                rs.getString("slug"),
                rs.getString("title"),
                rs.getObject("dataset_id", UUID.class),
                rs.getString("split"),
                rs.getString("method"),
                rs.getString("teacher_name"),
                rs.getString("student_name"),
                rs.getInt("sample_traces"),
                rs.getBoolean("published"),
                rs.getString("created_by"),
                rs.getTimestamp("updated_at").toInstant());
    }
}
