package dev.distillery.campaigns.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Aside;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.campaigns.AnswerDraft;
import dev.distillery.campaigns.ContributorService;
import dev.distillery.campaigns.MyAnswer;
import dev.distillery.campaigns.MyCampaign;
import dev.distillery.campaigns.ServedItem;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.TooManyRequestsException;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.shared.ui.ModelText;
import dev.distillery.shared.ui.Notifications;
import jakarta.annotation.security.PermitAll;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A contributor at work on one campaign: its instructions beside the item served to them, a verdict by key (c correct,
 * i incorrect, e edit the teacher's steps, s skip; n or Enter asks again when nothing is shown), the next item as soon
 * as one is answered, their progress and their own history. When they may not go on (paused, closed, cap reached) the
 * page says why and shows no item.
 */
@Route(value = "contribute/:campaignId", layout = ContributorLayout.class)
@PageTitle("Review campaign · Distillery")
@PermitAll
public class ContributeView extends VerticalLayout implements BeforeEnterObserver {

    /**
     * Keys are read in the browser, not with Vaadin shortcuts, so that letters typed into the step editor never count
     * as verdicts; only Ctrl+Enter (keep the edit) and Escape (discard it) act from inside it.
     */
    private static final String KEYS = """
            const view = this;
            if (window.distilleryContributeKeys) {
              document.removeEventListener('keydown', window.distilleryContributeKeys);
            }
            const listener = e => {
              if (!view.isConnected) { document.removeEventListener('keydown', listener); return; }
              if (e.altKey || e.metaKey || e.repeat) { return; }
              const path = e.composedPath();
              const area = path.find(el => el.tagName === 'TEXTAREA');
              if (area || path.some(el => el.tagName === 'INPUT' || el.isContentEditable)) {
                if (area && e.key === 'Enter' && e.ctrlKey) { e.preventDefault(); view.$server.key('keep', area.value); }
                else if (area && e.key === 'Escape') { e.preventDefault(); view.$server.key('discard', null); }
                return;
              }
              if (e.ctrlKey || path.some(el => el.tagName === 'VAADIN-GRID')) { return; }
              const key = e.key.toLowerCase();
              if (key === 'enter' && path.some(el => el.tagName === 'VAADIN-BUTTON' || el.tagName === 'A'
                  || el.tagName === 'VAADIN-DETAILS-SUMMARY')) { return; }
              if (['c', 'i', 'e', 's', 'n', 'enter'].includes(key)) { e.preventDefault(); view.$server.key(key, null); }
            };
            window.distilleryContributeKeys = listener;
            document.addEventListener('keydown', listener);""";

    private final ContributorService contributors;
    private final H1 title = new H1();
    private final Paragraph progress = new Paragraph();
    private final Paragraph status = new Paragraph();
    private final Div instructions = new Div();
    private final Div item = new Div();
    private final Div steps = new Div();
    private final Button correct = new Button("Correct (C)");
    private final Button incorrect = new Button("Incorrect (I)");
    private final Button edit = new Button("Edit steps (E)");
    private final Button skip = new Button("Skip (S)");
    private final Button next = new Button("Next item (N)");
    private final HorizontalLayout actions = new HorizontalLayout(correct, incorrect, edit, skip);
    private final Grid<MyAnswer> history = new Grid<>();
    private final Details historyBox = new Details("My answers");
    private final Div work = new Div();

    private @Nullable UUID campaignId;
    private @Nullable ServedItem served;
    private @Nullable TextArea editor;
    /** The steps as the contributor rewrote them, sent with their verdict; null while unchanged. */
    private @Nullable String correction;

    public ContributeView(ContributorService contributors) {
        this.contributors = contributors;
        setWidthFull();
        title.setId("contribute-title");
        progress.setId("contribute-progress");
        status.setId("contribute-status");
        status.getElement().setAttribute("role", "status");
        instructions.setId("contribute-instructions-box");
        item.setId("contribute-item");
        steps.setId("contribute-steps-box");

        correct.setId("contribute-correct");
        incorrect.setId("contribute-incorrect");
        edit.setId("contribute-edit");
        skip.setId("contribute-skip");
        next.setId("contribute-next");
        correct.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_PRIMARY);
        incorrect.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
        correct.addClickListener(e -> answer(true));
        incorrect.addClickListener(e -> answer(false));
        edit.addClickListener(e -> startEditing());
        skip.addClickListener(e -> skip());
        next.addClickListener(e -> loadNext());
        actions.setWrap(true);

        history.setId("contribute-history");
        history.addColumn(MyAnswer::itemId).setHeader("Item").setAutoWidth(true);
        history.addColumn(a -> abbreviate(a.question(), 80))
                .setHeader("Question")
                .setFlexGrow(3);
        history.addColumn(ContributeView::given).setHeader("Your answer").setAutoWidth(true);
        history.addColumn(a -> a.status().toLowerCase(Locale.ROOT).replace('_', ' '))
                .setHeader("Status")
                .setAutoWidth(true);
        history.addColumn(a -> ClientTime.format(a.at())).setHeader("When").setAutoWidth(true);
        history.setAllRowsVisible(true);
        history.setEmptyStateText("You have not answered any item yet.");
        historyBox.setId("contribute-history-box");
        historyBox.add(history);
        historyBox.addOpenedChangeListener(e -> refreshHistory());

        H2 instructionsHeading = new H2("Instructions");
        Aside aside = new Aside(instructionsHeading, instructions);
        aside.addClassName("contribute-instructions");
        H2 itemHeading = new H2("Item");
        Section itemSection = new Section(itemHeading, item, actions, next);
        itemSection.addClassName("contribute-item");
        work.add(aside, itemSection);
        work.addClassName("contribute-columns");
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        getElement().executeJs(KEYS);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        try {
            campaignId =
                    UUID.fromString(event.getRouteParameters().get("campaignId").orElse(""));
            MyCampaign campaign = contributors.campaign(campaignId);
            add(title, progress, status, work, historyBox);
            instructions.removeAll();
            instructions.add(ModelText.of("contribute-instructions", campaign.instructions()));
            loadNext();
        } catch (IllegalArgumentException | NotFoundException e) {
            campaignId = null;
            H1 missing = new H1("Campaign not found");
            Paragraph why = new Paragraph("You do not contribute to a campaign with this address. Open the join link "
                    + "you were sent, or pick one of your campaigns.");
            why.setId("contribute-missing");
            add(missing, why);
        }
    }

    /** Called by the page's key listener. */
    @ClientCallable
    private void key(String key, @Nullable String text) {
        switch (key) {
            case "c" -> answer(true);
            case "i" -> answer(false);
            case "e" -> startEditing();
            case "s" -> skip();
            case "n", "enter" -> {
                if (served == null) {
                    loadNext();
                }
            }
            case "keep" -> keepEdit(text);
            case "discard" -> discardEdit();
            default -> {
                // Only the keys above are sent.
            }
        }
    }

    private void loadNext() {
        UUID id = campaignId;
        if (id == null) {
            return;
        }
        MyCampaign campaign = contributors.campaign(id);
        show(campaign);
        Optional<ServedItem> nextItem = campaign.active() ? contributors.next(id) : Optional.empty();
        if (nextItem.isEmpty()) {
            // Choosing scores answers not yet scored, which may have paused them: read their state again.
            MyCampaign now = campaign.active() ? contributors.campaign(id) : campaign;
            show(now);
            idle(now);
            return;
        }
        showItem(nextItem.get());
    }

    private void show(MyCampaign campaign) {
        title.setText(campaign.title());
        StringBuilder text = new StringBuilder("Answered " + campaign.answered() + " · skipped " + campaign.skipped());
        if (campaign.cap() != null) {
            text.append(" · at most ").append(campaign.cap()).append(" items each");
        }
        if (campaign.goldAccuracy() != null) {
            text.append(String.format(
                    Locale.ROOT, " · your accuracy on check items: %.0f %%", 100 * campaign.goldAccuracy()));
        }
        progress.setText(text.toString());
        progress.getElement().setAttribute("data-answered", Integer.toString(campaign.answered()));
        progress.getElement().setAttribute("data-skipped", Integer.toString(campaign.skipped()));
    }

    /** No item: says why, and whether asking again may help. */
    private void idle(MyCampaign campaign) {
        served = null;
        editor = null;
        correction = null;
        item.removeAll();
        item.getElement().removeAttribute("data-item-id");
        actions.setVisible(false);
        status.removeClassNames("text-error", "text-warning");
        String why;
        boolean askAgain = false;
        if (!"ACTIVE".equals(campaign.status())) {
            why = Objects.requireNonNullElse(campaign.statusReason(), "You are paused in this campaign.");
            status.addClassName("text-error");
        } else if (!campaign.campaignOpen()) {
            why = "This campaign is closed or has ended: it takes no more answers. Thank you for yours.";
            status.addClassName("text-warning");
        } else if (campaign.cap() != null && campaign.answered() + campaign.skipped() >= campaign.cap()) {
            why = "You have reached this campaign's limit of " + campaign.cap() + " items. Thank you!";
        } else {
            why = "Nothing to review for you right now: every item has its reviews, or is being reviewed by someone "
                    + "else. Press N to check again.";
            askAgain = true;
        }
        status.setText(why);
        status.getElement().setAttribute("data-state", askAgain ? "waiting" : campaign.status());
        next.setVisible(askAgain);
    }

    private void showItem(ServedItem s) {
        served = s;
        editor = null;
        correction = null;
        status.setText("");
        status.getElement().setAttribute("data-state", "item");
        item.removeAll();
        item.getElement().setAttribute("data-item-id", s.itemId());
        Paragraph reference = new Paragraph(s.referenceAnswer());
        reference.setId("contribute-reference");
        reference.addClassName("pre-text");
        item.add(
                new H3("Question"),
                ModelText.of("contribute-question", s.question()),
                new H3("Reference answer"),
                reference,
                new H3("Teacher's steps"),
                steps,
                new H3("Student's answer"));
        if (s.studentOutput() == null) {
            item.add(new Paragraph("The student gave no answer."));
        } else {
            item.add(ModelText.marked("contribute-student", s.studentOutput(), null, null, s.studentAnswer()));
            Paragraph extracted =
                    new Paragraph("Answer read from it: " + (s.studentAnswer() == null ? "none" : s.studentAnswer()));
            extracted.setId("contribute-extracted");
            item.add(extracted);
        }
        renderSteps();
        actions.setVisible(true);
        next.setVisible(false);
    }

    private void renderSteps() {
        steps.removeAll();
        ServedItem s = served;
        if (s == null) {
            return;
        }
        edit.setEnabled(editor == null);
        if (editor != null) {
            Button keep = new Button("Keep edit (Ctrl+Enter)", e -> keepEdit(null));
            keep.setId("contribute-keep");
            Button discard = new Button("Discard edit (Esc)", e -> discardEdit());
            discard.setId("contribute-discard");
            steps.add(editor, new HorizontalLayout(keep, discard));
            return;
        }
        if (correction != null) {
            Paragraph note = new Paragraph("Your corrected steps, sent with your verdict (E to edit again):");
            note.setId("contribute-corrected-note");
            note.addClassName("text-success");
            steps.add(note, ModelText.of("contribute-steps", correction));
        } else if (s.teacherOutput() == null) {
            steps.add(new Paragraph("The teacher wrote no steps."));
        } else {
            steps.add(ModelText.of("contribute-steps", s.teacherOutput()));
        }
    }

    private void startEditing() {
        ServedItem s = served;
        if (s == null || editor != null) {
            return;
        }
        TextArea area = new TextArea("Teacher's steps, as they should read");
        area.setId("contribute-steps-editor");
        area.setWidthFull();
        area.setMinRows(4);
        area.setMaxLength(20_000);
        area.setValue(correction != null ? correction : Objects.requireNonNullElse(s.teacherOutput(), ""));
        editor = area;
        renderSteps();
        area.focus();
    }

    /** Keeps the edit for the verdict to come; {@code text} is the editor's content as the key listener read it. */
    private void keepEdit(@Nullable String text) {
        TextArea area = editor;
        ServedItem s = served;
        if (area == null || s == null) {
            return;
        }
        correction = changed(s, text != null ? text : area.getValue());
        editor = null;
        renderSteps();
        incorrect.focus();
    }

    private void discardEdit() {
        if (editor == null) {
            return;
        }
        editor = null;
        renderSteps();
        edit.focus();
    }

    private static @Nullable String changed(ServedItem s, String edited) {
        String original = Objects.requireNonNullElse(s.teacherOutput(), "");
        return edited.isBlank() || edited.strip().equals(original.strip()) ? null : edited;
    }

    private void answer(boolean verdict) {
        ServedItem s = served;
        if (s == null) {
            return;
        }
        // A verdict given with the editor still open takes the editor's text: nothing typed is lost.
        String trace = editor != null ? changed(s, editor.getValue()) : correction;
        send(new AnswerDraft(s.itemId(), verdict, trace, null, false));
    }

    private void skip() {
        ServedItem s = served;
        if (s != null) {
            send(AnswerDraft.skip(s.itemId()));
        }
    }

    private void send(AnswerDraft draft) {
        UUID id = campaignId;
        if (id == null) {
            return;
        }
        try {
            show(contributors.answer(id, draft));
        } catch (TooManyRequestsException e) {
            Notifications.error(e.getMessage());
            return;
        } catch (InvalidInputException e) {
            Notifications.error(e.getMessage());
            return;
        } catch (ConflictException e) {
            // Paused meanwhile, or the item went back to the pool: say so, and show what there is now.
            Notifications.error(e.getMessage());
        }
        loadNext();
        if (historyBox.isOpened()) {
            refreshHistory();
        }
    }

    private void refreshHistory() {
        UUID id = campaignId;
        if (id != null && historyBox.isOpened()) {
            history.setItems(contributors.history(id, 200));
        }
    }

    private static String given(MyAnswer a) {
        if (a.verdict() == null) {
            return "skipped";
        }
        return (a.verdict() ? "correct" : "incorrect") + (a.corrected() ? ", steps corrected" : "");
    }

    static String abbreviate(String s, int max) {
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }
}
