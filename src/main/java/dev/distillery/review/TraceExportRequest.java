package dev.distillery.review;

import dev.distillery.shared.InvalidInputException;
import org.jspecify.annotations.Nullable;

/**
 * An export as a request asks for it, by the names the review grid's address uses: {@code format} (jsonl, csv),
 * {@code verdict}, {@code state}, {@code edited} and {@code q}. Bound from the query of the run's and the
 * experiment's export endpoints alike.
 */
public record TraceExportRequest(
        @Nullable String format,
        @Nullable String verdict,
        @Nullable String state,
        @Nullable String edited,
        @Nullable String q) {

    /** @throws InvalidInputException naming {@code format} when it is neither jsonl nor csv */
    public TraceFormat chosenFormat() {
        return TraceFormat.of(format);
    }

    /** @throws InvalidInputException naming the filter that is not one of its values */
    public ReviewFilter filter() {
        return ReviewFilter.of(verdict, state, edited, q);
    }
}
