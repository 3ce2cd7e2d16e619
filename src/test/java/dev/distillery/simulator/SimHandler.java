package dev.distillery.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves every request: records it, waits the configured latency, checks the key, routes, and answers with a
 * completion, an injected fault or an error. Runs on one virtual thread per request, so blocking is fine.
 */
final class SimHandler implements HttpHandler {

    private static final String LEAVE = "distillery.simulator.leave";

    private static final String JSON_TYPE = "application/json";

    private final Config config;
    private final RequestLog log;
    private final FaultSchedule faults;
    private final RateLimits limits;
    private final Function<SimRequest, Responder> responders;
    private final FineTuningApi fineTuning;
    private final Random jitter;
    private final AtomicLong ids = new AtomicLong();

    SimHandler(
            Config config,
            RequestLog log,
            FaultSchedule faults,
            RateLimits limits,
            Function<SimRequest, Responder> responders,
            FineTuningApi fineTuning) {
        this.limits = limits;
        this.config = config;
        this.log = log;
        this.faults = faults;
        this.responders = responders;
        this.fineTuning = fineTuning;
        this.jitter = new Random(config.jitterSeed());
    }

    @Override
    public void handle(HttpExchange exchange) {
        log.entered();
        // A request stops counting as in flight when its answer starts, before the client can see it: counted at
        // the end of the handler instead, a client's next request could arrive while this one still counted.
        var left = new AtomicBoolean();
        Runnable leave = () -> {
            if (left.compareAndSet(false, true)) {
                log.exited();
            }
        };
        exchange.setAttribute(LEAVE, leave);
        try (exchange) {
            serve(exchange);
        } catch (IOException e) {
            // The client went away, typically after timing out on a held request: nobody is left to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the simulator is closing
        } finally {
            leave.run();
        }
    }

    /** Marks the exchange's request as answered (see {@link #handle}). */
    private static void answering(HttpExchange exchange) {
        if (exchange.getAttribute(LEAVE) instanceof Runnable leave) {
            leave.run();
        }
    }

    private void serve(HttpExchange exchange) throws IOException, InterruptedException {
        String path = exchange.getRequestURI().getPath();
        byte[] raw = exchange.getRequestBody().readAllBytes();
        boolean fineTuningCall = FineTuningApi.handles(path);
        // File uploads are multipart, not JSON: they are logged with a missing body.
        JsonNode body = fineTuningCall ? MissingNode.getInstance() : parse(raw);
        SimRequest request = SimRequest.of(path, exchange.getRequestHeaders(), body);
        log.record(request);
        try {
            // A provider's gateway checks the key and counts the request against its limits when it arrives, and
            // answers a refusal at once; only an admitted request waits for its generation.
            Map<String, String> limitHeaders;
            try {
                authenticate(request);
                limitHeaders = admit(exchange.getRequestMethod(), request);
            } catch (ApiError refused) {
                if (refused.status != 429) {
                    Thread.sleep(delay());
                }
                throw refused;
            }
            Thread.sleep(delay());
            limitHeaders.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            if (fineTuningCall) {
                send(
                        exchange,
                        200,
                        JSON_TYPE,
                        WireFormat.bytes(fineTuning.serve(
                                exchange.getRequestMethod(),
                                path,
                                exchange.getRequestURI().getRawQuery(),
                                request.header("Content-Type"),
                                raw)));
                return;
            }
            route(exchange, request);
        } catch (ApiError error) {
            sendError(exchange, error);
        } catch (RuntimeException e) {
            // Most likely a failing test Responder; a readable 500 beats a dropped connection.
            sendError(exchange, ApiError.status(500, "Simulator failure: " + e));
        }
    }

