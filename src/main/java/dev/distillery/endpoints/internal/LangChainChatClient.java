package dev.distillery.endpoints.internal;

import dev.distillery.endpoints.ModelCallException;
import dev.distillery.endpoints.ModelRequest;
import dev.distillery.endpoints.ModelResponse;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import java.util.List;

/** Single-sample chat calls through LangChain4j's OpenAI chat model: the prompt as one user message. */
final class LangChainChatClient implements ModelClient {

    private final OpenAiChatModel model;

    LangChainChatClient(
            EndpointConfig config,
            EgressPolicy policy,
            okhttp3.@org.jspecify.annotations.Nullable Interceptor observer) {
        this.model = OpenAiChatModel.builder()
                .httpClientBuilder(new RetryAfterAwareTransport.Builder(policy, observer))
                .baseUrl(config.baseUrl())
                .apiKey(config.apiKey() == null ? "none" : config.apiKey())
                .modelName(config.model())
                .customHeaders(config.headers())
                .timeout(config.timeout())
                .maxRetries(0) // retries belong to the endpoint's Resilience4j policy, which honours Retry-After
                .build();
    }

    @Override
    public ModelResponse call(ModelRequest request) {
        var parameters = OpenAiChatRequestParameters.builder()
                .temperature(request.temperature())
                .topP(request.topP())
                .maxOutputTokens(request.maxTokens())
                .seed(request.seed());
        if (!request.stop().isEmpty()) {
            parameters.stopSequences(request.stop());
        }
        long start = System.nanoTime();
        ChatResponse response;
        try {
            response = model.chat(ChatRequest.builder()
                    .messages(List.of(UserMessage.from(request.prompt())))
                    .parameters(parameters.build())
                    .build());
        } catch (RuntimeException e) {
            throw Failures.classify(e);
        }
        long latency = (System.nanoTime() - start) / 1_000_000;
        if (response == null
                || response.aiMessage() == null
                || response.aiMessage().text() == null) {
            throw new ModelCallException(ModelCallException.Kind.EMPTY_RESPONSE, "", null, null, null);
        }
        var usage = response.tokenUsage();
        return new ModelResponse(
                List.of(response.aiMessage().text()),
                response.finishReason() == null
                        ? null
                        : response.finishReason().name().toLowerCase(java.util.Locale.ROOT),
                usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
                latency,
                1);
    }
}
