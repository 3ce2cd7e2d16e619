package dev.distillery.campaigns.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.campaigns.ContributorService;
import dev.distillery.campaigns.MyCampaign;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import java.util.Objects;

/** The campaigns the signed-in person contributes to, so they can find one again without its join link. */
@Route(value = "contribute", layout = ContributorLayout.class)
@PageTitle("My campaigns · Distillery")
@PermitAll
public class MyCampaignsView extends VerticalLayout {

    public MyCampaignsView(ContributorService contributors) {
        add(new H1("My campaigns"));
        List<MyCampaign> mine = contributors.myCampaigns();
        if (mine.isEmpty()) {
            Paragraph none = new Paragraph("You contribute to no campaign yet. A campaign's owners send a join link; "
                    + "open it to take part.");
            none.setId("my-campaigns-empty");
            add(none);
            return;
        }
        UnorderedList list = new UnorderedList();
        list.setId("my-campaigns");
        list.addClassName("plain-list");
        for (MyCampaign c : mine) {
            Anchor link = new Anchor("contribute/" + c.id(), c.title());
            link.getElement().setAttribute("router-link", true);
            list.add(new ListItem(link, new Span(" · " + state(c))));
        }
        add(list);
    }

    private static String state(MyCampaign c) {
        String done = c.answered() + " answered";
        if (!"ACTIVE".equals(c.status())) {
            return done + " · " + Objects.requireNonNullElse(c.statusReason(), "paused");
        }
        if (!c.campaignOpen()) {
            return done + " · closed";
        }
        if (!c.active()) {
            return done + " · limit reached";
        }
        return done + " · open";
    }
}
