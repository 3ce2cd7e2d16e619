package dev.distillery.methods;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decoding of one call. Null values mean "the provider's default" (METHODS.md: unless a preset says otherwise).
 *
 * @param samples completions wanted for the prompt (Fine-tune-CoT's diverse reasoning asks for D)
 */
public record Decoding(
        @Nullable Double temperature,
        @Nullable Double topP,
        @Nullable Integer maxTokens,
        List<String> stop,
        @Nullable Integer seed,
        int samples) {

    public static Decoding providerDefault() {
        return new Decoding(null, null, null, List.of(), null, 1);
    }

    /** Greedy decoding (temperature 0) with a token cap. */
    public static Decoding greedy(int maxTokens) {
        return new Decoding(0.0, null, maxTokens, List.of(), null, 1);
    }

    /** This decoding with the non-null values of {@code overrides} taking precedence (a run's explicit settings). */
    public Decoding overriddenBy(Decoding overrides) {
        return new Decoding(
                overrides.temperature() != null ? overrides.temperature() : temperature,
                overrides.topP() != null ? overrides.topP() : topP,
                overrides.maxTokens() != null ? overrides.maxTokens() : maxTokens,
                !overrides.stop().isEmpty() ? overrides.stop() : stop,
                overrides.seed() != null ? overrides.seed() : seed,
                samples);
    }
}
