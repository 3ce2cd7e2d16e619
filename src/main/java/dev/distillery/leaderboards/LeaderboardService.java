package dev.distillery.leaderboards;

import dev.distillery.endpoints.EndpointService;
import dev.distillery.review.CorrectionService;
import dev.distillery.runs.ItemOutcome;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunProgress;
import dev.distillery.runs.RunService;
import dev.distillery.runs.RunStatus;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Leaderboards of the workspace: reads boards from the stored entries, and refreshes a run's entry (and the entries
 * compared with it) when it changes. A method's gain is measured against the student's own baseline run on exactly
 * the same items; entries on other items are never compared, and say so.
 */
@Service
public class LeaderboardService {

    /** Student-only methods, in the order a baseline is preferred when a student has several on the same items. */
    static final List<String> BASELINE_METHODS =
            List.of("standard", "zero-shot", "zero-shot-cot", "plan-and-solve", "few-shot-cot");

    private final Entries entries;
    private final RunService runs;
    private final CorrectionService corrections;
    private final EndpointService endpoints;
    private final CurrentTenant currentTenant;
    private final TransactionTemplate tx;
    private final Clock clock;

    LeaderboardService(
            Entries entries,
            RunService runs,
            CorrectionService corrections,
            EndpointService endpoints,
            CurrentTenant currentTenant,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.tx = new TransactionTemplate(transactions);
        this.endpoints = endpoints;
        this.entries = entries;
        this.runs = runs;
        this.corrections = corrections;
        this.currentTenant = currentTenant;
        this.clock = clock;
    }

    /** The board's rows, newest first. */
    @Transactional(readOnly = true)
    public List<LeaderboardRow> rows(LeaderboardFilter filter) {
        currentTenant.require(Permission.READ);
        return entries.rows(filter);
    }

    /** Whether any run of the workspace has finished and is on its boards. */
    @Transactional(readOnly = true)
    public boolean hasAny() {
        currentTenant.require(Permission.READ);
        return entries.any();
    }

    /**
     * The largest gains over the students' baselines that are significant (McNemar's p below 0.05), largest first.
     */
    @Transactional(readOnly = true)
    public List<LeaderboardRow> significantGains(int limit) {
        currentTenant.require(Permission.READ);
        return entries.significantGains(0.05, Math.clamp(limit, 1, 100));
    }

    /**
     * The most recent dataset: the one of the newest entry that passes the filter's other fields (its dataset is
     * ignored). A board shows one dataset at a time, since accuracies on different datasets do not compare; this is
     * the one it opens on. Empty when no entry passes.
     */
    @Transactional(readOnly = true)
    public Optional<UUID> latestDataset(LeaderboardFilter filter) {
        currentTenant.require(Permission.READ);
        return entries.newestDataset(filter.withDataset(null));
    }

    /**
     * Rebuilds a run's entry from its verdicts and compares it (or, for a baseline, the runs measured by it) anew. The
     * run is read through the other modules' services first (each in its own transaction, so a run deleted meanwhile
     * is simply skipped); the entries are then written in one transaction.
     */
    public void refresh(UUID runId) {
        TenantContext tenant = Objects.requireNonNull(tx.execute(s -> currentTenant.require(Permission.READ)));
        // Bound for the transactions that follow, whatever the caller's context would resolve to in each.
        currentTenant.callAs(tenant, () -> {
            Optional<RunDetails> found = find(runId);
            if (found.isEmpty() || found.get().status() != RunStatus.COMPLETED) {
                // Gone, or restarted by "retry failed": its next completion refreshes it again.
                return null;
            }
            RunDetails run = found.get();
            Entry entry = entry(
                    tenant.workspaceId(),
                    run,
                    runs.outcomes(runId),
                    runs.progress(runId),
                    corrections.rerunVerdicts(runId),
                    studentBillions(run));
            tx.executeWithoutResult(s -> store(entry));
            return null;
        });
    }

    private void store(Entry entry) {
        UUID runId = entry.runId();
        if (entry.studentId() == null) {
            entries.upsert(entry, clock.instant());
            entries.compared(runId, null, "No student in this method: nothing to compare.", null, null);
            return;
        }
        entries.lockGroup(entry.datasetVersionId(), entry.split(), entry.studentId());
        entries.upsert(entry, clock.instant());
        List<Entry.Verdicts> baselines = entries.baselines(entry.datasetVersionId(), entry.split(), entry.studentId());
        if (entry.baseline()) {
            entries.compared(runId, null, null, null, null);
            for (Entry.Verdicts measured :
                    entries.measured(entry.datasetVersionId(), entry.split(), entry.studentId())) {
                compare(measured, baselines);
            }
        } else {
            compare(
                    new Entry.Verdicts(
                            runId,
                            entry.runName(),
                            entry.method(),
                            entry.itemsKey(),
                            entry.n(),
                            entry.correct(),
                            entry.outcomes(),
                            entry.corrected(),
                            entry.finishedAt()),
                    baselines);
        }
    }

