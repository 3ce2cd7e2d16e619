package dev.distillery.endpoints;

import java.util.Locale;

/** Which OpenAI API an endpoint is called with. */
public enum ApiStyle {
    /** {@code /v1/chat/completions}: the prompt is sent as one user message. */
    CHAT,
    /** Legacy {@code /v1/completions}: the prompt is sent as is (closest to the Fine-tune-CoT protocol). */
    COMPLETIONS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ApiStyle fromId(String id) {
        for (ApiStyle s : values()) {
            if (s.id().equalsIgnoreCase(id.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("apiStyle must be 'chat' or 'completions', not '" + id + "'");
    }
}
