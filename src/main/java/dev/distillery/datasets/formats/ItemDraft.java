package dev.distillery.datasets.formats;

import dev.distillery.shared.AnswerType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ParsedItem} being filled in from one record. Location and the default id come from the record; a format
 * sets the rest. Without an explicit id the item is {@code <split>-<position>}.
 */
final class ItemDraft {

    private final JsonRecord record;
    private String split;
    private @Nullable String id;
    private String idField = "(position)";
    private @Nullable String question;
    private List<ParsedItem.Choice> choices = List.of();
    private @Nullable String goldRaw;
    private @Nullable String goldNormalized;
    private @Nullable AnswerType answerType;
    private @Nullable String rationale;
    private List<Map<String, String>> decomposition = List.of();
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    ItemDraft(JsonRecord record, String split) {
        this.record = record;
        this.split = split;
    }

    /** Sets the item id from {@code field}, which is named if the id turns out to be a duplicate. */
    ItemDraft id(String id, String field) {
        this.id = id.strip();
        this.idField = field;
        return this;
    }

    ItemDraft split(String split) {
        this.split = split;
        return this;
    }

    ItemDraft question(String question) {
        this.question = question;
        return this;
    }

    /** Set before {@link #gold} for CHOICE items: the gold letter is checked against these labels. */
    ItemDraft choices(List<ParsedItem.Choice> choices) {
        this.choices = List.copyOf(choices);
        return this;
    }

    /** Sets the gold answer as published and its normalised form; throws {@link FieldProblem} if it does not parse. */
    ItemDraft gold(String field, String raw, AnswerType type) {
        this.goldNormalized = Answers.normalize(field, type, raw, choices);
        this.goldRaw = raw.strip();
        this.answerType = type;
        return this;
    }

    ItemDraft rationale(@Nullable String rationale) {
        this.rationale = rationale;
        return this;
    }

    ItemDraft decomposition(List<Map<String, String>> steps) {
        this.decomposition = List.copyOf(steps);
        return this;
    }

    /** Keeps a published field; absent values are left out. */
    ItemDraft meta(String key, @Nullable Object value) {
        if (value != null) {
            metadata.put(key, value);
        }
        return this;
    }

    String idField() {
        return idField;
    }

    /** Whether the id comes from the data rather than the record's position. */
    boolean hasOwnId() {
        return id != null;
    }

    /** One decomposition step, keys in the documented order. */
    static Map<String, String> step(String question, String answer) {
        Map<String, String> step = new LinkedHashMap<>();
        step.put("question", question);
        step.put("answer", answer);
        return Collections.unmodifiableMap(step);
    }

    ParsedItem build() {
        if (question == null || goldRaw == null || goldNormalized == null || answerType == null) {
            throw new IllegalStateException("a format must set the question and the gold answer");
        }
        String itemId = id != null ? id : split + "-" + record.position();
        return new ParsedItem(
                itemId,
                question,
                choices,
                goldRaw,
                goldNormalized,
                answerType,
                rationale,
                decomposition,
                split,
                record.sourceLine(),
                record.sourceRef(),
                Collections.unmodifiableMap(new LinkedHashMap<>(metadata)));
    }
}
