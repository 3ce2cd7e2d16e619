package dev.distillery.simulator;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Renders completions, stream chunks, model lists and errors as OpenAI JSON. */
final class WireFormat {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Complete but not JSON (a stray token mid-object): the server's fault, unlike a body cut short on the way
     * ({@link Fault#truncatedBody()}), which a client asks for again.
     */
    static final String MALFORMED_JSON =
            "{\"id\":\"sim-broken\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0, oops}]}";

    /** Streams split each choice's text into this many content chunks at most: enough to exercise reassembly. */
    private static final int STREAM_PIECES = 4;

    private WireFormat() {}

    static ObjectNode completion(Endpoint endpoint, Completion completion) {
        ObjectNode root = header(endpoint.object, completion);
        var choices = root.putArray("choices");
        for (Completion.Choice choice : completion.choices()) {
            ObjectNode node = choices.addObject().put("index", choice.index());
            switch (endpoint) {
                case CHAT -> node.putObject("message").put("role", "assistant").put("content", choice.text());
                case COMPLETIONS -> node.put("text", choice.text());
            }
            node.putNull("logprobs").put("finish_reason", choice.finishReason());
        }
        root.set("usage", usage(completion.usage()));
        return root;
    }

    /**
     * The {@code data:} payloads of a streamed completion, in order: per choice an opening role delta (chat
     * only), a few content deltas and a closing chunk with the finish reason; then, if asked, a usage chunk
     * with no choices. The {@code [DONE]} sentinel is left to the transport.
     */
    static List<ObjectNode> chunks(Endpoint endpoint, Completion completion, boolean includeUsage) {
        List<ObjectNode> chunks = new ArrayList<>();
        for (Completion.Choice choice : completion.choices()) {
            if (endpoint == Endpoint.CHAT) {
                chunks.add(chunk(endpoint, completion, choice.index(), "", null, true));
            }
            for (String piece : Tokens.pieces(choice.text(), STREAM_PIECES)) {
                chunks.add(chunk(endpoint, completion, choice.index(), piece, null, false));
            }
            chunks.add(chunk(endpoint, completion, choice.index(), null, choice.finishReason(), false));
        }
        if (includeUsage) {
            ObjectNode usageChunk = header(endpoint.chunkObject, completion);
            usageChunk.putArray("choices");
            usageChunk.set("usage", usage(completion.usage()));
            chunks.add(usageChunk);
        }
        return chunks;
    }

    static ObjectNode models(List<String> names) {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        var data = root.putArray("data");
        for (String name : names) {
            data.addObject()
                    .put("id", name)
                    .put("object", "model")
                    .put("created", 0)
                    .put("owned_by", "simulator");
        }
        return root;
    }

    static ObjectNode error(ApiError error) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error")
                .put("message", error.getMessage())
                .put("type", error.type)
                .putNull("param")
                .put("code", error.code);
        return root;
    }

    static byte[] bytes(JsonNode node) {
        return JSON.writeValueAsBytes(node);
    }

    /** One chunk for one choice; {@code content == null} means an empty delta, as in OpenAI's final chunk. */
    private static ObjectNode chunk(
            Endpoint endpoint,
            Completion completion,
            int index,
            String content,
            String finishReason,
            boolean withRole) {
        ObjectNode root = header(endpoint.chunkObject, completion);
        ObjectNode choice = root.putArray("choices").addObject().put("index", index);
        switch (endpoint) {
            case CHAT -> {
                ObjectNode delta = choice.putObject("delta");
                if (withRole) {
                    delta.put("role", "assistant");
                }
                if (content != null) {
                    delta.put("content", content);
                }
            }
            case COMPLETIONS -> choice.put("text", content == null ? "" : content);
        }
        choice.putNull("logprobs").put("finish_reason", finishReason);
        return root;
    }

    private static ObjectNode header(String object, Completion completion) {
        return JSON.createObjectNode()
                .put("id", completion.id())
                .put("object", object)
                .put("created", completion.created())
                .put("model", completion.model());
    }

    private static ObjectNode usage(Completion.Usage usage) {
        return JSON.createObjectNode()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens());
    }
}
