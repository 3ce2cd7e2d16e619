package dev.distillery.methods;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A teacher–student method or baseline as a pure function: given an item, a preset, parameters and the calls made
 * so far, it says which calls to make next or that the item is done. Deterministic: the same inputs give the same
 * step, which lets a run resume from its stored calls after a crash without repeating them.
 */
public interface Method {

    /** Stable id: standard, zero-shot, zero-shot-cot, few-shot-cot, plan-and-solve, trace-of-thought, ... */
    String id();

    String label();

    /** One paragraph for the run form: what it does and its source. */
    String description();

    /** The roles a run must map to endpoints. */
    Set<ModelRole> roles();

    /** Parameters the run form renders (besides decoding, which every run may set). */
    List<ParamSpec> params();

    /** Shipped presets, the default first. */
    List<Preset> presets();

    /** The split this method should run on by default (Fine-tune-CoT generation: train), or null for any. */
    default String defaultSplit() {
        return "test";
    }

    /**
     * The next step for {@code item}.
     *
     * @param params the run's parameter values (declared defaults and the preset's already applied)
     * @param runDecoding the run's explicit decoding, overriding the preset's for every call (values may be null)
     * @param history the calls completed so far for this item, in any order, identified by their keys
     * @throws IllegalArgumentException when the item cannot be handled (the engine records it as an item error)
     */
    Step next(
            MethodItem item,
            Preset preset,
            Map<String, Object> params,
            Decoding runDecoding,
            List<CompletedCall> history);
}
