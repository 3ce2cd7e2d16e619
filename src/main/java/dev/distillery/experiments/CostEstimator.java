package dev.distillery.experiments;

import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointDraft;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.methods.CallRequest;
import dev.distillery.methods.CompletedCall;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.Method;
import dev.distillery.methods.MethodItem;
import dev.distillery.methods.ModelRole;
import dev.distillery.methods.Preset;
import dev.distillery.methods.Step;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The estimate of an experiment, without I/O: each cell's method is driven through its protocol on sample items with
 * stand-in outputs as long as each call may answer (its token cap, the endpoint's default cap, else
 * {@value #UNCAPPED_COMPLETION_TOKENS} tokens), so the calls, their prompts (with earlier outputs pasted in, as a
 * Trace-of-Thought student's prompt holds the teacher's steps) and the samples of diverse reasoning are the method's
 * own; the tokens are counted as the endpoints count them for their limits.
 */
final class CostEstimator {

    /** Questions measured per estimate: enough for their mean length, few enough to estimate on every keystroke. */
    static final int SAMPLE_ITEMS = 20;

    /** The completion assumed for a call with no token cap: a chain of thought of a few paragraphs. */
    static final int UNCAPPED_COMPLETION_TOKENS = 512;

    /** Rough latency of a call: a fixed part and generation at this pace (tokens per second). */
    private static final double CALL_SECONDS = 1.0;

    private static final double TOKENS_PER_SECOND = 50;

    /** Protocols loop at most this often per item (iterative ones stop on their own long before). */
    private static final int MAX_ROUNDS = 64;

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** A cell to estimate: its method as planned and the endpoint of each role it has. */
    record Planned(
            Method method, Preset preset, Map<String, Object> params, Map<ModelRole, EndpointDetails> endpoints) {}

    /** What one role's calls use. */
    record Usage(double calls, double promptTokens, double completionTokens) {

        static final Usage NONE = new Usage(0, 0, 0);

        Usage plus(Usage other) {
            return new Usage(
                    calls + other.calls, promptTokens + other.promptTokens, completionTokens + other.completionTokens);
        }

        Usage times(double factor) {
            return new Usage(calls * factor, promptTokens * factor, completionTokens * factor);
        }

        double tokensPerCall() {
            return calls == 0 ? 0 : (promptTokens + completionTokens) / calls;
        }
    }

    /** What the cells using one endpoint ask of it together. */
    private record Shared(EndpointDetails endpoint, Usage usage, int cells) {

        Shared plus(Shared other) {
            return new Shared(endpoint, usage.plus(other.usage), cells + other.cells);
        }
    }

    private CostEstimator() {}

    /**
     * The estimate of cells run over {@code items} items, measured on {@code sample} (some of them).
     *
     * @param concurrency of each run
     */
    static ExperimentEstimate estimate(
            List<Planned> cells,
            List<MethodItem> sample,
            int items,
            Decoding runDecoding,
            int concurrency,
            long threshold) {
        List<ExperimentEstimate.Cell> out = new ArrayList<>();
        Map<UUID, Shared> byEndpoint = new HashMap<>();
        long calls = 0;
        long promptTokens = 0;
        long completionTokens = 0;
        BigDecimal cost = BigDecimal.ZERO;
        boolean costKnown = true;
        long seconds = 0;
        for (Planned cell : cells) {
            Map<ModelRole, Usage> usage = new EnumMap<>(ModelRole.class);
            for (MethodItem item : sample) {
                item(cell, item, runDecoding).forEach((role, u) -> usage.merge(role, u, Usage::plus));
            }
            double scale = sample.isEmpty() ? 0 : (double) items / sample.size();
            usage.replaceAll((role, u) -> u.times(scale));
            Usage total = usage.values().stream().reduce(Usage.NONE, Usage::plus);
            @Nullable BigDecimal cellCost = BigDecimal.ZERO;
            double cellSeconds = 0;
            for (Map.Entry<ModelRole, Usage> entry : usage.entrySet()) {
                EndpointDetails endpoint = cell.endpoints().get(entry.getKey());
                if (endpoint == null) {
                    continue;
                }
                Usage u = entry.getValue();
                BigDecimal price = cost(endpoint.pricing(), u);
                cellCost = price == null || cellCost == null ? null : cellCost.add(price);
                cellSeconds += u.calls() / rate(endpoint, u, concurrency);
                byEndpoint.merge(endpoint.id(), new Shared(endpoint, u, 1), Shared::plus);
            }
            EndpointDetails teacher = cell.endpoints().get(ModelRole.TEACHER);
            EndpointDetails student = cell.endpoints().get(ModelRole.STUDENT);
            ExperimentEstimate.Cell estimated = new ExperimentEstimate.Cell(
                    cell.method().id(),
                    cell.preset().id(),
                    teacher == null ? null : teacher.id(),
                    teacher == null ? null : teacher.name(),
                    student == null ? null : student.id(),
                    student == null ? null : student.name(),
                    Math.round(Math.ceil(total.calls())),
                    Math.round(Math.ceil(total.promptTokens())),
                    Math.round(Math.ceil(total.completionTokens())),
                    cellCost == null ? null : money(cellCost),
                    Math.round(Math.ceil(cellSeconds)));
            out.add(estimated);
            calls += estimated.calls();
            promptTokens += estimated.promptTokens();
            completionTokens += estimated.completionTokens();
            costKnown &= cellCost != null;
            cost = cellCost == null ? cost : cost.add(cellCost);
            seconds = Math.max(seconds, estimated.seconds());
        }
        // The runs go on together, so an endpoint several cells use is the bottleneck: its limits are shared by all.
        for (Shared shared : byEndpoint.values()) {
            double together =
                    shared.usage().calls() / rate(shared.endpoint(), shared.usage(), concurrency * shared.cells());
            seconds = Math.max(seconds, Math.round(Math.ceil(together)));
        }
        long tokens = promptTokens + completionTokens;
        return new ExperimentEstimate(
                items,
                sample.size(),
                Collections.unmodifiableList(out),
                calls,
                promptTokens,
                completionTokens,
                costKnown ? money(cost) : null,
                seconds,
                threshold,
                tokens > threshold);
    }

    /** Per role, the calls and tokens of one item. */
    static Map<ModelRole, Usage> item(Planned cell, MethodItem item, Decoding runDecoding) {
        Map<ModelRole, Usage> usage = new EnumMap<>(ModelRole.class);
        List<CompletedCall> history = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Step step;
            try {
                step = cell.method().next(item, cell.preset(), cell.params(), runDecoding, List.copyOf(history));
            } catch (IllegalArgumentException e) {
                // The item would be an error after the calls made so far; those are what it costs.
                break;
            }
            if (!(step instanceof Step.Calls(List<CallRequest> requests))) {
                break;
            }
            for (CallRequest call : requests) {
                EndpointDetails endpoint = cell.endpoints().get(call.role());
                String model = endpoint == null ? "" : endpoint.model();
                int samples = Math.max(1, call.decoding().samples());
                int completion = completionTokens(call.decoding(), endpoint);
                int prompt = EndpointService.countTokens(model, call.prompt());
                usage.merge(call.role(), new Usage(1, prompt, (double) completion * samples), Usage::plus);
                history.add(new CompletedCall(
                        call.key(), call.role(), call.prompt(), Collections.nCopies(samples, standIn(completion))));
            }
        }
        return usage;
    }

    private static int completionTokens(Decoding decoding, @Nullable EndpointDetails endpoint) {
        if (decoding.maxTokens() != null) {
            return decoding.maxTokens();
        }
        if (endpoint != null && endpoint.defaults().maxTokens() != null) {
            return endpoint.defaults().maxTokens();
        }
        return UNCAPPED_COMPLETION_TOKENS;
    }

    /** An output of about {@code tokens} tokens by every tokenizer's count, for the prompts that quote it. */
    private static String standIn(int tokens) {
        return "ab ".repeat(tokens);
    }

    /** Calls per second one endpoint serves: its parallel calls over their latency, within its declared limits. */
    private static double rate(EndpointDetails endpoint, Usage usage, int concurrency) {
        EndpointDraft.Limits limits = endpoint.limits();
        double perCall = usage.calls() == 0 ? 0 : usage.completionTokens() / usage.calls();
        double latency = CALL_SECONDS + perCall / TOKENS_PER_SECOND;
        double rate = Math.max(1, Math.min(concurrency, limits.maxConcurrency())) / latency;
        if (limits.rpm() != null) {
            rate = Math.min(rate, limits.rpm() / 60.0);
        }
        if (limits.tpm() != null && usage.tokensPerCall() > 0) {
            rate = Math.min(rate, limits.tpm() / 60.0 / usage.tokensPerCall());
        }
        return rate;
    }

    private static @Nullable BigDecimal cost(EndpointDraft.Pricing pricing, Usage usage) {
        BigDecimal in = part(pricing.inputPerMillion(), usage.promptTokens());
        BigDecimal out = part(pricing.outputPerMillion(), usage.completionTokens());
        return in == null || out == null ? null : in.add(out);
    }

    private static @Nullable BigDecimal part(@Nullable BigDecimal perMillion, double tokens) {
        if (tokens == 0) {
            return BigDecimal.ZERO;
        }
        return perMillion == null
                ? null
                : perMillion.multiply(BigDecimal.valueOf(tokens)).divide(MILLION, MathContext.DECIMAL64);
    }

    private static BigDecimal money(BigDecimal amount) {
        return amount.setScale(4, RoundingMode.HALF_UP);
    }
}
