package dev.distillery.datasets;

import java.util.List;
import java.util.UUID;

/** A dataset with all its versions, newest first. */
public record DatasetDetails(UUID id, String name, List<VersionSummary> versions) {

    public VersionSummary latest() {
        return versions.getFirst();
    }
}
