package dev.distillery.endpoints.internal;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j's HTTP transport, on the JDK client like its default one, except that an error response keeps the
 * server's {@code Retry-After}: LangChain4j's own transport drops headers, and the retry policy must honour them.
 * Streaming is not used by Distillery and is refused.
 */
final class RetryAfterAwareTransport implements dev.langchain4j.http.client.HttpClient {

    private final HttpClient http;
    private final Duration readTimeout;

    private RetryAfterAwareTransport(HttpClient http, Duration readTimeout) {
        this.http = http;
        this.readTimeout = readTimeout;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        var builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
        request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        builder.method(request.method().name(), request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the model", e);
        }
        if (response.statusCode() >= 400) {
            throw new Failures.StatusException(response.statusCode(), response.body(),
                    Failures.retryAfter(response.headers().map()));
        }
        return SuccessfulHttpResponse.builder()
                .statusCode(response.statusCode())
                .headers(response.headers().map())
                .body(response.body())
                .build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("Streaming is not used");
    }

    /** Builder handed to LangChain4j's model builders; one JDK client per endpoint, on virtual threads. */
    static final class Builder implements HttpClientBuilder {

        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);

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
            return new RetryAfterAwareTransport(HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .version(HttpClient.Version.HTTP_1_1)
                    .build(), readTimeout);
        }
    }
}
