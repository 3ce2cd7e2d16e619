package dev.distillery.endpoints.internal;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j's HTTP transport on OkHttp (already here for the OpenAI SDK), for two reasons. An error response keeps
 * the server's {@code Retry-After}: LangChain4j's own transport drops headers, and the retry policy must honour
 * them. And a blocking call does its I/O on the calling (virtual) thread: the JDK client hands every exchange
 * between its selector thread and an executor several times, which cost more CPU and latency per call than the
 * rest of a run's bookkeeping together (see docs/BENCHMARKS.md). Streaming is not used by Distillery and is refused.
 */
final class RetryAfterAwareTransport implements dev.langchain4j.http.client.HttpClient {

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private final OkHttpClient http;

    private RetryAfterAwareTransport(OkHttpClient http) {
        this.http = http;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        var builder = new Request.Builder().url(request.url());
        request.headers().forEach((name, values) -> values.forEach(value -> builder.addHeader(name, value)));
        RequestBody body = request.body() == null ? null : RequestBody.create(request.body(), JSON);
        builder.method(
                request.method().name(),
                body == null && request.method().name().equals("POST") ? RequestBody.create(new byte[0], null) : body);
        try (Response response = http.newCall(builder.build()).execute()) {
            ResponseBody responseBody = response.body();
            String text = responseBody == null ? "" : responseBody.string();
            var headers = response.headers().toMultimap();
            if (response.code() >= 300 && response.code() < 400) {
                throw new Failures.StatusException(
                        response.code(), "to " + response.header("Location", "(no Location)"), null);
            }
            if (response.code() >= 400) {
                throw new Failures.StatusException(response.code(), text, Failures.retryAfter(headers));
            }
            return SuccessfulHttpResponse.builder()
                    .statusCode(response.code())
                    .headers(headers)
                    .body(text)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("Streaming is not used");
    }

    /** Builder handed to LangChain4j's model builders; one OkHttp client (and connection pool) per endpoint. */
    static final class Builder implements HttpClientBuilder {

        private final EgressPolicy policy;
        private final okhttp3.@Nullable Interceptor observer;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);

        Builder(EgressPolicy policy, okhttp3.@Nullable Interceptor observer) {
            this.policy = policy;
            this.observer = observer;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(@Nullable Duration timeout) {
            if (timeout != null) {
                connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(@Nullable Duration timeout) {
            if (timeout != null) {
                readTimeout = timeout;
            }
            return this;
        }

        @Override
        public dev.langchain4j.http.client.HttpClient build() {
            return new RetryAfterAwareTransport(policy.client(connectTimeout, readTimeout, observer));
        }
    }
}
