package dev.distillery.runs;

import dev.distillery.shared.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Where a page of traces ended: the last item's sort key and position, in the sort and direction it was read in. Given
 * out opaque (base64url of {@code sort:direction:key:position}) so clients only hand it back; a cursor read in another
 * order is refused rather than silently skipping or repeating items.
 */
record TraceCursor(TraceQuery.Sort sort, boolean descending, long key, int position) {

    String encode() {
        String text = sort.name().toLowerCase(java.util.Locale.ROOT) + ":" + (descending ? "desc" : "asc") + ":" + key
                + ":" + position;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor {@code after} of a page in {@code query}'s order; null when there is none. */
    static @Nullable TraceCursor decode(@Nullable String after, TraceQuery query) {
        if (after == null || after.isBlank()) {
            return null;
        }
        TraceCursor cursor;
        try {
            String[] parts =
                    new String(Base64.getUrlDecoder().decode(after.strip()), StandardCharsets.UTF_8).split(":", -1);
            if (parts.length != 4 || !(parts[1].equals("asc") || parts[1].equals("desc"))) {
                throw new IllegalArgumentException(after);
            }
            cursor = new TraceCursor(
                    TraceQuery.Sort.of(parts[0]),
                    parts[1].equals("desc"),
                    Long.parseLong(parts[2]),
                    Integer.parseInt(parts[3]));
        } catch (IllegalArgumentException | InvalidInputException e) {
            throw new InvalidInputException(
                    "after", "This is not a cursor of this list: pass the next value of the page before, unchanged.");
        }
        if (cursor.sort() != query.sort() || cursor.descending() != query.descending()) {
            throw new InvalidInputException(
                    "after",
                    "This cursor was given for another order (sort and dir): keep the order of the first page, or "
                            + "start again without after.");
        }
        return cursor;
    }
}
