package dev.distillery.campaigns;

import org.jspecify.annotations.Nullable;

/**
 * A contributor's answer on the item served to them: whether its answer is correct and, optionally, the teacher's
 * steps as they should read; or a skip.
 */
public record AnswerDraft(
        String itemId,
        @Nullable Boolean verdict,
        @Nullable String correctedTrace,
        @Nullable String comment,
        boolean skip) {

    public static AnswerDraft verdict(String itemId, boolean verdict) {
        return new AnswerDraft(itemId, verdict, null, null, false);
    }

    public static AnswerDraft skip(String itemId) {
        return new AnswerDraft(itemId, null, null, null, true);
    }
}
