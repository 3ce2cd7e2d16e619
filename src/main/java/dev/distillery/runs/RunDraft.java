package dev.distillery.runs;

import dev.distillery.methods.Decoding;
import dev.distillery.methods.ModelRole;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a user asks to run.
 *
 * @param preset preset id, or null for the method's default
 * @param datasetVersion version number, or null for the latest
 * @param limit how many items from {@code offset}, or null for all the rest
 * @param roles endpoint per role the method needs
 * @param decoding explicit decoding that overrides the preset's for every call (null values: keep the preset's)
 */
public record RunDraft(
        @Nullable String name,
        String method,
        @Nullable String preset,
        UUID datasetId,
        @Nullable Integer datasetVersion,
        @Nullable String split,
        int offset,
        @Nullable Integer limit,
        Map<ModelRole, UUID> roles,
        Map<String, Object> params,
        Decoding decoding,
        int concurrency,
        @Nullable Integer seed) {}
