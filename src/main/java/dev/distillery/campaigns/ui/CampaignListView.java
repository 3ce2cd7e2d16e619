package dev.distillery.campaigns.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.distillery.campaigns.CampaignService;
import dev.distillery.campaigns.CampaignSummary;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.tenancy.MenuPermission;
import dev.distillery.tenancy.NoWorkspaceException;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;

/** The workspace's campaigns, newest first, with how far each has got; for the members who run them. */
@Route("campaigns")
@PageTitle("Campaigns · Distillery")
@Menu(order = 37, title = "Campaigns")
@MenuPermission(Permission.RUN_CAMPAIGNS)
@PermitAll
public class CampaignListView extends VerticalLayout {

    public CampaignListView(CampaignService campaigns, WorkspaceService workspaces) {
        setSizeFull();
        H1 title = new H1("Campaigns");
        if (!mayRun(workspaces)) {
            Paragraph refused = new Paragraph("Only a workspace's owners and admins run review campaigns. Campaigns "
                    + "you contribute to are under My campaigns.");
            refused.setId("campaigns-refused");
            Anchor mine = new Anchor("contribute", "My campaigns");
            add(title, refused, mine);
            return;
        }
        Button create =
                new Button("New campaign", click -> getUI().ifPresent(ui -> ui.navigate(CampaignFormView.class)));
        create.setId("new-campaign");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout header = new HorizontalLayout(title, create);
        header.setWidthFull();
        header.expand(title);
        header.setAlignItems(FlexComponent.Alignment.CENTER);

        Grid<CampaignSummary> grid = new Grid<>();
        grid.setId("campaigns-grid");
        grid.addColumn(CampaignSummary::title).setHeader("Campaign").setFlexGrow(3);
        grid.addColumn(c -> c.status().toLowerCase()).setHeader("Status").setAutoWidth(true);
        grid.addColumn(c -> c.finalItems() + " / " + c.items())
                .setHeader("Items final")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true);
        grid.addColumn(CampaignSummary::contributors)
                .setHeader("Contributors")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true);
        grid.addColumn(CampaignSummary::answers)
                .setHeader("Answers")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true);
        grid.addColumn(c -> ClientTime.format(c.createdAt()))
                .setHeader("Created")
                .setAutoWidth(true);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(
                CampaignView.class,
                new RouteParameters("campaignId", e.getItem().id().toString()))));
        grid.setEmptyStateText("No campaigns yet: a campaign opens a run's items to reviewers outside the "
                + "workspace by a join link, checks them with gold items and decides each item by consensus.");
        grid.setItems(query -> campaigns.list(query.getOffset(), query.getLimit()).stream());
        add(header, grid);
    }

    static boolean mayRun(WorkspaceService workspaces) {
        try {
            return workspaces.current().role().can(Permission.RUN_CAMPAIGNS);
        } catch (NoWorkspaceException e) {
            return false;
        }
    }
}
