package dev.distillery.runs;

import dev.distillery.shared.InvalidInputException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which of a run's traces and in what order, over the run's own items: the verdict (correct, incorrect, error or
 * pending; null for all) and a sort the run's indexes serve (item, verdict, tokens), each ending in the item's
 * position, so every order is total and a cursor can resume it.
 */
public record TraceQuery(@Nullable String outcome, Sort sort, boolean descending) {

    public static final TraceQuery ALL = new TraceQuery(null, Sort.ITEM, false);

    public TraceQuery {
        if (outcome != null && outcome.isBlank()) {
            outcome = null;
        }
        if (outcome != null) {
            String o = outcome.strip().toLowerCase(Locale.ROOT);
            outcome = switch (o) {
                case "correct", "true" -> "correct";
                case "incorrect", "false" -> "incorrect";
                case "error", "pending" -> o;
                default ->
                    throw new InvalidInputException(
                            "outcome", "Filter on correct, incorrect, error or pending, not '" + outcome + "'.");
            };
        }
    }

    /** The traces with {@code outcome}, in item order. */
    public static TraceQuery outcome(@Nullable String outcome) {
        return new TraceQuery(outcome, Sort.ITEM, false);
    }

    /** Orders a page can be resumed in: each is an index of the run's items, ending in the position. */
    public enum Sort {
        ITEM,
        VERDICT,
        TOKENS;

        /** The name a request and a cursor give it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parsed from a request (any case); null or blank is item order. */
        public static Sort of(@Nullable String name) {
            if (name == null || name.isBlank()) {
                return ITEM;
            }
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("sort", "Sort by item, verdict or tokens, not '" + name + "'.");
            }
        }
    }
}
