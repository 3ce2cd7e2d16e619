package dev.distillery.runs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.grading.Choice;
import dev.distillery.grading.Grade;
import dev.distillery.grading.Grader;
import dev.distillery.methods.CompletedCall;
import dev.distillery.methods.Method;
import dev.distillery.methods.Methods;
import dev.distillery.methods.Prediction;
import dev.distillery.methods.Step;
import dev.distillery.shared.AfterCommit;
import dev.distillery.shared.AnswerType;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.tenancy.Actor;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.TenantContext;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Re-grades a run's stored outputs with the current grader, calling no model: the db-scheduler task {@value #TASK}
 * (durable, revived after a crash). Items go in batches; each batch is read in one transaction, graded outside any
 * (computer algebra takes time), and written in another, so a crash repeats at most one batch and an item already
 * carrying the current version is never graded twice. A run's item is replayed through its method over the stored
 * calls, which gives the predictions and the extraction rules the method asked for, exactly as when the run made
 * them; an imported item's output is graded with the default rules. The last transaction marks the re-grade done and
 * publishes {@link RunRegraded}.
 */
@Component
class RunRegrades {

    static final String TASK = "run-regrade";
    private static final int BATCH = 200;
    private static final TypeReference<List<Trace.GradedPrediction>> PREDICTIONS = new TypeReference<>() {};
    private static final Logger log = LoggerFactory.getLogger(RunRegrades.class);

    private final Runs runs;
    private final RunItems runItems;
    private final RunCalls runCalls;
    private final DatasetService datasets;
    private final Grader grader;
    private final ObjectProvider<Scheduler> scheduler;
    private final ApplicationEventPublisher events;
    private final AuditLog auditLog;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    RunRegrades(
            Runs runs,
            RunItems runItems,
            RunCalls runCalls,
            DatasetService datasets,
            Grader grader,
            ObjectProvider<Scheduler> scheduler,
            ApplicationEventPublisher events,
            AuditLog auditLog,
            PlatformTransactionManager transactions,
            JsonMapper json,
            Clock clock) {
        this.runs = runs;
        this.runItems = runItems;
        this.runCalls = runCalls;
        this.datasets = datasets;
        this.grader = grader;
        this.scheduler = scheduler;
        this.events = events;
        this.auditLog = auditLog;
        this.tx = new TransactionTemplate(transactions);
        this.json = json;
        this.clock = clock;
    }

