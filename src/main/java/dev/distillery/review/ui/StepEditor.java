package dev.distillery.review.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import dev.distillery.review.Revision;
import dev.distillery.review.RevisionDraft;
import dev.distillery.review.TeacherSteps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Edits the teacher's steps of a revision one by one (edit, insert, delete, move) or as one text, and hands back the
 * edit as a draft on that revision. Saving and cancelling are the panel's: the editor only asks for them.
 */
final class StepEditor extends VerticalLayout {

    private final int base;
    private final List<TextArea> fields = new ArrayList<>();
    private final VerticalLayout rows = new VerticalLayout();
    private final TextArea whole = new TextArea("Teacher trace as text");
    private final TextField comment = new TextField("Comment (optional)");
    private final Button toggle = new Button("Edit as text", e -> toggle());
    private final Div mine = new Div();
    private boolean asText;

    StepEditor(Revision latest, Runnable save, Runnable cancel) {
        this.base = latest.revision();
        String teacherOutput = latest.teacherOutput() == null ? "" : latest.teacherOutput();
        setId("review-editor");
        setPadding(false);
        rows.setPadding(false);
        whole.setId("review-editor-text");
        whole.setWidthFull();
        comment.setId("review-editor-comment");
        fill(teacherOutput);
        whole.setValue(teacherOutput);
        Button add = new Button("Add step", e -> {
            fields.add(field(""));
            redraw();
        });
        add.setId("review-editor-add");
        toggle.setId("review-editor-toggle");
        Button saveButton = new Button("Save (Ctrl+S)", e -> save.run());
        saveButton.setId("review-editor-save");
        saveButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button cancelButton = new Button("Cancel", e -> cancel.run());
        cancelButton.setId("review-editor-cancel");
        redraw();
        add(mine, rows, new HorizontalLayout(add, toggle), comment, new HorizontalLayout(saveButton, cancelButton));
    }

    /** The edit as a save on the revision it was started from. */
    RevisionDraft draft() {
        return new RevisionDraft(base, text(), null, null, comment.getValue());
    }

    /** After a conflict: the reviewer's own version above the editor, to merge into theirs by hand. */
    void showMine(String text) {
        mine.removeAll();
        mine.setId("review-editor-mine");
        mine.add(TextBlocks.label("Your version, to merge by hand:"), TextBlocks.mono(text));
    }

    void focus() {
        if (!fields.isEmpty()) {
            fields.getFirst().focus();
        } else {
            whole.focus();
        }
    }

    /** One field for each step of the text. */
    private void fill(String text) {
        fields.clear();
        TeacherSteps.parse(text).steps().forEach(step -> fields.add(field(step)));
    }

    private static TextArea field(String value) {
        TextArea field = new TextArea();
        field.setValue(value);
        field.setWidthFull();
        return field;
    }

    private void redraw() {
        rows.removeAll();
        if (asText) {
            rows.add(whole);
            return;
        }
        for (int i = 0; i < fields.size(); i++) {
            TextArea field = fields.get(i);
            int number = i + 1;
            field.setId("review-step-" + number);
            field.setLabel("Step " + number);
            Button up = stepButton("↑", "Move step " + number + " up", () -> move(field, -1));
            up.setEnabled(i > 0);
            Button down = stepButton("↓", "Move step " + number + " down", () -> move(field, 1));
            down.setEnabled(i < fields.size() - 1);
            Button insert = stepButton("+", "Insert a step after step " + number, () -> {
                fields.add(fields.indexOf(field) + 1, field(""));
                redraw();
            });
            insert.setId("review-step-insert-" + number);
            Button delete = stepButton("✕", "Delete step " + number, () -> {
                fields.remove(field);
                redraw();
            });
            delete.setId("review-step-delete-" + number);
            HorizontalLayout row = new HorizontalLayout(field, up, down, insert, delete);
            row.setSpacing(false);
            row.setWidthFull();
            row.setFlexGrow(1, field);
            row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.END);
            rows.add(row);
        }
    }

    private static Button stepButton(String text, String ariaLabel, Runnable action) {
        Button button = new Button(text, e -> action.run());
        button.getElement().setAttribute("aria-label", ariaLabel);
        button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY_INLINE);
        return button;
    }

    /** Moves a step up (-1) or down (+1); past either end it stays. */
    private void move(TextArea field, int by) {
        int from = fields.indexOf(field);
        int to = from + by;
        if (to >= 0 && to < fields.size()) {
            Collections.swap(fields, from, to);
            redraw();
        }
    }

    private void toggle() {
        if (asText) {
            fill(whole.getValue());
            toggle.setText("Edit as text");
        } else {
            whole.setValue(stepsText());
            toggle.setText("Edit step by step");
        }
        asText = !asText;
        redraw();
    }

    private String stepsText() {
        return new TeacherSteps(fields.stream()
                        .map(TextArea::getValue)
                        .filter(v -> !v.isBlank())
                        .toList())
                .render();
    }

    private String text() {
        return asText ? whole.getValue() : stepsText();
    }
}
