package dev.distillery.shared.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Section;

/** A page's sections, each named by its h2 for screen readers' landmark lists. */
public final class Sections {

    private Sections() {}

    /** A full-width section headed by {@code title}, labelled by that heading (whose id is {@code headingId}). */
    public static Section labelled(String title, String headingId, Component... content) {
        H2 heading = new H2(title);
        heading.setId(headingId);
        Section section = new Section(heading);
        section.add(content);
        section.getElement().setAttribute("aria-labelledby", headingId);
        section.setWidthFull();
        return section;
    }
}
