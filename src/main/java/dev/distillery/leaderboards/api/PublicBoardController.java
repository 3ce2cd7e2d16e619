package dev.distillery.leaderboards.api;

import dev.distillery.leaderboards.PublicBoard;
import dev.distillery.leaderboards.PublicBoardDraft;
import dev.distillery.leaderboards.PublicBoardService;
import dev.distillery.tenancy.WorkspaceService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Boards published at public URLs (OWNER or ADMIN keys publish and unpublish). */
@RestController
@RequestMapping("/api/v1/public-boards")
@Tag(name = "Leaderboards")
@SecurityRequirement(name = "apiKey")
class PublicBoardController {

    private final PublicBoardService boards;
    private final WorkspaceService workspaces;

    PublicBoardController(PublicBoardService boards, WorkspaceService workspaces) {
        this.boards = boards;
        this.workspaces = workspaces;
    }

    @PostMapping
    @Operation(
            summary = "Publish a board at /p/{workspace}/{slug}",
            description = "The board shows one dataset, "
                    + "optionally narrowed to a split, method, teacher and student (endpoint names), and up to 50 sample "
                    + "traces of its newest result. Publishing under an existing slug replaces that board.")
    ResponseEntity<BoardJson> publish(@RequestBody PublishRequest body) {
        PublicBoard board = boards.publish(new PublicBoardDraft(
                body.slug() == null ? "" : body.slug(),
                body.title() == null ? "" : body.title(),
                body.datasetId(),
                body.split(),
                body.method(),
                body.teacher(),
                body.student(),
                body.sampleTraces() == null ? 0 : body.sampleTraces()));
        BoardJson json = BoardJson.of(board, workspaces.current().slug());
        return ResponseEntity.created(URI.create(json.path())).body(json);
    }

    @GetMapping
    @Operation(summary = "The workspace's boards, published or not")
    List<BoardJson> list() {
        String slug = workspaces.current().slug();
        return boards.list().stream().map(b -> BoardJson.of(b, slug)).toList();
    }

    @PostMapping("/{id}/unpublish")
    @Operation(summary = "Take a board off its public URL, at once")
    ResponseEntity<Void> unpublish(@PathVariable UUID id) {
        boards.unpublish(id);
        return ResponseEntity.noContent().build();
    }

    record PublishRequest(
            @Nullable String slug,
            @Nullable String title,
            @Nullable UUID datasetId,
            @Nullable String split,
            @Nullable String method,
            @Nullable String teacher,
            @Nullable String student,
            @Nullable Integer sampleTraces) {}

    record BoardJson(
            UUID id,
            String slug,
            String title,
            String path,
            UUID datasetId,
            @Nullable String split,
            @Nullable String method,
            @Nullable String teacher,
            @Nullable String student,
            int sampleTraces,
            boolean published,
            String createdBy,
            Instant updatedAt) {

        static BoardJson of(PublicBoard b, String workspaceSlug) {
            return new BoardJson(
                    b.id(),
                    b.slug(),
                    b.title(),
                    b.path(workspaceSlug),
                    b.datasetId(),
                    b.split(),
                    b.method(),
                    b.teacher(),
                    b.student(),
                    b.sampleTraces(),
                    b.published(),
                    b.createdBy(),
                    b.updatedAt());
        }
    }
}
