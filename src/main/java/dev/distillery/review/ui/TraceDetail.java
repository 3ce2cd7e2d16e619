package dev.distillery.review.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.Revision;
import dev.distillery.review.RevisionDiff;
import dev.distillery.review.RevisionDraft;
import dev.distillery.review.TeacherSteps;
import dev.distillery.review.TraceReview;
import dev.distillery.runs.Trace;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.ui.MarkedText;
import dev.distillery.shared.ui.Notifications;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The selected trace: question and gold answer, the teacher's steps, the student's output with the extracted answer
 * marked, the verdict and the rule behind it, each call's tokens and latency; and the reviewer's tools: edit the
 * steps (edit, insert, delete, reorder) or the whole text, override the verdict with a reason, re-run the student,
 * and the history with a diff between any two revisions. Everything a model or a user wrote is shown as text.
 */
final class TraceDetail extends VerticalLayout {

    private final CorrectionService corrections;
    private final boolean canReview;
    private final Runnable changed;
    private final VerticalLayout body = new VerticalLayout();
    private @Nullable UUID runId;
    private @Nullable TraceReview review;
    private @Nullable StepEditor editor;
    /** While the reviewer works a queue, their verdict goes to the queue instead of overriding the grader's. */
    private java.util.function.@Nullable Consumer<Boolean> queueVerdict;
    /** The item the reviewer will most likely open next, loaded after the shown one; used once, dropped by any save. */
    private @Nullable Preloaded preloaded;

    private record Preloaded(UUID runId, String itemId, TraceReview review, long loadedAt) {
        /** Another reviewer may save meanwhile: an older preload is loaded again (a late save is a 409 anyway). */
        boolean fresh(UUID run, String item) {
            return runId.equals(run) && itemId.equals(item) && System.nanoTime() - loadedAt < 30_000_000_000L;
        }
    }

    TraceDetail(CorrectionService corrections, boolean canReview, Runnable changed) {
        this.corrections = corrections;
        this.canReview = canReview;
        this.changed = changed;
        setId("review-detail");
        setPadding(true);
        setHeightFull();
        addClassName("scroll-panel"); // long traces scroll inside the panel, beside the grid
        body.setPadding(false);
        add(new Paragraph("Select a trace to review it."));
    }

    void show(UUID runId, String itemId) {
        this.runId = runId;
        Preloaded next = preloaded;
        preloaded = null;
        this.review = next != null && next.fresh(runId, itemId) ? next.review() : corrections.review(runId, itemId);
        this.editor = null;
        render();
    }

    /**
     * Loads an item in the background so that showing it next needs no query: the load is queued with
     * {@code UI.access}, so it runs once this request is handled (under the session's lock, with the user's security
     * context, like any other UI work) rather than delaying the item being shown now.
     */
    void preload(UUID runId, String itemId) {
        UI ui = UI.getCurrent();
        if (ui == null || (preloaded != null && preloaded.fresh(runId, itemId))) {
            return;
        }
        preloaded = null;
        ui.access(() -> {
            if (!runId.equals(this.runId) || itemId.equals(itemId())) {
                return; // moved to another run, or already showing it
            }
            try {
                preloaded = new Preloaded(runId, itemId, corrections.review(runId, itemId), System.nanoTime());
            } catch (RuntimeException e) {
                // Nothing lost: showing the item loads it, and reports what is wrong then.
                preloaded = null;
            }
        });
    }

    /** Drops the preloaded item: after a save (every save ends in the view's change handler) traces may have changed. */
    void forgetPreloaded() {
        preloaded = null;
    }

