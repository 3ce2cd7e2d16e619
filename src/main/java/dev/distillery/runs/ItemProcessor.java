package dev.distillery.runs;

import dev.distillery.datasets.DatasetItem;
import dev.distillery.endpoints.ModelCallException;
import dev.distillery.endpoints.ModelInvoker;
import dev.distillery.endpoints.ModelRequest;
import dev.distillery.endpoints.ModelResponse;
import dev.distillery.grading.Choice;
import dev.distillery.grading.Grade;
import dev.distillery.grading.Grader;
import dev.distillery.methods.CallRequest;
import dev.distillery.methods.CompletedCall;
import dev.distillery.methods.Method;
import dev.distillery.methods.MethodItem;
import dev.distillery.methods.Prediction;
import dev.distillery.methods.Preset;
import dev.distillery.methods.Step;
import dev.distillery.shared.DatabaseRetry;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one item to its end: replays its stored calls, asks the method for the next step, makes each call (from the
 * response cache when the same request was answered before, otherwise through the model outside any transaction),
 * hands every finished call to the {@link RunWriter} as soon as it returns, and finally grades the item and hands
 * over its result, which the writer stores after its calls and only under the item's lease. A provider error
 * becomes the item's error; the run goes on. A database that is briefly unavailable is waited for, not blamed on the
 * item.
 */
@Component
class ItemProcessor {

    private static final Logger log = LoggerFactory.getLogger(ItemProcessor.class);
    private static final int MAX_STEPS = 200;

    private final RunCalls runCalls;
    private final RunWriter writer;
    private final ModelInvoker invoker;
    private final Grader grader;
    private final DatabaseRetry retry;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    ItemProcessor(
            RunCalls runCalls,
            RunWriter writer,
            ModelInvoker invoker,
            Grader grader,
            DatabaseRetry retry,
            PlatformTransactionManager transactions,
            JsonMapper json,
            Clock clock) {
        this.runCalls = runCalls;
        this.writer = writer;
        this.invoker = invoker;
        this.grader = grader;
        this.retry = retry;
        this.tx = new TransactionTemplate(transactions);
        this.json = json;
        this.clock = clock;
    }

    /** What an item needs from its run. */
    record Job(UUID workspaceId, UUID runId, RunSnapshot run, Method method, Preset preset, String owner) {}

    /**
     * Responses already looked up for a claimed batch's first calls, so a fresh item's first call skips its own
     * look-up. A key looked up and not found means "call the model"; a key not looked up means "ask the cache".
     */
    record CacheSnapshot(Set<String> looked, Map<String, RunCalls.CachedResponse> found) {
        static final CacheSnapshot NONE = new CacheSnapshot(Set.of(), Map.of());
    }

    /** Looks up, in one query, the responses to the first calls of fresh items (methods are pure: no model needed). */
    CacheSnapshot prefetch(Job job, List<DatasetItem> fresh) {
        Set<String> keys = new HashSet<>();
        for (DatasetItem item : fresh) {
            try {
                if (job.method()
                                .next(
                                        toMethodItem(item),
                                        job.preset(),
                                        job.run().params(),
                                        job.run().decoding(),
                                        List.of())
                        instanceof Step.Calls calls) {
                    for (CallRequest call : calls.calls()) {
                        RunSnapshot.RoleEndpoint endpoint = job.run().roles().get(call.role());
                        if (endpoint != null) {
                            keys.add(cacheKey(endpoint, request(job, call)));
                        }
                    }
                }
            } catch (RuntimeException e) {
                // The item will meet the same problem when it is processed, and fail there with its message.
            }
        }
        if (keys.isEmpty()) {
            return CacheSnapshot.NONE;
        }
        return new CacheSnapshot(keys, retry.call(() -> tx.execute(s -> runCalls.cached(keys))));
    }

