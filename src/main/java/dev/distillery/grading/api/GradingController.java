package dev.distillery.grading.api;

import dev.distillery.grading.Grade;
import dev.distillery.grading.GradingItem;
import dev.distillery.grading.GradingService;
import dev.distillery.shared.AnswerType;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Grades predictions against gold answers, without a run: to check a grader rule or score outputs made elsewhere. */
@RestController
@RequestMapping("/api/v1/grading")
@Tag(name = "Grading")
@SecurityRequirement(name = "apiKey")
class GradingController {

    private final GradingService grading;

    GradingController(GradingService grading) {
        this.grading = grading;
    }

    @PostMapping("/check")
    @Operation(
            summary = "Grade up to 10,000 predictions against their gold answers",
            description = "answerType: number, math, choice, yesno or string. rule (optional): the type's extraction "
                    + "rule, default if omitted; number: after-marker, last-number, first-number; math: boxed, "
                    + "after-marker, whole-output, last-math, last-number; choice: after-marker, option-text, last-letter; yesno: last-yes-no; string: "
                    + "after-marker, whole-output. Each item: {\"prediction\": \"...\", \"gold\": \"...\", \"choices\": "
                    + "[{\"label\": \"A\", \"text\": \"...\"}]} (choices optional). Results come in the items' order; "
                    + "extracted is null when no answer was found, flagged is true when a math answer could not be "
                    + "decided within the time limit (it then counts as incorrect); span gives where the answer was read "
                    + "[start, end) and graderVersion the grader that decided.")
    CheckResponse check(@RequestBody CheckRequest body) {
        AnswerType type = answerType(body.answerType());
        String rule = body.rule() == null || body.rule().isBlank()
                ? null
                : body.rule().strip();
        List<@Nullable Item> items = body.items();
        if (items == null) {
            throw new InvalidInputException("items", "is required: a list of {prediction, gold, choices}");
        }
        if (items.size() > GradingService.MAX_ITEMS) {
            // refuse before reading 10,000+ items only to refuse them in the service
            throw new InvalidInputException(
                    "items",
                    "at most " + GradingService.MAX_ITEMS + " items per call, got " + items.size()
                            + "; split the batch");
        }
        List<GradingItem> toGrade = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            toGrade.add(item(items.get(i), "items[" + i + "]"));
        }
        return new CheckResponse(
                grading.grade(type, rule, toGrade).stream().map(Result::of).toList());
    }

    private static AnswerType answerType(@Nullable String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("answerType", "is required: number, math, choice, yesno or string");
        }
        try {
            return AnswerType.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(
                    "answerType", "'" + id + "' is not an answer type: use number, math, " + "choice, yesno or string");
        }
    }

    private static GradingItem item(@Nullable Item item, String field) {
        if (item == null) {
            throw new InvalidInputException(field, "must be an object with prediction and gold");
        }
        if (item.prediction() == null) {
            throw new InvalidInputException(field + ".prediction", "is required (use \"\" for an empty output)");
        }
        if (item.gold() == null) {
            throw new InvalidInputException(field + ".gold", "is required");
        }
        List<dev.distillery.grading.Choice> choices = new ArrayList<>();
        List<@Nullable Choice> given = item.choices() == null ? List.<@Nullable Choice>of() : item.choices();
        for (int j = 0; j < given.size(); j++) {
            Choice choice = given.get(j);
            if (choice == null || choice.label() == null || choice.label().isBlank() || choice.text() == null) {
                throw new InvalidInputException(field + ".choices[" + j + "]", "needs a label and a text");
            }
            choices.add(new dev.distillery.grading.Choice(choice.label(), choice.text()));
        }
        return new GradingItem(item.prediction(), item.gold(), choices);
    }

    record CheckRequest(
            @Nullable String answerType,
            @Nullable String rule,
            @Nullable List<@Nullable Item> items) {}

    record Item(
            @Nullable String prediction,
            @Nullable String gold,
            @Nullable List<@Nullable Choice> choices) {}

    record Choice(@Nullable String label, @Nullable String text) {}

    record CheckResponse(List<Result> results) {}

    /**
     * One verdict.
     *
     * @param extracted the answer read from the prediction, or null when none was found
     * @param rule the extraction rule that produced it
     * @param flagged whether the check ran out of time (then {@code correct} is false)
     * @param span where the answer was read in the prediction, as {start, end} character offsets (end exclusive),
     *     or null when no answer was found
     * @param graderVersion the grader version that decided
     */
    record Result(
            @Nullable String extracted,
            boolean correct,
            String rule,
            boolean flagged,
            int @Nullable [] span,
            String graderVersion) {

        static Result of(Grade grade) {
            return new Result(
                    grade.extracted(),
                    grade.correct(),
                    grade.rule(),
                    grade.flagged(),
                    grade.answerFound() ? new int[] {grade.start(), grade.end()} : null,
                    grade.graderVersion());
        }
    }
}