    private void render() {
        removeAll();
        body.removeAll();
        TraceReview r = review;
        if (r == null) {
            return;
        }
        Trace t = r.trace();
        Revision latest = r.latest();
        H3 heading = new H3(t.itemId() + " · revision " + latest.revision());
        heading.setId("review-item");
        body.add(heading);
        body.add(labelled("Question", text(t.question(), "review-question")));
        body.add(labelled("Gold", text(t.gold(), "review-gold")));

        if (r.teacherCallKey() != null) {
            body.add(new H4("Teacher's steps"));
            if (editor != null) {
                body.add(editor);
            } else {
                body.add(steps(latest.teacherOutput()));
                if (canReview) {
                    Button edit = new Button("Edit steps (e)", e -> startEditing());
                    edit.setId("review-edit");
                    body.add(edit);
                }
            }
        }

        body.add(new H4("Student's answer"));
        t.predictions().stream().findFirst().ifPresentOrElse(p -> {
            body.add(MarkedText.of("review-output", p.output(), p.answerStart(), p.answerEnd(), p.extracted()));
            Span verdict = new Span((p.correct() ? "correct" : "incorrect") + " · extracted "
                    + (p.extracted() == null ? "nothing (no answer found)" : "\"" + p.extracted() + "\"") + " · rule " + p.rule()
                    + " · grader v" + p.version());
            verdict.setId("review-verdict");
            body.add(verdict);
        }, () -> body.add(new Span(t.status() + (t.error() == null ? "" : ": " + t.error()))));
        if (latest.verdict() != null) {
            Span override = new Span("Reviewer's verdict: " + (latest.verdict() ? "correct" : "incorrect") + " — " + latest.reason());
            override.setId("review-override");
            body.add(override);
        }
        if (latest.rerun() != null) {
            body.add(rerunResult(latest.rerun()));
        }
        if (canReview) {
            body.add(reviewerActions(latest));
        }

        body.add(new H4("Calls"));
        for (Trace.Call call : t.calls()) {
            body.add(new Span(call.role() + " · " + call.promptTokens() + " + " + call.completionTokens() + " tokens · "
                    + call.latencyMs() + " ms" + (call.cached() ? " · from cache" : "")));
        }
        body.add(history(r));
        add(body);
    }

    private Component reviewerActions(Revision latest) {
        Button markCorrect = new Button("Mark correct (c)", e -> mark(true));
        markCorrect.setId("review-mark-correct");
        Button markIncorrect = new Button("Mark incorrect (x)", e -> mark(false));
        markIncorrect.setId("review-mark-incorrect");
        Select<String> verdict = new Select<>();
        verdict.setLabel("Override verdict");
        verdict.setId("review-override-verdict");
        verdict.setItems("correct", "incorrect");
        TextField reason = new TextField("Reason");
        reason.setId("review-override-reason");
        reason.setPlaceholder("grader wrong: 0.5 = 1/2");
        Button override = new Button("Override", e -> {
            if (verdict.isEmpty()) {
                verdict.setInvalid(true);
                verdict.setErrorMessage("Choose correct or incorrect.");
                return;
            }
            saveDraft(new RevisionDraft(latest.revision(), null, "correct".equals(verdict.getValue()), reason.getValue(), null),
                    reason);
        });
        override.setId("review-override-save");
        HorizontalLayout overrideRow = new HorizontalLayout(verdict, reason, override);
        overrideRow.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        HorizontalLayout marks = new HorizontalLayout(markCorrect, markIncorrect);
        if (latest.revision() > 0 && latest.teacherOutput() != null && review != null
                && !latest.teacherOutput().equals(review.revisions().getFirst().teacherOutput())) {
            Button rerun = new Button("Re-run student on this revision", e -> rerun(latest.revision()));
            rerun.setId("review-rerun");
            rerun.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            marks.add(rerun);
        }
        return new VerticalLayout(marks, overrideRow);
    }

    private Component rerunResult(Revision.Rerun rerun) {
        Div box = new Div();
        box.setId("review-rerun-result");
        if ("error".equals(rerun.status())) {
            box.setText("Re-run failed: " + rerun.error());
        } else if (rerun.outcome() != null) {
            Span outcome = new Span(rerun.outcome().label());
            outcome.setId("review-outcome");
            outcome.getElement().getThemeList().add("badge " + switch (rerun.outcome()) {
                case FIXED -> "success";
                case WORSE -> "error";
                case NO_CHANGE -> "contrast";
            });
            box.add(new Span("Re-run: " + (Boolean.TRUE.equals(rerun.correct()) ? "correct" : "incorrect") + ", extracted "
                    + (rerun.extracted() == null ? "nothing" : "\"" + rerun.extracted() + "\"") + " · "), outcome);
            box.add(MarkedText.of("review-rerun-output", rerun.output() == null ? "" : rerun.output(), null, null, rerun.extracted()));
        } else {
            box.setText("Re-run " + rerun.status());
        }
        return box;
    }

