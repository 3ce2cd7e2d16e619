package dev.distillery.review.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.Revision;
import dev.distillery.review.RevisionDraft;
import dev.distillery.review.TeacherSteps;
import dev.distillery.review.TraceReview;
import dev.distillery.runs.Trace;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.ui.ModelText;
import dev.distillery.shared.ui.Notifications;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The selected trace: question and gold answer, the teacher's steps, the student's output with the extracted answer
 * marked, the verdict and the rule behind it, each call's tokens and latency; and the reviewer's tools: edit the
 * steps ({@link StepEditor}), override the verdict with a reason, re-run the student, and the history with a diff
 * between any two revisions ({@link RevisionHistory}). A save that lost to another reviewer's opens a
 * {@link ConflictDialog}; the next item is loaded ahead by a {@link PreloadCache}. What a model wrote (and the question)
 * is shown as Markdown with its math typeset, escaped, each block with a toggle to its exact raw text
 * ({@link ModelText}); the step editor works on the raw text; everything else a user wrote is shown as text.
 */
final class TraceDetail extends VerticalLayout {

    private final CorrectionService corrections;
    private final PreloadCache preloads;
    private final boolean canReview;
    private final Runnable changed;
    private final VerticalLayout body = new VerticalLayout();
    private @Nullable Shown shown;
    private @Nullable StepEditor editor;
    /** While the reviewer works a queue, their verdict goes to the queue instead of overriding the grader's. */
    private @Nullable Consumer<Boolean> queueVerdict;

    /** The trace on the panel, and its run. */
    private record Shown(UUID runId, TraceReview review) {

        String itemId() {
            return review.trace().itemId();
        }
    }

    TraceDetail(CorrectionService corrections, Clock clock, boolean canReview, Runnable changed) {
        this.corrections = corrections;
        this.preloads = new PreloadCache(corrections, clock);
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
        this.shown = new Shown(runId, preloads.load(runId, itemId));
        this.editor = null;
        render();
    }

    /** Loads an item in the background so that showing it next needs no query (skipped if by then it is shown). */
    void preload(UUID runId, String itemId) {
        preloads.preload(
                runId, itemId, () -> shown != null && runId.equals(shown.runId()) && !itemId.equals(shown.itemId()));
    }

    /** Drops the preloaded item: after a save (every save ends in the view's change handler) traces may have changed. */
    void forgetPreloaded() {
        preloads.forget();
    }

    void workQueue(@Nullable Consumer<Boolean> verdict) {
        this.queueVerdict = verdict;
    }

    @Nullable
    String itemId() {
        return shown == null ? null : shown.itemId();
    }

    void startEditing() {
        if (!canReview || shown == null || shown.review().teacherCallKey() == null || editor != null) {
            return;
        }
        StepEditor started = new StepEditor(shown.review().latest(), this::save, this::cancelEditing);
        editor = started;
        render();
        started.focus();
    }

    void save() {
        if (editor != null && shown != null) {
            saveDraft(editor.draft(), null);
        }
    }

    void mark(boolean correct) {
        if (!canReview || shown == null) {
            return;
        }
        if (queueVerdict != null) {
            queueVerdict.accept(correct);
            return;
        }
        saveDraft(
                new RevisionDraft(
                        shown.review().latest().revision(),
                        null,
                        correct,
                        "Marked " + verdict(correct) + " by the reviewer",
                        null),
                null);
    }

    private void cancelEditing() {
        editor = null;
        render();
    }

    /** Shows the shown item again, as saved now. */
    private void reload() {
        if (shown != null) {
            show(shown.runId(), shown.itemId());
        }
    }

    private void render() {
        removeAll();
        body.removeAll();
        if (shown == null) {
            return;
        }
        TraceReview r = shown.review();
        Trace t = r.trace();
        Revision latest = r.latest();
        H3 heading = new H3(t.itemId() + " · revision " + latest.revision());
        heading.setId("review-item");
        body.add(heading);
        body.add(TextBlocks.labelled("Question", ModelText.of("review-question", t.question())));
        body.add(TextBlocks.labelled("Gold", TextBlocks.pre("review-gold", t.gold())));

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
        t.predictions().stream()
                .findFirst()
                .ifPresentOrElse(
                        p -> {
                            body.add(ModelText.marked(
                                    "review-output", p.output(), p.answerStart(), p.answerEnd(), p.extracted()));
                            Span verdict = new Span(verdict(p.correct()) + " · extracted "
                                    + (p.extracted() == null
                                            ? "nothing (no answer found)"
                                            : "\"" + p.extracted() + "\"")
                                    + " · rule " + p.rule()
                                    + " · grader v" + p.version());
                            verdict.setId("review-verdict");
                            body.add(verdict);
                        },
                        () -> body.add(new Span(t.status() + (t.error() == null ? "" : ": " + t.error()))));
        if (latest.verdict() != null) {
            Span override = new Span("Reviewer's verdict: " + verdict(latest.verdict()) + " — " + latest.reason());
            override.setId("review-override");
            body.add(override);
        }
        if (latest.rerun() != null) {
            body.add(rerunResult(latest.rerun()));
        }
        if (canReview) {
            body.add(reviewerActions(r));
        }

        body.add(new H4("Calls"));
        for (Trace.Call call : t.calls()) {
            body.add(new Span(call.role() + " · " + call.promptTokens() + " + " + call.completionTokens() + " tokens · "
                    + call.latencyMs() + " ms" + (call.cached() ? " · from cache" : "")));
        }
        body.add(new RevisionHistory(corrections, shown.runId(), r));
        add(body);
    }

