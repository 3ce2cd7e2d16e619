package dev.distillery.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.shared.AnswerType;
import dev.distillery.shared.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

class GradingServiceUnitTest {

    private final GradingService grading = new GradingService(new Grader(Duration.ofSeconds(2)));

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aLargeMathBatchIsGradedInParallelAndInOrder() {
        signIn();
        List<String[]> cases = List.of(
                new String[] {"\\sqrt{2}/2", "\\frac{1}{\\sqrt2}", "true"},
                new String[] {"(x+1)^2", "x^2+2x+1", "true"},
                new String[] {"(x+1)^2", "x^2+1", "false"},
                new String[] {"\\frac{1}{2}", "0.5", "true"},
                new String[] {"(1,2)", "(1,2]", "false"});
        List<GradingItem> items = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String[] c = cases.get(i % cases.size());
            items.add(new GradingItem("The answer is \\boxed{" + c[0] + "}.", c[1], List.of()));
        }

        long started = System.nanoTime();
        List<Grade> grades = grading.grade(AnswerType.MATH, null, items);
        System.out.printf(
                "GradingService: %d math items in %d ms%n", items.size(), (System.nanoTime() - started) / 1_000_000);

        assertThat(grades).hasSize(items.size());
        for (int i = 0; i < grades.size(); i++) {
            assertThat(grades.get(i).correct())
                    .as("item %d: %s", i, grades.get(i))
                    .isEqualTo(Boolean.parseBoolean(cases.get(i % cases.size())[2]));
            assertThat(grades.get(i).flagged()).isFalse();
        }
    }

    @Test
    void nobodySignedInIsRefused() {
        assertThatThrownBy(() ->
                        grading.grade(AnswerType.NUMBER, null, List.of(new GradingItem("#### 1", "1", List.of()))))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aRuleOfAnotherTypeIsRefusedNamingTheRuleField() {
        signIn();

        assertThatThrownBy(() -> grading.grade(AnswerType.MATH, "last-yes-no", List.of()))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo("rule"));
    }

    @Test
    void moreThanTheLimitOfItemsIsRefused() {
        signIn();
        List<GradingItem> items =
                Collections.nCopies(GradingService.MAX_ITEMS + 1, new GradingItem("#### 1", "1", List.of()));

        assertThatThrownBy(() -> grading.grade(AnswerType.NUMBER, null, items))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.getMessage()).contains("items").contains("10000"));
    }

    private static void signIn() {
        SecurityContextHolder.getContext()
                .setAuthentication(new TestingAuthenticationToken("tester", null, "ROLE_USER"));
    }
}
