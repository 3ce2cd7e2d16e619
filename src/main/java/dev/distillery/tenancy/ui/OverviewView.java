package dev.distillery.tenancy.ui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.tenancy.NoWorkspaceException;
import dev.distillery.tenancy.WorkspaceService;
import dev.distillery.tenancy.WorkspaceSummary;
import jakarta.annotation.security.PermitAll;

/** The landing page: which workspace you are in, your role there and who else works in it. */
@Route("")
@PageTitle("Overview · Distillery")
@Menu(order = 0, title = "Overview")
@PermitAll
public class OverviewView extends VerticalLayout {

    public OverviewView(WorkspaceService workspaces) {
        try {
            WorkspaceSummary current = workspaces.current();
            H2 heading = new H2(current.name());
            heading.setId("workspace-name");
            int members = workspaces.members().size();
            add(
                    heading,
                    new Paragraph("Your role: " + current.role().label()),
                    new Paragraph(members + (members == 1 ? " member" : " members")
                            + " · switch workspaces or create a new one from the bar above."));
        } catch (NoWorkspaceException e) {
            add(new H2("No workspace"), new Paragraph(e.getMessage()));
        }
    }
}
