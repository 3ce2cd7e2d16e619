package dev.distillery.shared.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import dev.distillery.shared.text.Markdown;
import org.jspecify.annotations.Nullable;

/**
 * A model output as text with the answer the grader read from it marked: where the grader says it read it, or, for
 * verdicts recorded without that, the answer's last occurrence. Always text, never HTML.
 */
public final class MarkedText {

    private MarkedText() {}

    /**
     * @param start where the answer begins in {@code text}, or null when unknown
     * @param end where it ends (exclusive), or null
     * @param answer the answer as read, used to find it when the position is unknown; null when none was read
     */
    public static Component of(
            String id, String text, @Nullable Integer start, @Nullable Integer end, @Nullable String answer) {
        Div div = new Div();
        div.setId(id);
        div.addClassName("pre-text");
        Markdown.Range at = answer(text, start, end, answer);
        if (at == null) {
            div.setText(text);
            return div;
        }
        int from = at.start();
        int to = at.end();
        Span mark = new Span(text.substring(from, to));
        mark.setClassName("extracted");
        mark.addClassName("search-mark");
        div.add(new Span(text.substring(0, from)), mark, new Span(text.substring(to)));
        return div;
    }

    /** Where the answer is in {@code text}: where the grader says it read it, else its last occurrence; null if neither. */
    static Markdown.@Nullable Range answer(
            String text, @Nullable Integer start, @Nullable Integer end, @Nullable String answer) {
        if (start != null && end != null && 0 <= start && start < end && end <= text.length()) {
            return new Markdown.Range(start, end);
        }
        if (answer != null && !answer.isEmpty() && text.lastIndexOf(answer) >= 0) {
            int from = text.lastIndexOf(answer);
            return new Markdown.Range(from, from + answer.length());
        }
        return null;
    }
}
