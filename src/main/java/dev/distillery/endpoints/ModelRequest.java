package dev.distillery.endpoints;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One call's prompt and decoding. Null decoding values fall back to the endpoint's defaults, then the provider's.
 * Chat endpoints receive the prompt as a single user message with no system message (METHODS.md).
 *
 * @param samples number of completions wanted for this prompt (the provider's {@code n})
 */
public record ModelRequest(
        String prompt,
        @Nullable Double temperature,
        @Nullable Double topP,
        @Nullable Integer maxTokens,
        List<String> stop,
        @Nullable Integer seed,
        int samples) {

    public static ModelRequest of(String prompt) {
        return new ModelRequest(prompt, null, null, null, List.of(), null, 1);
    }

    public ModelRequest withMaxTokens(int maxTokens) {
        return new ModelRequest(prompt, temperature, topP, maxTokens, stop, seed, samples);
    }
}
