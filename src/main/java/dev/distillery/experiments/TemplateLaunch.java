package dev.distillery.experiments;

import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a user gives to launch a template.
 *
 * @param datasetVersion version number, or null for the latest
 * @param slots the template's slots by name: endpoint ids (a list for {@code endpoints} slots), texts and integers
 * @param concurrency of each run (null: the experiments' default)
 * @param confirm true to launch a grid whose estimate is above the workspace's threshold
 */
public record TemplateLaunch(
        @Nullable String name,
        UUID datasetId,
        @Nullable Integer datasetVersion,
        Map<String, Object> slots,
        @Nullable Integer seed,
        @Nullable Integer concurrency,
        @Nullable Boolean confirm) {

    public TemplateLaunch {
        // JSON may leave out the slots or give null for an optional one; both mean "not given".
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        if (slots != null) {
            slots.forEach((slot, value) -> {
                if (value != null) {
                    given.put(slot, value);
                }
            });
        }
        slots = java.util.Collections.unmodifiableMap(given);
    }
}