    /** The task's data: who asked, for which run. */
    record RegradeData(
            UUID workspaceId, String role, @Nullable UUID userId, String actor, UUID runId) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        TenantContext requester() {
            return new TenantContext(workspaceId, Role.valueOf(role), new Actor(userId, null, actor));
        }
    }

    /** Schedules the re-grade in the caller's transaction (once per run at a time) and wakes the scheduler after it commits. */
    void schedule(TenantContext requester, UUID runId) {
        scheduler
                .getObject()
                .scheduleIfNotExists(
                        new TaskInstance<>(
                                TASK,
                                runId.toString(),
                                new RegradeData(
                                        requester.workspaceId(),
                                        requester.role().name(),
                                        requester.actor().userId(),
                                        requester.actor().label(),
                                        runId)),
                        clock.instant());
        AfterCommit.run(() -> scheduler.getObject().triggerCheckForDueExecutions());
    }

    /** Re-grades every finished item not graded by the current version yet; the caller's tenant is the requester's. */
    void regrade(TenantContext requester, UUID runId) {
        RunSnapshot run = tx.execute(s -> runs.snapshot(runId)).orElseThrow();
        boolean imported = Boolean.TRUE.equals(tx.execute(s -> runs.imported(runId)));
        Ways ways = ways(run, imported);
        int regraded = 0;
        int changed = 0;
        int after = -1;
        while (true) {
            int from = after;
            List<RunItems.StaleItem> stale = tx.execute(s -> runItems.staleItems(runId, Grader.VERSION, from, BATCH));
            if (stale == null || stale.isEmpty()) {
                break;
            }
            after = stale.getLast().position();
            List<String> ids = stale.stream().map(RunItems.StaleItem::itemId).toList();
            Batch batch = tx.execute(s -> new Batch(
                    datasets.itemsByIds(run.datasetVersionId(), ids).stream()
                            .collect(java.util.stream.Collectors.toMap(DatasetItem::itemId, i -> i)),
                    ways.method() == null ? Map.of() : runCalls.callsOf(runId, ids)));
            List<RunItems.Regraded> results = new ArrayList<>(stale.size());
            for (RunItems.StaleItem item : stale) {
                Trace.Verdicts verdicts = regrade(
                        ways,
                        Objects.requireNonNull(batch.items().get(item.itemId()), item.itemId()),
                        item,
                        batch.calls().getOrDefault(item.itemId(), List.of()));
                changed += verdicts.correct() != item.correct() ? 1 : 0;
                results.add(new RunItems.Regraded(
                        item.itemId(),
                        verdicts.correct(),
                        json.writeValueAsString(verdicts.predictions()),
                        Grader.VERSION,
                        verdicts.answerFound()));
            }
            tx.executeWithoutResult(s -> runItems.recordRegraded(runId, results));
            regraded += results.size();
        }
        int items = regraded;
        int differ = changed;
        tx.executeWithoutResult(s -> {
            runs.finishRegrade(runId, clock.instant());
            auditLog.record(
                    requester,
                    "run.regraded",
                    runId.toString(),
                    items + " items re-graded with grader version " + Grader.VERSION + ", " + differ
                            + " changed their verdict");
            events.publishEvent(new RunRegraded(runId, requester.workspaceId(), Grader.VERSION, differ));
        });
        log.info("Run {} re-graded with grader {}: {} items, {} changed", runId, Grader.VERSION, items, differ);
    }

    private record Batch(Map<String, DatasetItem> items, Map<String, List<CompletedCall>> calls) {}

    /** How a run's outputs are graded: through its method, or (imported, or no longer known) as they were stored. */
    record Ways(
            RunSnapshot run,
            @Nullable Method method,
            @Nullable AnswerType answerType) {}

    Ways ways(RunSnapshot run, boolean imported) {
        return new Ways(
                run,
                imported
                        ? null
                        : Methods.byId(run.method())
                                .map(m -> Methods.forRoles(m, run.roles().keySet()))
                                .orElse(null),
                answerTypeOverride(run, imported));
    }

    private static @Nullable AnswerType answerTypeOverride(RunSnapshot run, boolean imported) {
        Object type = run.params().get("answerType");
        return imported && type instanceof String id ? AnswerType.fromId(id) : null;
    }

    /** One item's verdicts with the current grader. */
    Trace.Verdicts regrade(Ways ways, DatasetItem item, RunItems.StaleItem stored, List<CompletedCall> calls) {
        List<Prediction> replayed = ways.method() == null ? null : replay(ways, item, calls);
        if (replayed != null) {
            return Trace.Verdicts.of(replayed.stream()
                    .map(p -> grade(item, p.rule(), ways.answerType(), p.label(), p.output(), p.artifacts()))
                    .toList());
        }
        List<Trace.GradedPrediction> before = json.readValue(stored.results(), PREDICTIONS);
        return Trace.Verdicts.of(before.stream()
                .map(p -> grade(item, null, ways.answerType(), p.label(), p.output(), p.artifacts()))
                .toList());
    }

    /**
     * Grades a re-run's output (a student answer on a corrected trace) as the item's own first prediction is graded:
     * with the rule the method asks for, found by replaying the item's stored calls.
     */
    Grade gradeLike(Ways ways, DatasetItem item, List<CompletedCall> calls, String output) {
        List<Prediction> replayed = ways.method() == null ? null : replay(ways, item, calls);
        String rule = replayed == null || replayed.isEmpty()
                ? null
                : replayed.getFirst().rule();
        return grader.grade(
                ways.answerType() != null ? ways.answerType() : item.answerType(),
                rule,
                output,
                item.gold(),
                choices(item));
    }

    /** The item's predictions from its stored calls, as the method gives them; null when the calls do not finish it. */
    private static @Nullable List<Prediction> replay(Ways ways, DatasetItem item, List<CompletedCall> calls) {
        Method method = ways.method();
        if (method == null) {
            return null;
        }
        try {
            Step step = method.next(
                    ItemProcessor.toMethodItem(item),
                    ways.run().presetSnapshot().toPreset(),
                    ways.run().params(),
                    ways.run().decoding(),
                    calls);
            return step instanceof Step.Done done ? done.predictions() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Trace.GradedPrediction grade(
            DatasetItem item,
            @Nullable String rule,
            @Nullable AnswerType override,
            String label,
            String output,
            Map<String, String> artifacts) {
        Grade grade =
                grader.grade(override != null ? override : item.answerType(), rule, output, item.gold(), choices(item));
        return Trace.GradedPrediction.of(label, output, grade, artifacts);
    }

    private static List<Choice> choices(DatasetItem item) {
        return item.choices().stream().map(c -> new Choice(c.label(), c.text())).toList();
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfiguration {
        @Bean
        OneTimeTask<RegradeData> runRegradeTask(
                @Lazy RunRegrades regrades, CurrentTenant currentTenant, DatabaseRetry retry) {
            return Tasks.oneTime(TASK, RegradeData.class).execute((instance, context) -> {
                RegradeData data = instance.getData();
                // Batches already re-graded are not stale any more, so starting again after a restart repeats none.
                retry.run(() -> currentTenant.callAs(data.requester(), () -> {
                    regrades.regrade(data.requester(), data.runId());
                    return null;
                }));
            });
        }
    }
}
