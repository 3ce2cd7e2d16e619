package dev.distillery.shared.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.server.VaadinServletRequest;

/**
 * A link whose secret is shown once (an invitation, a campaign's join link): read-only, absolute so it can be sent as
 * it is, with a copy button. Only the secret's hash is kept, so the page is the only place it can be copied from.
 */
public final class OneTimeLink extends HorizontalLayout {

    /**
     * @param id the text field's id; the copy button's is {@code id + "-copy"}
     * @param path the link's path on this server, starting with "/"
     */
    public OneTimeLink(String id, String label, String path) {
        String link = baseUrl() + path;
        TextField field = new TextField(label);
        field.setId(id);
        field.setValue(link);
        field.setReadOnly(true);
        field.setWidthFull();
        Button copy = new Button(
                "Copy",
                c -> field.getElement().executeJs("navigator.clipboard && navigator.clipboard.writeText($0)", link));
        copy.setId(id + "-copy");
        add(field, copy);
        setWidthFull();
        setAlignItems(FlexComponent.Alignment.BASELINE);
    }

    /** This server's address as the browser reached it, with the context path. */
    public static String baseUrl() {
        VaadinServletRequest request = VaadinServletRequest.getCurrent();
        if (request == null) {
            return "";
        }
        var http = request.getHttpServletRequest();
        String url = http.getRequestURL().toString();
        return url.substring(0, url.length() - http.getRequestURI().length()) + http.getContextPath();
    }
}
