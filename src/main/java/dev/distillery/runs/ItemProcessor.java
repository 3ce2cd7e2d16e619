package dev.distillery.runs;

import dev.distillery.datasets.DatasetItem;
import dev.distillery.endpoints.ModelCallException;
import dev.distillery.endpoints.ModelInvoker;
import dev.distillery.endpoints.ModelRequest;
import dev.distillery.endpoints.ModelResponse;
import dev.distillery.methods.CallRequest;
import dev.distillery.methods.CompletedCall;
import dev.distillery.methods.Grade;
import dev.distillery.methods.Grader;
import dev.distillery.methods.Method;
import dev.distillery.methods.MethodItem;
import dev.distillery.methods.Prediction;
import dev.distillery.methods.Preset;
import dev.distillery.methods.Step;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one item to its end: replays its stored calls, asks the method for the next step, makes each call (from the
 * response cache when the same request was answered before, otherwise through the model outside any transaction),
 * stores every finished call before going on, and finally grades and records the item once. A provider error
 * becomes the item's error; the run goes on.
 */
@Component
class ItemProcessor {

    private static final Logger log = LoggerFactory.getLogger(ItemProcessor.class);
    private static final int MAX_STEPS = 200;

    private final Runs runs;
    private final ModelInvoker invoker;
    private final Grader grader;
    private final TransactionTemplate tx;
    private final Clock clock;

