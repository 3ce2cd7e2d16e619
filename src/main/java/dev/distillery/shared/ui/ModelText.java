package dev.distillery.shared.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Html;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dependency.JavaScript;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import dev.distillery.shared.text.Markdown;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A block of model text (a question, a teacher's steps, a student's output) rendered as Markdown with its LaTeX
 * typeset ({@link Markdown}, MathJax from the app's own files), with a "Raw" toggle that shows the exact text as
 * stored. Both views keep the extracted answer marked ({@code .extracted}). Editing is never done here: editors work
 * on the raw text.
 */
@JavaScript(ModelText.SCRIPT)
public final class ModelText extends Div {

    /** Loads MathJax once per page and typesets the {@code .math} spans of the blocks it is given. */
    static final String SCRIPT = "context://_static/distillery/model-text.js";

    // Vaadin loads the script before it runs this, but a slow load is waited for rather than skipped.
    private static final String TYPESET = """
            const el = this;
            let tries = 0;
            const go = () => {
              if (window.distilleryMath) { window.distilleryMath.typeset(el); }
              else if (tries++ < 200) { setTimeout(go, 50); }
            };
            go();""";

    private final Supplier<Component> rendered;
    private final Supplier<Component> raw;
    private final Button toggle = new Button();
    private final Div body = new Div();
    private boolean showingRaw;

    private ModelText(String id, Supplier<Component> rendered, Supplier<Component> raw) {
        this.rendered = rendered;
        this.raw = raw;
        setId(id);
        setWidthFull();
        addClassName("model-text");
        toggle.setId(id + "-raw");
        toggle.addClassName("model-text-toggle");
        toggle.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_SMALL);
        toggle.addClickListener(e -> show(!showingRaw));
        add(toggle, body);
        show(false);
    }

    /** Model text as Markdown with math. */
    public static ModelText of(String id, String text) {
        return marked(id, text, null, null, null);
    }

    /**
     * Model text with the answer the grader read from it marked.
     *
     * @param start where the answer begins in {@code text}, or null when unknown
     * @param end where it ends (exclusive), or null
     * @param answer the answer as read, found by its last occurrence when the position is unknown; null when none
     */
    public static ModelText marked(
            String id, String text, @Nullable Integer start, @Nullable Integer end, @Nullable String answer) {
        return new ModelText(id, () -> html(Markdown.html(text, MarkedText.answer(text, start, end, answer))), () -> {
            Component plain = MarkedText.of(id + "-text", text, start, end, answer);
            plain.addClassName("raw-text");
            return plain;
        });
    }

    /** Numbered items (a teacher's steps), each its own Markdown. */
    public static ModelText list(String id, List<String> items) {
        return new ModelText(
                id,
                () -> {
                    StringBuilder html = new StringBuilder("<ol>");
                    items.forEach(item ->
                            html.append("<li>").append(Markdown.html(item)).append("</li>"));
                    return html(html.append("</ol>").toString());
                },
                () -> {
                    OrderedList list = new OrderedList();
                    list.addClassName("raw-text");
                    for (String item : items) {
                        ListItem li = new ListItem();
                        li.setText(item);
                        li.addClassName("pre-text");
                        list.add(li);
                    }
                    return list;
                });
    }

    /** Whether the raw text is shown. */
    public boolean showingRaw() {
        return showingRaw;
    }

    private void show(boolean asRaw) {
        showingRaw = asRaw;
        body.removeAll();
        body.add(asRaw ? raw.get() : rendered.get());
        toggle.setText(asRaw ? "Formatted" : "Raw");
        toggle.getElement().setAttribute("aria-pressed", Boolean.toString(asRaw));
        toggle.getElement().setAttribute("title", asRaw ? "Show as Markdown with math" : "Show the exact text");
        if (!asRaw) {
            body.getElement().executeJs(TYPESET);
        }
    }

    private static Component html(String markdownHtml) {
        // Safe by construction: Markdown escapes everything a model wrote (see its contract).
        return new Html("<div class=\"markdown\">" + markdownHtml + "</div>");
    }
}