    /**
     * Processes the item; its model calls are made through {@code calls}. Returns the write of its result, which
     * completes once the result is stored (or could not be).
     *
     * @throws RuntimeException a transient database failure that outlasted its retries: the item is not at fault and
     *     stays unfinished, its finished calls kept
     */
    CompletableFuture<Boolean> process(
            Job job, DatasetItem item, boolean resumed, CacheSnapshot snapshot, CallQueue calls) {
        List<CompletedCall> history = new ArrayList<>(
                resumed ? retry.call(() -> tx.execute(s -> runCalls.calls(job.runId(), item.itemId()))) : List.of());
        Usage usage = new Usage();
        try {
            MethodItem methodItem = toMethodItem(item);
            for (int steps = 0; steps < MAX_STEPS; steps++) {
                Step step = job.method()
                        .next(
                                methodItem,
                                job.preset(),
                                job.run().params(),
                                job.run().decoding(),
                                List.copyOf(history));
                if (step instanceof Step.Done done) {
                    return finish(job, item, done.predictions(), usage);
                }
                for (CallRequest call : ((Step.Calls) step).calls()) {
                    history.add(call(job, item.itemId(), call, usage, snapshot, calls, history.size()));
                }
            }
            return fail(
                    job, item.itemId(), "METHOD", "The method did not finish within " + MAX_STEPS + " steps", usage);
        } catch (ModelCallException e) {
            return fail(job, item.itemId(), e.kind().name(), e.getMessage(), usage);
        } catch (IllegalArgumentException e) {
            return fail(job, item.itemId(), "METHOD", e.getMessage() == null ? e.toString() : e.getMessage(), usage);
        } catch (RuntimeException e) {
            if (DatabaseRetry.isTransient(e)) {
                throw e;
            }
            log.error("Item {} of run {} failed unexpectedly", item.itemId(), job.runId(), e);
            return fail(job, item.itemId(), "INTERNAL", e.toString(), usage);
        }
    }

    /**
     * Continues an item's method from {@code history} (stored calls, one of them corrected by a reviewer) to its
     * prediction, and grades it. Nothing is written: the run's own trace stays as it was, and the caller keeps the
     * result with the correction. Cached responses are used; new calls go to the model.
     */
    RunService.Rerun continueFrom(Job job, DatasetItem item, List<CompletedCall> history) {
        List<CompletedCall> calls = new ArrayList<>(history);
        List<Trace.Call> made = new ArrayList<>();
        MethodItem methodItem = toMethodItem(item);
        for (int steps = 0; steps < MAX_STEPS; steps++) {
            Step step = job.method()
                    .next(
                            methodItem,
                            job.preset(),
                            job.run().params(),
                            job.run().decoding(),
                            List.copyOf(calls));
            if (step instanceof Step.Done done) {
                Trace.GradedPrediction p = grade(item, done.predictions().getFirst());
                return new RunService.Rerun(p.output(), p.rule(), p.extracted(), p.correct(), made, p.version());
            }
            for (CallRequest call : ((Step.Calls) step).calls()) {
                Answer answer = answer(job, call, CacheSnapshot.NONE, null, 0);
                RunCalls.StoredCall c = answer.stored();
                made.add(new Trace.Call(
                        c.key(),
                        c.role().id(),
                        c.endpointId().toString(),
                        c.prompt(),
                        c.outputs(),
                        c.finishReason(),
                        c.promptTokens(),
                        c.completionTokens(),
                        c.latencyMs(),
                        c.attempts(),
                        c.cached()));
                calls.add(new CompletedCall(call.key(), call.role(), call.prompt(), c.outputs()));
            }
        }
        throw new IllegalArgumentException("The method did not finish within " + MAX_STEPS + " steps");
    }

    private CompletedCall call(
            Job job, String itemId, CallRequest call, Usage usage, CacheSnapshot snapshot, CallQueue calls, int made) {
        Answer answer = answer(job, call, snapshot, calls, made);
        writer.call(
                job.workspaceId(),
                new RunCalls.CallRecord(job.runId(), itemId, answer.stored(), answer.cacheKey(), clock.instant()));
        usage.add(answer.stored());
        return new CompletedCall(
                call.key(), call.role(), call.prompt(), answer.stored().outputs());
    }

    /** A call's answer and the cache key of its request. */
    private record Answer(RunCalls.StoredCall stored, String cacheKey) {}

    /**
     * Answers a call from the response cache when the same request was answered before (looked up in
     * {@code snapshot} when it was there, else now), otherwise from the model, outside any transaction; through
     * {@code calls} when given (a run's item, which has made {@code made} calls so far), else on this thread.
     */
    private Answer answer(Job job, CallRequest call, CacheSnapshot snapshot, @Nullable CallQueue calls, int made) {
        RunSnapshot.RoleEndpoint endpoint = job.run().roles().get(call.role());
        if (endpoint == null) {
            throw new IllegalArgumentException(
                    "The run has no endpoint for the " + call.role().id() + " role");
        }
        ModelRequest request = request(job, call);
        String cacheKey = cacheKey(endpoint, request);
        Optional<RunCalls.CachedResponse> cached = snapshot.looked().contains(cacheKey)
                ? Optional.ofNullable(snapshot.found().get(cacheKey))
                : retry.call(() -> runCalls.cachedNow(job.workspaceId(), cacheKey));
        if (cached.isPresent() && cached.get().outputs().size() == request.samples()) {
            var hit = cached.get();
            return new Answer(
                    new RunCalls.StoredCall(
                            call.key(),
                            call.role(),
                            endpoint.endpointId(),
                            call.prompt(),
                            hit.outputs(),
                            hit.finishReason(),
                            hit.promptTokens(),
                            hit.completionTokens(),
                            BigDecimal.ZERO,
                            0,
                            0,
                            true),
                    cacheKey);
        }
        ModelResponse response = calls == null
                ? invoker.invoke(endpoint.endpointId(), request)
                : calls.call(made, () -> invoker.invoke(endpoint.endpointId(), request));
        return new Answer(
                new RunCalls.StoredCall(
                        call.key(),
                        call.role(),
                        endpoint.endpointId(),
                        call.prompt(),
                        response.texts(),
                        response.finishReason(),
                        response.promptTokens(),
                        response.completionTokens(),
                        cost(endpoint, response.promptTokens(), response.completionTokens()),
                        response.latencyMillis(),
                        response.attempts(),
                        false),
                cacheKey);
    }

