package dev.distillery.campaigns.api;

import dev.distillery.campaigns.CampaignDraft;
import dev.distillery.campaigns.CampaignService;
import dev.distillery.campaigns.CampaignSummary;
import dev.distillery.campaigns.ContributorStats;
import dev.distillery.campaigns.CreatedCampaign;
import dev.distillery.campaigns.ItemDecision;
import dev.distillery.campaigns.Progress;
import dev.distillery.review.QueueService.Selection;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** Crowd review campaigns of the API key's workspace, for its owners and admins. */
@RestController
@RequestMapping("/api/v1/campaigns")
@Tag(name = "Campaigns")
@SecurityRequirement(name = "apiKey")
class CampaignController {

    private static final Set<String> STATES = Set.of("OPEN", "FINAL", "ADJUDICATION", "GOLD");
    /** Items per page of the export: memory stays bounded however large the campaign. */
    static final int EXPORT_PAGE = 500;

    private final CampaignService campaigns;
    private final JsonMapper json;

    CampaignController(CampaignService campaigns, JsonMapper json) {
        this.campaigns = campaigns;
        this.json = json;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Make a campaign of a completed run's items",
            description = "runId, title and instructions are required; the rest default to three reviews of the "
                    + "incorrect items, 10 % gold, gold judged after 5 answers with 70 % to stay, decided at a posterior "
                    + "of 0.95, 20 answers a minute per contributor, answers under 5 s flagged. selection ALL, INCORRECT "
                    + "or SAMPLE (with sampleSize). The answer carries joinToken and joinUrl once: only the token's hash "
                    + "is kept (POST /{id}/join-link makes a new one).")
    ResponseEntity<Created> create(@RequestBody CampaignRequest body) {
        if (body.runId() == null) {
            throw new InvalidInputException("runId", "Say which run's items the campaign reviews (runId).");
        }
        CampaignDraft defaults = CampaignDraft.defaults(body.runId(), "", "");
        CampaignDraft draft = new CampaignDraft(
                body.runId(),
                body.title() == null ? "" : body.title(),
                body.instructions() == null ? "" : body.instructions(),
                or(body.reviewsPerItem(), defaults.reviewsPerItem()),
                body.selection() == null ? defaults.selection() : selection(body.selection()),
                body.sampleSize(),
                or(body.goldShare(), defaults.goldShare()),
                or(body.goldMinAnswers(), defaults.goldMinAnswers()),
                or(body.goldThreshold(), defaults.goldThreshold()),
                or(body.decideThreshold(), defaults.decideThreshold()),
                body.capPerContributor(),
                or(body.answersPerMinute(), defaults.answersPerMinute()),
                or(body.minSecondsPerItem(), defaults.minSecondsPerItem()),
                body.endsAt(),
                Boolean.TRUE.equals(body.listed()));
        CreatedCampaign created = campaigns.create(draft);
        UUID id = created.campaign().id();
        return ResponseEntity.created(URI.create("/api/v1/campaigns/" + id))
                .body(new Created(created.campaign(), created.joinToken(), joinUrl(created.joinToken())));
    }

