package dev.distillery.endpoints.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.endpoints.ConnectionTestResult;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import org.jspecify.annotations.Nullable;

/** The workspace's model endpoints: register, edit, test, rotate keys, remove. */
@Route("endpoints")
@PageTitle("Endpoints · Distillery")
@Menu(order = 10, title = "Endpoints")
@PermitAll
public class EndpointListView extends VerticalLayout {

    private final EndpointService endpoints;
    private final Grid<EndpointDetails> grid = new Grid<>();
    private final boolean canManage;

    public EndpointListView(EndpointService endpoints, WorkspaceService workspaces) {
        this.endpoints = endpoints;
        this.canManage = workspaces.current().role().can(Permission.MANAGE_RESOURCES);
        setSizeFull();
        Button add = new Button("New endpoint", click -> openForm(null));
        add.setId("new-endpoint");
        add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add.setVisible(canManage);
        // After the server's secret key was rotated, an owner or admin re-encrypts the stored keys under the new one.
        Button reencrypt = new Button("Re-encrypt keys", click -> {
            int changed = endpoints.reencryptSecrets();
            Notifications.success(
                    changed == 0
                            ? "Every stored key is already under the current secret key."
                            : "Re-encrypted the keys of " + changed + " endpoint" + (changed == 1 ? "" : "s") + ".");
        });
        reencrypt.setId("reencrypt-keys");
        reencrypt.setVisible(workspaces.current().role().can(Permission.MANAGE_WORKSPACE));
        reencrypt.setTooltipText(
                "Encrypt stored API keys and header values again under the server's current secret key");
        HorizontalLayout header = new HorizontalLayout(new H1("Endpoints"), reencrypt, add);
        header.setAlignItems(FlexComponent.Alignment.CENTER);
        header.setWidthFull();
        header.expand(header.getComponentAt(0));

        grid.setId("endpoints-grid");
        grid.addColumn(EndpointDetails::name)
                .setHeader("Name")
                .setAutoWidth(true)
                .setSortable(true);
        grid.addColumn(EndpointDetails::model).setHeader("Model").setAutoWidth(true);
        grid.addColumn(EndpointDetails::baseUrl).setHeader("Base URL").setAutoWidth(true);
        grid.addColumn(e -> e.apiStyle().id()).setHeader("API");
        grid.addColumn(e -> e.apiKeyHint() == null ? "none" : e.apiKeyHint()).setHeader("Key");
        grid.addColumn(e -> e.limits().maxConcurrency() + " conc."
                        + (e.limits().rpm() == null ? "" : ", " + e.limits().rpm() + " rpm"))
                .setHeader("Limits");
        grid.addColumn(e -> e.sizeLabel() == null ? "" : e.sizeLabel()).setHeader("Size");
        if (canManage) {
            grid.addComponentColumn(this::actions).setHeader("").setAutoWidth(true);
        }
        grid.setEmptyStateText("No endpoints yet. Register one to run models.");
        refresh();
        add(header, grid);
    }

    private HorizontalLayout actions(EndpointDetails endpoint) {
        Button test = new Button("Test", click -> showTest(endpoint));
        test.setId("test-" + endpoint.name());
        Button edit = new Button("Edit", click -> openForm(endpoint));
        Button rotate = new Button("Rotate key", click -> rotateKey(endpoint));
        Button delete = new Button("Delete", click -> {
            ConfirmDialog confirm = new ConfirmDialog(
                    "Delete " + endpoint.name() + "?", "Runs that used it keep their results.", "Delete", e -> {
                        endpoints.delete(endpoint.id());
                        refresh();
                    });
            confirm.setCancelable(true);
            confirm.setConfirmButtonTheme("error primary");
            confirm.open();
        });
        for (Button b : new Button[] {test, edit, rotate, delete}) {
            b.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        }
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        return new HorizontalLayout(test, edit, rotate, delete);
    }

    private void openForm(@Nullable EndpointDetails existing) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(existing == null ? "New endpoint" : "Edit " + existing.name());
        dialog.setWidth("min(56rem, 95vw)");
        EndpointForm form = new EndpointForm(existing);
        Button save = new Button(existing == null ? "Register" : "Save", click -> {
            try {
                if (existing == null) {
                    endpoints.create(form.draft());
                } else {
                    endpoints.update(existing.id(), form.draft(), form.changedHeaders(), form.changedKey());
                }
                dialog.close();
                refresh();
                Notifications.success("Saved " + form.name.getValue().strip() + ".");
            } catch (InvalidInputException e) {
                if (!form.show(e)) {
                    Notifications.error(e.getMessage());
                }
            }
        });
        save.setId("save-endpoint");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(form);
        dialog.getFooter().add(new Button("Cancel", click -> dialog.close()), save);
        dialog.open();
    }

    private void showTest(EndpointDetails endpoint) {
        ConnectionTestResult result = endpoints.testConnection(endpoint.id());
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Test of " + endpoint.name());
        Paragraph outcome = new Paragraph(
                result.ok()
                        ? "Connected in " + result.latencyMillis() + " ms. The model replied: " + result.reply()
                        : "Failed after " + result.latencyMillis() + " ms. " + result.error());
        outcome.setId("test-result");
        outcome.addClassName(result.ok() ? "text-success" : "text-error");
        dialog.add(outcome);
        dialog.getFooter().add(new Button("Close", click -> dialog.close()));
        dialog.open();
    }

    private void rotateKey(EndpointDetails endpoint) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Rotate the key of " + endpoint.name());
        PasswordField key = new PasswordField("New API key");
        key.setId("rotate-key");
        key.setHelperText("Leave empty to remove the key.");
        key.setWidthFull();
        Button save = new Button("Replace key", click -> {
            endpoints.rotateKey(endpoint.id(), key.getValue());
            dialog.close();
            refresh();
            Notifications.success("The key of " + endpoint.name() + " was replaced.");
        });
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(key);
        dialog.getFooter().add(new Button("Cancel", click -> dialog.close()), save);
        dialog.open();
    }

    private void refresh() {
        grid.setItems(endpoints.list());
    }
}
