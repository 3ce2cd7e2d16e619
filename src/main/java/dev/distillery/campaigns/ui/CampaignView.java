package dev.distillery.campaigns.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.splitlayout.SplitLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.campaigns.CampaignService;
import dev.distillery.campaigns.CampaignSummary;
import dev.distillery.campaigns.ContributorStats;
import dev.distillery.campaigns.ItemDecision;
import dev.distillery.campaigns.Progress;
import dev.distillery.shared.NotFoundException;
import dev.distillery.shared.ui.ClientTime;
import dev.distillery.shared.ui.EChart;
import dev.distillery.shared.ui.ModelText;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.shared.ui.OneTimeLink;
import dev.distillery.shared.ui.Sections;
import dev.distillery.shared.ui.UrlState;
import dev.distillery.tenancy.WorkspaceService;
import jakarta.annotation.security.PermitAll;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * One campaign for its owners: its settings and progress over time, its join link (replaced on request, shown once),
 * its contributors with their quality and the actions on them, and its items with each one's consensus, why it was
 * decided, the votes with their weights, and the gold controls.
 */
@Route("campaigns/:campaignId")
@PageTitle("Campaign · Distillery")
@PermitAll
public class CampaignView extends VerticalLayout implements BeforeEnterObserver {

    static final List<String> STATES = List.of("OPEN", "FINAL", "ADJUDICATION", "GOLD");

    private final CampaignService campaigns;
    private final JsonMapper json;
    private final boolean mayRun;
    private final H1 title = new H1();
    private final Paragraph summary = new Paragraph();
    private final Paragraph settings = new Paragraph();
    private final Div linkBox = new Div();
    private final Button close = new Button("Close campaign");
    private final EChart chart = new EChart();
    private final Paragraph chartEmpty = new Paragraph("No answers yet.");
    private final Grid<ContributorStats> people = new Grid<>();
    private final Select<String> state = new Select<>();
    private final Grid<ItemDecision> items = new Grid<>();
    private final Div detail = new Div();

    @SuppressWarnings("NullAway.Init") // set by beforeEnter(), which runs before any listener can
    private UUID campaignId;

    private @Nullable CampaignSummary shown;

    public CampaignView(CampaignService campaigns, WorkspaceService workspaces, JsonMapper json) {
        this.campaigns = campaigns;
        this.json = json;
        this.mayRun = CampaignListView.mayRun(workspaces);
        setWidthFull();
        title.setId("campaign-heading");
        summary.setId("campaign-summary");
        settings.setId("campaign-settings");
        linkBox.setId("campaign-link-box");
        linkBox.setWidthFull();

        Button newLink = new Button("New join link", e -> showJoinLink(campaigns.newJoinToken(campaignId)));
        newLink.setId("campaign-new-link");
        newLink.setTooltipText("Replaces the link: the old one stops working");
        close.setId("campaign-close");
        close.addThemeVariants(ButtonVariant.LUMO_ERROR);
        close.addClickListener(e -> confirm(
                "Close the campaign?",
                "Nobody joins or is served items any more; the answers given stay and decided items stay decided.",
                "Close campaign",
                () -> {
                    campaigns.close(campaignId);
                    Notifications.success("Campaign closed.");
                    refresh();
                }));
        Button recompute = new Button("Recompute consensus", e -> {
            int decided = campaigns.recompute(campaignId);
            Notifications.success("Consensus fitted again on every answer: " + decided + " items decided.");
            refresh();
        });
        recompute.setId("campaign-recompute");
        Button reload = new Button("Refresh", e -> refresh());
        reload.setId("campaign-refresh");
        HorizontalLayout actions = new HorizontalLayout(newLink, close, recompute, reload);
        actions.setWrap(true);

        chart.setId("campaign-progress-chart");
        chart.setHeight("260px");
        chart.getElement().setAttribute("role", "img");
        chartEmpty.setId("campaign-progress-empty");

        configurePeople();
        configureItems();
        SplitLayout split = new SplitLayout(items, detail);
        split.setWidthFull();
        split.setSplitterPosition(55);
        split.addClassName("campaign-items-split");
        detail.setId("campaign-item-detail");
        detail.addClassName("scroll-panel");

        add(
                title,
                summary,
                settings,
                actions,
                linkBox,
                Sections.labelled("Progress", "campaign-progress-heading", chart, chartEmpty),
                Sections.labelled("Contributors", "campaign-contributors-heading", people),
                Sections.labelled("Items", "campaign-items-heading", state, split));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (!mayRun) {
            event.forwardTo(CampaignListView.class);
            return;
        }
        try {
            campaignId =
                    UUID.fromString(event.getRouteParameters().get("campaignId").orElse(""));
            shown = campaigns.get(campaignId);
        } catch (IllegalArgumentException | NotFoundException e) {
            event.forwardTo(CampaignListView.class);
            return;
        }
        state.setValue(UrlState.of(event.getLocation()).oneOf("state", STATES).orElse(""));
        refresh();
        showDetail(null);
    }

