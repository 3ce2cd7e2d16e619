package dev.distillery.datasets.formats;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One JSON object of an upload (a JSON Lines line, an array element, a per-problem file, or a CSV row turned into an
 * object) and where it came from. Field getters throw {@link FieldProblem}, which the parse loop reports.
 *
 * @param path the file inside the upload
 * @param line where a problem with this record is reported: its line, or its file index in a zip of per-record files
 * @param sourceLine {@link ParsedItem#sourceLine()}: line, 1-based record index in a JSON array, or file index
 * @param sourceRef {@link ParsedItem#sourceRef()}
 * @param position 0-based position of the record in the upload, for {@code <split>-<position>} ids
 */
record JsonRecord(JsonNode node, String path, int line, int sourceLine, String sourceRef, int position) {

    /**
     * The value of a field, or null when it is absent or JSON null. A field is a key, or a dotted path into nested
     * objects such as {@code question.stem}; a key that itself contains dots wins over the path.
     */
    @Nullable
    JsonNode find(String field) {
        JsonNode value = node.get(field);
        if (value == null && field.indexOf('.') > 0) {
            value = node;
            for (String key : field.split("\\.", -1)) {
                value = value.isObject() ? value.get(key) : null;
                if (value == null) {
                    break;
                }
            }
        }
        return value == null || value.isNull() ? null : value;
    }

    /** A required text field; numbers and booleans are taken as written. Blank counts as missing. */
    String text(String field) {
        String value = optionalText(field);
        if (value == null || value.isBlank()) {
            throw FieldProblem.missing(field);
        }
        return value;
    }

    @Nullable
    String optionalText(String field) {
        JsonNode value = find(field);
        if (value == null) {
            return null;
        }
        if (value.isContainer()) {
            throw new FieldProblem(field, "expected text, found " + (value.isArray() ? "a list" : "an object"));
        }
        return value.asString();
    }

    /** An optional list of strings; absent means empty. */
    List<String> strings(String field) {
        JsonNode value = find(field);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new FieldProblem(field, "expected a list");
        }
        List<String> result = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            if (element.isContainer() || element.isNull()) {
                throw new FieldProblem(field, "expected a list of texts");
            }
            result.add(element.asString());
        }
        return List.copyOf(result);
    }

    /** A field as plain Java values (String, Number, Boolean, List, Map) for metadata; null when absent. */
    @Nullable
    Object plain(String field) {
        JsonNode value = find(field);
        return value == null ? null : JsonRecords.MAPPER.convertValue(value, Object.class);
    }

    /** A required list; empty lists count as missing. */
    JsonNode list(String field) {
        JsonNode value = find(field);
        if (value == null || value.isEmpty() && value.isArray()) {
            throw FieldProblem.missing(field);
        }
        if (!value.isArray()) {
            throw new FieldProblem(field, "expected a list");
        }
        return value;
    }
}
