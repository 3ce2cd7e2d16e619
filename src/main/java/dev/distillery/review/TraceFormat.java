package dev.distillery.review;

import dev.distillery.shared.InvalidInputException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The files a run's traces export as. */
public enum TraceFormat {
    /** One JSON object per trace and line, with every call and prediction. */
    JSONL("jsonl", "application/x-ndjson"),
    /** One row per trace; calls in numbered columns, the first prediction's verdict. */
    CSV("csv", "text/csv");

    private final String extension;
    private final String contentType;

    TraceFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** Parsed from a request (any case); null or blank is JSON Lines. */
    public static TraceFormat of(@Nullable String name) {
        if (name == null || name.isBlank()) {
            return JSONL;
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "jsonl", "ndjson" -> JSONL;
            case "csv" -> CSV;
            default -> throw new InvalidInputException("format", "Export as jsonl or csv, not '" + name + "'.");
        };
    }
}