    /** Shows a join link once: only its hash is kept, so this is the only time it can be copied. */
    void showJoinLink(String token) {
        linkBox.removeAll();
        linkBox.add(new OneTimeLink(
                "campaign-join-link",
                "Join link: send it to your contributors; it is shown only now (a new one replaces it)",
                "/join/" + token));
    }

    private void refresh() {
        CampaignSummary c = campaigns.get(campaignId);
        shown = c;
        title.setText(c.title());
        summary.setText(c.status().toLowerCase(Locale.ROOT) + " · " + c.finalItems() + " of " + c.items()
                + " items final · " + c.adjudication() + " to adjudicate · " + c.goldItems() + " gold · "
                + c.contributors() + " contributors · " + c.answers() + " answers");
        settings.setText(c.reviewsPerItem() + " reviews per item · gold share " + percent(c.goldShare())
                + ", judged after " + c.goldMinAnswers() + " gold answers, " + percent(c.goldThreshold())
                + " to stay · decided at " + percent(c.decideThreshold())
                + (c.capPerContributor() == null ? "" : " · at most " + c.capPerContributor() + " items each")
                + " · " + c.answersPerMinute() + " answers a minute"
                + (c.endsAt() == null ? "" : " · ends " + ClientTime.format(c.endsAt())));
        close.setEnabled(c.open());
        showProgress(campaigns.progress(campaignId));
        people.setItems(campaigns.contributors(campaignId));
        items.getDataProvider().refreshAll();
    }

    private void showProgress(List<Progress> points) {
        chartEmpty.setVisible(points.isEmpty());
        chart.setVisible(!points.isEmpty());
        if (points.isEmpty()) {
            return;
        }
        Progress last = points.getLast();
        chart.getElement()
                .setAttribute(
                        "aria-label",
                        "Progress over time: " + last.answers() + " answers and " + last.finalItems()
                                + " final items so far");
        Map<String, Object> option = Map.of(
                "tooltip", Map.of("trigger", "axis"),
                "legend", Map.of("data", List.of("Answers", "Final items")),
                "grid", Map.of("left", 48, "right", 24, "top", 40, "bottom", 32),
                "xAxis", Map.of("type", "time"),
                "yAxis", Map.of("type", "value", "minInterval", 1),
                "series",
                        List.of(
                                series(
                                        "Answers",
                                        points.stream()
                                                .map(p -> List.<Object>of(p.at().toString(), p.answers()))
                                                .toList()),
                                series(
                                        "Final items",
                                        points.stream()
                                                .map(p -> List.<Object>of(p.at().toString(), p.finalItems()))
                                                .toList())));
        chart.setOption(json.writeValueAsString(option));
    }

    private static Map<String, Object> series(String name, List<List<Object>> data) {
        return Map.of("name", name, "type", "line", "step", "end", "showSymbol", false, "data", data);
    }

    private void configurePeople() {
        people.setId("campaign-contributors");
        people.setAllRowsVisible(true);
        people.addColumn(ContributorStats::displayName).setHeader("Contributor").setAutoWidth(true);
        // Every reason the service gives starts with the status it explains ("Paused: …", "Removed by …").
        people.addColumn(p -> p.statusReason() == null ? p.status().toLowerCase(Locale.ROOT) : p.statusReason())
                .setHeader("Status")
                .setFlexGrow(3);
        number(people.addColumn(ContributorStats::answers).setHeader("Answers"));
        number(people.addColumn(ContributorStats::skips).setHeader("Skips"));
        number(people.addColumn(
                        p -> p.secondsPerItem() == null ? "" : String.format(Locale.ROOT, "%.0f s", p.secondsPerItem()))
                .setHeader("Time per item"));
        number(people.addColumn(
                        p -> p.goldAccuracy() == null ? "" : percent(p.goldAccuracy()) + " of " + p.goldAnswers())
                .setHeader("Gold accuracy"));
        number(people.addColumn(p -> p.agreement() == null ? "" : percent(p.agreement()))
                .setHeader("Agreement"));
        number(people.addColumn(p -> percent(p.reliability())).setHeader("Reliability"));
        number(people.addColumn(ContributorStats::suspicious).setHeader("Too fast"));
        people.addComponentColumn(this::contributorActions).setHeader("Actions").setAutoWidth(true);
        people.setEmptyStateText("Nobody has joined yet: send the join link.");
    }

