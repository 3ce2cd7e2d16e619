package dev.distillery.datasets;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Upload limits ({@code distillery.datasets}), shown in the upload dialog.
 *
 * @param maxFileBytes the largest file accepted
 * @param maxZipEntries the most entries a zip may have
 * @param maxUnpackedBytes the most a zip may unpack to
 */
@Validated
@ConfigurationProperties("distillery.datasets")
record DatasetProperties(DataSize maxFileBytes, @Min(1) int maxZipEntries, DataSize maxUnpackedBytes) {}
