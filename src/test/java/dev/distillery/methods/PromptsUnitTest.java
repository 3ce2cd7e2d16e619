package dev.distillery.methods;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptsUnitTest {

    @Test
    void placeholdersAreFilledInOnePassAndUnknownOnesStayAsWritten() {
        assertThat(Prompts.fill(
                        "{question} then {steps} and {other} $1 \\",
                        Map.of("question", "Is {steps} here? \\frac{1}{2} $5", "steps", "1. $x")))
                .isEqualTo("Is {steps} here? \\frac{1}{2} $5 then 1. $x and {other} $1 \\");
    }

    @Test
    void optionsAreListedWithTheirLabelsInParentheses() {
        assertThat(Prompts.choices(List.of(new MethodItem.Choice("A", "x"), new MethodItem.Choice("B", "y z"))))
                .isEqualTo("(A) x, (B) y z");
    }
}