    private static void number(Grid.Column<ContributorStats> column) {
        column.setTextAlign(ColumnTextAlign.END).setAutoWidth(true);
    }

    private Component contributorActions(ContributorStats p) {
        HorizontalLayout row = new HorizontalLayout();
        row.setSpacing(false);
        String slug = p.displayName().replaceAll("\\W+", "-").toLowerCase(Locale.ROOT);
        if ("ACTIVE".equals(p.status())) {
            Button pause = small("Pause", "campaign-pause-" + slug, () -> {
                campaigns.pause(campaignId, p.userId());
                Notifications.success(p.displayName() + " is paused.");
                refresh();
            });
            row.add(pause);
        } else if ("PAUSED".equals(p.status())) {
            row.add(small("Resume", "campaign-resume-" + slug, () -> {
                campaigns.resume(campaignId, p.userId());
                Notifications.success(p.displayName() + " may go on.");
                refresh();
            }));
        }
        if (!"REMOVED".equals(p.status())) {
            Button remove = small(
                    "Remove",
                    "campaign-remove-" + slug,
                    () -> confirm(
                            "Remove " + p.displayName() + "?",
                            "They leave the campaign and cannot join again, and all " + p.answers()
                                    + " answers they gave are excluded: the items they answered are decided again. "
                                    + "The audit log records it.",
                            "Remove and exclude all " + p.answers() + " answers",
                            () -> {
                                campaigns.remove(campaignId, p.userId());
                                Notifications.success(p.displayName() + " was removed and their answers excluded.");
                                refresh();
                            }));
            remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
            row.add(remove);
        }
        return row;
    }

    private static Button small(String text, String id, Runnable action) {
        Button b = new Button(text, e -> action.run());
        b.setId(id);
        b.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        return b;
    }

