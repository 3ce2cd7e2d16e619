package dev.distillery.datasets.formats;

import dev.distillery.datasets.formats.ParsedItem.Choice;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reading answer options in the shapes datasets publish them. Each method throws {@link FieldProblem}. */
final class Choices {

    private Choices() {}

    /**
     * Options as a JSON list of {label, text} objects (CommonsenseQA), of plain strings (labelled A, B, C ... in
     * order), or a single "|"-separated string (a CSV cell).
     */
    static List<Choice> read(JsonRecord record, String field) {
        JsonNode value = record.find(field);
        if (value != null && value.isString()) {
            return lettered(field, List.of(value.asString().split("\\|", -1)));
        }
        JsonNode list = record.list(field);
        List<Choice> choices = new ArrayList<>(list.size());
        List<String> texts = new ArrayList<>(list.size());
        for (JsonNode option : list) {
            if (option.isObject()) {
                choices.add(new Choice(part(option, "label", field), part(option, "text", field)));
            } else if (option.isContainer() || option.isNull()) {
                throw new FieldProblem(field, "expected a list of texts or of {label, text} objects");
            } else {
                texts.add(option.asString());
            }
        }
        if (!choices.isEmpty() && !texts.isEmpty()) {
            throw new FieldProblem(field, "mixes texts and {label, text} objects");
        }
        return choices.isEmpty() ? lettered(field, texts) : checked(field, choices);
    }

    /** AQuA-style options such as {@code "A)21"}: the label is what comes before the first ')'. */
    static List<Choice> labelledInText(String field, List<String> options) {
        if (options.isEmpty()) {
            throw FieldProblem.missing(field);
        }
        List<Choice> choices = new ArrayList<>(options.size());
        for (String option : options) {
            int close = option.indexOf(')');
            if (close <= 0 || option.substring(0, close).isBlank()) {
                throw new FieldProblem(field, "option '" + option + "' does not start with a label such as 'A)'");
            }
            choices.add(new Choice(
                    option.substring(0, close).strip(),
                    option.substring(close + 1).strip()));
        }
        return checked(field, choices);
    }

    private static List<Choice> lettered(String field, List<String> texts) {
        if (texts.size() > 26) {
            throw new FieldProblem(field, "has " + texts.size() + " options; at most 26 (A to Z) are supported");
        }
        List<Choice> choices = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            choices.add(
                    new Choice(String.valueOf((char) ('A' + i)), texts.get(i).strip()));
        }
        return checked(field, choices);
    }

    private static String part(JsonNode option, String key, String field) {
        JsonNode value = option.get(key);
        if (value == null
                || value.isNull()
                || value.isContainer()
                || value.asString().isBlank()) {
            throw new FieldProblem(field, "an option has no '" + key + "'");
        }
        return value.asString().strip();
    }

    private static List<Choice> checked(String field, List<Choice> choices) {
        for (int i = 0; i < choices.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (choices.get(i).label().equalsIgnoreCase(choices.get(j).label())) {
                    throw new FieldProblem(field, "the label '" + choices.get(i).label() + "' appears twice");
                }
            }
        }
        return List.copyOf(choices);
    }
}
