package dev.distillery.leaderboards.api;

import dev.distillery.leaderboards.LeaderboardExport;
import dev.distillery.leaderboards.LeaderboardFilter;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.leaderboards.LeaderboardService;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Leaderboards of the API key's workspace. */
@RestController
@RequestMapping("/api/v1/leaderboards")
@Tag(name = "Leaderboards")
@SecurityRequirement(name = "apiKey")
class LeaderboardController {

    private final LeaderboardService leaderboards;

    LeaderboardController(LeaderboardService leaderboards) {
        this.leaderboards = leaderboards;
    }

    @GetMapping
    @Operation(
            summary = "A leaderboard: one row per finished run",
            description = "Accuracy is a fraction (0–1) with "
                    + "its 95% Wilson interval. When the student has a baseline run (a student-only method) on exactly the same "
                    + "items, gainPoints is the difference in accuracy points, gainRelative the difference divided by the "
                    + "baseline's accuracy (0.21 = +21%), pValue McNemar's exact two-sided p, and diffLow/diffHigh the 95% "
                    + "bootstrap interval of the difference (fractions); otherwise these are null and baselineNote says why. "
                    + "teacher and student are endpoint names. A board is one dataset: without datasetId it is the most recent "
                    + "one (the dataset of the newest result that passes the other filters), named by datasetId in the answer "
                    + "(null when no result passes).")
    BoardJson board(
            @Parameter(description = "the dataset; omitted: the most recent one")
                    @RequestParam(required = false)
                    @Nullable
                    UUID datasetId,
            @RequestParam(required = false) @Nullable String split,
            @RequestParam(required = false) @Nullable String method,
            @RequestParam(required = false) @Nullable String teacher,
            @RequestParam(required = false) @Nullable String student,
            @Parameter(description = "ISO-8601 instant") @RequestParam(required = false) @Nullable String from,
            @Parameter(description = "ISO-8601 instant") @RequestParam(required = false) @Nullable String to) {
        LeaderboardFilter filter = filter(datasetId, split, method, teacher, student, from, to);
        return new BoardJson(filter.datasetId(), filter.datasetId() == null ? List.of() : leaderboards.rows(filter));
    }

    @GetMapping(value = "/export", produces = "text/csv")
    @Operation(
            summary = "A leaderboard as CSV (the same rows and filters)",
            description = "Without datasetId, the "
                    + "most recent dataset's board, as for the JSON board; each row names its dataset.")
    ResponseEntity<String> csv(
            @Parameter(description = "the dataset; omitted: the most recent one")
                    @RequestParam(required = false)
                    @Nullable
                    UUID datasetId,
            @RequestParam(required = false) @Nullable String split,
            @RequestParam(required = false) @Nullable String method,
            @RequestParam(required = false) @Nullable String teacher,
            @RequestParam(required = false) @Nullable String student,
            @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to) {
        LeaderboardFilter filter = filter(datasetId, split, method, teacher, student, from, to);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"leaderboard.csv\"")
                .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .body(LeaderboardExport.csv(filter.datasetId() == null ? List.of() : leaderboards.rows(filter)));
    }

    /** The filter asked for, on the dataset asked for or else the most recent one (none: no result passes). */
    private LeaderboardFilter filter(
            @Nullable UUID datasetId,
            @Nullable String split,
            @Nullable String method,
            @Nullable String teacher,
            @Nullable String student,
            @Nullable String from,
            @Nullable String to) {
        LeaderboardFilter filter = new LeaderboardFilter(
                datasetId,
                blank(split),
                blank(method),
                blank(teacher),
                blank(student),
                instant("from", from),
                instant("to", to));
        return datasetId != null
                ? filter
                : filter.withDataset(leaderboards.latestDataset(filter).orElse(null));
    }

    private static @Nullable String blank(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static @Nullable Instant instant(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "Give an ISO-8601 instant such as 2026-12-01T00:00:00Z.");
        }
    }

    /** @param datasetId the board's dataset: the one asked for, or the most recent one */
    record BoardJson(@Nullable UUID datasetId, List<LeaderboardRow> rows) {}
}