    private Component history(TraceReview r) {
        VerticalLayout history = new VerticalLayout();
        history.setId("review-history");
        history.setPadding(false);
        history.add(new H4("History"));
        for (Revision rev : r.revisions()) {
            history.add(new Span("r" + rev.revision() + " · " + rev.author() + " · " + rev.createdAt()
                    + (rev.revision() > 0 ? " (on r" + rev.baseRevision() + ")" : "")
                    + (rev.comment() == null ? "" : " · " + rev.comment())
                    + (rev.rerun() != null && rev.rerun().outcome() != null ? " · " + rev.rerun().outcome().label() : "")));
        }
        if (r.revisions().size() > 1) {
            List<Integer> numbers = r.revisions().stream().map(Revision::revision).toList();
            Select<Integer> from = new Select<>();
            from.setLabel("Diff from");
            from.setId("review-diff-from");
            from.setItems(numbers);
            from.setValue(numbers.get(numbers.size() - 2));
            Select<Integer> to = new Select<>();
            to.setLabel("to");
            to.setId("review-diff-to");
            to.setItems(numbers);
            to.setValue(numbers.getLast());
            Div lines = new Div();
            lines.setId("review-diff");
            Runnable show = () -> {
                lines.removeAll();
                if (from.getValue() != null && to.getValue() != null && runId != null) {
                    for (RevisionDiff.Line line : corrections.diff(runId, r.trace().itemId(), from.getValue(), to.getValue()).lines()) {
                        Div row = new Div();
                        row.setText((switch (line.kind()) {
                            case SAME -> "  ";
                            case REMOVED -> "- ";
                            case ADDED -> "+ ";
                        }) + line.text());
                        row.addClassName("mono-text");
                        switch (line.kind()) {
                            case SAME -> { }
                            case REMOVED -> row.addClassName("text-error");
                            case ADDED -> row.addClassName("text-success");
                        }
                        lines.add(row);
                    }
                }
            };
            from.addValueChangeListener(e -> show.run());
            to.addValueChangeListener(e -> show.run());
            show.run();
            history.add(new HorizontalLayout(from, to), lines);
        }
        return history;
    }

    void startEditing() {
        if (!canReview || review == null || review.teacherCallKey() == null || editor != null) {
            return;
        }
        editor = new StepEditor(review.latest());
        render();
        editor.focus();
    }

    void save() {
        if (editor != null && review != null) {
            saveDraft(new RevisionDraft(editor.base, editor.text(), null, null, editor.comment.getValue()), null);
        }
    }

    void workQueue(java.util.function.@Nullable Consumer<Boolean> verdict) {
        this.queueVerdict = verdict;
    }

    @Nullable String itemId() {
        return review == null ? null : review.trace().itemId();
    }

    void mark(boolean correct) {
        if (!canReview || review == null) {
            return;
        }
        if (queueVerdict != null) {
            queueVerdict.accept(correct);
            return;
        }
        saveDraft(new RevisionDraft(review.latest().revision(), null, correct, "Marked " + (correct ? "correct" : "incorrect")
                + " by the reviewer", null), null);
    }

    private void saveDraft(RevisionDraft draft, @Nullable TextField reasonField) {
        if (runId == null || review == null) {
            return;
        }
        String itemId = review.trace().itemId();
        try {
            Revision saved = corrections.save(runId, itemId, draft);
            Notifications.success("Saved revision " + saved.revision() + ".");
            show(runId, itemId);
            changed.run();
        } catch (ConflictException e) {
            conflict(e, draft);
        } catch (InvalidInputException e) {
            if (reasonField != null && e.errors().stream().anyMatch(f -> "reason".equals(f.field()))) {
                reasonField.setInvalid(true);
                reasonField.setErrorMessage(e.errors().stream().filter(f -> "reason".equals(f.field())).findFirst().orElseThrow().message());
            } else {
                Notifications.error(e.getMessage());
            }
        }
    }

