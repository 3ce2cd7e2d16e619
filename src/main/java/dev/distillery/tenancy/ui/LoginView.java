package dev.distillery.tenancy.ui;

import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.dom.Element;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * Sign-in as a native HTML form posted to Spring Security, so the password never passes through the UI's state and
 * the "stay signed in" box reaches the remember-me service.
 */
@Route(value = "login", autoLayout = false)
@PageTitle("Sign in · Distillery")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final Div message = new Div();

    public LoginView() {
        addClassName("auth-card");
        // Shown without the main layout: the page itself is the main landmark.
        getElement().setAttribute("role", "main");
        setPadding(true);
        EmailField email = new EmailField("Email");
        email.getElement().setAttribute("name", "username");
        email.getElement().setAttribute("autocomplete", "username");
        email.setId("username");
        email.setWidthFull();
        email.setAutofocus(true);
        PasswordField password = new PasswordField("Password");
        password.getElement().setAttribute("name", "password");
        password.getElement().setAttribute("autocomplete", "current-password");
        password.setId("password");
        password.setWidthFull();
        Checkbox remember = new Checkbox("Stay signed in on this device");
        remember.getElement().setAttribute("name", "remember-me");
        remember.setId("remember-me");
        Button submit = new Button("Sign in");
        submit.setId("sign-in");
        submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        submit.setWidthFull();

        Element form = new Element("form");
        form.setAttribute("method", "post");
        form.setAttribute("action", "login");
        CsrfToken csrf = csrfToken();
        if (csrf != null) {
            Element hidden = new Element("input");
            hidden.setAttribute("type", "hidden");
            hidden.setAttribute("name", csrf.getParameterName());
            hidden.setAttribute("value", csrf.getToken());
            form.appendChild(hidden);
        }
        Div fields = new Div(email, password, remember, submit);
        fields.addClassName("stack-s");
        form.appendChild(fields.getElement());
        // Submit natively (button click or Enter in a field), with no round trip through the server-side UI.
        form.executeJs("""
                const form = this;
                form.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); form.requestSubmit(); } });
                $0.addEventListener('click', () => form.requestSubmit());""", submit.getElement());

        message.setId("login-message");
        Div formHolder = new Div();
        formHolder.setWidthFull();
        formHolder.getElement().appendChild(form);
        add(
                new H1("Sign in to Distillery"),
                message,
                formHolder,
                new Paragraph(new Text("No account yet? "), new Anchor("signup", "Create one")));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        var params = event.getLocation().getQueryParameters().getParameters();
        message.removeAll();
        if (params.containsKey("error")) {
            message.add(new Paragraph(lastError()));
            message.addClassName("text-error");
        } else if (params.containsKey("registered")) {
            message.add(new Paragraph("Your account is ready. Sign in with it."));
            message.addClassName("text-success");
        } else if (params.containsKey("expired")) {
            message.add(new Paragraph("The sign-in form had expired. Please sign in again."));
            message.addClassName("text-error");
        } else if (params.containsKey("logout")) {
            message.add(new Paragraph("You are signed out."));
        }
    }

    private static String lastError() {
        VaadinServletRequest request = VaadinServletRequest.getCurrent();
        HttpSession session =
                request == null ? null : request.getHttpServletRequest().getSession(false);
        Object error = session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        if (error instanceof AuthenticationException e
                && e.getMessage() != null
                && e.getMessage().startsWith("Too many")) {
            return e.getMessage();
        }
        return "Incorrect email or password.";
    }

    private static @Nullable CsrfToken csrfToken() {
        VaadinServletRequest request = VaadinServletRequest.getCurrent();
        return request == null
                ? null
                : (CsrfToken) request.getHttpServletRequest().getAttribute(CsrfToken.class.getName());
    }
}
