package dev.distillery.tenancy.ui;

import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.tenancy.AccountService;

/** Creates an account (and its first workspace), then sends the user to sign in. */
@Route(value = "signup", autoLayout = false)
@PageTitle("Create account · Distillery")
@AnonymousAllowed
public class SignupView extends VerticalLayout {

    public SignupView(AccountService accounts) {
        addClassName("auth-card");
        // Shown without the main layout: the page itself is the main landmark.
        getElement().setAttribute("role", "main");
        EmailField email = new EmailField("Email");
        email.setId("signup-email");
        email.setWidthFull();
        TextField name = new TextField("Your name");
        name.setId("signup-name");
        name.setWidthFull();
        PasswordField password = new PasswordField("Password");
        password.setId("signup-password");
        password.setHelperText("At least 10 characters; a passphrase of several unrelated words works well.");
        password.setWidthFull();
        PasswordField repeat = new PasswordField("Repeat password");
        repeat.setId("signup-repeat");
        repeat.setWidthFull();
        Button create = new Button("Create account");
        create.setId("signup-submit");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.setWidthFull();
        create.addClickShortcut(com.vaadin.flow.component.Key.ENTER);
        create.addClickListener(click -> {
            email.setInvalid(false);
            name.setInvalid(false);
            password.setInvalid(false);
            repeat.setInvalid(false);
            if (!password.getValue().equals(repeat.getValue())) {
                repeat.setErrorMessage("The two passwords differ.");
                repeat.setInvalid(true);
                return;
            }
            try {
                accounts.signUp(
                        email.getValue(),
                        name.getValue(),
                        password.getValue(),
                        com.vaadin.flow.server.VaadinRequest.getCurrent().getRemoteAddr());
                getUI().ifPresent(ui -> ui.getPage().setLocation("login?registered"));
            } catch (InvalidInputException e) {
                var field = switch (e.errors().getFirst().field()) {
                    case "email" -> email;
                    case "displayName" -> name;
                    default -> password;
                };
                field.setErrorMessage(e.errors().getFirst().message());
                field.setInvalid(true);
            } catch (ConflictException e) {
                email.setErrorMessage(e.getMessage());
                email.setInvalid(true);
            }
        });
        add(
                new H1("Create your account"),
                email,
                name,
                password,
                repeat,
                create,
                new Paragraph(new Text("Already have one? "), new Anchor("login", "Sign in")));
    }
}
