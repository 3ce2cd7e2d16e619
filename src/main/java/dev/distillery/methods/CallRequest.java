package dev.distillery.methods;

/**
 * A model call a method wants made.
 *
 * @param key unique within the item and stable across replays, e.g. "teacher", "student", "rationale", "answer/3",
 *     "qg/2"; the engine stores each completed call under its key and replays history by it
 * @param prompt the exact text to send (chat endpoints get it as one user message)
 */
public record CallRequest(String key, ModelRole role, String prompt, Decoding decoding) {}
