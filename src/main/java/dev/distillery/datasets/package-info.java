/**
 * Datasets: uploads in the built-in formats or a mapped generic file, imported as a stream into immutable versions
 * of items (question, choices, gold answer as published and normalised, answer type, gold rationale or
 * decomposition, split, source position). Runs pin a version and read its items through {@link
 * dev.distillery.datasets.DatasetService}.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"shared", "shared :: text", "shared :: ui", "tenancy"})
@NullMarked
package dev.distillery.datasets;

import org.jspecify.annotations.NullMarked;
