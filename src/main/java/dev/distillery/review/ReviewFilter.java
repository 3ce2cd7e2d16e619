package dev.distillery.review;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the review grid shows: verdict (correct, incorrect, error), review state (unreviewed, reviewed), only
 * traces whose teacher trace was edited, text in the question or the outputs, and the sort.
 */
public record ReviewFilter(@Nullable String verdict, @Nullable String state, boolean editedOnly, @Nullable String text,
        Sort sort, boolean descending) {

    public static final ReviewFilter ALL = new ReviewFilter(null, null, false, null, Sort.ITEM, false);

    /** Sortable columns. */
    public enum Sort {
        ITEM("i.position"), VERDICT("verdict_order"), TOKENS("tokens"), REVIEWER("s.last_reviewer");

        final String column;

        Sort(String column) {
            this.column = column;
        }

        public static Sort of(@Nullable String name) {
            if (name == null || name.isBlank()) {
                return ITEM;
            }
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new dev.distillery.shared.InvalidInputException("sort",
                        "Sort by item, verdict, tokens or reviewer, not '" + name + "'.");
            }
        }
    }
}
