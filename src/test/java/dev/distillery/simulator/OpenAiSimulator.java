package dev.distillery.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * An OpenAI-compatible HTTP server on {@code 127.0.0.1} for tests and benchmarks.
 *
 * <p>Serves {@code POST /v1/chat/completions}, {@code POST /v1/completions} (both with {@code n},
 * {@code max_tokens}/{@code max_completion_tokens}, {@code stop} and {@code stream}) and {@code GET /v1/models},
 * and the files and fine-tuning jobs API ({@code POST /v1/files}, {@code GET /v1/files/{id}},
 * {@code POST /v1/fine_tuning/jobs}, {@code GET /v1/fine_tuning/jobs/{id}} with {@code /events}, and
 * {@code POST .../cancel}); see {@link #fineTuneStage} and {@link #failNextFineTunes}.
 * Replies come from the first matching rule ({@link #when}) or else from {@link Config#responder()}, which by
 * default is the deterministic {@link Responder#echo()}. Usage counts whitespace-separated tokens.
 *
 * <p>Every request runs on its own virtual thread, so latency and held requests cost no platform threads and
 * hundreds of requests can be in flight at once. All methods are thread-safe.
 *
 * <pre>{@code
 * try (var sim = OpenAiSimulator.start()) {
 *     sim.whenPromptContains("capital of France").reply("Paris.");
 *     sim.failNext(1, Fault.rateLimited(Duration.ofSeconds(1)));
 *     // point the client under test at sim.baseUrl()
 * }
 * }</pre>
 */
public final class OpenAiSimulator implements AutoCloseable {

    /** Well above the default of 50 so that bursts of concurrent connections are queued, not refused. */
    private static final int BACKLOG = 1024;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and the client's
        // delayed ACK add tens of milliseconds to every response, which would be charged to the app under test.
        // Read once when the server classes load, so it is set before the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final RequestLog log = new RequestLog();
    private final FaultSchedule faults = new FaultSchedule();
    private final RateLimits limits = new RateLimits();
    private final List<Stubbing.Rule> rules = new CopyOnWriteArrayList<>();
    private final FineTuningApi fineTuning;

    private OpenAiSimulator(Config config) throws IOException {
        Responder fallback = config.responder();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), config.port()), BACKLOG);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        fineTuning = new FineTuningApi(config.models());
        server.createContext(
                "/",
                new SimHandler(
                        config,
                        log,
                        faults,
                        limits,
                        request -> rules.stream()
                                .filter(rule -> rule.predicate().test(request))
                                .map(Stubbing.Rule::responder)
                                .findFirst()
                                .orElse(fallback),
                        fineTuning));
        server.start();
    }

    /** Starts a simulator with {@link Config#defaults()}: a free port and model {@value Config#DEFAULT_MODEL}. */
    public static OpenAiSimulator start() {
        return start(Config.defaults());
    }

    /** Starts a simulator; it is listening when this returns. */
    public static OpenAiSimulator start(Config config) {
        try {
            return new OpenAiSimulator(Objects.requireNonNull(config, "config"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the simulator on port " + config.port(), e);
        }
    }

    /** The OpenAI base URL to configure clients with: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Begins a rule for requests matching {@code predicate}; it takes effect once {@code reply} is called. */
    public Stubbing when(Predicate<SimRequest> predicate) {
        return new Stubbing(this, predicate);
    }

    /** Begins a rule for requests whose prompt (for chat: any message) contains {@code text}. */
    public Stubbing whenPromptContains(String text) {
        Objects.requireNonNull(text, "text");
        return when(request -> request.prompt().contains(text));
    }

    /** The next {@code count} chat/completions requests get {@code fault}; queued after earlier calls' faults. */
    public OpenAiSimulator failNext(int count, Fault fault) {
        faults.failNext(count, fault);
        return this;
    }

    /**
     * From now on each chat/completions request not claimed by {@link #failNext} fails with {@code probability},
     * with a fault picked uniformly from {@code faults}. The seed makes the sequence of outcomes reproducible
     * (the assignment to particular requests still follows their arrival order). Replaces earlier settings.
     */
    public OpenAiSimulator failRandomly(double probability, long seed, Fault... faults) {
        this.faults.failRandomly(probability, seed, faults);
        return this;
    }

    /**
     * Enforces a provider's limits from now on: at most {@code requests} requests (0: no limit) and {@code tokens}
     * tokens (prompt plus max_tokens; 0: no limit) in any sliding {@code window}; over them, 429. With
     * {@code headers}, answers carry OpenAI's x-ratelimit-* headers and refusals a Retry-After; without, a bare 429.
     */
    public OpenAiSimulator rateLimit(int requests, long tokens, Duration window, boolean headers) {
        limits.set(requests, tokens, window, headers);
        return this;
    }

    /** Rate-limit refusals sent so far. */
    public int rateLimitRefusals() {
        return limits.refusals();
    }

    /** How many requests were answered with a fault instead of a completion so far. */
    public int faultCount() {
        return faults.injected();
    }

    /**
     * How long a fine-tuning job stays in each of {@code validating_files}, {@code queued} and {@code running}
     * before it succeeds (default one second; zero finishes jobs at once).
     */
    public OpenAiSimulator fineTuneStage(Duration stage) {
        fineTuning.stage(stage);
        return this;
    }

    /** The next {@code count} fine-tuning jobs fail while running, with {@code message} as their error. */
    public OpenAiSimulator failNextFineTunes(int count, String message) {
        fineTuning.failNext(count, message);
        return this;
    }

    /** Removes all rules, faults, files and fine-tuning jobs and empties the request log, as if freshly started. */
    public void reset() {
        rules.clear();
        faults.clear();
        limits.clear();
        fineTuning.clear();
        log.clear();
    }

    /** A snapshot of every request received, in arrival order, including rejected and faulted ones. */
    public List<SimRequest> requests() {
        return log.snapshot();
    }

    public int requestCount() {
        return log.count();
    }

    /** The highest number of requests that were being served at the same moment. */
    public int maxConcurrency() {
        return log.maxConcurrency();
    }

    /**
     * Waits until at least {@code count} requests have arrived (answered or not).
     *
     * @return {@code true} if they did within {@code timeout}
     */
    public boolean awaitRequests(int count, Duration timeout) throws InterruptedException {
        return log.await(count, timeout);
    }

    /** Stops listening and interrupts requests still being served (held or delayed ones). */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    void addRule(Stubbing.Rule rule) {
        rules.add(rule);
    }

    /**
     * Runs a simulator until the process is killed, for benchmarks against a separate JVM. Flags:
     * {@code --port N --latency-ms N --jitter-ms N --models a,b --api-key K} (see {@link Config#fromArgs}).
     * Prints the base URL on the first line of standard output.
     */
    public static void main(String[] args) throws InterruptedException {
        OpenAiSimulator simulator = start(Config.fromArgs(args));
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
        System.out.println(simulator.baseUrl());
        Thread.currentThread().join(); // never returns: the server lives until the JVM is stopped
    }
}