    private void configureItems() {
        state.setLabel("Items");
        state.setId("campaign-item-state");
        state.setItems(List.of("", "OPEN", "FINAL", "ADJUDICATION", "GOLD"));
        state.setItemLabelGenerator(s -> s.isEmpty() ? "All" : s.toLowerCase(Locale.ROOT));
        state.setValue("");
        state.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                UrlState.empty().put("state", e.getValue()).replace("campaigns/" + campaignId);
            }
            items.getDataProvider().refreshAll();
        });
        items.setId("campaign-items");
        items.setHeight("420px");
        items.addColumn(ItemDecision::itemId).setHeader("Item").setAutoWidth(true);
        items.addColumn(d -> d.gold() ? "gold" : d.state().toLowerCase(Locale.ROOT))
                .setHeader("State")
                .setAutoWidth(true);
        items.addColumn(ItemDecision::answers)
                .setHeader("Answers")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true);
        items.addColumn(d -> d.posterior() == null ? "" : String.format(Locale.ROOT, "%.2f", d.posterior()))
                .setHeader("P(correct)")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true);
        items.addColumn(d -> verdict(d.finalVerdict())).setHeader("Verdict").setAutoWidth(true);
        items.addColumn(d -> d.traceChanged() ? "changed" : "")
                .setHeader("Trace")
                .setAutoWidth(true);
        items.setItems(query -> campaigns
                .decisions(
                        campaignId,
                        state.getValue() == null || state.getValue().isEmpty() ? null : state.getValue(),
                        query.getOffset(),
                        query.getLimit())
                .stream());
        items.addSelectionListener(e -> e.getFirstSelectedItem().ifPresent(this::showDetail));
        items.setEmptyStateText("No items in this state.");
    }

    private void showDetail(@Nullable ItemDecision d) {
        detail.removeAll();
        if (d == null) {
            detail.add(new Paragraph("Select an item to see why it was decided, its votes and its gold setting."));
            return;
        }
        H3 heading = new H3("Item " + d.itemId());
        heading.setId("campaign-item-heading");
        Paragraph stateLine = new Paragraph((d.gold()
                        ? "gold: its answer is known to be " + verdict(d.goldVerdict())
                        : d.state().toLowerCase(Locale.ROOT))
                + " · " + d.answers() + " answers"
                + (d.posterior() == null ? "" : String.format(Locale.ROOT, " · P(correct) %.2f", d.posterior()))
                + (d.appliedRevision() == null ? "" : " · saved as revision " + d.appliedRevision()));
        stateLine.setId("campaign-item-state-line");
        Paragraph reason = new Paragraph(d.reason() == null ? "Not decided yet." : d.reason());
        reason.setId("campaign-item-reason");
        detail.add(heading, stateLine, new H3("Why"), reason, new H3("Votes"));
        UnorderedList votes = new UnorderedList();
        votes.setId("campaign-item-votes");
        for (ItemDecision.Vote v : d.votes()) {
            votes.add(new ListItem(v.contributor() + ": " + verdict(v.verdict())
                    + (v.corrected() ? ", steps corrected" : "")
                    + String.format(Locale.ROOT, " · weight %.2f", v.weight())));
        }
        if (d.votes().isEmpty()) {
            votes.add(new ListItem("No counted votes yet."));
        }
        detail.add(votes);
        if (d.finalTrace() != null) {
            detail.add(
                    new H3(d.gold() ? "Reference trace" : "Final trace"),
                    ModelText.of("campaign-item-trace", d.finalTrace()));
        }
        CampaignSummary c = shown;
        if (c != null) {
            // By address, not by class: review's views are not this module's API.
            Anchor review = new Anchor(
                    "runs/" + c.runId() + "/review?item=" + URLEncoder.encode(d.itemId(), StandardCharsets.UTF_8),
                    "Open the item in the run's review grid");
            review.setId("campaign-item-review");
            detail.add(new Paragraph(review));
        }
        if (!d.gold() && !"FINAL".equals(d.state())) {
            detail.add(settleControls(d));
        }
        detail.add(goldControls(d));
    }

    /** The owner settles an item the crowd has not decided: a verdict, and the trace to keep (blank keeps it). */
    private Component settleControls(ItemDecision d) {
        TextArea trace = new TextArea("Corrected teacher trace (optional; blank keeps the one shown)");
        trace.setId("campaign-settle-trace");
        trace.setWidthFull();
        Button asCorrect = new Button("Settle: answer correct", e -> settle(d, true, trace.getValue()));
        asCorrect.setId("campaign-settle-correct");
        Button asIncorrect = new Button("Settle: answer incorrect", e -> settle(d, false, trace.getValue()));
        asIncorrect.setId("campaign-settle-incorrect");
        HorizontalLayout buttons = new HorizontalLayout(asCorrect, asIncorrect);
        buttons.setWrap(true);
        Paragraph help = new Paragraph("Your decision is final: it is saved as the campaign's revision of the trace, "
                + "and a corrected trace is re-run on the student.");
        Div box = new Div(new H3("Adjudicate"), help, trace, buttons);
        box.setId("campaign-settle");
        return box;
    }

    private void settle(ItemDecision d, boolean verdict, String trace) {
        ItemDecision updated = campaigns.adjudicate(campaignId, d.itemId(), verdict, trace.isBlank() ? null : trace);
        Notifications.success(d.itemId() + " is settled: " + verdict(verdict) + ".");
        refresh();
        showDetail(updated);
    }

    private Component goldControls(ItemDecision d) {
        TextArea reference = new TextArea("Reference teacher trace (optional)");
        reference.setId("campaign-gold-trace");
        reference.setWidthFull();
        reference.setValue(d.gold() && d.finalTrace() != null ? d.finalTrace() : "");
        Button asCorrect = new Button("Gold: answer correct", e -> setGold(d, true, reference.getValue()));
        asCorrect.setId("campaign-gold-correct");
        Button asIncorrect = new Button("Gold: answer incorrect", e -> setGold(d, false, reference.getValue()));
        asIncorrect.setId("campaign-gold-incorrect");
        Button unmark = new Button("Not gold", e -> setGold(d, null, null));
        unmark.setId("campaign-gold-unmark");
        unmark.setVisible(d.gold());
        HorizontalLayout buttons = new HorizontalLayout(asCorrect, asIncorrect, unmark);
        buttons.setWrap(true);
        buttons.setAlignItems(FlexComponent.Alignment.BASELINE);
        Paragraph help = new Paragraph("Gold items are mixed into every contributor's stream unmarked; contributors "
                + "whose verdicts on them fall below the campaign's bar are paused.");
        Div box = new Div(new H3("Gold"), help, reference, buttons);
        box.setId("campaign-gold");
        return box;
    }

    private void setGold(ItemDecision d, @Nullable Boolean verdict, @Nullable String referenceTrace) {
        ItemDecision updated = campaigns.setGold(campaignId, d.itemId(), verdict, referenceTrace);
        Notifications.success(
                verdict == null ? d.itemId() + " is no longer gold." : d.itemId() + " is gold: " + verdict(verdict));
        refresh();
        showDetail(updated);
    }

    private void confirm(String header, String text, String confirmText, Runnable action) {
        ConfirmDialog dialog = new ConfirmDialog(header, text, confirmText, e -> action.run());
        dialog.setId("campaign-confirm");
        dialog.setCancelable(true);
        dialog.setConfirmButtonTheme("error primary");
        dialog.open();
    }

    private static String verdict(@Nullable Boolean v) {
        return v == null ? "" : v ? "correct" : "incorrect";
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * fraction);
    }
}