    @GetMapping
    @Operation(summary = "The workspace's campaigns, newest first, with their progress")
    List<CampaignSummary> list(
            @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "50") int limit) {
        return campaigns.list(offset, limit);
    }

    @GetMapping("/{id}")
    @Operation(summary = "A campaign: its settings and progress")
    CampaignSummary get(@PathVariable UUID id) {
        return campaigns.get(id);
    }

    @PostMapping("/{id}/close")
    @Operation(summary = "Close the campaign: nobody joins or is served any more; answers given stay (409 if closed)")
    CampaignSummary close(@PathVariable UUID id) {
        return campaigns.close(id);
    }

    @PostMapping("/{id}/join-link")
    @Operation(summary = "Replace the join link: the old one stops working; the new token is shown this once")
    JoinLink joinLink(@PathVariable UUID id) {
        String token = campaigns.newJoinToken(id);
        return new JoinLink(token, joinUrl(token));
    }

    @PutMapping(path = "/{id}/gold/{itemId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Mark an item gold with its known verdict",
            description = "verdict: true when the item's answer is correct; referenceTrace (optional): the teacher "
                    + "trace as it should read. Contributors are not told which items are gold.")
    ItemDecision setGold(@PathVariable UUID id, @PathVariable String itemId, @RequestBody GoldRequest body) {
        if (body.verdict() == null) {
            throw new InvalidInputException(
                    "verdict", "Give the gold verdict: true when the answer is correct, false when not.");
        }
        return campaigns.setGold(id, itemId, body.verdict(), body.referenceTrace());
    }

    @DeleteMapping("/{id}/gold/{itemId}")
    @Operation(summary = "Unmark a gold item: it is reviewed like any other")
    ItemDecision removeGold(@PathVariable UUID id, @PathVariable String itemId) {
        return campaigns.setGold(id, itemId, null, null);
    }

    @GetMapping("/{id}/items")
    @Operation(
            summary = "Items in order with their consensus: state, posterior, final verdict and trace, why, and votes",
            description = "Each vote: the contributor's name and user id (names may be shared; the id is the one "
                    + "/contributors lists), verdict, whether they corrected the trace, and the weight "
                    + "the consensus gave it (log-odds of their reliability).")
    List<ItemDecision> items(
            @PathVariable UUID id,
            @Parameter(description = "OPEN, FINAL, ADJUDICATION or GOLD; all when absent")
                    @RequestParam(required = false)
                    @Nullable
                    String state,
            @RequestParam(defaultValue = "0") int offset,
            @Parameter(description = "1 to 1,000") @RequestParam(defaultValue = "50") int limit) {
        String filter = null;
        if (state != null && !state.isBlank()) {
            filter = state.strip().toUpperCase(Locale.ROOT);
            if (!STATES.contains(filter)) {
                throw new InvalidInputException(
                        "state", "The state is OPEN, FINAL, ADJUDICATION or GOLD, not '" + state + "'.");
            }
        }
        return campaigns.decisions(id, filter, offset, limit);
    }

    @GetMapping("/{id}/contributors")
    @Operation(
            summary = "The campaign's contributors with their status and quality",
            description = "Answers, skips, seconds per item, gold accuracy, agreement with final verdicts, the model's "
                    + "reliability, and answers quicker than the campaign's minimum time (suspicious).")
    List<ContributorStats> contributors(@PathVariable UUID id) {
        return campaigns.contributors(id);
    }

    @PostMapping("/{id}/contributors/{userId}/pause")
    @Operation(
            summary = "Pause a contributor: they are served nothing more; their answers on undecided items are set"
                    + " aside")
    ContributorStats pause(@PathVariable UUID id, @PathVariable UUID userId) {
        campaigns.pause(id, userId);
        return contributor(id, userId);
    }

    @PostMapping("/{id}/contributors/{userId}/resume")
    @Operation(summary = "Let a paused contributor go on (answers set aside stay aside)")
    ContributorStats resume(@PathVariable UUID id, @PathVariable UUID userId) {
        campaigns.resume(id, userId);
        return contributor(id, userId);
    }

    @DeleteMapping("/{id}/contributors/{userId}")
    @Operation(
            summary = "Remove a contributor and exclude every answer they gave",
            description = "The items they answered are decided again from the answers that remain; in the audit log.")
    ResponseEntity<Void> remove(@PathVariable UUID id, @PathVariable UUID userId) {
        campaigns.remove(id, userId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/recompute")
    @Operation(
            summary = "Fit the reliability model again on every answer and decide the items not yet final",
            description = "Answers are scored as they come; this corrects the drift of incremental updates.")
    Recomputed recompute(@PathVariable UUID id) {
        return new Recomputed(campaigns.recompute(id));
    }

    @GetMapping("/{id}/progress")
    @Operation(summary = "Answers and final items by hour, cumulative")
    List<Progress> progress(@PathVariable UUID id) {
        return campaigns.progress(id);
    }

    @GetMapping(path = "/{id}/consensus.jsonl", produces = "application/x-ndjson")
    @Operation(
            summary = "The consensus as JSON Lines, one item a line, in order",
            description = "Each line: itemId, position, gold, state, answers, votes [{contributor, contributorId, "
                    + "verdict, corrected, weight}], posterior (P(correct)), finalVerdict, finalTrace (null when the trace stays as shown), "
                    + "reason, appliedRevision (the trace revision the decision was saved as). Streamed page by page; "
                    + "each page is read in its own transaction.")
    void consensus(@PathVariable UUID id, HttpServletResponse response) throws IOException {
        CampaignSummary campaign = campaigns.get(id);
        response.setContentType("application/x-ndjson");
        response.setCharacterEncoding("UTF-8");
        response.setHeader(
                "Content-Disposition", "attachment; filename=\"campaign-" + campaign.id() + "-consensus.jsonl\"");
        OutputStream out = response.getOutputStream();
        for (int offset = 0; ; offset += EXPORT_PAGE) {
            List<ItemDecision> page = campaigns.decisions(id, null, offset, EXPORT_PAGE);
            for (ItemDecision d : page) {
                out.write(json.writeValueAsBytes(ConsensusLine.of(d)));
                out.write('\n');
            }
            out.flush();
            if (page.size() < EXPORT_PAGE) {
                return;
            }
        }
    }

    private ContributorStats contributor(UUID id, UUID userId) {
        return campaigns.contributors(id).stream()
                .filter(c -> c.userId().equals(userId))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("This campaign has no such contributor."));
    }

    private static String joinUrl(String token) {
        return "/join/" + token;
    }

    private static Selection selection(String value) {
        try {
            return Selection.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("selection", "Choose ALL, INCORRECT or SAMPLE, not '" + value + "'.");
        }
    }

    private static int or(@Nullable Integer value, int otherwise) {
        return value == null ? otherwise : value;
    }

    private static double or(@Nullable Double value, double otherwise) {
        return value == null ? otherwise : value;
    }

    record CampaignRequest(
            @Nullable UUID runId,
            @Nullable String title,
            @Nullable String instructions,
            @Nullable Integer reviewsPerItem,
            @Nullable String selection,
            @Nullable Integer sampleSize,
            @Nullable Double goldShare,
            @Nullable Integer goldMinAnswers,
            @Nullable Double goldThreshold,
            @Nullable Double decideThreshold,
            @Nullable Integer capPerContributor,
            @Nullable Integer answersPerMinute,
            @Nullable Double minSecondsPerItem,
            @Nullable Instant endsAt,
            @Nullable Boolean listed) {}

    /** A new campaign and its join link, shown this once. */
    record Created(CampaignSummary campaign, String joinToken, String joinUrl) {}

    record JoinLink(String joinToken, String joinUrl) {}

    record GoldRequest(@Nullable Boolean verdict, @Nullable String referenceTrace) {}

    record Recomputed(int decided) {}

    /** One line of the consensus export. */
    record ConsensusLine(
            String itemId,
            int position,
            boolean gold,
            String state,
            int answers,
            List<ItemDecision.Vote> votes,
            @Nullable Double posterior,
            @Nullable Boolean finalVerdict,
            @Nullable String finalTrace,
            @Nullable String reason,
            @Nullable Integer appliedRevision) {

        static ConsensusLine of(ItemDecision d) {
            return new ConsensusLine(
                    d.itemId(),
                    d.position(),
                    d.gold(),
                    d.state(),
                    d.answers(),
                    d.votes(),
                    d.posterior(),
                    d.finalVerdict(),
                    d.finalTrace(),
                    d.reason(),
                    d.appliedRevision());
        }
    }
}