    private Component reviewerActions(TraceReview r) {
        Revision latest = r.latest();
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
            saveDraft(
                    new RevisionDraft(
                            latest.revision(), null, "correct".equals(verdict.getValue()), reason.getValue(), null),
                    reason);
        });
        override.setId("review-override-save");
        HorizontalLayout overrideRow = new HorizontalLayout(verdict, reason, override);
        overrideRow.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        HorizontalLayout marks = new HorizontalLayout(markCorrect, markIncorrect);
        // A re-run is worth it once the teacher's trace differs from the run's original (revision 0).
        if (latest.revision() > 0
                && latest.teacherOutput() != null
                && !latest.teacherOutput().equals(r.revision(0).teacherOutput())) {
            Button rerun = new Button("Re-run student on this revision", e -> rerun(latest.revision()));
            rerun.setId("review-rerun");
            rerun.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            marks.add(rerun);
        }
        return new VerticalLayout(marks, overrideRow);
    }

    private static Component rerunResult(Revision.Rerun rerun) {
        Div box = new Div();
        box.setId("review-rerun-result");
        if ("error".equals(rerun.status())) {
            box.setText("Re-run failed: " + rerun.error());
        } else if (rerun.outcome() != null) {
            Span outcome = new Span(rerun.outcome().label());
            outcome.setId("review-outcome");
            outcome.getElement()
                    .getThemeList()
                    .add("badge "
                            + switch (rerun.outcome()) {
                                case FIXED -> "success";
                                case WORSE -> "error";
                                case NO_CHANGE -> "contrast";
                            });
            box.add(
                    new Span("Re-run: " + verdict(Boolean.TRUE.equals(rerun.correct())) + ", extracted "
                            + (rerun.extracted() == null ? "nothing" : "\"" + rerun.extracted() + "\"") + " · "),
                    outcome);
            box.add(ModelText.marked(
                    "review-rerun-output",
                    rerun.output() == null ? "" : rerun.output(),
                    null,
                    null,
                    rerun.extracted()));
        } else {
            box.setText("Re-run " + rerun.status());
        }
        return box;
    }

    private void saveDraft(RevisionDraft draft, @Nullable TextField reasonField) {
        Shown on = shown;
        if (on == null) {
            return;
        }
        try {
            Revision saved = corrections.save(on.runId(), on.itemId(), draft);
            Notifications.success("Saved revision " + saved.revision() + ".");
            show(on.runId(), on.itemId());
            changed.run();
        } catch (ConflictException e) {
            new ConflictDialog(e, draft, conflictChoices()).open();
        } catch (InvalidInputException e) {
            var reasonError =
                    e.errors().stream().filter(f -> "reason".equals(f.field())).findFirst();
            if (reasonField != null && reasonError.isPresent()) {
                reasonField.setInvalid(true);
                reasonField.setErrorMessage(reasonError.get().message());
            } else {
                Notifications.error(e.getMessage());
            }
        }
    }

    /** After a conflict: merge edits the latest revision with the reviewer's version beside it; drop shows the latest. */
    private ConflictDialog.Choices conflictChoices() {
        return new ConflictDialog.Choices() {
            @Override
            public void merge(@Nullable String mine) {
                reload();
                startEditing();
                if (editor != null && mine != null) {
                    editor.showMine(mine);
                }
            }

            @Override
            public void retry(RevisionDraft onLatest) {
                saveDraft(onLatest, null);
            }

            @Override
            public void drop() {
                reload();
            }
        };
    }

    private void rerun(int revision) {
        Shown on = shown;
        if (on == null) {
            return;
        }
        try {
            Revision done = corrections.rerun(on.runId(), on.itemId(), revision);
            Notifications.success(
                    done.rerun() != null && done.rerun().outcome() != null
                            ? "Re-run: " + done.rerun().outcome().label() + "."
                            : "Re-run failed.");
        } catch (InvalidInputException e) {
            Notifications.error(e.getMessage());
        }
        show(on.runId(), on.itemId());
        changed.run();
    }

    private static Component steps(@Nullable String teacherOutput) {
        return ModelText.list(
                "review-steps",
                teacherOutput == null
                        ? List.of()
                        : TeacherSteps.parse(teacherOutput).steps());
    }

    private static String verdict(boolean correct) {
        return correct ? "correct" : "incorrect";
    }
}
