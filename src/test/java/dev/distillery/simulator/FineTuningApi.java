package dev.distillery.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's files and fine-tuning jobs API, in memory. Uploaded files are checked line by line (each a JSON object);
 * a job walks {@code validating_files → queued → running → succeeded}, one stage per {@link #stage}, and fails
 * instead when a training line has neither {@code messages} nor {@code prompt}/{@code completion}, or when a fault
 * was queued with {@link #failNext}. A succeeded job's model ({@code ft:<model>:distillery:<suffix>:<id>}) is then
 * listed and served like the configured ones. Jobs advance when they are looked at, so no thread is needed.
 */
final class FineTuningApi {

    private static final Pattern JOB_PATH = Pattern.compile("/v1/fine_tuning/jobs/([^/]+)(/events|/cancel)?");
    private static final Pattern FILE_PATH = Pattern.compile("/v1/files/([^/]+)");
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9_-]{0,64}");

    private final List<String> baseModels;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, UploadedFile> files = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Deque<String> faults = new ArrayDeque<>();
    private volatile Duration stage = Duration.ofSeconds(1);

    FineTuningApi(List<String> baseModels) {
        this.baseModels = baseModels;
    }

    /** How long a job stays in each of validating_files, queued and running. */
    void stage(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("stage must not be negative");
        }
        stage = duration;
    }

    /** The next {@code count} jobs created fail while running, with {@code message}. */
    synchronized void failNext(int count, String message) {
        for (int i = 0; i < count; i++) {
            faults.add(message);
        }
    }

    synchronized void clear() {
        faults.clear();
        files.clear();
        jobs.clear();
    }

    static boolean handles(String path) {
        return path.equals("/v1/files") || path.startsWith("/v1/files/") || path.startsWith("/v1/fine_tuning/");
    }

    /** The fine-tuned models of succeeded jobs, which chat/completions accept and /v1/models lists. */
    List<String> fineTunedModels() {
        Instant now = Instant.now();
        return jobs.values().stream()
                .map(job -> job.advance(now))
                .filter(job -> job.status.equals("succeeded"))
                .map(job -> job.fineTunedModel)
                .sorted()
                .toList();
    }

    /** Answers a files or fine-tuning request with its JSON, or throws an {@link ApiError}. */
    JsonNode serve(String method, String path, String query, String contentType, byte[] body) {
        Matcher job = JOB_PATH.matcher(path);
        Matcher file = FILE_PATH.matcher(path);
        if (path.equals("/v1/files") && method.equals("POST")) {
            return upload(Multipart.parse(contentType, body));
        } else if (file.matches() && method.equals("GET")) {
            return fileOrThrow(file.group(1)).json();
        } else if (path.equals("/v1/fine_tuning/jobs") && method.equals("POST")) {
            return create(json(body));
        } else if (job.matches() && job.group(2) == null && method.equals("GET")) {
            return jobOrThrow(job.group(1)).advance(Instant.now()).json();
        } else if (job.matches() && "/events".equals(job.group(2)) && method.equals("GET")) {
            return events(jobOrThrow(job.group(1)).advance(Instant.now()), query);
        } else if (job.matches() && "/cancel".equals(job.group(2)) && method.equals("POST")) {
            return jobOrThrow(job.group(1)).cancel(Instant.now()).json();
        }
        throw ApiError.unknownUrl(method, path);
    }

    private JsonNode upload(Map<String, Multipart.Part> parts) {
        Multipart.Part purpose = parts.get("purpose");
        Multipart.Part file = parts.get("file");
        if (purpose == null || !purpose.text().equals("fine-tune")) {
            throw ApiError.badRequest("'purpose' must be 'fine-tune' (the simulator supports no other).");
        }
        if (file == null || file.filename() == null) {
            throw ApiError.badRequest("'file' is a required property.");
        }
        String text = file.text();
        List<JsonNode> lines = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = WireFormat.JSON.readTree(line);
                if (!node.isObject()) {
                    throw ApiError.badRequest("Invalid file format: line " + lineNumber + " is not a JSON object.");
                }
                lines.add(node);
            } catch (JacksonException e) {
                throw ApiError.badRequest("Invalid file format: line " + lineNumber + " is not valid JSON.");
            }
        }
        if (lines.isEmpty()) {
            throw ApiError.badRequest("Invalid file format: the file has no lines.");
        }
        var uploaded = new UploadedFile(
                "file-sim" + ids.incrementAndGet(),
                file.filename(),
                file.content().length,
                Instant.now().getEpochSecond(),
                lines);
        files.put(uploaded.id, uploaded);
        return uploaded.json();
    }

    private JsonNode create(JsonNode body) {
        String model = body.path("model").asString("");
        if (model.isEmpty()) {
            throw ApiError.badRequest("You must provide a model parameter.");
        }
        if (!baseModels.contains(model)) {
            throw ApiError.badRequest("Model " + model + " is not available for fine-tuning or does not exist.");
        }
        UploadedFile training = fileOrThrow(body.path("training_file").asString(""));
        UploadedFile validation = body.path("validation_file").isString()
                ? fileOrThrow(body.path("validation_file").asString())
                : null;
        String suffix = body.path("suffix").isString() ? body.path("suffix").asString() : "";
        if (!SUFFIX.matcher(suffix).matches()) {
            throw ApiError.badRequest("'suffix' may have up to 64 letters, digits, '-' and '_'.");
        }
        String fault;
        synchronized (this) {
            fault = faults.poll();
        }
        String id = "ftjob-sim" + ids.incrementAndGet();
        Job job = new Job(
                id, model, suffix, training, validation, body.path("hyperparameters"), fault, stage, Instant.now());
        jobs.put(id, job);
        return job.json();
    }

    private static JsonNode events(Job job, String query) {
        Map<String, String> params = query(query);
        int limit = Math.clamp(Integer.parseInt(params.getOrDefault("limit", "20")), 1, 100);
        List<Event> newestFirst = job.eventsNewestFirst();
        int from = 0;
        if (params.containsKey("after")) {
            for (int i = 0; i < newestFirst.size(); i++) {
                if (newestFirst.get(i).id.equals(params.get("after"))) {
                    from = i + 1;
                }
            }
        }
        ObjectNode root = WireFormat.JSON.createObjectNode().put("object", "list");
        var data = root.putArray("data");
        newestFirst.subList(from, Math.min(newestFirst.size(), from + limit)).forEach(e -> data.add(e.json()));
        root.put("has_more", from + limit < newestFirst.size());
        return root;
    }

    private UploadedFile fileOrThrow(String id) {
        return Optional.ofNullable(files.get(id)).orElseThrow(() -> ApiError.status(404, "No such File object: " + id));
    }

    private Job jobOrThrow(String id) {
        return Optional.ofNullable(jobs.get(id))
                .orElseThrow(() -> ApiError.status(404, "Could not find fine-tune: " + id));
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode node = WireFormat.JSON.readTree(new String(body, UTF_8));
            if (node.isObject()) {
                return node;
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw ApiError.badRequest("We could not parse the JSON body of your request.");
    }

    private static Map<String, String> query(String query) {
        Map<String, String> params = new java.util.HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), UTF_8));
                }
            }
        }
        return params;
    }

    private record UploadedFile(String id, String filename, long bytes, long createdAt, List<JsonNode> lines) {

        ObjectNode json() {
            ObjectNode node = WireFormat.JSON
                    .createObjectNode()
                    .put("id", id)
                    .put("object", "file")
                    .put("bytes", bytes)
                    .put("created_at", createdAt)
                    .put("filename", filename)
                    .put("purpose", "fine-tune")
                    .put("status", "processed");
            node.putNull("expires_at");
            node.putNull("status_details");
            return node;
        }

        /** The first line a fine-tune cannot learn from: neither chat messages nor a prompt/completion pair. */
        int firstUnusableLine() {
            for (int i = 0; i < lines.size(); i++) {
                JsonNode line = lines.get(i);
                boolean chat = line.path("messages").isArray()
                        && !line.path("messages").isEmpty();
                boolean completion = line.path("prompt").isString()
                        && line.path("completion").isString();
                if (!chat && !completion) {
                    return i + 1;
                }
            }
            return 0;
        }

        long tokens() {
            return lines.stream()
                    .mapToLong(line -> Tokens.count(line.toString()))
                    .sum();
        }
    }

    private record Event(String id, long createdAt, String level, String message) {
        ObjectNode json() {
            ObjectNode node = WireFormat.JSON
                    .createObjectNode()
                    .put("object", "fine_tuning.job.event")
                    .put("id", id)
                    .put("created_at", createdAt)
                    .put("level", level)
                    .put("message", message)
                    .put("type", "message");
            node.putObject("data");
            return node;
        }
    }

    /** One job; its status follows from the time since creation, and its events are added as it gets there. */
    private final class Job {

        final String id;
        final String model;
        final String suffix;
        final UploadedFile training;
        final UploadedFile validation;
        final JsonNode hyperparameters;
        final String fault;
        final Duration stage;
        final Instant created;
        final List<Event> events = new ArrayList<>();
        String status = "validating_files";
        String fineTunedModel;
        Long finishedAt;
        Long trainedTokens;
        ObjectNode error;
        int stagesDone;

        Job(
                String id,
                String model,
                String suffix,
                UploadedFile training,
                UploadedFile validation,
                JsonNode hyperparameters,
                String fault,
                Duration stage,
                Instant created) {
            this.id = id;
            this.model = model;
            this.suffix = suffix;
            this.training = training;
            this.validation = validation;
            this.hyperparameters = hyperparameters;
            this.fault = fault;
            this.stage = stage;
            this.created = created;
            event(
                    created,
                    "info",
                    "Validating training file: " + training.id
                            + (validation == null ? "" : " and validation file: " + validation.id));
        }

        synchronized Job advance(Instant now) {
            long elapsedStages =
                    stage.isZero() ? 3 : Duration.between(created, now).toNanos() / stage.toNanos();
            while (isActive() && stagesDone < Math.min(3, elapsedStages)) {
                stagesDone++;
                Instant at = created.plus(stage.multipliedBy(stagesDone));
                switch (stagesDone) {
                    case 1 -> validated(at);
                    case 2 -> {
                        status = "running";
                        event(at, "info", "Fine-tuning job started");
                        event(at, "info", "Step 1/3: training loss=1.84");
                    }
                    default -> finish(at);
                }
            }
            return this;
        }

        private void validated(Instant at) {
            int bad = training.firstUnusableLine();
            int badValidation = validation == null ? 0 : validation.firstUnusableLine();
            if (bad > 0 || badValidation > 0) {
                String param = bad > 0 ? "training_file" : "validation_file";
                fail(
                        at,
                        "invalid_" + param,
                        "The " + param.replace('_', ' ') + " has an invalid example on line "
                                + (bad > 0 ? bad : badValidation)
                                + ": each line needs 'messages' or 'prompt' and 'completion'.",
                        param);
                return;
            }
            status = "queued";
            event(at, "info", "Files validated, moving job to queued state");
        }

        private void finish(Instant at) {
            if (fault != null) {
                fail(at, "server_error", fault, null);
                return;
            }
            status = "succeeded";
            fineTunedModel = "ft:" + model + ":distillery:" + suffix + ":" + id.substring("ftjob-".length());
            finishedAt = at.getEpochSecond();
            trainedTokens = training.tokens();
            event(at, "info", "Step 3/3: training loss=0.21");
            event(at, "info", "New fine-tuned model created: " + fineTunedModel);
            event(at, "info", "The job has successfully completed");
        }

        private void fail(Instant at, String code, String message, String param) {
            status = "failed";
            finishedAt = at.getEpochSecond();
            error = WireFormat.JSON
                    .createObjectNode()
                    .put("code", code)
                    .put("message", message)
                    .put("param", param);
            event(at, "error", message);
        }

        synchronized Job cancel(Instant now) {
            advance(now);
            if (!isActive()) {
                throw ApiError.badRequest("Job " + id + " has already " + status + " and cannot be cancelled.");
            }
            status = "cancelled";
            finishedAt = now.getEpochSecond();
            event(now, "info", "Fine-tuning job cancelled");
            return this;
        }

        boolean isActive() {
            return status.equals("validating_files") || status.equals("queued") || status.equals("running");
        }

        private void event(Instant at, String level, String message) {
            events.add(new Event("ftevent-sim" + ids.incrementAndGet(), at.getEpochSecond(), level, message));
        }

        synchronized List<Event> eventsNewestFirst() {
            return new ArrayList<>(events).reversed();
        }

        synchronized ObjectNode json() {
            ObjectNode node = WireFormat.JSON
                    .createObjectNode()
                    .put("object", "fine_tuning.job")
                    .put("id", id)
                    .put("model", model)
                    .put("created_at", created.getEpochSecond())
                    .put("organization_id", "org-distillery-sim")
                    .put("status", status)
                    .put("training_file", training.id)
                    .put("validation_file", validation == null ? null : validation.id)
                    .put("fine_tuned_model", fineTunedModel)
                    .put("finished_at", finishedAt)
                    .put("trained_tokens", trainedTokens)
                    .put("seed", 42)
                    .put("user_provided_suffix", suffix.isEmpty() ? null : suffix);
            node.set("error", error);
            node.putArray("result_files");
            ObjectNode hp = node.putObject("hyperparameters");
            for (String name : List.of("n_epochs", "batch_size", "learning_rate_multiplier")) {
                JsonNode value = hyperparameters.path(name);
                hp.set(
                        name,
                        value.isNumber()
                                ? value
                                : WireFormat.JSON.getNodeFactory().stringNode("auto"));
            }
            return node;
        }
    }
}
