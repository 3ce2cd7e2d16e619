package dev.distillery.leaderboards;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.distillery.datasets.DatasetService;
import dev.distillery.runs.RunService;
import dev.distillery.runs.Trace;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Boards published at public URLs. An OWNER or ADMIN publishes one (a dataset and optional filters) under a slug;
 * a visitor without an account reads exactly that board: the lookup by slugs is the only query made without a
 * tenant, and the page is then read as a viewer of that workspace through the board's filter. Every visit checks
 * that the board is still published (so unpublishing takes effect at once); the built page is cached for a few
 * seconds, keyed by the board's last change, so many readers cost one build.
 */
@Service
public class PublicBoardService {

    static final Pattern SLUG = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");
    static final int MAX_SAMPLE_TRACES = 50;
    private static final Duration PAGE_CACHE = Duration.ofSeconds(10);

    private final PublicBoards boards;
    private final Entries entries;
    private final RunService runs;
    private final DatasetService datasets;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final TransactionTemplate readTx;
    private final Clock clock;
    private final Cache<String, PublicPage> pages = Caffeine.newBuilder()
            .expireAfterWrite(PAGE_CACHE)
            .maximumSize(1_000)
            .build();

    PublicBoardService(
            PublicBoards boards,
            Entries entries,
            RunService runs,
            DatasetService datasets,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.boards = boards;
        this.entries = entries;
        this.runs = runs;
        this.datasets = datasets;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.readTx = new TransactionTemplate(transactions);
        this.readTx.setReadOnly(true);
        this.clock = clock;
    }

    /** Publishes (or republishes, under the same slug) a board of one dataset. */
    @Transactional
    public PublicBoard publish(PublicBoardDraft draft) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_WORKSPACE);
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        String slug = draft.slug() == null ? "" : draft.slug().strip();
        if (!SLUG.matcher(slug).matches()) {
            errors.add(new InvalidInputException.FieldError(
                    "slug", "Use 1–64 lower-case letters, digits and hyphens, not starting or ending with a hyphen."));
        }
        String title = draft.title() == null ? "" : draft.title().strip();
        if (title.isEmpty() || title.length() > 200) {
            errors.add(
                    new InvalidInputException.FieldError("title", "Give the board a title of up to 200 characters."));
        }
        UUID datasetId = draft.datasetId();
        if (datasetId == null) {
            errors.add(new InvalidInputException.FieldError("datasetId", "Choose the dataset the board shows."));
        }
        if (draft.sampleTraces() < 0 || draft.sampleTraces() > MAX_SAMPLE_TRACES) {
            errors.add(new InvalidInputException.FieldError(
                    "sampleTraces", "Show between 0 and " + MAX_SAMPLE_TRACES + " sample traces."));
        }
        if (!errors.isEmpty() || datasetId == null) {
            throw new InvalidInputException(errors);
        }
        // The dataset must be this workspace's: another's (or none) is not found, as any of its ids would be.
        datasets.get(datasetId);
        PublicBoardDraft clean = new PublicBoardDraft(
                slug,
                title,
                datasetId,
                LeaderboardFilter.blankToNull(draft.split()),
                LeaderboardFilter.blankToNull(draft.method()),
                LeaderboardFilter.blankToNull(draft.teacher()),
                LeaderboardFilter.blankToNull(draft.student()),
                draft.sampleTraces());
        PublicBoard board =
                boards.upsert(tenant.workspaceId(), clean, tenant.actor().label(), clock.instant());
        auditLog.record(tenant, "board.published", slug, title);
        return board;
    }

    /** Takes a board off its public URL at once. */
    @Transactional
    public void unpublish(UUID boardId) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_WORKSPACE);
        PublicBoard board = boards.get(boardId).orElseThrow(() -> new NotFoundException("No board " + boardId + "."));
        if (boards.unpublish(boardId, clock.instant())) {
            auditLog.record(tenant, "board.unpublished", board.slug(), board.title());
        }
    }

    @Transactional(readOnly = true)
    public List<PublicBoard> list() {
        currentTenant.require(Permission.READ);
        return boards.list();
    }

    /** The public page behind the slugs, if such a board is published; needs no signed-in user. */
    public Optional<PublicPage> page(String workspaceSlug, String boardSlug) {
        Optional<PublicBoards.Published> found =
                Objects.requireNonNull(readTx.execute(s -> boards.findPublished(workspaceSlug, boardSlug)));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PublicBoards.Published published = found.get();
        String key = published.boardId() + "@" + published.updatedAt();
        return Optional.of(pages.get(key, k -> build(published)));
    }

    private PublicPage build(PublicBoards.Published published) {
        TenantContext reader =
                new TenantContext(published.workspaceId(), Role.VIEWER, new Actor(null, null, "public page"));
        return currentTenant.callAs(
                reader,
                () -> Objects.requireNonNull(readTx.execute(s -> {
                    PublicBoard board = boards.get(published.boardId()).orElseThrow();
                    List<LeaderboardRow> rows = entries.rows(board.filter());
                    String dataset = rows.isEmpty() ? "" : rows.getFirst().datasetName();
                    return new PublicPage(
                            board.title(),
                            published.workspaceName(),
                            dataset,
                            board.split(),
                            rows,
                            sample(rows, board.sampleTraces()),
                            clock.instant(),
                            published.boardId() + "-" + published.updatedAt().toEpochMilli() + "-" + rows.hashCode());
                })));
    }

    private List<PublicPage.SampleTrace> sample(List<LeaderboardRow> rows, int count) {
        if (count == 0) {
            return List.of();
        }
        Optional<LeaderboardRow> newest = rows.stream()
                .filter(r -> !r.baseline())
                .findFirst()
                .or(() -> rows.stream().findFirst());
        return newest.map(row -> runs.traces(row.runId(), null, 0, count).stream()
                        .filter(t -> !t.predictions().isEmpty())
                        .map(PublicBoardService::sampleOf)
                        .toList())
                .orElse(List.of());
    }

    private static PublicPage.SampleTrace sampleOf(Trace trace) {
        Trace.GradedPrediction prediction = trace.predictions().getFirst();
        @Nullable
        String steps = trace.calls().stream()
                .filter(c -> c.role().equalsIgnoreCase("teacher"))
                .flatMap(c -> c.outputs().stream())
                .findFirst()
                .orElse(null);
        return new PublicPage.SampleTrace(
                trace.itemId(),
                trace.question(),
                trace.gold(),
                steps,
                prediction.output(),
                prediction.extracted(),
                prediction.correct());
    }
}
