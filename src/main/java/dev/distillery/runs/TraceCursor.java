package dev.distillery.runs;

import dev.distillery.shared.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Where a page of traces ended: the last item's sort key and position, in the order (sort and direction) it was read
 * in. Given out opaque (base64url of {@code sort:direction:key:position}, the key segment left out when the item has
 * no key) so clients only hand it back; a cursor read in another order is refused rather than silently skipping or
 * repeating items. Public because review's lists of a run's traces page in the same orders and one more (by reviewer,
 * a text that an unreviewed item lacks): a cursor means the same wherever it was made.
 *
 * @param sort the order's name: item, verdict, tokens or reviewer
 * @param key the last item's sort key as text (a number in the orders by a number); null when the item has none
 */
public record TraceCursor(
        String sort, boolean descending, @Nullable String key, int position) {

    private static final String NOT_A_CURSOR =
            "This is not a cursor of this list: pass the next value of the page before, unchanged.";

    public String encode() {
        String text = sort + ":" + (descending ? "desc" : "asc") + (key == null ? "" : ":" + key) + ":" + position;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The key of an order by a number. */
    public long numericKey() {
        try {
            return Long.parseLong(String.valueOf(key));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("after", NOT_A_CURSOR);
        }
    }

    /**
     * The cursor {@code after} of a page in the order {@code sort} and {@code descending}; null when there is none.
     *
     * @throws InvalidInputException naming {@code after} when it is not a cursor, or one of another order
     */
    public static @Nullable TraceCursor decode(@Nullable String after, String sort, boolean descending) {
        if (after == null || after.isBlank()) {
            return null;
        }
        TraceCursor cursor;
        try {
            String text = new String(Base64.getUrlDecoder().decode(after.strip()), StandardCharsets.UTF_8);
            // The key is a reviewer's name, which may hold colons: it is whatever stands between the direction and
            // the last colon.
            int first = text.indexOf(':');
            int second = text.indexOf(':', first + 1);
            int last = text.lastIndexOf(':');
            if (first < 0 || second < 0) {
                throw new IllegalArgumentException(after);
            }
            String direction = text.substring(first + 1, second);
            if (!(direction.equals("asc") || direction.equals("desc"))) {
                throw new IllegalArgumentException(after);
            }
            cursor = new TraceCursor(
                    text.substring(0, first),
                    direction.equals("desc"),
                    last > second ? text.substring(second + 1, last) : null,
                    Integer.parseInt(text.substring(last + 1)));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("after", NOT_A_CURSOR);
        }
        if (!cursor.sort().equals(sort) || cursor.descending() != descending) {
            throw new InvalidInputException(
                    "after",
                    "This cursor was given for another order (sort and dir): keep the order of the first page, or "
                            + "start again without after.");
        }
        return cursor;
    }
}
