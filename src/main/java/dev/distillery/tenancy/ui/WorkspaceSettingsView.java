package dev.distillery.tenancy.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.shared.ui.OneTimeLink;
import dev.distillery.tenancy.ApiKeyService;
import dev.distillery.tenancy.ApiKeySummary;
import dev.distillery.tenancy.AuditEntry;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CreatedApiKey;
import dev.distillery.tenancy.CreatedInvitation;
import dev.distillery.tenancy.InvitationService;
import dev.distillery.tenancy.InvitationSummary;
import dev.distillery.tenancy.MemberSummary;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.WorkspaceService;
import dev.distillery.tenancy.WorkspaceSummary;
import jakarta.annotation.security.PermitAll;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Members, invitations, API keys, the audit log and the workspace's name. Tabs appear by role; the services check
 * the role again on every action.
 */
@Route("settings")
@PageTitle("Workspace settings · Distillery")
@Menu(order = 90, title = "Workspace settings")
@PermitAll
public class WorkspaceSettingsView extends VerticalLayout {

    private final WorkspaceService workspaces;
    private final InvitationService invitations;
    private final ApiKeyService apiKeys;
    private final AuditLog auditLog;
    private final WorkspaceSummary workspace;
    private final Grid<MemberSummary> members = new Grid<>();
    private final Grid<InvitationSummary> invitationGrid = new Grid<>();
    private final Grid<ApiKeySummary> keyGrid = new Grid<>();

    public WorkspaceSettingsView(
            WorkspaceService workspaces, InvitationService invitations, ApiKeyService apiKeys, AuditLog auditLog) {
        this.workspaces = workspaces;
        this.invitations = invitations;
        this.apiKeys = apiKeys;
        this.auditLog = auditLog;
        this.workspace = workspaces.current();
        setSizeFull();
        H1 heading = new H1(workspace.name());
        heading.setId("settings-heading");
        add(heading, new Span("Your role: " + workspace.role().label()));

        boolean admin = workspace.role() == Role.OWNER || workspace.role() == Role.ADMIN;
        TabSheet tabs = new TabSheet();
        tabs.setSizeFull();
        tabs.add("Members", membersTab(admin));
        if (admin) {
            tabs.add("Invitations", invitationsTab());
            tabs.add("API keys", apiKeysTab());
            tabs.add("Audit log", auditTab());
            tabs.add("General", generalTab());
        }
        add(tabs);
    }

    private Component membersTab(boolean admin) {
        members.setId("members-grid");
        members.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        members.addColumn(MemberSummary::displayName).setHeader("Name").setAutoWidth(true);
        members.addColumn(MemberSummary::email).setHeader("Email").setAutoWidth(true);
        if (admin) {
            members.addComponentColumn(this::roleEditor).setHeader("Role").setAutoWidth(true);
            members.addComponentColumn(m -> {
                Button remove = new Button(
                        "Remove",
                        click -> confirm("Remove " + m.email() + " from this workspace?", () -> {
                            workspaces.removeMember(m.userId());
                            Notifications.success(m.email() + " was removed.");
                            refreshMembers();
                        }));
                remove.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
                return remove;
            });
        } else {
            members.addColumn(m -> m.role().label()).setHeader("Role");
        }
        members.addColumn(m -> ClientTime.format(m.joinedAt())).setHeader("Joined");
        refreshMembers();
        return members;
    }

    private Component roleEditor(MemberSummary member) {
        Select<Role> role = new Select<>();
        role.setItems(Role.values());
        role.setItemLabelGenerator(Role::label);
        role.setValue(member.role());
        role.setId("role-" + member.email());
        role.setAriaLabel("Role of " + member.email());
        role.addValueChangeListener(change -> {
            if (!change.isFromClient() || change.getValue() == null) {
                return;
            }
            try {
                workspaces.changeRole(member.userId(), change.getValue());
                Notifications.success(
                        member.email() + " is now " + change.getValue().label() + ".");
            } finally {
                refreshMembers();
            }
        });
        return role;
    }

    private void refreshMembers() {
        members.setItems(workspaces.members());
    }

    private Component invitationsTab() {
        Select<Role> role = new Select<>();
        role.setLabel("Role");
        role.setId("invite-role");
        role.setItems(Arrays.stream(Role.values())
                .filter(r -> r != Role.OWNER && workspace.role().canGrant(r))
                .toList());
        role.setItemLabelGenerator(Role::label);
        role.setValue(Role.MEMBER);
        Div linkBox = new Div();
        linkBox.setId("invite-link-box");
        Button create = new Button("Create invitation link", click -> {
            CreatedInvitation created = invitations.create(role.getValue());
            linkBox.removeAll();
            linkBox.add(new OneTimeLink(
                    "invite-link",
                    "Copy this link and send it; it works once, until " + ClientTime.format(created.expiresAt())
                            + ", and is not shown again",
                    created.path()));
            refreshInvitations();
        });
        create.setId("create-invitation");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout form = new HorizontalLayout(role, create);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);