    private static ModelRequest request(Job job, CallRequest call) {
        var d = call.decoding();
        return new ModelRequest(
                call.prompt(),
                d.temperature(),
                d.topP(),
                d.maxTokens(),
                d.stop(),
                d.seed() != null ? d.seed() : job.run().seed(),
                Math.max(1, d.samples()));
    }

    private CompletableFuture<Boolean> finish(Job job, DatasetItem item, List<Prediction> predictions, Usage usage) {
        Trace.Verdicts verdicts =
                Trace.Verdicts.of(predictions.stream().map(p -> grade(item, p)).toList());
        return writer.result(
                job.workspaceId(),
                new RunItems.ItemResult(
                        job.runId(),
                        item.itemId(),
                        job.owner(),
                        verdicts.correct(),
                        json.writeValueAsString(verdicts.predictions()),
                        null,
                        null,
                        usage.promptTokens,
                        usage.completionTokens,
                        usage.cost,
                        clock.instant(),
                        Grader.VERSION,
                        verdicts.answerFound()));
    }

    Trace.GradedPrediction grade(DatasetItem item, Prediction p) {
        Grade grade = grader.grade(
                item.answerType(),
                p.rule(),
                p.output(),
                item.gold(),
                item.choices().stream()
                        .map(c -> new Choice(c.label(), c.text()))
                        .toList());
        return Trace.GradedPrediction.of(p.label(), p.output(), grade, p.artifacts());
    }

    private CompletableFuture<Boolean> fail(Job job, String itemId, String kind, String message, Usage usage) {
        return writer.result(
                job.workspaceId(),
                new RunItems.ItemResult(
                        job.runId(),
                        itemId,
                        job.owner(),
                        false,
                        null,
                        kind,
                        message,
                        usage.promptTokens,
                        usage.completionTokens,
                        usage.cost,
                        clock.instant(),
                        null,
                        null));
    }

    static MethodItem toMethodItem(DatasetItem item) {
        return new MethodItem(
                item.itemId(),
                item.question(),
                item.choices().stream()
                        .map(c -> new MethodItem.Choice(c.label(), c.text()))
                        .toList(),
                item.gold(),
                item.answerType(),
                item.decomposition());
    }

    private static BigDecimal cost(RunSnapshot.RoleEndpoint endpoint, int promptTokens, int completionTokens) {
        BigDecimal in = endpoint.inputPerMillion() == null
                ? BigDecimal.ZERO
                : endpoint.inputPerMillion().multiply(BigDecimal.valueOf(promptTokens));
        BigDecimal out = endpoint.outputPerMillion() == null
                ? BigDecimal.ZERO
                : endpoint.outputPerMillion().multiply(BigDecimal.valueOf(completionTokens));
        return in.add(out).divide(BigDecimal.valueOf(1_000_000), MathContext.DECIMAL64);
    }

    /** Endpoint + model + the rendered request + decoding + samples, hashed: identical requests share a response. */
    static String cacheKey(RunSnapshot.RoleEndpoint endpoint, ModelRequest r) {
        String material = String.join(
                "\u0000",
                endpoint.endpointId().toString(),
                endpoint.model(),
                r.prompt(),
                String.valueOf(r.temperature()),
                String.valueOf(r.topP()),
                String.valueOf(r.maxTokens()),
                String.join("\u0001", r.stop()),
                String.valueOf(r.seed()),
                String.valueOf(r.samples()));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tokens and cost of an item's calls so far. */
    private static final class Usage {
        int promptTokens;
        int completionTokens;
        BigDecimal cost = BigDecimal.ZERO;

        void add(RunCalls.StoredCall call) {
            promptTokens += call.promptTokens();
            completionTokens += call.completionTokens();
            cost = cost.add(call.cost());
        }
    }
}
