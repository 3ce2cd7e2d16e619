package dev.distillery.methods;

import dev.distillery.methods.MethodItem.Choice;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Renders prompt templates: {@code {name}} placeholders filled from values, everything else byte for byte. */
final class Prompts {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private Prompts() {}

    /**
     * Fills the placeholders of {@code template} in one pass. A filled-in value is never scanned again, so a question
     * or a model output that happens to contain "{steps}" or LaTeX braces reaches the model unchanged; placeholders
     * without a value stay as written, so an edited preset cannot make an item fail by mentioning braces.
     */
    static String fill(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 256);
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The options as the Fine-tune-CoT exemplars write them, without the prefix: {@code (A) x, (B) y, (C) z}. */
    static String choices(List<Choice> choices) {
        return choices.stream()
                .map(choice -> "(" + choice.label() + ") " + choice.text())
                .collect(Collectors.joining(", "));
    }
}
