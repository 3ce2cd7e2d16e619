package dev.distillery.leaderboards.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.distillery.leaderboards.LeaderboardFilter;
import dev.distillery.leaderboards.PublicBoard;
import dev.distillery.leaderboards.PublicBoardDraft;
import dev.distillery.leaderboards.PublicBoardService;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.ui.Notifications;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Publishes the board as filtered now at a public URL, and lists (and unpublishes) the workspace's public boards. */
class PublishDialog extends Dialog {

    private final PublicBoardService boards;
    private final String workspaceSlug;
    private final TextField slug = new TextField("Address");
    private final TextField title = new TextField("Title");
    private final IntegerField sampleTraces = new IntegerField("Sample traces to show");
    private final VerticalLayout published = new VerticalLayout();

    PublishDialog(
            PublicBoardService boards, String workspaceSlug, LeaderboardFilter filter, @Nullable String datasetName) {
        this.boards = boards;
        this.workspaceSlug = workspaceSlug;
        setHeaderTitle("Publish this board");
        setWidth("560px");
        slug.setId("publish-slug");
        slug.setPrefixComponent(new com.vaadin.flow.component.html.Span("/p/" + workspaceSlug + "/"));
        slug.setHelperText("Lower-case letters, digits and hyphens.");
        slug.setWidthFull();
        title.setId("publish-title");
        title.setWidthFull();
        sampleTraces.setId("publish-traces");
        sampleTraces.setMin(0);
        sampleTraces.setMax(50);
        sampleTraces.setValue(0);
        sampleTraces.setHelperText("Traces of the newest result, shown below the table (0: none).");
        if (datasetName != null) {
            String suggested = datasetName
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "-")
                    .replaceAll("(^-+|-+$)", "");
            slug.setValue(suggested.isEmpty() ? "board" : suggested);
            title.setValue(datasetName + (filter.split() == null ? "" : " " + filter.split()) + " leaderboard");
        }
        Paragraph scope = new Paragraph(
                datasetName == null
                        ? "Choose a dataset on the board first: a public board shows one dataset."
                        : "Shows " + datasetName + describe(filter)
                                + ". Anyone with the address can read it, and nothing else of "
                                + "the workspace. Unpublish takes effect at once.");
        Button publish = new Button("Publish", click -> publish(filter));
        publish.setId("publish-confirm");
        publish.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        publish.setEnabled(datasetName != null);
        published.setPadding(false);
        published.setSpacing(false);
        add(new VerticalLayout(scope, slug, title, sampleTraces, new H4("Published boards"), published));
        getFooter().add(new Button("Close", click -> close()), publish);
        listBoards();
    }

    private static String describe(LeaderboardFilter filter) {
        StringBuilder text = new StringBuilder();
        if (filter.split() != null) {
            text.append(", split ").append(filter.split());
        }
        if (filter.method() != null) {
            text.append(", method ").append(filter.method());
        }
        if (filter.teacher() != null) {
            text.append(", teacher ").append(filter.teacher());
        }
        if (filter.student() != null) {
            text.append(", student ").append(filter.student());
        }
        return text.toString();
    }

    private void publish(LeaderboardFilter filter) {
        slug.setInvalid(false);
        title.setInvalid(false);
        sampleTraces.setInvalid(false);
        try {
            PublicBoard board = boards.publish(new PublicBoardDraft(
                    slug.getValue(),
                    title.getValue(),
                    filter.datasetId(),
                    filter.split(),
                    filter.method(),
                    filter.teacher(),
                    filter.student(),
                    sampleTraces.getValue() == null ? 0 : sampleTraces.getValue()));
            Notifications.success("Published at " + board.path(workspaceSlug));
            listBoards();
        } catch (InvalidInputException e) {
            for (InvalidInputException.FieldError error : e.errors()) {
                switch (error.field()) {
                    case "slug" -> invalid(slug, error.message());
                    case "title" -> invalid(title, error.message());
                    case "sampleTraces" -> invalid(sampleTraces, error.message());
                    default -> Notifications.error(error.describe());
                }
            }
        }
    }

    private static void invalid(com.vaadin.flow.component.HasValidation field, String message) {
        field.setErrorMessage(message);
        field.setInvalid(true);
    }

    private void listBoards() {
        published.removeAll();
        var list = boards.list().stream().filter(PublicBoard::published).toList();
        if (list.isEmpty()) {
            published.add(new Paragraph("None yet."));
        }
        for (PublicBoard board : list) {
            Anchor link = new Anchor(board.path(workspaceSlug), board.title() + " — " + board.path(workspaceSlug));
            link.setTarget("_blank");
            Button unpublish = new Button("Unpublish", click -> {
                boards.unpublish(board.id());
                Notifications.success("Unpublished " + board.path(workspaceSlug));
                listBoards();
            });
            unpublish.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            unpublish.getElement().setAttribute("aria-label", "Unpublish " + board.slug());
            HorizontalLayout line = new HorizontalLayout(link, unpublish);
            line.setAlignItems(FlexComponent.Alignment.CENTER);
            published.add(line);
        }
    }
}