        invitationGrid.setId("invitations-grid");
        invitationGrid.addColumn(i -> i.role().label()).setHeader("Role");
        invitationGrid.addColumn(i -> i.state().name().toLowerCase()).setHeader("State");
        invitationGrid.addColumn(InvitationSummary::createdBy).setHeader("Created by");
        invitationGrid.addColumn(i -> ClientTime.format(i.expiresAt())).setHeader("Expires");
        invitationGrid
                .addColumn(i -> i.acceptedBy() == null ? "" : i.acceptedBy())
                .setHeader("Accepted by");
        invitationGrid.addComponentColumn(i -> {
            Button revoke = new Button("Revoke", click -> {
                invitations.revoke(i.id());
                refreshInvitations();
            });
            revoke.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            revoke.setVisible(i.state() == InvitationSummary.State.PENDING);
            return revoke;
        });
        refreshInvitations();
        VerticalLayout tab = new VerticalLayout(form, linkBox, invitationGrid);
        tab.setPadding(false);
        return tab;
    }

    private void refreshInvitations() {
        invitationGrid.setItems(invitations.list());
    }

    private Component apiKeysTab() {
        TextField name = new TextField("Key name");
        name.setId("api-key-name");
        name.setPlaceholder("ci");
        Select<Role> role = new Select<>();
        role.setLabel("Role");
        role.setItems(Arrays.stream(Role.values())
                .filter(r -> r != Role.OWNER && workspace.role().canGrant(r))
                .toList());
        role.setItemLabelGenerator(Role::label);
        role.setValue(Role.MEMBER);
        Button create = new Button("Create API key", click -> {
            CreatedApiKey key = apiKeys.create(name.getValue(), role.getValue());
            name.clear();
            showSecret(key);
            refreshKeys();
        });
        create.setId("create-api-key");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout form = new HorizontalLayout(name, role, create);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);

        keyGrid.setId("api-keys-grid");
        keyGrid.addColumn(ApiKeySummary::name).setHeader("Name");
        keyGrid.addColumn(k -> k.prefix() + "…").setHeader("Key");
        keyGrid.addColumn(k -> k.role().label()).setHeader("Role");
        keyGrid.addColumn(k -> k.createdBy() == null ? "" : k.createdBy()).setHeader("Created by");
        keyGrid.addColumn(k -> ClientTime.format(k.createdAt())).setHeader("Created");
        keyGrid.addColumn(k -> format(k.lastUsedAt(), "never")).setHeader("Last used");
        keyGrid.addColumn(k -> k.active() ? "active" : "revoked " + format(k.revokedAt(), ""))
                .setHeader("State");
        keyGrid.addComponentColumn(k -> {
            Button revoke = new Button(
                    "Revoke",
                    click -> confirm(
                            "Revoke API key \"" + k.name() + "\"? Requests using it will be refused at once.", () -> {
                                apiKeys.revoke(k.id());
                                refreshKeys();
                            }));
            revoke.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            revoke.setVisible(k.active());
            return revoke;
        });
        refreshKeys();
        VerticalLayout tab = new VerticalLayout(form, keyGrid);
        tab.setPadding(false);
        return tab;
    }

    private void showSecret(CreatedApiKey key) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("API key \"" + key.name() + "\"");
        Div secret = new Div(key.secret());
        secret.setId("api-key-secret");
        secret.addClassName("secret-box");
        dialog.add(
                new Paragraph("Copy the key now: it is stored only as a hash and cannot be shown again."),
                secret,
                new Paragraph("Use it as: Authorization: Bearer <key>"));
        Button done = new Button("I have copied it", click -> dialog.close());
        done.setId("api-key-done");
        dialog.getFooter().add(done);
        dialog.open();
    }

    private void refreshKeys() {
        keyGrid.setItems(apiKeys.list());
    }

    private Component auditTab() {
        Grid<AuditEntry> grid = new Grid<>();
        grid.setId("audit-grid");
        grid.addColumn(e -> ClientTime.format(e.occurredAt())).setHeader("When").setAutoWidth(true);
        grid.addColumn(AuditEntry::actor).setHeader("Who").setAutoWidth(true);
        grid.addColumn(AuditEntry::action).setHeader("Action").setAutoWidth(true);
        grid.addColumn(e -> e.target() == null ? "" : e.target())
                .setHeader("Target")
                .setAutoWidth(true);
        grid.addColumn(e -> e.details() == null ? "" : e.details()).setHeader("Details");
        grid.setItems(query -> auditLog.list(query.getOffset(), query.getLimit()).stream(), query -> auditLog.count());
        return grid;
    }

    private Component generalTab() {
        TextField name = new TextField("Workspace name");
        name.setId("workspace-rename");
        name.setValue(workspace.name());
        Button save = new Button("Rename", click -> {
            workspaces.rename(name.getValue());
            getUI().ifPresent(ui -> ui.getPage().reload());
        });
        HorizontalLayout row = new HorizontalLayout(name, save);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        return new VerticalLayout(row, new Paragraph("Address name (for public pages): " + workspace.slug()));
    }

    private static void confirm(String question, Runnable action) {
        ConfirmDialog dialog = new ConfirmDialog("Are you sure?", question, "Yes", e -> action.run());
        dialog.setCancelable(true);
        dialog.setConfirmButtonTheme("error primary");
        dialog.open();
    }

    private static String format(@Nullable Instant time, String none) {
        return time == null ? none : ClientTime.format(time);
    }
}
