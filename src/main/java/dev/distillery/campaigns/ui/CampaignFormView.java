package dev.distillery.campaigns.ui;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.distillery.campaigns.CampaignDraft;
import dev.distillery.campaigns.CampaignService;
import dev.distillery.campaigns.CreatedCampaign;
import dev.distillery.review.QueueService.Selection;
import dev.distillery.runs.RunService;
import dev.distillery.runs.RunSummary;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.shared.ui.ModelText;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.shared.ui.Sections;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A new campaign: a finished run's items (all, the incorrect ones, or a sample), the instructions contributors read
 * beside every item (Markdown, previewed as they will see it), and the quality rules. Each refusal is shown on its
 * field; on success the campaign's page opens with its join link, shown once.
 */
@Route("campaigns/new")
@PageTitle("New campaign · Distillery")
@PermitAll
public class CampaignFormView extends VerticalLayout {

    static final String EXAMPLE_INSTRUCTIONS = """
            Read the question and the **reference answer**, then the teacher's steps and the student's answer.

            - Press **C** if the student's answer is correct, **I** if it is not.
            - If a teacher step is wrong or misleading, press **E**, fix the steps, keep the edit with Ctrl+Enter, \
            then give your verdict.
            - Press **S** to skip an item you cannot judge.""";

    private final Select<RunSummary> run = new Select<>();
    private final TextField title = new TextField("Title");
    private final TextArea instructions = new TextArea("Instructions (Markdown, shown beside every item)");
    private final Div preview = new Div();
    private final IntegerField reviews = new IntegerField("Reviews per item");
    private final Select<Selection> selection = new Select<>();
    private final IntegerField sample = new IntegerField("Sample size");
    private final NumberField goldShare = new NumberField("Share of gold items in each stream (0–0.5)");
    private final IntegerField goldMin = new IntegerField("Gold answers before judging a contributor");
    private final NumberField goldThreshold = new NumberField("Gold accuracy to stay (0–1)");
    private final NumberField decideThreshold = new NumberField("Certainty to decide an item (0.5–1)");
    private final IntegerField cap = new IntegerField("Most items per contributor (empty: no limit)");
    private final IntegerField perMinute = new IntegerField("Answers per minute per contributor");
    private final NumberField minSeconds = new NumberField("Seconds per item below which answers are suspicious");
    private final DateTimePicker endsAt = new DateTimePicker("Ends at (optional, " + ClientTime.zoneName() + ")");
    private final Map<String, HasValidation> fields = new LinkedHashMap<>();

