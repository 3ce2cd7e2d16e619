package dev.distillery.methods;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every shipped method shares: its description for the run form, and a {@link #next} that checks the preset,
 * resolves the parameters and indexes the history by key before the protocol decides its step.
 */
abstract class Protocol implements Method {

    /**
     * Trace-of-Thought's way of adding options: "append the choices to the question on a new line" (METHODS.md §1),
     * worded as the Fine-tune-CoT exemplars word them so that both families show the same options text.
     */
    static final String CHOICES_ON_NEW_LINE = "{question}\nAnswer choices: {choices}.";

    /** Fine-tune-CoT's way: {@code {stem} Answer choices: (A) x, (B) y, (C) z.} (METHODS.md §2, its exemplars). */
    static final String CHOICES_ON_SAME_LINE = "{question} Answer choices: {choices}.";

    private final String id;
    private final String label;
    private final String description;
    private final Set<ModelRole> roles;
    private final List<ParamSpec> params;
    private final String defaultSplit;

    Protocol(
            String id,
            String label,
            String description,
            Set<ModelRole> roles,
            List<ParamSpec> params,
            String defaultSplit) {
        this.id = id;
        this.label = label;
        this.description = description;
        this.roles = Set.copyOf(roles);
        this.params = List.copyOf(params);
        this.defaultSplit = defaultSplit;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String label() {
        return label;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final Set<ModelRole> roles() {
        return roles;
    }

    @Override
    public final List<ParamSpec> params() {
        return params;
    }

    @Override
    public final String defaultSplit() {
        return defaultSplit;
    }

    @Override
    public final Step next(
            MethodItem item,
            Preset preset,
            Map<String, Object> params,
            Decoding runDecoding,
            List<CompletedCall> history) {
        // Resolving again is idempotent for resolved values and turns a malformed value into an item error
        // instead of a ClassCastException deep inside a protocol.
        Map<String, Object> resolved = Methods.resolveParams(this, preset, params);
        return advance(new Turn(item, preset, resolved, runDecoding, history));
    }

    /** The protocol's step for this turn. */
    abstract Step advance(Turn turn);

    /** A preset of this method at version 1, the version every shipped preset starts at. */
    final Preset preset(
            String presetId,
            String label,
            String description,
            Map<String, String> templates,
            Map<ModelRole, Decoding> decoding,
            Map<String, Object> params) {
        return new Preset(presetId, id, 1, label, description, templates, decoding, params);
    }

    /** Templates in the order given (name, template, name, template, ...), so the run form lists them in call order. */
    static Map<String, String> templates(String... namesAndTemplates) {
        Map<String, String> templates = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTemplates.length; i += 2) {
            templates.put(namesAndTemplates[i], namesAndTemplates[i + 1]);
        }
        return Collections.unmodifiableMap(templates);
    }
}
