package dev.distillery.datasets;

import dev.distillery.shared.InvalidInputException.FieldError;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The first items of an upload as they would be imported, without storing anything.
 *
 * @param format the format used (detected when "auto" was asked), or null when none fits
 * @param columns the fields found in the first record (for mapping a generic file)
 */
public record ImportPreview(
        @Nullable String format, List<String> columns, List<DatasetItem> items, List<FieldError> problems) {}
