package dev.distillery.review;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the review grid shows: verdict (correct, incorrect, error), review state (unreviewed, reviewed), only
 * traces whose teacher trace was edited, only the items the review queue has handed to the viewer and they have not
 * finished, text in the question or the outputs, and the sort.
 */
public record ReviewFilter(@Nullable String verdict, @Nullable String state, boolean editedOnly, boolean assignedToMe,
        @Nullable String text, Sort sort, boolean descending) {

    public static final ReviewFilter ALL = new ReviewFilter(null, null, false, false, null, Sort.ITEM, false);

    /** Sortable columns. */
    public enum Sort {
        ITEM("i.position", "position"),
        VERDICT("(CASE WHEN i.status = 'ERROR' THEN 2 WHEN i.correct THEN 0 ELSE 1 END)", "verdict_order"),
        TOKENS("(i.prompt_tokens + i.completion_tokens)", "tokens"),
        REVIEWER("s.last_reviewer", "reviewer");

        /** The sort expression over the run's items (the one its index is on), and its name in the page's rows. */
        final String column;
        final String alias;

        Sort(String column, String alias) {
            this.column = column;
            this.alias = alias;
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