    public CampaignFormView(CampaignService campaigns, RunService runs, WorkspaceService workspaces) {
        H1 heading = new H1("New campaign");
        if (!CampaignListView.mayRun(workspaces)) {
            add(heading, new Paragraph("Only a workspace's owners and admins run review campaigns."));
            return;
        }
        CampaignDraft defaults = CampaignDraft.defaults(new UUID(0, 0), "", EXAMPLE_INSTRUCTIONS);

        run.setLabel("Run");
        run.setId("campaign-run");
        List<RunSummary> finished = runs.list(null, 0, 200).stream()
                .filter(r -> r.status().finished() && r.done() > 0)
                .toList();
        run.setItems(finished);
        run.setItemLabelGenerator(r -> r.name() + " · " + r.datasetName() + " " + r.split() + " · " + r.done()
                + " items, " + (r.done() - r.correct()) + " incorrect");
        run.setEmptySelectionAllowed(false);
        run.setPlaceholder(finished.isEmpty() ? "No finished run yet" : "Choose a finished run");
        run.setWidthFull();
        title.setId("campaign-title");
        title.setMaxLength(200);
        instructions.setId("campaign-instructions");
        instructions.setValue(defaults.instructions());
        instructions.setMinRows(5);
        instructions.setWidthFull();
        instructions.setValueChangeMode(ValueChangeMode.LAZY);
        instructions.addValueChangeListener(e -> showPreview());
        preview.setId("campaign-instructions-preview");
        preview.addClassName("campaign-preview");
        showPreview();

        reviews.setId("campaign-reviews");
        reviews.setValue(defaults.reviewsPerItem());
        reviews.setMin(1);
        reviews.setMax(9);
        reviews.setStepButtonsVisible(true);
        selection.setLabel("Items");
        selection.setId("campaign-selection");
        selection.setItems(Selection.values());
        selection.setItemLabelGenerator(s -> switch (s) {
            case ALL -> "All finished items";
            case INCORRECT -> "Incorrect items only";
            case SAMPLE -> "A random sample";
        });
        selection.setValue(defaults.selection());
        sample.setId("campaign-sample");
        sample.setMin(1);
        sample.setVisible(false);
        selection.addValueChangeListener(e -> sample.setVisible(e.getValue() == Selection.SAMPLE));
        goldShare.setId("campaign-gold-share");
        goldShare.setValue(defaults.goldShare());
        goldShare.setStep(0.05);
        goldMin.setId("campaign-gold-min");
        goldMin.setValue(defaults.goldMinAnswers());
        goldThreshold.setId("campaign-gold-threshold");
        goldThreshold.setValue(defaults.goldThreshold());
        decideThreshold.setId("campaign-decide-threshold");
        decideThreshold.setValue(defaults.decideThreshold());
        cap.setId("campaign-cap");
        cap.setMin(1);
        perMinute.setId("campaign-per-minute");
        perMinute.setValue(defaults.answersPerMinute());
        minSeconds.setId("campaign-min-seconds");
        minSeconds.setValue(defaults.minSecondsPerItem());
        endsAt.setId("campaign-ends-at");

        fields.put("runId", run);
        fields.put("title", title);
        fields.put("instructions", instructions);
        fields.put("reviewsPerItem", reviews);
        fields.put("selection", selection);
        fields.put("sampleSize", sample);
        fields.put("goldShare", goldShare);
        fields.put("goldMinAnswers", goldMin);
        fields.put("goldThreshold", goldThreshold);
        fields.put("decideThreshold", decideThreshold);
        fields.put("capPerContributor", cap);
        fields.put("answersPerMinute", perMinute);
        fields.put("minSecondsPerItem", minSeconds);

        Button create = new Button("Create campaign", click -> create(campaigns));
        create.setId("campaign-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);

        FormLayout what = new FormLayout(run, title, reviews, selection, sample);
        FormLayout quality =
                new FormLayout(goldShare, goldMin, goldThreshold, decideThreshold, cap, perMinute, minSeconds, endsAt);
        add(
                heading,
                what,
                instructions,
                Sections.labelled("Preview of the instructions", "campaign-preview-heading", preview),
                Sections.labelled("Quality rules", "campaign-quality-heading", quality),
                create);
    }

    private void showPreview() {
        preview.removeAll();
        preview.add(ModelText.of("campaign-preview", instructions.getValue()));
    }

    private void create(CampaignService campaigns) {
        fields.values().forEach(f -> f.setInvalid(false));
        RunSummary chosen = run.getValue();
        if (chosen == null) {
            markInvalid("runId", "Choose the finished run whose items the campaign reviews.");
            return;
        }
        CampaignDraft draft = new CampaignDraft(
                chosen.id(),
                title.getValue(),
                instructions.getValue(),
                Objects.requireNonNullElse(reviews.getValue(), 0),
                selection.getValue(),
                selection.getValue() == Selection.SAMPLE ? sample.getValue() : null,
                orNaN(goldShare.getValue()),
                Objects.requireNonNullElse(goldMin.getValue(), 0),
                orNaN(goldThreshold.getValue()),
                orNaN(decideThreshold.getValue()),
                cap.getValue(),
                Objects.requireNonNullElse(perMinute.getValue(), 0),
                orNaN(minSeconds.getValue()),
                endsAt.getValue() == null ? null : ClientTime.instant(endsAt.getValue()),
                false);
        CreatedCampaign created;
        try {
            created = campaigns.create(draft);
        } catch (InvalidInputException e) {
            e.errors().forEach(error -> markInvalid(error.field(), error.message()));
            return;
        } catch (ConflictException e) {
            Notifications.error(e.getMessage());
            return;
        } catch (NotFoundException e) {
            // The run was deleted while the form was open.
            Notifications.error(e.getMessage());
            return;
        }
        Notifications.success("Campaign “" + created.campaign().title() + "” created with "
                + created.campaign().items() + " items.");
        getUI().flatMap(ui -> ui.navigate(
                        CampaignView.class,
                        new RouteParameters(
                                "campaignId", created.campaign().id().toString())))
                .ifPresent(view -> view.showJoinLink(created.joinToken()));
    }

    /** An error on its field, or as a notification when the service names a field this form does not have. */
    private void markInvalid(String field, String message) {
        HasValidation f = fields.get(field);
        if (f == null) {
            Notifications.error(message);
            return;
        }
        f.setErrorMessage(message);
        f.setInvalid(true);
    }

    private static double orNaN(@Nullable Double value) {
        // An empty field is sent as NaN, which the service refuses with the field's own message.
        return value == null ? Double.NaN : value;
    }
}
