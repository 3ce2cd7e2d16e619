package dev.distillery.campaigns.api;

import dev.distillery.campaigns.AnswerDraft;
import dev.distillery.campaigns.ContributorService;
import dev.distillery.campaigns.ContributorService.JoinResult;
import dev.distillery.campaigns.MyAnswer;
import dev.distillery.campaigns.MyCampaign;
import dev.distillery.campaigns.ServedItem;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A campaign's contributor at work: join by link, take the next item, answer or skip it, see their own status and
 * history. Authenticated as the person (HTTP Basic with their email and password), never by a workspace's key.
 */
@RestController
@RequestMapping("/api/v1/contribute")
@Tag(name = "Contributing to campaigns")
@SecurityRequirement(name = "contributor")
class ContributeController {

    private final ContributorService contributors;

    ContributeController(ContributorService contributors) {
        this.contributors = contributors;
    }

    @PostMapping(path = "/join", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Join the campaign a join link opens",
            description = "token: the last part of the link (/join/{token}). 201 when you joined, 200 when you were a "
                    + "contributor already, 404 when no campaign has the token (it may have been replaced), 409 when the "
                    + "campaign is closed, 403 when its owner removed you.")
    ResponseEntity<Joined> join(@RequestBody JoinRequest body) {
        if (body.token() == null || body.token().isBlank()) {
            throw new InvalidInputException("token", "Give the join token: the last part of the campaign's link.");
        }
        JoinResult result = contributors.join(body.token());
        return switch (result.outcome()) {
            case "JOINED" ->
                ResponseEntity.created(URI.create("/api/v1/contribute/" + result.campaignId()))
                        .body(new Joined(result.outcome(), contributors.campaign(result.campaignId())));
            case "ALREADY" ->
                ResponseEntity.ok(new Joined(result.outcome(), contributors.campaign(result.campaignId())));
            case "REMOVED" -> throw new AccessDeniedException("The campaign's owner removed you from this campaign.");
            default -> throw new ConflictException("This campaign is closed: it takes no new contributors.");
        };
    }

    @GetMapping
    @Operation(summary = "The campaigns you contribute to, newest first, with your progress in each")
    List<MyCampaign> mine() {
        return contributors.myCampaigns();
    }

    @GetMapping("/{campaignId}")
    @Operation(
            summary = "Your status in a campaign",
            description = "Title, instructions, whether it is open, your status (ACTIVE, PAUSED) and why, answered and "
                    + "skipped, the cap, and your accuracy on check items once there are enough of them.")
    MyCampaign campaign(@PathVariable UUID campaignId) {
        return contributors.campaign(campaignId);
    }

    @GetMapping("/{campaignId}/next")
    @Operation(
            summary = "The item to review now",
            description = "Always 200 with {item, reason, status}. item is the item served to you (the same one again "
                    + "until you answer or skip it; it goes back to the pool after 20 minutes); when it is null, reason "
                    + "says why: CLOSED (the campaign), PAUSED (you: status.statusReason says why), CAP_REACHED, or "
                    + "NOTHING_LEFT (every item has its reviews or was seen by you; leases that expire may free some "
                    + "later). status is your status in the campaign.")
    Next next(@PathVariable UUID campaignId) {
        Optional<ServedItem> item = contributors.next(campaignId);
        MyCampaign status = contributors.campaign(campaignId);
        return new Next(item.orElse(null), item.isPresent() ? null : reason(status), status);
    }

    @PostMapping(path = "/{campaignId}/answers", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Answer (or skip) the item served to you",
            description = "itemId; verdict true when the item's answer is correct, false when not (or skip: true); "
                    + "correctedTrace: the teacher's steps as they should read (optional); comment (optional). Answers "
                    + "your status after it. 409 when the item is not waiting for your answer or you are paused; 429 "
                    + "with Retry-After beyond the campaign's answers per minute.")
    MyCampaign answer(@PathVariable UUID campaignId, @RequestBody AnswerRequest body) {
        if (body.itemId() == null || body.itemId().isBlank()) {
            throw new InvalidInputException("itemId", "Say which item you answer (the id the next item came with).");
        }
        return contributors.answer(
                campaignId,
                new AnswerDraft(
                        body.itemId(),
                        body.verdict(),
                        body.correctedTrace(),
                        body.comment(),
                        Boolean.TRUE.equals(body.skip())));
    }

    @GetMapping("/{campaignId}/answers")
    @Operation(summary = "Your answers and skips in the campaign, newest first")
    List<MyAnswer> history(
            @PathVariable UUID campaignId,
            @Parameter(description = "1 to 500") @RequestParam(defaultValue = "100") int limit) {
        return contributors.history(campaignId, limit);
    }

    private static String reason(MyCampaign status) {
        if (!status.campaignOpen()) {
            return "CLOSED";
        }
        if (!"ACTIVE".equals(status.status())) {
            return status.status();
        }
        if (status.cap() != null && status.answered() + status.skipped() >= status.cap()) {
            return "CAP_REACHED";
        }
        return "NOTHING_LEFT";
    }

    record JoinRequest(@Nullable String token) {}

    /** @param outcome JOINED, or ALREADY when you were a contributor before */
    record Joined(String outcome, MyCampaign campaign) {}

    /** @param reason why there is no item (null when there is one) */
    record Next(@Nullable ServedItem item, @Nullable String reason, MyCampaign status) {}

    record AnswerRequest(
            @Nullable String itemId,
            @Nullable Boolean verdict,
            @Nullable String correctedTrace,
            @Nullable String comment,
            @Nullable Boolean skip) {}
}