    private void route(HttpExchange exchange, SimRequest request) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        Endpoint endpoint = Endpoint.forPath(request.path());
        if (endpoint != null && method.equals("POST")) {
            generate(exchange, endpoint, request);
        } else if (request.path().equals("/v1/models") && method.equals("GET")) {
            send(exchange, 200, JSON_TYPE, WireFormat.bytes(WireFormat.models(models())));
        } else {
            throw ApiError.unknownUrl(method, request.path());
        }
    }

    private void generate(HttpExchange exchange, Endpoint endpoint, SimRequest request)
            throws IOException, InterruptedException {
        switch (faults.next()) {
            case null -> complete(exchange, endpoint, request, false);
            case Fault.Timeout timeout -> {
                Thread.sleep(timeout.hold());
                complete(exchange, endpoint, request, false);
            }
            case Fault.EmptyChoices ignored -> complete(exchange, endpoint, request, true);
            case Fault.ConnectionReset ignored -> cut(exchange, completionBytes(endpoint, request), true);
            case Fault.TruncatedBody ignored -> cut(exchange, completionBytes(endpoint, request), false);
            case Fault.MalformedJson ignored ->
                send(exchange, 200, JSON_TYPE, WireFormat.MALFORMED_JSON.getBytes(UTF_8));
            case Fault.RateLimited rateLimited -> throw ApiError.rateLimited(rateLimited.retryAfter());
            case Fault.ServerError ignored -> throw ApiError.serverError();
            case Fault.Status status -> throw ApiError.status(status.code(), status.message());
        }
    }

    /** Validates a generation request and counts it against the limits; other requests pass uncounted. */
    private Map<String, String> admit(String method, SimRequest request) {
        Endpoint endpoint = Endpoint.forPath(request.path());
        if (endpoint == null || !method.equals("POST")) {
            return Map.of();
        }
        validate(endpoint, request);
        long tokens = Tokens.count(request.prompt()) + (request.maxTokens() == null ? 0 : request.maxTokens());
        return limits.admit(tokens);
    }

    private void validate(Endpoint endpoint, SimRequest request) {
        if (!request.body().isObject()) {
            throw ApiError.badRequest("We could not parse the JSON body of your request.");
        }
        if (request.model() == null) {
            throw ApiError.badRequest("You must provide a model parameter.");
        }
        if (request.body().path(endpoint.inputField).isMissingNode()) {
            throw ApiError.badRequest("'" + endpoint.inputField + "' is a required property.");
        }
        if (request.n() < 1 || request.n() > 128) {
            throw ApiError.badRequest("'n' must be between 1 and 128, got " + request.n() + ".");
        }
        if (request.maxTokens() != null && request.maxTokens() < 1) {
            throw ApiError.badRequest("max_tokens must be at least 1, got " + request.maxTokens() + ".");
        }
        if (!config.models().contains(request.model())
                && !fineTuning.fineTunedModels().contains(request.model())) {
            throw ApiError.modelNotFound(request.model());
        }
    }

    /** The configured models, then those of succeeded fine-tuning jobs. */
    private List<String> models() {
        List<String> fineTuned = fineTuning.fineTunedModels();
        return fineTuned.isEmpty()
                ? config.models()
                : java.util.stream.Stream.concat(config.models().stream(), fineTuned.stream())
                        .toList();
    }

    private Completion completion(Endpoint endpoint, SimRequest request, boolean withoutChoices) {
        Responder responder = responders.apply(request);
        List<Completion.Choice> choices = withoutChoices
                ? List.of()
                : IntStream.range(0, request.n())
                        .mapToObj(i -> Completion.Choice.shape(i, responder.reply(request, i), request))
                        .toList();
        return new Completion(
                endpoint.idPrefix + "sim-" + ids.incrementAndGet(),
                Instant.now().getEpochSecond(),
                request.model(),
                choices,
                Completion.Usage.of(request, choices));
    }

    private void complete(HttpExchange exchange, Endpoint endpoint, SimRequest request, boolean withoutChoices)
            throws IOException {
        Completion completion = completion(endpoint, request, withoutChoices);
        if (request.stream()) {
            stream(exchange, WireFormat.chunks(endpoint, completion, request.includeUsage()));
        } else {
            send(exchange, 200, JSON_TYPE, WireFormat.bytes(WireFormat.completion(endpoint, completion)));
        }
    }

    /** A non-streamed completion's bytes, for the faults that cut it. */
    private byte[] completionBytes(Endpoint endpoint, SimRequest request) {
        return WireFormat.bytes(WireFormat.completion(endpoint, completion(endpoint, request, false)));
    }

    /**
     * Sends half of {@code body}: with its full length announced and the connection then closed ({@code reset}), or
     * chunked and ended cleanly.
     */
    private static void cut(HttpExchange exchange, byte[] body, boolean reset) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", JSON_TYPE);
        answering(exchange);
        exchange.sendResponseHeaders(200, reset ? body.length : 0);
        OutputStream out = exchange.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        // With a length announced and not met, closing ends the connection instead of the exchange.
        exchange.close();
    }

    private void authenticate(SimRequest request) {
        if (config.apiKey() != null && !("Bearer " + config.apiKey()).equals(request.header("Authorization"))) {
            throw ApiError.invalidApiKey();
        }
    }

    private Duration delay() {
        long jitterNanos = config.jitter().toNanos();
        return jitterNanos == 0 ? config.latency() : config.latency().plusNanos(jitter.nextLong(jitterNanos));
    }

    /** The body as JSON, or a missing node when it is empty or unparseable (the endpoint decides if that matters). */
    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? MissingNode.getInstance() : WireFormat.JSON.readTree(body);
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    private static void stream(HttpExchange exchange, List<ObjectNode> chunks) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        answering(exchange);
        exchange.sendResponseHeaders(200, 0); // 0 = chunked: the length is unknown while streaming
        try (OutputStream out = exchange.getResponseBody()) {
            for (ObjectNode chunk : chunks) {
                event(out, WireFormat.JSON.writeValueAsString(chunk));
            }
            event(out, "[DONE]");
        }
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(UTF_8));
        out.flush(); // so clients see each chunk as it is produced, as with a real stream
    }

    private static void sendError(HttpExchange exchange, ApiError error) throws IOException {
        for (Map.Entry<String, String> header : error.headers.entrySet()) {
            exchange.getResponseHeaders().set(header.getKey(), header.getValue());
        }
        send(exchange, error.status, JSON_TYPE, WireFormat.bytes(WireFormat.error(error)));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        answering(exchange);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
