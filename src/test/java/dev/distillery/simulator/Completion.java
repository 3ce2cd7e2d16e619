package dev.distillery.simulator;

import java.util.List;

/** A finished completion, independent of wire format; {@link WireFormat} renders it for either endpoint. */
record Completion(String id, long created, String model, List<Choice> choices, Usage usage) {

    /** One generated choice and why it ended: {@code "stop"} or {@code "length"}. */
    record Choice(int index, String text, String finishReason) {

        /**
         * Applies the request's {@code stop} sequences and token limit to a responder's raw text, in that order,
         * as a real model stops at a stop sequence before it would run out of tokens.
         */
        static Choice shape(int index, String raw, SimRequest request) {
            String text = cutAtFirstStop(raw, request.stop());
            Integer maxTokens = request.maxTokens();
            if (maxTokens != null && Tokens.count(text) > maxTokens) {
                return new Choice(index, Tokens.truncate(text, maxTokens), "length");
            }
            return new Choice(index, text, "stop");
        }

        private static String cutAtFirstStop(String text, List<String> stops) {
            int cut = stops.stream()
                    .mapToInt(text::indexOf)
                    .filter(i -> i >= 0)
                    .min()
                    .orElse(text.length());
            return text.substring(0, cut);
        }
    }

    /** Token counts as OpenAI reports them; the prompt always counts as at least one token. */
    record Usage(int promptTokens, int completionTokens) {

        static Usage of(SimRequest request, List<Choice> choices) {
            int completion =
                    choices.stream().mapToInt(c -> Tokens.count(c.text())).sum();
            return new Usage(Math.max(1, Tokens.count(request.prompt())), completion);
        }

        int totalTokens() {
            return promptTokens + completionTokens;
        }
    }
}
