package dev.distillery.campaigns.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.distillery.campaigns.ContributorService;
import dev.distillery.campaigns.ContributorService.JoinResult;
import dev.distillery.shared.NotFoundException;
import jakarta.annotation.security.PermitAll;

/**
 * Where a campaign's join link lands. Signing in comes first (the security layer sends anonymous visitors to the
 * sign-in page and back here); joining waits for a click, so a link opened by a preview bot joins nobody.
 */
@Route(value = "join/:token", layout = ContributorLayout.class)
@PageTitle("Join a review campaign · Distillery")
@PermitAll
public class JoinView extends VerticalLayout implements BeforeEnterObserver {

    private final ContributorService contributors;

    public JoinView(ContributorService contributors) {
        this.contributors = contributors;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        String token = event.getRouteParameters().get("token").orElse("");
        add(new H1("Join a review campaign"));
        add(new Paragraph("You were invited to review answers of language models. As a contributor you see the "
                + "campaign's instructions and its items one at a time, and your own answers; nothing else of the "
                + "workspace that runs it. Your display name is shown to the campaign's owners."));
        Button join = new Button("Join the campaign");
        join.setId("join-campaign");
        join.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        join.addClickListener(click -> {
            JoinResult result;
            try {
                result = contributors.join(token);
            } catch (NotFoundException e) {
                refuse(join, e.getMessage());
                return;
            }
            switch (result.outcome()) {
                case "JOINED", "ALREADY" ->
                    getUI().ifPresent(ui -> ui.navigate(
                            ContributeView.class,
                            new RouteParameters(
                                    "campaignId", result.campaignId().toString())));
                case "REMOVED" ->
                    refuse(join, "You were removed from this campaign by its owners, so you cannot join it again.");
                case "CLOSED" -> refuse(join, "This campaign is closed: it takes no new contributors or answers.");
                default -> refuse(join, "This link does not open a campaign you can join.");
            }
        });
        add(join);
        join.focus();
    }

    private void refuse(Button join, String why) {
        join.setVisible(false);
        Paragraph message = new Paragraph(why);
        message.setId("join-message");
        message.addClassName("text-error");
        message.getElement().setAttribute("role", "alert");
        add(message);
    }
}
