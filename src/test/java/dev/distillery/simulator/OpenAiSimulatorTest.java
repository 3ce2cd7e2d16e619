package dev.distillery.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenAiSimulatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MODEL = Config.DEFAULT_MODEL;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private OpenAiSimulator sim = OpenAiSimulator.start();

    @AfterEach
    void stop() {
        sim.close();
        client.close();
    }

    @Test
    void chatCompletionRepliesWithTheOpenAiShapeAndCountsWhitespaceTokens() throws Exception {
        JsonNode reply = okJson(post("/chat/completions", chat("What is two plus two?")));

        assertThat(reply.path("object").asString()).isEqualTo("chat.completion");
        assertThat(reply.path("id").asString()).startsWith("chatcmpl-");
        assertThat(reply.path("created").asLong()).isPositive();
        assertThat(reply.path("model").asString()).isEqualTo(MODEL);
        JsonNode choice = reply.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("finish_reason").asString()).isEqualTo("stop");
        assertThat(choice.path("message").path("role").asString()).isEqualTo("assistant");
        String content = choice.path("message").path("content").asString();
        assertThat(content).startsWith("Echo: What is two plus two?").matches(".*The answer is \\d+\\.$");
        assertThat(reply.path("usage").path("prompt_tokens").asInt()).isEqualTo(5);
        assertThat(reply.path("usage").path("completion_tokens").asInt()).isEqualTo(content.split(" ").length);
        assertThat(reply.path("usage").path("total_tokens").asInt()).isEqualTo(5 + content.split(" ").length);
    }

    @Test
    void legacyCompletionRepliesWithTextChoices() throws Exception {
        JsonNode reply = okJson(post("/completions", """
                {"model": "%s", "prompt": "Once upon a time"}""".formatted(MODEL)));

        assertThat(reply.path("object").asString()).isEqualTo("text_completion");
        assertThat(reply.path("id").asString()).startsWith("cmpl-");
        assertThat(reply.path("choices").get(0).path("text").asString()).startsWith("Echo: Once upon a time");
        assertThat(reply.path("choices").get(0).path("finish_reason").asString())
                .isEqualTo("stop");
        assertThat(reply.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void nChoicesAreIndexedAgreeOnTheAnswerAndSumTheirUsage() throws Exception {
        JsonNode reply = okJson(post("/chat/completions", """
                {"model": "%s", "n": 3, "messages": [{"role": "user", "content": "Pick a number"}]}""".formatted(MODEL)));

        JsonNode choices = reply.path("choices");
        assertThat(choices).hasSize(3);
        int completionTokens = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(choices.get(i).path("index").asInt()).isEqualTo(i);
            String content = choices.get(i).path("message").path("content").asString();
            assertThat(content.substring(content.indexOf("The answer is")))
                    .isEqualTo(contentOf(choices.get(0))
                            .substring(contentOf(choices.get(0)).indexOf("The answer is")));
            completionTokens += content.split(" ").length;
        }
        assertThat(contentOf(choices.get(1))).isNotEqualTo(contentOf(choices.get(0)));
        assertThat(reply.path("usage").path("completion_tokens").asInt()).isEqualTo(completionTokens);
    }

    @Test
    void stopSequencesCutTheReplyBeforeTheEarliestMatch() throws Exception {
        sim.whenPromptContains("count").reply("one two three STOP four");

        JsonNode byArray = okJson(post("/chat/completions", """
                {"model": "%s", "stop": ["STOP", "three"], "messages": [{"role": "user", "content": "count"}]}""".formatted(MODEL)));
        JsonNode byString = okJson(post("/completions", """
                {"model": "%s", "stop": "STOP", "prompt": "count"}""".formatted(MODEL)));

        assertThat(contentOf(byArray.path("choices").get(0))).isEqualTo("one two ");
        assertThat(byArray.path("choices").get(0).path("finish_reason").asString())
                .isEqualTo("stop");
        assertThat(byString.path("choices").get(0).path("text").asString()).isEqualTo("one two three ");
    }

    @Test
    void maxTokensTruncatesTheReplyAndReportsLength() throws Exception {
        sim.whenPromptContains("count").reply("one two  three four five");

        JsonNode legacy = okJson(post("/completions", """
                {"model": "%s", "max_tokens": 3, "prompt": "count"}""".formatted(MODEL)));
        JsonNode chat = okJson(post("/chat/completions", """
                {"model": "%s", "max_completion_tokens": 2, "messages": [{"role": "user", "content": "count"}]}""".formatted(MODEL)));

        assertThat(legacy.path("choices").get(0).path("text").asString()).isEqualTo("one two  three");
        assertThat(legacy.path("choices").get(0).path("finish_reason").asString())
                .isEqualTo("length");
        assertThat(legacy.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
        assertThat(contentOf(chat.path("choices").get(0))).isEqualTo("one two");
        assertThat(chat.path("choices").get(0).path("finish_reason").asString()).isEqualTo("length");
    }

    @Test
    void streamingChatReassemblesToTheNonStreamingText() throws Exception {
        String question = "Explain in detail why the sky appears blue during the day";
        String expected = contentOf(okJson(post("/chat/completions", chat(question)))
                .path("choices")
                .get(0));

        HttpResponse<String> response = post("/chat/completions", """
                {"model": "%s", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "%s"}]}""".formatted(MODEL, question));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<String> events = events(response.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream()
                .map(JSON::readTree)
                .toList();
        assertThat(chunks)
                .allSatisfy(c -> assertThat(c.path("object").asString()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.getFirst()
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("role")
                        .asString())
                .isEqualTo("assistant");

        StringBuilder text = new StringBuilder();
        int contentChunks = 0;
        for (JsonNode chunk : chunks.subList(1, chunks.size() - 2)) {
            text.append(
                    chunk.path("choices").get(0).path("delta").path("content").asString());
            contentChunks++;
        }
        assertThat(text.toString()).isEqualTo(expected);
        assertThat(contentChunks).isGreaterThan(1);
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.path("choices").get(0).path("finish_reason").asString())
                .isEqualTo("stop");
        JsonNode usage = chunks.getLast();
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(expected.split(" ").length);
    }

    @Test
    void streamingLegacyCompletionReassemblesToTheNonStreamingText() throws Exception {
        String body = """
                {"model": "%s", "prompt": "Write a short poem about the sea"%s}""";
        String expected = okJson(post("/completions", body.formatted(MODEL, "")))
                .path("choices")
                .get(0)
                .path("text")
                .asString();

        List<String> events = events(post("/completions", body.formatted(MODEL, ", \"stream\": true"))
                .body());

        StringBuilder text = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            text.append(JSON.readTree(event).path("choices").get(0).path("text").asString());
        }
        assertThat(text.toString()).isEqualTo(expected);
        assertThat(events).hasSizeGreaterThan(3).last().isEqualTo("[DONE]");
    }

    @Test
    void modelsListsTheConfiguredNames() throws Exception {
        sim.close();
        sim = OpenAiSimulator.start(Config.defaults().models("small", "large"));

        JsonNode models = okJson(get("/models"));

        assertThat(models.path("object").asString()).isEqualTo("list");
        assertThat(models.path("data").valueStream().map(m -> m.path("id").asString()))
                .containsExactly("small", "large");
        assertThat(models.path("data").get(0).path("object").asString()).isEqualTo("model");
    }

    @Test
    void anUnknownModelIsA404ModelNotFound() throws Exception {
        HttpResponse<String> response = post("/chat/completions", """
                {"model": "gpt-nope", "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("message").asString()).isEqualTo("The model 'gpt-nope' does not exist");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asString()).isEqualTo("model_not_found");
    }

    @Test
    void aWrongApiKeyIsA401AndTheRightOneIsAccepted() throws Exception {
        sim.close();
        sim = OpenAiSimulator.start(Config.defaults().apiKey("sk-right"));

        HttpResponse<String> wrong = send(request("/chat/completions")
                .header("Authorization", "Bearer sk-wrong")
                .POST(HttpRequest.BodyPublishers.ofString(chat("hi")))
                .build());
        HttpResponse<String> missing = post("/chat/completions", chat("hi"));
        HttpResponse<String> right = send(request("/chat/completions")
                .header("Authorization", "Bearer sk-right")
                .POST(HttpRequest.BodyPublishers.ofString(chat("hi")))
                .build());

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("error").path("code").asString())
                .isEqualTo("invalid_api_key");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
    }

    @Test
    void malformedRequestJsonIsA400WithAnErrorBody() throws Exception {
        HttpResponse<String> response = post("/chat/completions", "{\"model\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").path("type").asString())
                .isEqualTo("invalid_request_error");
    }

    @Test
    void anUnknownPathIsA404WithAnErrorBody() throws Exception {
        HttpResponse<String> response = get("/embeddings");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).path("error").path("message").asString())
                .contains("/v1/embeddings");
    }

    @Test
    void theSameRequestGetsTheSameReplyAcrossSimulators() throws Exception {
        String first = contentOf(okJson(post("/chat/completions", chat("Is this stable?")))
                .path("choices")
                .get(0));
        String again = contentOf(okJson(post("/chat/completions", chat("Is this stable?")))
                .path("choices")
                .get(0));
        String other = contentOf(okJson(post("/chat/completions", chat("Something else")))
                .path("choices")
                .get(0));
        sim.close();
        sim = OpenAiSimulator.start();
        String restarted = contentOf(okJson(post("/chat/completions", chat("Is this stable?")))
                .path("choices")
                .get(0));

        assertThat(again).isEqualTo(first);
        assertThat(restarted).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void theFirstMatchingRuleWinsAndResetRemovesRules() throws Exception {
        sim.whenPromptContains("weather")
                .reply("Sunny.")
                .whenPromptContains("weather in Oslo")
                .reply("Snow.")
                .when(r -> r.temperature() != null && r.temperature() > 1)
                .reply((request, i) -> "Hot take #" + i + " with seed " + request.seed());

        assertThat(contentOf(okJson(post("/chat/completions", chat("The weather in Oslo?")))
                        .path("choices")
                        .get(0)))
                .isEqualTo("Sunny.");
        JsonNode hot = okJson(post("/chat/completions", """
                {"model": "%s", "temperature": 1.5, "seed": 7, "n": 2, "messages": [{"role": "user", "content": "x"}]}""".formatted(MODEL)));
        assertThat(contentOf(hot.path("choices").get(1))).isEqualTo("Hot take #1 with seed 7");

        sim.reset();
        assertThat(contentOf(okJson(post("/chat/completions", chat("The weather in Oslo?")))
                        .path("choices")
                        .get(0)))
                .startsWith("Echo: ");
        assertThat(sim.requestCount()).isEqualTo(1);
    }

    @Test
    void aRateLimitFaultIsA429WithRetryAfterThenRequestsSucceedAgain() throws Exception {
        sim.failNext(2, Fault.rateLimited(Duration.ofMillis(1500)));

        HttpResponse<String> first = post("/chat/completions", chat("hi"));
        HttpResponse<String> second = post("/chat/completions", chat("hi"));
        HttpResponse<String> third = post("/chat/completions", chat("hi"));

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(first.headers().firstValue("retry-after-ms")).hasValue("1500");
        assertThat(JSON.readTree(first.body()).path("error").path("code").asString())
                .isEqualTo("rate_limit_exceeded");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(third.statusCode()).isEqualTo(200);
    }

    @Test
    void aServerErrorFaultIsA500WithAnErrorBody() throws Exception {
        sim.failNext(1, Fault.serverError());

        HttpResponse<String> response =
                post("/completions", "{\"model\": \"%s\", \"prompt\": \"hi\"}".formatted(MODEL));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.body()).path("error").path("type").asString())
                .isEqualTo("server_error");
    }

    @Test
    void aStatusFaultAnswersWithThatStatusAndMessage() throws Exception {
        sim.failNext(1, Fault.status(503, "Overloaded, try later"));

        HttpResponse<String> response = post("/chat/completions", chat("hi"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).path("error").path("message").asString())
                .isEqualTo("Overloaded, try later");
    }

    @Test
    void aTimeoutFaultHoldsTheRequestSoAShorterClientTimeoutFires() throws Exception {
        sim.failNext(1, Fault.timeout(Duration.ofSeconds(5)));

        assertThatThrownBy(() -> send(request("/chat/completions")
                        .timeout(Duration.ofMillis(300))
                        .POST(HttpRequest.BodyPublishers.ofString(chat("hi")))
                        .build()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(post("/chat/completions", chat("hi")).statusCode()).isEqualTo(200);
    }

    @Test
    void aTimeoutFaultAnswersNormallyAfterTheHold() throws Exception {
        sim.failNext(1, Fault.timeout(Duration.ofMillis(300)));

        long start = System.nanoTime();
        HttpResponse<String> response = post("/chat/completions", chat("hi"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(okJson(response).path("choices")).hasSize(1);
    }

    @Test
    void aMalformedJsonFaultIsA200WhoseBodyDoesNotParse() throws Exception {
        sim.failNext(1, Fault.malformedJson());

        HttpResponse<String> response = post("/chat/completions", chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> JSON.readTree(response.body())).isInstanceOf(JacksonException.class);
    }

    @Test
    void aConnectionResetEndsTheResponseMidwayAndATruncatedBodyEndsCleanlyButHalfWay() throws Exception {
        sim.failNext(1, Fault.connectionReset());
        assertThatThrownBy(() -> post("/chat/completions", chat("hi"))).isInstanceOf(java.io.IOException.class);

        String whole = post("/chat/completions", chat("hi")).body();
        sim.failNext(1, Fault.truncatedBody());
        HttpResponse<String> truncated = post("/chat/completions", chat("hi"));
        assertThat(truncated.statusCode()).isEqualTo(200);
        assertThat(truncated.body().length()).isLessThan(whole.length());
        assertThat(whole).startsWith(truncated.body().substring(0, 20));
        assertThatThrownBy(() -> JSON.readTree(truncated.body())).isInstanceOf(JacksonException.class);
    }

    @Test
    void anEmptyChoicesFaultIsA200WithNoChoices() throws Exception {
        sim.failNext(1, Fault.emptyChoices());

        JsonNode reply = okJson(post("/chat/completions", chat("hi")));

        assertThat(reply.path("choices").isArray()).isTrue();
        assertThat(reply.path("choices")).isEmpty();
        assertThat(reply.path("usage").path("completion_tokens").asInt()).isZero();
    }

    @Test
    void failingRandomlyAtTwentyPercentFailsAPlausibleShareReproducibly() throws Exception {
        assertThat(countFailures()).isEqualTo(countFailures()).isBetween(20, 60);
    }

    private int countFailures() throws Exception {
        sim.reset();
        sim.failRandomly(0.2, 42, Fault.serverError(), Fault.rateLimited(Duration.ofSeconds(1)));
        int failures = 0;
        for (int i = 0; i < 200; i++) {
            if (post("/chat/completions", chat("request " + i)).statusCode() != 200) {
                failures++;
            }
        }
        return failures;
    }

    @Test
    void latencyDelaysEveryRequest() throws Exception {
        sim.close();
        sim = OpenAiSimulator.start(
                Config.defaults().latency(Duration.ofMillis(200)).jitter(Duration.ofMillis(20), 1));

        long start = System.nanoTime();
        assertThat(get("/models").statusCode()).isEqualTo(200);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void twoHundredDelayedRequestsAreServedConcurrently() throws Exception {
        sim.close();
        sim = OpenAiSimulator.start(Config.defaults().latency(Duration.ofMillis(200)));

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            responses.add(client.sendAsync(
                    request("/chat/completions")
                            .POST(HttpRequest.BodyPublishers.ofString(chat("parallel " + i)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        assertThat(responses).allSatisfy(r -> assertThat(r.join().statusCode()).isEqualTo(200));
        assertThat(sim.requestCount()).isEqualTo(200);
        assertThat(sim.maxConcurrency()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void theRequestLogRecordsBodiesHeadersAndMessagesInArrivalOrder() throws Exception {
        post("/chat/completions", """
                {"model": "%s", "temperature": 0.2, "max_tokens": 50, "stop": "END", "seed": 3,
                 "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}]}""".formatted(MODEL));
        post("/completions", "{\"model\": \"%s\", \"prompt\": \"Second\"}".formatted(MODEL));

        assertThat(sim.awaitRequests(2, Duration.ofSeconds(1))).isTrue();
        List<SimRequest> log = sim.requests();
        assertThat(log).extracting(SimRequest::path).containsExactly("/v1/chat/completions", "/v1/completions");
        SimRequest chat = log.getFirst();
        assertThat(chat.model()).isEqualTo(MODEL);
        assertThat(chat.prompt()).isEqualTo("Be brief.\nHello");
        assertThat(chat.messages())
                .containsExactly(
                        new SimRequest.Message("system", "Be brief."), new SimRequest.Message("user", "Hello"));
        assertThat(chat.body().path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(chat.temperature()).isEqualTo(0.2);
        assertThat(chat.maxTokens()).isEqualTo(50);
        assertThat(chat.stop()).containsExactly("END");
        assertThat(chat.seed()).isEqualTo(3L);
        assertThat(chat.header("content-type")).isEqualTo("application/json");
        assertThat(log.get(1).prompt()).isEqualTo("Second");
        assertThat(sim.awaitRequests(3, Duration.ofMillis(50))).isFalse();
    }

    @Test
    void standaloneFlagsAreParsedIntoAConfig() {
        Config config = Config.fromArgs("--port", "8089", "--latency-ms", "25", "--models", "a, b");

        assertThat(config.port()).isEqualTo(8089);
        assertThat(config.latency()).isEqualTo(Duration.ofMillis(25));
        assertThat(config.models()).containsExactly("a", "b");
        assertThatThrownBy(() -> Config.fromArgs("--nope", "1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String chat(String content) {
        return """
                {"model": "%s", "messages": [{"role": "user", "content": "%s"}]}""".formatted(MODEL, content);
    }

    private static String contentOf(JsonNode choice) {
        return choice.path("message").path("content").asString();
    }

    /** The {@code data:} payloads of a server-sent event stream. */
    private static List<String> events(String body) {
        return body.lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring("data: ".length()))
                .toList();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).header("Content-Type", "application/json");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(
                request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode okJson(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
