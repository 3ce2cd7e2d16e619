package dev.distillery.endpoints.internal;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Tokens a call will use, before it is made, for token-per-minute limits: the prompt counted with the model's own
 * tokenizer where it is an OpenAI model (jtokkit: {@code o200k_base} for GPT-4o, 4.1, 5 and the o-series,
 * {@code cl100k_base} for GPT-4 and 3.5), otherwise a conservative three characters per token; then corrected by
 * what the provider reports in {@code usage} (chat formatting, other tokenizers). The completion is estimated by the
 * average the endpoint has produced, or the request's {@code max_tokens} until there is one.
 */
public final class TokenEstimator {

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final int FIRST_COMPLETION_GUESS = 256;

    private final @Nullable Encoding encoding;
    private double promptCorrection = 1.0;
    private double completionAverage;

    TokenEstimator(String model) {
        this.encoding = encodingFor(model);
    }

    static @Nullable Encoding encodingFor(String model) {
        String name = model.toLowerCase(Locale.ROOT);
        name = name.substring(name.lastIndexOf('/') + 1);
        // By family first: jtokkit's own look-up matches by prefix and takes "gpt-4o-mini" for a GPT-4.
        if (name.startsWith("gpt-4o")
                || name.startsWith("gpt-4.1")
                || name.startsWith("gpt-4.5")
                || name.startsWith("gpt-5")
                || name.matches("o[1-9].*")
                || name.startsWith("chatgpt-4o")) {
            return REGISTRY.getEncoding(EncodingType.O200K_BASE);
        }
        if (name.startsWith("gpt-4") || name.startsWith("gpt-3.5")) {
            return REGISTRY.getEncoding(EncodingType.CL100K_BASE);
        }
        return REGISTRY.getEncodingForModel(name).orElse(null);
    }

    /** The prompt's tokens as counted here, before any correction. */
    int count(String prompt) {
        return count(encoding, prompt);
    }

    /** A text's tokens for {@code model} as the limits count them, before what the provider reports corrects them. */
    public static int count(String model, String text) {
        return count(encodingFor(model), text);
    }

    private static int count(@Nullable Encoding encoding, String text) {
        return encoding != null ? encoding.countTokensOrdinary(text) : (text.length() + 2) / 3;
    }

    /** Tokens the call is expected to use: the prompt once, and a completion per sample. */
    synchronized int estimate(String prompt, @Nullable Integer maxTokens, int samples) {
        int completion = completionAverage > 0
                ? (int) Math.ceil(completionAverage)
                : maxTokens != null ? maxTokens : FIRST_COMPLETION_GUESS;
        if (maxTokens != null) {
            completion = Math.min(completion, maxTokens);
        }
        return (int) Math.ceil(count(prompt) * promptCorrection) + completion * Math.max(1, samples);
    }

    /** What the provider reported for a call with {@code prompt}: the next estimates follow it. */
    synchronized void observe(String prompt, int promptTokens, int completionTokens, int samples) {
        int counted = count(prompt);
        if (promptTokens > 0 && counted > 0) {
            double ratio = (double) promptTokens / counted;
            promptCorrection = 0.8 * promptCorrection + 0.2 * ratio;
        }
        if (completionTokens > 0) {
            double perSample = (double) completionTokens / Math.max(1, samples);
            completionAverage = completionAverage == 0 ? perSample : 0.9 * completionAverage + 0.1 * perSample;
        }
    }
}
