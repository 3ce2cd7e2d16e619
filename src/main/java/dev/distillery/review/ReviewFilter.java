package dev.distillery.review;

import dev.distillery.shared.InvalidInputException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the review grid shows: verdict (correct, incorrect, error; pending for a REST list), review state (unreviewed, reviewed, overridden),
 * only traces whose teacher trace was edited, only the items the review queue has handed to the viewer and they have
 * not finished, text in the question or the outputs, and the sort. Values only: the repository turns them into SQL.
 */
public record ReviewFilter(
        @Nullable Verdict verdict,
        @Nullable State state,
        boolean editedOnly,
        boolean assignedToMe,
        @Nullable String text,
        Sort sort,
        boolean descending) {

    public static final ReviewFilter ALL = new ReviewFilter(null, null, false, false, null, Sort.ITEM, false);

    /**
     * The filters of a request, by the names the grid's address uses ({@code verdict}, {@code state}, {@code edited},
     * {@code q}), in item order.
     *
     * @throws InvalidInputException naming the parameter that is not one of its values
     */
    public static ReviewFilter of(
            @Nullable String verdict, @Nullable String state, @Nullable String edited, @Nullable String text) {
        String flag = edited == null ? "" : edited.strip().toLowerCase(Locale.ROOT);
        if (!List.of("", "true", "false").contains(flag)) {
            throw new InvalidInputException("edited", "Say edited=true or false, not '" + edited + "'.");
        }
        boolean editedOnly = flag.equals("true");
        return new ReviewFilter(
                Verdict.of(verdict),
                State.of(state),
                editedOnly,
                false,
                text == null || text.isBlank() ? null : text,
                Sort.ITEM,
                false);
    }

    /** The same filter in another order. */
    public ReviewFilter sorted(Sort sort, boolean descending) {
        return new ReviewFilter(verdict, state, editedOnly, assignedToMe, text, sort, descending);
    }

    /**
     * Whether the run's own items answer it (a verdict at most, in item, verdict or tokens order): nothing of review's
     * (states, assignments, the search table) is needed.
     */
    public boolean onRunItemsAlone() {
        return state == null && !editedOnly && !assignedToMe && text == null && sort != Sort.REVIEWER;
    }

    /** The grade of a trace; pending while its item is not finished (the grid does not offer it). */
    public enum Verdict {
        CORRECT,
        INCORRECT,
        ERROR,
        PENDING;

        /** Parsed from a user's choice (any case); null or blank means any verdict. */
        public static @Nullable Verdict of(@Nullable String name) {
            return parse(
                    Verdict.class,
                    name,
                    "verdict",
                    "Filter on correct, incorrect, error or pending, not '" + name + "'.");
        }
    }

    /** Where a trace is in review. */
    public enum State {
        UNREVIEWED,
        REVIEWED,
        OVERRIDDEN;

        /** Parsed from a user's choice (any case); null or blank means any state. */
        public static @Nullable State of(@Nullable String name) {
            return parse(
                    State.class, name, "state", "Filter on unreviewed, reviewed or overridden, not '" + name + "'.");
        }
    }

    /** Sortable columns. */
    public enum Sort {
        ITEM,
        VERDICT,
        TOKENS,
        REVIEWER;

        /** The name a request and a cursor give it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Sort of(@Nullable String name) {
            Sort sort =
                    parse(Sort.class, name, "sort", "Sort by item, verdict, tokens or reviewer, not '" + name + "'.");
            return sort == null ? ITEM : sort;
        }
    }

    private static <E extends Enum<E>> @Nullable E parse(
            Class<E> type, @Nullable String name, String field, String problem) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, problem);
        }
    }
}