    /** Someone saved first: show what they changed, then merge (edit on top of theirs), retry mine, or drop mine. */
    private void conflict(ConflictException e, RevisionDraft mine) {
        Dialog dialog = new Dialog();
        dialog.setId("review-conflict");
        dialog.setHeaderTitle("Someone saved this trace first");
        dialog.add(new Paragraph(e.getMessage()));
        Object changes = e.details().get("changes");
        if (changes instanceof List<?> lines) {
            Div diff = new Div();
            diff.setId("review-conflict-changes");
            lines.forEach(l -> {
                Div row = new Div();
                row.setText(String.valueOf(l));
                row.addClassName("mono-text");
                diff.add(row);
            });
            dialog.add(diff);
        }
        int latest = (Integer) e.details().getOrDefault("latestRevision", mine.baseRevision());
        Button merge = new Button("Merge: edit their version", ev -> {
            dialog.close();
            if (runId != null && review != null) {
                String mineText = mine.teacherOutput();
                show(runId, review.trace().itemId());
                startEditing();
                if (editor != null && mineText != null) {
                    editor.showMine(mineText);
                }
            }
        });
        merge.setId("review-conflict-merge");
        Button retry = new Button("Save mine on top", ev -> {
            dialog.close();
            saveDraft(new RevisionDraft(latest, mine.teacherOutput(), mine.verdict(), mine.reason(), mine.comment()), null);
        });
        retry.setId("review-conflict-retry");
        Button drop = new Button("Discard mine", ev -> {
            dialog.close();
            if (runId != null && review != null) {
                show(runId, review.trace().itemId());
            }
        });
        dialog.getFooter().add(drop, retry, merge);
        dialog.open();
    }

    private void rerun(int revision) {
        if (runId == null || review == null) {
            return;
        }
        String itemId = review.trace().itemId();
        try {
            Revision done = corrections.rerun(runId, itemId, revision);
            Notifications.success(done.rerun() != null && done.rerun().outcome() != null
                    ? "Re-run: " + done.rerun().outcome().label() + "." : "Re-run failed.");
        } catch (InvalidInputException e) {
            Notifications.error(e.getMessage());
        }
        show(runId, itemId);
        changed.run();
    }

    private static Component steps(@Nullable String teacherOutput) {
        OrderedList list = new OrderedList();
        list.setId("review-steps");
        if (teacherOutput != null) {
            for (String step : TeacherSteps.parse(teacherOutput).steps()) {
                ListItem item = new ListItem();
                item.setText(step);
                item.addClassName("pre-text");
                list.add(item);
            }
        }
        return list;
    }

    private static Component text(String value, String id) {
        Div div = new Div();
        div.setId(id);
        div.setText(value);
        div.addClassName("pre-text");
        return div;
    }

    private static Component labelled(String label, Component value) {
        Span l = new Span(label);
        l.addClassName("field-label");
        VerticalLayout box = new VerticalLayout(l, value);
        box.setPadding(false);
        box.setSpacing(false);
        return box;
    }

    /** Edits the teacher's steps one by one (edit, insert, delete, move) or as one text. */
    private final class StepEditor extends VerticalLayout {
        private final int base;
        private final List<TextArea> fields = new ArrayList<>();
        private final VerticalLayout rows = new VerticalLayout();
        private final TextArea whole = new TextArea("Teacher trace as text");
        private final TextField comment = new TextField("Comment (optional)");
        private final Div mine = new Div();
        private boolean asText;

