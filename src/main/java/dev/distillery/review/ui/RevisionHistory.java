package dev.distillery.review.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.Revision;
import dev.distillery.review.RevisionDiff;
import dev.distillery.review.TraceReview;
import java.util.List;
import java.util.UUID;

/**
 * A trace's revisions, oldest first (who saved each, on which revision, why, and what a re-run on it did), and the
 * line diff between any two of them, the last two at first.
 */
final class RevisionHistory extends VerticalLayout {

    private final CorrectionService corrections;
    private final UUID runId;
    private final String itemId;
    private final Select<Integer> from = new Select<>();
    private final Select<Integer> to = new Select<>();
    private final Div lines = new Div();

    RevisionHistory(CorrectionService corrections, UUID runId, TraceReview review) {
        this.corrections = corrections;
        this.runId = runId;
        this.itemId = review.trace().itemId();
        setId("review-history");
        setPadding(false);
        add(new H4("History"));
        review.revisions().forEach(revision -> add(new Span(describe(revision))));
        List<Integer> numbers =
                review.revisions().stream().map(Revision::revision).toList();
        if (numbers.size() > 1) {
            from.setLabel("Diff from");
            from.setId("review-diff-from");
            from.setItems(numbers);
            from.setValue(numbers.get(numbers.size() - 2)); // the one before the latest
            to.setLabel("to");
            to.setId("review-diff-to");
            to.setItems(numbers);
            to.setValue(review.latest().revision());
            lines.setId("review-diff");
            from.addValueChangeListener(e -> showDiff());
            to.addValueChangeListener(e -> showDiff());
            showDiff();
            add(new HorizontalLayout(from, to), lines);
        }
    }

    private static String describe(Revision revision) {
        Revision.Rerun rerun = revision.rerun();
        return "r" + revision.revision() + " · " + revision.author() + " · " + revision.createdAt()
                + (revision.revision() > 0 ? " (on r" + revision.baseRevision() + ")" : "")
                + (revision.comment() == null ? "" : " · " + revision.comment())
                + (rerun != null && rerun.outcome() != null
                        ? " · " + rerun.outcome().label()
                        : "");
    }

    private void showDiff() {
        lines.removeAll();
        Integer a = from.getValue();
        Integer b = to.getValue();
        if (a != null && b != null) {
            corrections.diff(runId, itemId, a, b).lines().forEach(line -> lines.add(row(line)));
        }
    }

    private static Div row(RevisionDiff.Line line) {
        return switch (line.kind()) {
            case SAME -> TextBlocks.mono("  " + line.text());
            case REMOVED -> TextBlocks.mono("- " + line.text(), "text-error");
            case ADDED -> TextBlocks.mono("+ " + line.text(), "text-success");
        };
    }
}
