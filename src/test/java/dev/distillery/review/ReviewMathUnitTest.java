package dev.distillery.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.distillery.review.Agreement.Votes;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewMathUnitTest {

    @Test
    void aNumberedListBecomesItsStepsAndRendersBackNumbered() {
        var steps = TeacherSteps.parse("1. Find the price.\n2) Multiply by 3\n   and add 2.\n\nStep 3: Subtract.");
        assertThat(steps.steps()).containsExactly("Find the price.", "Multiply by 3\nand add 2.", "Subtract.");
        assertThat(steps.render()).isEqualTo("1. Find the price.\n2. Multiply by 3\nand add 2.\n3. Subtract.");
    }

    @Test
    void bulletsAndPlainLinesAreStepsToo() {
        assertThat(TeacherSteps.parse("- a\n* b\n• c").steps()).containsExactly("a", "b", "c");
        assertThat(TeacherSteps.parse("First do this\nThen that").steps())
                .containsExactly("First do this", "Then that");
        assertThat(TeacherSteps.parse("Steps:\n1. a\n2. b").steps()).containsExactly("Steps:", "a", "b");
        assertThat(TeacherSteps.parse("").steps()).isEmpty();
    }

    @Test
    void fleissKappaMatchesTheTextbookExample() {
        // Two categories, three raters per item: perfect agreement on every item gives 1.
        assertThat(Agreement.fleiss(List.of(new Votes(3, 0), new Votes(0, 3), new Votes(3, 0))))
                .isEqualTo(1.0);
        // Worked example: P̄ = (1 + 1/3 + 1/3 + 1) / 4 = 2/3; p = 6/12 = 0.5, Pe = 0.5; kappa = (2/3 - 1/2) / (1/2) =
        // 1/3.
        assertThat(Agreement.fleiss(List.of(new Votes(3, 0), new Votes(2, 1), new Votes(1, 2), new Votes(0, 3))))
                .isCloseTo(1.0 / 3, within(1e-12));
        assertThat(Agreement.fleiss(List.of(new Votes(1, 0))))
                .as("single votes compare nothing")
                .isNull();
        assertThat(Agreement.fleiss(List.of(new Votes(2, 0), new Votes(3, 0))))
                .as("chance agreement is total")
                .isNull();
    }

    @Test
    void cohenKappaMatchesAHandComputedCase() {
        // 10 items: agree on 7 (4 yes-yes, 3 no-no); a says yes 6 times, b 5 times.
        List<Boolean> a = List.of(true, true, true, true, true, true, false, false, false, false);
        List<Boolean> b = List.of(true, true, true, true, false, false, true, false, false, false);
        double pe = 0.6 * 0.5 + 0.4 * 0.5;
        assertThat(Agreement.cohen(a, b)).isCloseTo((0.7 - pe) / (1 - pe), within(1e-12));
        assertThat(Agreement.cohen(List.of(), List.of())).isNull();
    }

    @Test
    void anItemsAgreementIsTheMajorityShare() {
        assertThat(new Votes(2, 1).agreement()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(new Votes(2, 1).disagreement()).isTrue();
        assertThat(new Votes(0, 0).agreement()).isNull();
    }
}
