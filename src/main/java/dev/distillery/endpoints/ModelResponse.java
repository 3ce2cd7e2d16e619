package dev.distillery.endpoints;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a model answered.
 *
 * @param texts one text per requested sample, in order
 * @param finishReason the provider's reason for the first sample (stop, length, ...), if given
 * @param promptTokens input tokens as the provider counted them (0 if it did not say)
 * @param completionTokens output tokens over all samples
 * @param latencyMillis wall time of the successful attempt
 * @param attempts how many attempts it took (retries after 429/5xx/timeouts included)
 */
public record ModelResponse(
        List<String> texts,
        @Nullable String finishReason,
        int promptTokens,
        int completionTokens,
        long latencyMillis,
        int attempts) {

    public String text() {
        return texts.getFirst();
    }
}
