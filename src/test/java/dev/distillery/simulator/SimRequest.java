package dev.distillery.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * One request as the simulator received it. Numeric sampling fields are {@code null} when the client did not
 * send them; {@link #n()} defaults to 1 and {@link #stop()} to an empty list, as in the OpenAI API.
 *
 * @param path        the request path, e.g. {@code /v1/chat/completions}
 * @param model       the {@code model} field, or {@code null}
 * @param prompt      for chat: the message contents joined with newlines; for completions: the {@code prompt}
 * @param messages    the chat messages in order (empty for legacy completions)
 * @param body        the parsed JSON body; a missing node when the body was empty or not valid JSON
 * @param headers     request headers with lower-cased names (first value of each)
 * @param temperature {@code temperature}
 * @param n           {@code n}, the number of choices asked for
 * @param maxTokens   {@code max_completion_tokens}, falling back to {@code max_tokens}
 * @param stop        {@code stop}, normalised to a list
 * @param seed        {@code seed}
 * @param stream      whether {@code "stream": true} was sent
 */
public record SimRequest(
        String path,
        String model,
        String prompt,
        List<Message> messages,
        JsonNode body,
        Map<String, String> headers,
        Double temperature,
        int n,
        Integer maxTokens,
        List<String> stop,
        Long seed,
        boolean stream) {

    /** One chat message; {@code content} has multi-part (array) contents flattened to their text parts. */
    public record Message(String role, String content) {}

    /** Header value by case-insensitive name, or {@code null}. */
    public String header(String name) {
        return headers.get(name.toLowerCase());
    }

    /** Whether the client asked for a trailing usage chunk ({@code stream_options.include_usage}). */
    public boolean includeUsage() {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    /** Reads the fields the simulator cares about; never fails, validation happens per endpoint. */
    static SimRequest of(String path, Map<String, List<String>> rawHeaders, JsonNode body) {
        List<Message> messages = messages(body.path("messages"));
        String prompt = body.has("messages")
                ? messages.stream().map(Message::content).collect(Collectors.joining("\n"))
                : text(body.path("prompt"));
        JsonNode maxTokens =
                body.has("max_completion_tokens") ? body.path("max_completion_tokens") : body.path("max_tokens");
        return new SimRequest(
                path,
                body.path("model").isString() ? body.path("model").stringValue() : null,
                prompt,
                messages,
                body,
                lowerCased(rawHeaders),
                body.path("temperature").isNumber() ? body.path("temperature").doubleValue() : null,
                body.path("n").isIntegralNumber() ? body.path("n").intValue() : 1,
                maxTokens.isIntegralNumber() ? maxTokens.intValue() : null,
                strings(body.path("stop")).stream().filter(s -> !s.isEmpty()).toList(),
                body.path("seed").isIntegralNumber() ? body.path("seed").longValue() : null,
                body.path("stream").asBoolean(false));
    }

    private static List<Message> messages(JsonNode array) {
        List<Message> messages = new ArrayList<>();
        for (JsonNode message : array) {
            messages.add(new Message(message.path("role").asString(""), text(message.path("content"))));
        }
        return List.copyOf(messages);
    }

    /** A string, or the text parts of an array (chat content parts, or a batch of legacy prompts). */
    private static String text(JsonNode node) {
        if (node.isString()) {
            return node.stringValue();
        }
        return strings(node).stream().collect(Collectors.joining("\n"));
    }

    private static List<String> strings(JsonNode node) {
        if (node.isString()) {
            return List.of(node.stringValue());
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : node) {
            if (part.isString()) {
                parts.add(part.stringValue());
            } else if (part.path("text").isString()) {
                parts.add(part.path("text").stringValue());
            }
        }
        return List.copyOf(parts);
    }

    private static Map<String, String> lowerCased(Map<String, List<String>> headers) {
        return headers.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .collect(Collectors.toUnmodifiableMap(
                        e -> e.getKey().toLowerCase(), e -> e.getValue().getFirst(), (a, b) -> a));
    }
}
