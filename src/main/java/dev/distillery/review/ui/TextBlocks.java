package dev.distillery.review.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;

/** The small blocks of text the trace detail's parts share, styled by the stylesheet's classes; text, never HTML. */
final class TextBlocks {

    private TextBlocks() {}

    /** A field's label above its value. */
    static Span label(String text) {
        Span label = new Span(text);
        label.addClassName("field-label");
        return label;
    }

    /** A label and its value, stacked. */
    static Component labelled(String label, Component value) {
        VerticalLayout box = new VerticalLayout(label(label), value);
        box.setPadding(false);
        box.setSpacing(false);
        return box;
    }

    /** Text whose line breaks and spaces are kept, as a model or a user wrote it. */
    static Div pre(String id, String text) {
        Div div = new Div();
        div.setId(id);
        div.setText(text);
        div.addClassName("pre-text");
        return div;
    }

    /** One line in a monospaced font (a diff line, a trace to merge), with the extra classes given. */
    static Div mono(String text, String... classNames) {
        Div div = new Div();
        div.setText(text);
        div.addClassName("mono-text");
        div.addClassNames(classNames);
        return div;
    }
}
