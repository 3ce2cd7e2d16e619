package dev.distillery.tenancy.ui;

import com.vaadin.flow.component.HasElement;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.menubar.MenuBar;
import com.vaadin.flow.component.menubar.MenuBarVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.server.menu.MenuEntry;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.distillery.tenancy.AccountService;
import dev.distillery.tenancy.MenuPermission;
import dev.distillery.tenancy.NoWorkspaceException;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.UserSummary;
import dev.distillery.tenancy.WorkspaceService;
import dev.distillery.tenancy.WorkspaceSummary;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The frame of every signed-in page: the workspace switcher, the navigation (built from each view's {@code @Menu},
 * so areas that do not exist yet are simply absent) and the user menu.
 */
@Layout
@PermitAll
public class MainLayout extends AppLayout {

    /**
     * Holds the view: vaadin-app-layout renders its content in a plain div, so without this the page would have no
     * main landmark for screen readers and skip links.
     */
    private final Main main = new Main();

    public MainLayout(WorkspaceService workspaces, AccountService accounts, AuthenticationContext auth) {
        Span title = new Span("Distillery");
        title.addClassName("app-title");

        Select<WorkspaceSummary> switcher = new Select<>();
        switcher.setId("workspace-switcher");
        switcher.setAriaLabel("Workspace");
        switcher.setItemLabelGenerator(WorkspaceSummary::name);
        List<WorkspaceSummary> mine = workspaces.mine();
        switcher.setItems(mine);
        @Nullable Role role = null;
        try {
            WorkspaceSummary current = workspaces.current();
            role = current.role();
            mine.stream().filter(w -> w.id().equals(current.id())).findFirst().ifPresent(switcher::setValue);
        } catch (NoWorkspaceException e) {
            switcher.setPlaceholder("No workspace");
        }
        switcher.addValueChangeListener(change -> {
            if (change.isFromClient() && change.getValue() != null) {
                workspaces.switchTo(change.getValue().id());
                getUI().ifPresent(ui -> ui.getPage().reload());
            }
        });
        Button newWorkspace = new Button(VaadinIcon.PLUS.create(), click -> openCreateDialog(workspaces));
        newWorkspace.setId("new-workspace");
        newWorkspace.setAriaLabel("New workspace");
        newWorkspace.setTooltipText("New workspace");
        newWorkspace.addThemeVariants(ButtonVariant.LUMO_TERTIARY);

        MenuBar userMenu = new MenuBar();
        userMenu.setId("user-menu");
        userMenu.addThemeVariants(MenuBarVariant.LUMO_TERTIARY_INLINE);
        String who = accounts.currentUser().map(UserSummary::displayName).orElse("Account");
        var item = userMenu.addItem(who);
        // By address: campaigns build on tenancy, not the other way round.
        item.getSubMenu()
                .addItem("My campaigns", click -> getUI().ifPresent(ui -> ui.navigate("contribute")))
                .setId("my-campaigns");
        item.getSubMenu().addItem("Sign out", click -> auth.logout()).setId("sign-out");
        item.getSubMenu()
                .addItem("Sign out everywhere", click -> {
                    accounts.signOutEverywhere();
                    auth.logout();
                })
                .setId("sign-out-everywhere");

        HorizontalLayout bar = new HorizontalLayout(new DrawerToggle(), title, switcher, newWorkspace);
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        bar.setWidthFull();
        HorizontalLayout right = new HorizontalLayout(userMenu);
        right.addClassName("navbar-end");
        addToNavbar(bar, right);

        SideNav nav = new SideNav();
        nav.setId("main-nav");
        for (MenuEntry entry : MenuConfiguration.getMenuEntries()) {
            MenuPermission needs =
                    entry.menuClass() == null ? null : entry.menuClass().getAnnotation(MenuPermission.class);
            if (needs == null || (role != null && role.can(needs.value()))) {
                nav.addItem(new SideNavItem(entry.title(), entry.path()));
            }
        }
        addToDrawer(nav);
        setPrimarySection(Section.DRAWER);
        main.addClassName("view-main");
        setContent(main);
    }

    @Override
    public void showRouterLayoutContent(HasElement content) {
        main.getElement().removeAllChildren();
        main.getElement().appendChild(content.getElement());
    }

    @Override
    public void removeRouterLayoutContent(HasElement oldContent) {
        main.getElement().removeAllChildren();
    }

    private void openCreateDialog(WorkspaceService workspaces) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("New workspace");
        TextField name = new TextField("Name");
        name.setId("new-workspace-name");
        name.setWidthFull();
        Button create = new Button("Create", click -> {
            workspaces.create(name.getValue());
            dialog.close();
            getUI().ifPresent(ui -> ui.getPage().setLocation("settings"));
        });
        create.setId("create-workspace");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(name);
        dialog.getFooter().add(new Button("Cancel", click -> dialog.close()), create);
        dialog.open();
        name.focus();
    }
}
