package dev.distillery.review.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.distillery.review.QueueService;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.ui.Notifications;
import dev.distillery.tenancy.MemberSummary;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.Role;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The run's review queue in the review view: set it up (reviews per item, which items, who), take the next item,
 * see everyone's progress, and open the agreement report where an admin settles disagreements.
 */
final class QueuePanel extends HorizontalLayout {

    private final QueueService queues;
    private final Supplier<List<MemberSummary>> members;
    private final Role role;
    private final Consumer<String> open;
    private final Runnable changed;
    private final Span status = new Span();
    private final Button setUp = new Button("Set up review queue");
    private final Button next = new Button("Next in queue (n)");
    private final Button agreement = new Button("Agreement");

    @SuppressWarnings("NullAway.Init") // set by show(), which runs before the panel is visible
    private UUID runId;

    QueuePanel(
            QueueService queues,
            Supplier<List<MemberSummary>> members,
            Role role,
            Consumer<String> open,
            Runnable changed) {
        this.queues = queues;
        this.members = members;
        this.role = role;
        this.open = open;
        this.changed = changed;
        setId("review-queue");
        setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        status.setId("review-queue-status");
        setUp.setId("review-queue-setup");
        next.setId("review-queue-next");
        next.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        agreement.setId("review-agreement");
        setUp.addClickListener(e -> setUpDialog());
        next.addClickListener(e -> next());
        agreement.addClickListener(e -> agreementDialog());
        add(status, setUp, next, agreement);
    }

    void show(UUID runId) {
        this.runId = runId;
        refresh();
    }

    void refresh() {
        Optional<QueueService.QueueStatus> queue = queues.status(runId);
        setUp.setVisible(queue.isEmpty() && role.can(Permission.LAUNCH_RUNS));
        next.setVisible(queue.isPresent() && role.can(Permission.REVIEW));
        agreement.setVisible(queue.isPresent());
        status.setText(queue.map(q -> "Queue: " + q.done() + " / " + q.slots() + " reviews of " + q.items() + " items"
                        + (q.doneByReviewer().isEmpty()
                                ? ""
                                : " · "
                                        + q.doneByReviewer().entrySet().stream()
                                                .map(e -> e.getKey() + " " + e.getValue())
                                                .collect(Collectors.joining(", "))))
                .orElse("No review queue"));
    }

    /** Leases the next item of the queue to the current reviewer and opens it; false when none is left. */
    boolean next() {
        Optional<QueueService.Assignment> assignment = queues.next(runId);
        if (assignment.isEmpty()) {
            Notifications.success("Nothing is left for you in this queue.");
            refresh();
            return false;
        }
        open.accept(assignment.get().itemId());
        return true;
    }

    /** Records the reviewer's verdict on the item they hold, then moves on to their next item. */
    void verdict(String itemId, boolean correct) {
        try {
            queues.complete(runId, itemId, correct);
            Notifications.success("Review of " + itemId + " recorded.");
            changed.run();
            refresh();
            next();
        } catch (ConflictException e) {
            Notifications.error(e.getMessage());
        }
    }