    ItemProcessor(Runs runs, ModelInvoker invoker, Grader grader, PlatformTransactionManager transactions, Clock clock) {
        this.runs = runs;
        this.invoker = invoker;
        this.grader = grader;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** What an item needs from its run. */
    record Job(UUID workspaceId, UUID runId, RunSnapshot run, Method method, Preset preset, String owner) {
    }

    void process(Job job, DatasetItem item, boolean resumed) {
        List<CompletedCall> history = new ArrayList<>(resumed ? tx.execute(s -> runs.calls(job.runId(), item.itemId())) : List.of());
        Usage usage = new Usage();
        // A finished call is written in the very next transaction, together with the next cache look-up or the
        // item's result: no model call starts before it is stored, and each step costs one round of the database.
        Pending pending = new Pending();
        try {
            MethodItem methodItem = toMethodItem(item);
            for (int steps = 0; steps < MAX_STEPS; steps++) {
                Step step = job.method().next(methodItem, job.preset(), job.run().params(), job.run().decoding(), List.copyOf(history));
                if (step instanceof Step.Done done) {
                    finish(job, item, done.predictions(), usage, pending);
                    return;
                }
                for (CallRequest call : ((Step.Calls) step).calls()) {
                    history.add(call(job, item.itemId(), call, usage, pending));
                }
            }
            fail(job, item.itemId(), "METHOD", "The method did not finish within " + MAX_STEPS + " steps", usage, pending);
        } catch (ModelCallException e) {
            fail(job, item.itemId(), e.kind().name(), e.getMessage(), usage, pending);
        } catch (IllegalArgumentException e) {
            fail(job, item.itemId(), "METHOD", e.getMessage() == null ? e.toString() : e.getMessage(), usage, pending);
        } catch (RuntimeException e) {
            log.error("Item {} of run {} failed unexpectedly", item.itemId(), job.runId(), e);
            fail(job, item.itemId(), "INTERNAL", e.toString(), usage, pending);
        }
    }

    private CompletedCall call(Job job, String itemId, CallRequest call, Usage usage, Pending pending) {
        RunSnapshot.RoleEndpoint endpoint = job.run().roles().get(call.role());
        if (endpoint == null) {
            throw new IllegalArgumentException("The run has no endpoint for the " + call.role().id() + " role");
        }
        var d = call.decoding();
        ModelRequest request = new ModelRequest(call.prompt(), d.temperature(), d.topP(), d.maxTokens(), d.stop(),
                d.seed() != null ? d.seed() : job.run().seed(), Math.max(1, d.samples()));
        String cacheKey = cacheKey(endpoint, request);
        Optional<Runs.CachedResponse> cached = tx.execute(s -> {
            pending.flush(job, itemId);
            return runs.cached(cacheKey);
        });
        Runs.StoredCall stored;
        if (cached.isPresent() && cached.get().outputs().size() == request.samples()) {
            var hit = cached.get();
            stored = new Runs.StoredCall(call.key(), call.role(), endpoint.endpointId(), call.prompt(), hit.outputs(),
                    hit.finishReason(), hit.promptTokens(), hit.completionTokens(), BigDecimal.ZERO, 0, 0, true);
        } else {
            ModelResponse response = invoker.invoke(endpoint.endpointId(), request);
            stored = new Runs.StoredCall(call.key(), call.role(), endpoint.endpointId(), call.prompt(), response.texts(),
                    response.finishReason(), response.promptTokens(), response.completionTokens(),
                    cost(endpoint, response.promptTokens(), response.completionTokens()), response.latencyMillis(),
                    response.attempts(), false);
        }
        pending.set(stored, cacheKey);
        usage.add(stored);
        return new CompletedCall(call.key(), call.role(), call.prompt(), stored.outputs());
    }

    private void finish(Job job, DatasetItem item, List<Prediction> predictions, Usage usage, Pending pending) {
        List<Trace.GradedPrediction> graded = new ArrayList<>();
        for (Prediction p : predictions) {
            Grade grade = grader.grade(item.answerType(), p.rule(), p.output(), item.gold(),
                    item.choices().stream().map(c -> new MethodItem.Choice(c.label(), c.text())).toList());
            graded.add(new Trace.GradedPrediction(p.label(), p.output(), grade.rule(), grade.extracted(), grade.correct(),
                    grade.flagged(), p.artifacts()));
        }
        // One prediction: its verdict. Several samples (diverse reasoning): correct when any sample is kept.
        boolean correct = graded.stream().anyMatch(Trace.GradedPrediction::correct);
        String results = runs.json().writeValueAsString(graded);
        tx.executeWithoutResult(s -> {
            pending.flush(job, item.itemId());
            runs.finishItem(job.runId(), item.itemId(), job.owner(), correct, results, usage.promptTokens,
                    usage.completionTokens, usage.cost, clock.instant());
        });
    }

    private void fail(Job job, String itemId, String kind, String message, Usage usage, Pending pending) {
        tx.executeWithoutResult(s -> {
            pending.flush(job, itemId);
            runs.failItem(job.runId(), itemId, job.owner(), kind, message, usage.promptTokens, usage.completionTokens,
                    usage.cost, clock.instant());
        });
    }

    /** The item's last finished call, until the next transaction stores it. */
    private final class Pending {
        private Runs.StoredCall call;
        private String cacheKey;

        void set(Runs.StoredCall call, String cacheKey) {
            this.call = call;
            this.cacheKey = cacheKey;
        }

        void flush(Job job, String itemId) {
            if (call != null) {
                runs.saveCall(job.workspaceId(), job.runId(), itemId, call, cacheKey, clock.instant());
                call = null;
            }
        }
    }

    static MethodItem toMethodItem(DatasetItem item) {
        return new MethodItem(item.itemId(), item.question(),
                item.choices().stream().map(c -> new MethodItem.Choice(c.label(), c.text())).toList(),
                item.gold(), item.answerType(), item.decomposition());
    }

    private static BigDecimal cost(RunSnapshot.RoleEndpoint endpoint, int promptTokens, int completionTokens) {
        BigDecimal in = endpoint.inputPerMillion() == null ? BigDecimal.ZERO
                : endpoint.inputPerMillion().multiply(BigDecimal.valueOf(promptTokens));
        BigDecimal out = endpoint.outputPerMillion() == null ? BigDecimal.ZERO
                : endpoint.outputPerMillion().multiply(BigDecimal.valueOf(completionTokens));
        return in.add(out).divide(BigDecimal.valueOf(1_000_000), MathContext.DECIMAL64);
    }

    /** Endpoint + model + the rendered request + decoding + samples, hashed: identical requests share a response. */
    static String cacheKey(RunSnapshot.RoleEndpoint endpoint, ModelRequest r) {
        String material = String.join("\u0000", endpoint.endpointId().toString(), endpoint.model(), r.prompt(),
                String.valueOf(r.temperature()), String.valueOf(r.topP()), String.valueOf(r.maxTokens()),
                String.join("\u0001", r.stop()), String.valueOf(r.seed()), String.valueOf(r.samples()));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tokens and cost of an item's calls so far. */
    private static final class Usage {
        int promptTokens;
        int completionTokens;
        BigDecimal cost = BigDecimal.ZERO;

        void add(Runs.StoredCall call) {
            promptTokens += call.promptTokens();
            completionTokens += call.completionTokens();
            cost = cost.add(call.cost());
        }
    }

}
