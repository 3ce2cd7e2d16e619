package dev.distillery.simulator;

/**
 * The two generation endpoints. They share all request handling; only the names below and the shape of a
 * choice (see {@link WireFormat}) differ.
 */
enum Endpoint {
    CHAT("/v1/chat/completions", "messages", "chat.completion", "chat.completion.chunk", "chatcmpl-"),
    COMPLETIONS("/v1/completions", "prompt", "text_completion", "text_completion", "cmpl-");

    final String path;
    /** The body field that carries the input and must be present. */
    final String inputField;

    final String object;
    final String chunkObject;
    final String idPrefix;

    Endpoint(String path, String inputField, String object, String chunkObject, String idPrefix) {
        this.path = path;
        this.inputField = inputField;
        this.object = object;
        this.chunkObject = chunkObject;
        this.idPrefix = idPrefix;
    }

    static Endpoint forPath(String path) {
        for (Endpoint endpoint : values()) {
            if (endpoint.path.equals(path)) {
                return endpoint;
            }
        }
        return null;
    }
}
