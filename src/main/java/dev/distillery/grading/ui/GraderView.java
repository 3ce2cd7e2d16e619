package dev.distillery.grading.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.distillery.grading.Choice;
import dev.distillery.grading.Grade;
import dev.distillery.grading.GradingItem;
import dev.distillery.grading.GradingService;
import dev.distillery.shared.AnswerType;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.ui.MarkedText;
import jakarta.annotation.security.PermitAll;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Try the grader on one output: pick the answer type and rule, paste the output and the gold answer (and the
 * options for multiple choice) and see the answer it reads, the rule that read it and the verdict. Everything the
 * user typed is shown as text, never as HTML.
 */
@Route("grading")
@PageTitle("Grader · Distillery")
@Menu(order = 40, title = "Grader")
@PermitAll
public class GraderView extends VerticalLayout {

    /** "A) bank", "(B) library", "C. mall", "D: x" — a label of letters or digits, then the option's text. */
    private static final Pattern CHOICE_LINE = Pattern.compile("^\\(?([A-Za-z0-9]{1,3})[).:]\\s*(.+)$");

    private final GradingService grading;
    private final Select<AnswerType> type = new Select<>();
    private final Select<String> rule = new Select<>();
    private final TextArea output = new TextArea("Model output");
    private final TextField gold = new TextField("Gold answer");
    private final TextArea choices = new TextArea("Choices");
    private final Span extracted = new Span();
    private final Span verdict = new Span();
    private final Span ruleUsed = new Span();
    private final Div readFrom = new Div();
    private final Div result = new Div();

    public GraderView(GradingService grading) {
        this.grading = grading;
        type.setLabel("Answer type");
        type.setId("grader-type");
        type.setItems(AnswerType.values());
        type.setItemLabelGenerator(GraderView::label);
        type.addValueChangeListener(e -> typeChanged(e.getValue()));
        rule.setLabel("Rule");
        rule.setId("grader-rule");
        output.setId("grader-output");
        output.setWidthFull();
        output.setMinHeight("10em");
        output.setPlaceholder("Paste the model's full output, e.g. … so she has 18 left. The answer is 18.");
        gold.setId("grader-gold");
        choices.setId("grader-choices");
        choices.setHelperText("One option per line, e.g. A) bank");
        choices.setWidthFull();

        Button check = new Button("Check", click -> check());
        check.setId("grader-check");
        check.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        check.addClickShortcut(Key.ENTER, KeyModifier.CONTROL);

        extracted.setId("grader-extracted");
        verdict.setId("grader-verdict");
        ruleUsed.setId("grader-rule-used");
        result.setId("grader-result");
        readFrom.setId("grader-read-from");
        result.add(
                line("Extracted answer: ", extracted),
                line("Verdict: ", verdict),
                line("Rule used: ", ruleUsed),
                new Div(bold("Read from: ")),
                readFrom);
        result.setVisible(false);

        FormLayout form = new FormLayout(type, rule, gold);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("40em", 3));
        add(
                new H1("Grader"),
                new Paragraph("Check how an output is graded: which answer is read from it, by which rule, and whether "
                        + "it equals the gold answer. Math answers are compared symbolically; a bare answer such as -5 "
                        + "is read as it is, a free-form solution by its boxed answer, its marker (\"The answer is\") or "
                        + "its last stated value. Grader version " + grading.version() + "."),
                form,
                output,
                choices,
                check,
                result);
        type.setValue(AnswerType.NUMBER);
    }

    private void typeChanged(AnswerType answerType) {
        rule.setItems(grading.rules(answerType));
        rule.setValue("default");
        choices.setVisible(answerType == AnswerType.CHOICE);
        gold.setPlaceholder(
                switch (answerType) {
                    case NUMBER -> "18";
                    case MATH -> "\\frac{1}{2}";
                    case CHOICE -> "B";
                    case YESNO -> "yes";
                    case STRING -> "nkg";
                });
    }

    private void check() {
        AnswerType answerType = type.getValue();
        List<Choice> options = answerType == AnswerType.CHOICE ? choices(choices.getValue()) : List.of();
        Grade grade = grading.grade(
                        answerType,
                        rule.getValue(),
                        List.of(new GradingItem(output.getValue(), gold.getValue(), options)))
                .getFirst();
        extracted.setText(grade.extracted() == null ? "(no answer found)" : grade.extracted());
        verdict.setText(
                grade.flagged()
                        ? "flagged (undecided within the time limit)"
                        : grade.correct() ? "correct" : "incorrect");
        verdict.setClassName("text-success", grade.correct());
        verdict.setClassName("text-warning", !grade.correct() && grade.flagged());
        verdict.setClassName("text-error", !grade.correct() && !grade.flagged());
        ruleUsed.setText(
                grade.rule() + (grade.answerFound() ? " · characters " + grade.start() + "–" + grade.end() : "")
                        + " · grader v" + grade.graderVersion());
        readFrom.removeAll();
        readFrom.add(MarkedText.of(
                "grader-marked-output",
                output.getValue(),
                grade.answerFound() ? grade.start() : null,
                grade.answerFound() ? grade.end() : null,
                grade.extracted()));
        result.setVisible(true);
    }

    private static List<Choice> choices(String text) {
        List<Choice> parsed = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = CHOICE_LINE.matcher(line);
            if (!m.matches()) {
                throw new InvalidInputException("choices", "Line " + (i + 1) + " is not an option like 'A) bank'.");
            }
            parsed.add(
                    new Choice(m.group(1).toUpperCase(Locale.ROOT), m.group(2).strip()));
        }
        return parsed;
    }

    private static Div line(String caption, Span value) {
        return new Div(bold(caption), value);
    }

    private static Span bold(String caption) {
        Span label = new Span(caption);
        label.addClassName("field-label");
        return label;
    }

    private static String label(AnswerType answerType) {
        return switch (answerType) {
            case NUMBER -> "Number (GSM8K, SVAMP)";
            case MATH -> "Math (MATH, MATH-500)";
            case CHOICE -> "Multiple choice (AQuA, CommonsenseQA)";
            case YESNO -> "Yes/no (StrategyQA)";
            case STRING -> "Exact text (Last Letter)";
        };
    }
}
