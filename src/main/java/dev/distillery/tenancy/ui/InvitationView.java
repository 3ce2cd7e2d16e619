package dev.distillery.tenancy.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.InvitationPreview;
import dev.distillery.tenancy.InvitationService;
import dev.distillery.tenancy.InvitationSummary;
import jakarta.annotation.security.PermitAll;

/** Where an invitation link lands: shows what it offers, and joins on request. Signing in first is enforced. */
@Route("invite/:token")
@PageTitle("Invitation · Distillery")
@PermitAll
public class InvitationView extends VerticalLayout implements BeforeEnterObserver {

    private final InvitationService invitations;

    public InvitationView(InvitationService invitations) {
        this.invitations = invitations;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        String token = event.getRouteParameters().get("token").orElse("");
        InvitationPreview preview;
        try {
            preview = invitations.preview(token);
        } catch (NotFoundException e) {
            add(new H1("Invitation not found"), message(e.getMessage()));
            return;
        }
        add(new H1("Join " + preview.workspaceName()));
        if (preview.alreadyMember()) {
            add(message("You are already a member of this workspace."));
            return;
        }
        if (preview.state() != InvitationSummary.State.PENDING) {
            add(message(
                    switch (preview.state()) {
                        case ACCEPTED ->
                            "This invitation link has already been used. Ask " + preview.invitedBy()
                                    + " for a new one.";
                        case REVOKED -> "This invitation was revoked. Ask " + preview.invitedBy() + " for a new one.";
                        default -> "This invitation has expired. Ask " + preview.invitedBy() + " for a new one.";
                    }));
            return;
        }
        add(new Paragraph(preview.invitedBy() + " invites you to join as "
                + preview.role().label() + "."));
        Button join = new Button("Join workspace", click -> {
            invitations.accept(token);
            getUI().ifPresent(ui -> ui.getPage().setLocation("/"));
        });
        join.setId("accept-invitation");
        join.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(join);
    }

    private static Paragraph message(String text) {
        Paragraph p = new Paragraph(text);
        p.setId("invitation-message");
        return p;
    }
}
