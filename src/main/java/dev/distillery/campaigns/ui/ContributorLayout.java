package dev.distillery.campaigns.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLayout;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.distillery.tenancy.AccountService;
import dev.distillery.tenancy.UserSummary;
import jakarta.annotation.security.PermitAll;

/**
 * The frame of a contributor's pages. Contributors may belong to no workspace, and must see nothing of the one whose
 * campaign they work on, so this has no workspace switcher and no navigation: only their campaigns and signing out.
 */
@PermitAll
public class ContributorLayout extends Main implements RouterLayout {

    public ContributorLayout(AccountService accounts, AuthenticationContext auth) {
        addClassName("contributor-layout");
        Span title = new Span("Distillery · review campaigns");
        title.addClassName("app-title");
        Anchor mine = new Anchor("contribute", "My campaigns");
        mine.setId("contributor-campaigns");
        Span who = new Span(accounts.currentUser().map(UserSummary::displayName).orElse(""));
        who.setId("contributor-name");
        Button signOut = new Button("Sign out", click -> auth.logout());
        signOut.setId("contributor-sign-out");
        signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Div end = new Div(mine, who, signOut);
        end.addClassName("contributor-bar-end");
        // The whole page is the main landmark (RouterLayout's defaults add the view after the bar), so the bar is
        // a plain block rather than a banner, which may not sit inside main.
        Div bar = new Div(title, end);
        bar.addClassName("contributor-bar");
        addClassName("contributor-main");
        add(bar);
    }
}
