package dev.distillery.runs;

import dev.distillery.methods.Decoding;
import dev.distillery.methods.ModelRole;
import dev.distillery.methods.Preset;
import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Everything a run needs to execute, fixed at launch: the preset's full content (so a run reproduces even if
 * presets evolve), parameters, decoding, endpoints with their pricing, and the dataset slice.
 */
record RunSnapshot(
        String method,
        String preset,
        int presetVersion,
        PresetSnapshot presetSnapshot,
        Map<String, Object> params,
        Decoding decoding,
        Map<ModelRole, RoleEndpoint> roles,
        UUID datasetId,
        UUID datasetVersionId,
        String split,
        int offset,
        @Nullable Integer limit,
        int concurrency,
        @Nullable Integer seed) {

    /** The endpoint in a role at launch, with its prices per million tokens. */
    record RoleEndpoint(
            UUID endpointId,
            String name,
            String model,
            @Nullable BigDecimal inputPerMillion,
            @Nullable BigDecimal outputPerMillion) {}

    /** A preset as stored with the run. */
    record PresetSnapshot(
            String id,
            String methodId,
            int version,
            String label,
            String description,
            Map<String, String> templates,
            Map<ModelRole, Decoding> decoding,
            Map<String, Object> params) {

        static PresetSnapshot of(Preset p) {
            return new PresetSnapshot(
                    p.id(),
                    p.methodId(),
                    p.version(),
                    p.label(),
                    p.description(),
                    p.templates(),
                    p.decoding(),
                    p.params());
        }

        Preset toPreset() {
            return new Preset(id, methodId, version, label, description, templates, decoding, params);
        }
    }
}