        StepEditor(Revision latest) {
            this.base = latest.revision();
            setId("review-editor");
            setPadding(false);
            rows.setPadding(false);
            whole.setId("review-editor-text");
            whole.setWidthFull();
            comment.setId("review-editor-comment");
            List<String> steps = latest.teacherOutput() == null ? List.of() : TeacherSteps.parse(latest.teacherOutput()).steps();
            steps.forEach(this::addField);
            whole.setValue(latest.teacherOutput() == null ? "" : latest.teacherOutput());
            Button add = new Button("Add step", e -> {
                addField("");
                redraw();
            });
            add.setId("review-editor-add");
            Button toggle = new Button("Edit as text", e -> toggle((Button) e.getSource()));
            toggle.setId("review-editor-toggle");
            Button save = new Button("Save (Ctrl+S)", e -> TraceDetail.this.save());
            save.setId("review-editor-save");
            save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            Button cancel = new Button("Cancel", e -> {
                editor = null;
                render();
            });
            cancel.setId("review-editor-cancel");
            redraw();
            add(mine, rows, new HorizontalLayout(add, toggle), comment, new HorizontalLayout(save, cancel));
        }

        private void addField(String value) {
            TextArea field = new TextArea();
            field.setValue(value);
            field.setWidthFull();
            fields.add(field);
        }

        private void redraw() {
            rows.removeAll();
            if (asText) {
                rows.add(whole);
                return;
            }
            for (int i = 0; i < fields.size(); i++) {
                int index = i;
                TextArea field = fields.get(i);
                field.setId("review-step-" + (i + 1));
                field.setLabel("Step " + (i + 1));
                Button up = new Button("↑", e -> swap(index, index - 1));
                up.setEnabled(i > 0);
                up.getElement().setAttribute("aria-label", "Move step " + (i + 1) + " up");
                Button down = new Button("↓", e -> swap(index, index + 1));
                down.setEnabled(i < fields.size() - 1);
                down.getElement().setAttribute("aria-label", "Move step " + (i + 1) + " down");
                Button insert = new Button("+", e -> {
                    TextArea inserted = new TextArea();
                    inserted.setWidthFull();
                    fields.add(index + 1, inserted);
                    redraw();
                });
                insert.getElement().setAttribute("aria-label", "Insert a step after step " + (i + 1));
                insert.setId("review-step-insert-" + (i + 1));
                Button delete = new Button("✕", e -> {
                    fields.remove(index);
                    redraw();
                });
                delete.getElement().setAttribute("aria-label", "Delete step " + (i + 1));
                delete.setId("review-step-delete-" + (i + 1));
                for (Button b : List.of(up, down, insert, delete)) {
                    b.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY_INLINE);
                }
                HorizontalLayout row = new HorizontalLayout(field, up, down, insert, delete);
                row.setSpacing(false);
                row.setWidthFull();
                row.setFlexGrow(1, field);
                row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.END);
                rows.add(row);
            }
        }

        private void swap(int a, int b) {
            if (b >= 0 && b < fields.size()) {
                TextArea t = fields.get(a);
                fields.set(a, fields.get(b));
                fields.set(b, t);
                redraw();
            }
        }

        private void toggle(Button button) {
            if (asText) {
                fields.clear();
                TeacherSteps.parse(whole.getValue()).steps().forEach(this::addField);
                button.setText("Edit as text");
            } else {
                whole.setValue(stepsText());
                button.setText("Edit step by step");
            }
            asText = !asText;
            redraw();
        }

        private String stepsText() {
            return new TeacherSteps(fields.stream().map(TextArea::getValue).filter(v -> !v.isBlank()).toList()).render();
        }

        String text() {
            return asText ? whole.getValue() : stepsText();
        }

        void showMine(String text) {
            mine.removeAll();
            mine.setId("review-editor-mine");
            Span label = new Span("Your version, to merge by hand:");
            label.addClassName("field-label");
            Div value = new Div();
            value.setText(text);
            value.addClassName("mono-text");
            mine.add(label, value);
        }

        void focus() {
            if (!fields.isEmpty()) {
                fields.getFirst().focus();
            } else {
                whole.focus();
            }
        }
    }
}