    private void setUpDialog() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Review queue");
        IntegerField reviews = new IntegerField("Independent reviews per item");
        reviews.setId("review-queue-reviews");
        reviews.setMin(1);
        reviews.setMax(5);
        reviews.setValue(1);
        reviews.setStepButtonsVisible(true);
        Select<QueueService.Selection> selection = new Select<>();
        selection.setLabel("Items");
        selection.setId("review-queue-selection");
        selection.setItems(QueueService.Selection.values());
        selection.setItemLabelGenerator(s -> switch (s) {
            case ALL -> "All finished items";
            case INCORRECT -> "Incorrect items only";
            case SAMPLE -> "A random sample";
        });
        selection.setValue(QueueService.Selection.ALL);
        IntegerField sample = new IntegerField("Sample size");
        sample.setId("review-queue-sample");
        sample.setVisible(false);
        selection.addValueChangeListener(e -> sample.setVisible(e.getValue() == QueueService.Selection.SAMPLE));
        MultiSelectComboBox<MemberSummary> reviewers =
                new MultiSelectComboBox<>("Reviewers (empty: everyone who may review)");
        reviewers.setId("review-queue-reviewers");
        reviewers.setItems(members.get().stream()
                .filter(m -> m.role().can(Permission.REVIEW))
                .toList());
        reviewers.setItemLabelGenerator(m -> m.displayName() + " (" + m.email() + ")");
        Button create = new Button("Create queue", e -> {
            try {
                queues.configure(
                        runId,
                        new QueueService.QueueDraft(
                                reviews.getValue() == null ? 0 : reviews.getValue(),
                                selection.getValue(),
                                sample.getValue(),
                                reviewers.getValue().stream()
                                        .map(MemberSummary::userId)
                                        .toList()));
                dialog.close();
                Notifications.success("Review queue created.");
                refresh();
            } catch (InvalidInputException ex) {
                Map<String, String> byField = ex.errors().stream()
                        .collect(Collectors.toMap(
                                InvalidInputException.FieldError::field,
                                InvalidInputException.FieldError::message,
                                (a, b) -> a));
                reviews.setInvalid(byField.containsKey("reviewsPerItem"));
                reviews.setErrorMessage(byField.get("reviewsPerItem"));
                sample.setInvalid(byField.containsKey("sampleSize"));
                sample.setErrorMessage(byField.get("sampleSize"));
            } catch (ConflictException ex) {
                Notifications.error(ex.getMessage());
            }
        });
        create.setId("review-queue-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(new VerticalLayout(reviews, selection, sample, reviewers));
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), create);
        dialog.open();
    }

    private void agreementDialog() {
        Dialog dialog = new Dialog();
        dialog.setId("review-agreement-dialog");
        dialog.setHeaderTitle("Agreement");
        dialog.setWidth("min(60rem, 95vw)");
        VerticalLayout body = new VerticalLayout();
        fill(body, dialog);
        dialog.add(body);
        dialog.getFooter().add(new Button("Close", e -> dialog.close()));
        dialog.open();
    }

    private void fill(VerticalLayout body, Dialog dialog) {
        body.removeAll();
        QueueService.AgreementReport report = queues.agreement(runId);
        body.add(new Paragraph("Fleiss' kappa: " + kappa(report.fleissKappa()) + " · Cohen's kappa (two reviewers): "
                + kappa(report.cohenKappa()) + " · items with two or more reviews: " + report.itemsWithTwoOrMore()
                + " · mean agreement per item: "
                + String.format(Locale.ROOT, "%.0f %%", report.meanItemAgreement() * 100)));
        if (report.sameStudentOutcome() != null || report.meanEditDistance() != null) {
            body.add(new Paragraph("Corrections: same student outcome in "
                    + (report.sameStudentOutcome() == null
                            ? "–"
                            : String.format(Locale.ROOT, "%.0f %%", report.sameStudentOutcome() * 100))
                    + " of pairs · mean normalised edit distance "
                    + (report.meanEditDistance() == null
                            ? "–"
                            : String.format(Locale.ROOT, "%.2f", report.meanEditDistance()))));
        }
        if (report.disagreements().isEmpty()) {
            body.add(new Paragraph("No disagreements."));
        }
        for (QueueService.ItemVotes item : report.disagreements()) {
            body.add(disagreement(item, body, dialog));
        }
    }

    private HorizontalLayout disagreement(QueueService.ItemVotes item, VerticalLayout body, Dialog dialog) {
        Button openItem = new Button(item.itemId(), e -> {
            dialog.close();
            open.accept(item.itemId());
        });
        openItem.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        Span votes = new Span(item.verdicts().entrySet().stream()
                        .map(e -> e.getKey() + ": " + (e.getValue() ? "correct" : "incorrect"))
                        .collect(Collectors.joining(" · "))
                + (item.adjudicatedBy() == null ? "" : " · settled by " + item.adjudicatedBy()));
        HorizontalLayout row = new HorizontalLayout(openItem, votes);
        row.setId("review-disagreement-" + item.itemId());
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        if (role.can(Permission.ADJUDICATE) && item.adjudicatedBy() == null) {
            Select<String> verdict = new Select<>();
            verdict.setItems("correct", "incorrect");
            verdict.setPlaceholder("Final verdict");
            verdict.setId("review-adjudicate-verdict-" + item.itemId());
            // The final trace: the latest as it is, or the one a reviewer left (written as the settling revision).
            Select<String> trace = new Select<>();
            trace.setId("review-adjudicate-trace-" + item.itemId());
            trace.setItems(item.revisions().keySet());
            trace.setEmptySelectionAllowed(true);
            trace.setEmptySelectionCaption("Keep the latest trace");
            trace.setItemLabelGenerator(reviewer -> reviewer == null
                    ? "Keep the latest trace"
                    : "Trace of " + reviewer + " (revision " + item.revisions().get(reviewer) + ")");
            trace.setVisible(!item.revisions().isEmpty());
            TextField reason = new TextField();
            reason.setPlaceholder("Why");
            reason.setId("review-adjudicate-reason-" + item.itemId());
            Button settle = new Button("Settle", e -> {
                if (verdict.isEmpty()) {
                    verdict.setInvalid(true);
                    return;
                }
                try {
                    queues.adjudicate(
                            runId,
                            item.itemId(),
                            "correct".equals(verdict.getValue()),
                            trace.getValue() == null ? null : item.revisions().get(trace.getValue()),
                            reason.getValue());
                    Notifications.success(item.itemId() + " settled.");
                    changed.run();
                    fill(body, dialog);
                } catch (InvalidInputException ex) {
                    reason.setInvalid(true);
                    reason.setErrorMessage(ex.getMessage());
                }
            });
            settle.setId("review-adjudicate-" + item.itemId());
            row.add(verdict, trace, reason, settle);
        }
        return row;
    }

    private static String kappa(@Nullable Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }
}
