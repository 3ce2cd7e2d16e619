package dev.distillery.review.api;

import dev.distillery.review.QueueService;
import dev.distillery.review.Revision;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Review queues, agreement and adjudication of the API key's workspace's runs. */
@RestController
@RequestMapping("/api/v1/runs/{runId}")
@Tag(name = "Review")
@SecurityRequirement(name = "apiKey")
class QueueController {

    private final QueueService queues;

    QueueController(QueueService queues) {
        this.queues = queues;
    }

    @PostMapping("/review-queue")
    @Operation(
            summary = "Set up the run's review queue",
            description =
                    "reviewsPerItem 1–5; selection all, incorrect "
                            + "or sample (with sampleSize); reviewers: user ids who may review (empty: everyone who may review).")
    ResponseEntity<QueueService.QueueStatus> configure(@PathVariable UUID runId, @RequestBody QueueRequest body) {
        QueueService.Selection selection;
        try {
            selection = QueueService.Selection.valueOf(
                    (body.selection() == null ? "all" : body.selection()).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("selection", "Choose all, incorrect or sample.");
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(queues.configure(
                        runId,
                        new QueueService.QueueDraft(
                                body.reviewsPerItem() == null ? 1 : body.reviewsPerItem(),
                                selection,
                                body.sampleSize(),
                                body.reviewers() == null ? List.of() : body.reviewers())));
    }

    @GetMapping("/review-queue")
    ResponseEntity<QueueService.QueueStatus> status(@PathVariable UUID runId) {
        return ResponseEntity.of(queues.status(runId));
    }

    @PostMapping("/review-queue/next")
    @Operation(
            summary = "The next item for the caller, leased to them",
            description = "204 when nothing is left for them.")
    ResponseEntity<QueueService.Assignment> next(@PathVariable UUID runId) {
        return queues.next(runId)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping("/review-queue/items/{itemId}/done")
    @Operation(summary = "Record the caller's verdict on the item they hold")
    ResponseEntity<Void> done(@PathVariable UUID runId, @PathVariable String itemId, @RequestBody VerdictRequest body) {
        if (body.verdict() == null) {
            throw new InvalidInputException("verdict", "Give the verdict: true for correct, false for incorrect.");
        }
        queues.complete(runId, itemId, body.verdict());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/agreement")
    @Operation(
            summary =
                    "Agreement of the queue's reviews: Fleiss' and Cohen's kappa, disagreements, corrections' agreement")
    QueueService.AgreementReport agreement(@PathVariable UUID runId) {
        return queues.agreement(runId);
    }

    @PostMapping("/traces/{itemId}/adjudication")
    @Operation(summary = "Settle an item: the final verdict, optionally a revision's teacher trace, and why")
    ResponseEntity<Revision> adjudicate(
            @PathVariable UUID runId, @PathVariable String itemId, @RequestBody AdjudicationRequest body) {
        if (body.verdict() == null) {
            throw new InvalidInputException(
                    "verdict", "Give the final verdict: true for correct, false for incorrect.");
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(queues.adjudicate(
                        runId, itemId, body.verdict(), body.revision(), body.reason() == null ? "" : body.reason()));
    }

    record QueueRequest(
            @Nullable Integer reviewsPerItem,
            @Nullable String selection,
            @Nullable Integer sampleSize,
            @Nullable List<UUID> reviewers) {}

    record VerdictRequest(@Nullable Boolean verdict) {}

    record AdjudicationRequest(
            @Nullable Boolean verdict,
            @Nullable Integer revision,
            @Nullable String reason) {}
}