    /** The size the student's endpoint declares, if it still exists and says. */
    private @Nullable Double studentBillions(RunDetails run) {
        RunDetails.RoleEndpoint student = student(run);
        if (student == null) {
            return null;
        }
        try {
            return endpoints.get(student.endpointId()).parameterCountBillions();
        } catch (NotFoundException e) {
            return null;
        }
    }

    private Optional<RunDetails> find(UUID runId) {
        try {
            return Optional.of(runs.get(runId));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private void compare(Entry.Verdicts measured, List<Entry.Verdicts> baselines) {
        Optional<Entry.Verdicts> baseline = baselines.stream()
                .filter(b ->
                        b.itemsKey().equals(measured.itemsKey()) && !b.runId().equals(measured.runId()))
                .min(Comparator.comparingInt((Entry.Verdicts b) -> BASELINE_METHODS.indexOf(b.method()))
                        .thenComparing(Entry.Verdicts::finishedAt, Comparator.reverseOrder()));
        if (baseline.isEmpty()) {
            String note = baselines.isEmpty()
                    ? "No baseline run of this student on this split: run a student-only method (e.g. standard) on the same items."
                    : "The student's baseline runs cover other items ("
                            + baselines.getFirst().n() + " vs " + measured.n() + "): not compared.";
            entries.compared(measured.runId(), null, note, null, null);
            return;
        }
        Entry.Verdicts b = baseline.get();
        long seed = measured.runId().getLeastSignificantBits() ^ b.runId().getMostSignificantBits();
        Statistics.Comparison original = Statistics.compare(measured.outcomes(), b.outcomes(), measured.n(), seed);
        Statistics.Comparison corrected = measured.corrected() == null
                ? null
                : Statistics.compare(measured.corrected(), b.outcomes(), measured.n(), seed);
        entries.compared(measured.runId(), b, null, original, corrected);
    }

    static Entry entry(
            UUID workspaceId,
            RunDetails run,
            List<ItemOutcome> outcomes,
            RunProgress progress,
            Map<String, Boolean> reruns,
            @Nullable Double studentBillions) {
        BitSet verdicts = new BitSet(outcomes.size());
        BitSet corrected = reruns.isEmpty() ? null : new BitSet(outcomes.size());
        int errors = 0;
        int correctedItems = 0;
        MessageDigest digest = sha256();
        for (int i = 0; i < outcomes.size(); i++) {
            ItemOutcome outcome = outcomes.get(i);
            digest.update(outcome.itemId().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            verdicts.set(i, outcome.correct());
            errors += outcome.error() ? 1 : 0;
            if (corrected != null) {
                Boolean rerun = reruns.get(outcome.itemId());
                correctedItems += rerun == null ? 0 : 1;
                corrected.set(i, rerun == null ? outcome.correct() : rerun);
            }
        }
        RunDetails.RoleEndpoint teacher = run.roles().get("teacher");
        RunDetails.RoleEndpoint student = student(run);
        boolean baseline = teacher == null && BASELINE_METHODS.contains(run.method());
        return new Entry(
                workspaceId,
                run.id(),
                run.name(),
                run.datasetId(),
                run.datasetName(),
                run.datasetVersionId(),
                run.datasetVersion(),
                run.split(),
                run.method(),
                run.preset(),
                baseline,
                id(teacher),
                name(teacher),
                id(student),
                name(student),
                student == null ? null : student.model(),
                studentBillions,
                outcomes.size(),
                verdicts.cardinality(),
                errors,
                progress.promptTokens(),
                progress.completionTokens(),
                progress.cost(),
                HexFormat.of().formatHex(digest.digest()),
                verdicts,
                corrected,
                correctedItems,
                run.imported(),
                run.createdBy(),
                run.finishedAt() == null ? run.createdAt() : run.finishedAt());
    }

    /** The model a result is the student's: the student, or in Socratic inference the solver. */
    private static RunDetails.@Nullable RoleEndpoint student(RunDetails run) {
        return Optional.ofNullable(run.roles().get("student"))
                .orElse(run.roles().get("solver"));
    }

    private static @Nullable UUID id(RunDetails.@Nullable RoleEndpoint endpoint) {
        return endpoint == null ? null : endpoint.endpointId();
    }

    private static @Nullable String name(RunDetails.@Nullable RoleEndpoint endpoint) {
        return endpoint == null ? null : endpoint.name();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
