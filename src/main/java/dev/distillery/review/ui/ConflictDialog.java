package dev.distillery.review.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import dev.distillery.review.RevisionDraft;
import dev.distillery.shared.ConflictException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Another reviewer saved the trace first: shows what they changed, then lets the reviewer merge (edit on top of
 * theirs), save theirs on top as it is, or drop it. What each choice does is the panel's.
 */
final class ConflictDialog extends Dialog {

    /** What the reviewer can do with the draft that lost. */
    interface Choices {

        /** Edit the latest revision, with the reviewer's own trace (null when the draft kept it) shown above. */
        void merge(@Nullable String mine);

        /** Save the draft again, now on the latest revision. */
        void retry(RevisionDraft onLatest);

        /** Drop the draft and show the latest revision. */
        void drop();
    }

    ConflictDialog(ConflictException conflict, RevisionDraft mine, Choices choices) {
        setId("review-conflict");
        setHeaderTitle("Someone saved this trace first");
        add(new Paragraph(conflict.getMessage()));
        if (conflict.details().get("changes") instanceof List<?> changes) {
            Div diff = new Div();
            diff.setId("review-conflict-changes");
            changes.forEach(line -> diff.add(TextBlocks.mono(String.valueOf(line))));
            add(diff);
        }
        int latest =
                conflict.details().get("latestRevision") instanceof Integer revision ? revision : mine.baseRevision();
        Button merge = new Button("Merge: edit their version", e -> {
            close();
            choices.merge(mine.teacherOutput());
        });
        merge.setId("review-conflict-merge");
        Button retry = new Button("Save mine on top", e -> {
            close();
            choices.retry(
                    new RevisionDraft(latest, mine.teacherOutput(), mine.verdict(), mine.reason(), mine.comment()));
        });
        retry.setId("review-conflict-retry");
        Button drop = new Button("Discard mine", e -> {
            close();
            choices.drop();
        });
        getFooter().add(drop, retry, merge);
    }
}
