package dev.distillery.methods;

import java.util.Map;

/**
 * A named, versioned configuration of a method. Shipped presets never change once released; a run records the
 * preset id and version and the full rendered prompt of every call.
 *
 * @param templates prompt templates by name (e.g. "teacher", "student"), exactly as METHODS.md gives them, with
 *     placeholders such as {@code {question}} and {@code {steps}}
 * @param decoding per role; roles absent here use {@link Decoding#providerDefault()}
 * @param params default parameter values of this preset (override the method's declared defaults)
 */
public record Preset(
        String id,
        String methodId,
        int version,
        String label,
        String description,
        Map<String, String> templates,
        Map<ModelRole, Decoding> decoding,
        Map<String, Object> params) {

    public Decoding decodingFor(ModelRole role) {
        return decoding.getOrDefault(role, Decoding.providerDefault());
    }
}
