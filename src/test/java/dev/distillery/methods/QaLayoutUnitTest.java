package dev.distillery.methods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.methods.QaLayout.Pair;
import java.util.List;
import org.junit.jupiter.api.Test;

class QaLayoutUnitTest {

    @Test
    void readsAlternatingQuestionAndAnswerLines() {
        assertThat(QaLayout.parse("Q: a?\nA: b.\nQ: c?\nA: d."))
                .containsExactly(new Pair("a?", "b."), new Pair("c?", "d."));
    }

    @Test
    void aQuestionWithoutAnswerAndAnAnswerWithoutQuestionAreKeptWithAnEmptyField() {
        assertThat(QaLayout.parse("Q: a?\nQ: c?\nA: d.\nA: e."))
                .containsExactly(new Pair("a?", ""), new Pair("c?", "d."), new Pair("", "e."));
    }

    @Test
    void aFieldContinuesUntilABlankLineAndTextOutsideTheLayoutIsIgnored() {
        assertThat(QaLayout.parse("Here you go:\nQ: a\nstill a?\nA: b\n\nsome chatter\nQ: c?\nA: d."))
                .containsExactly(new Pair("a still a?", "b"), new Pair("c?", "d."));
    }

    @Test
    void aSecondProblemEndsTheDecomposition() {
        assertThat(QaLayout.parse("Problem: mine\nQ: a?\nA: b.\nProblem: next\nQ: c?\nA: d."))
                .containsExactly(new Pair("a?", "b."));
    }

    @Test
    void theLastAnswerSkipsEmptyOnes() {
        assertThat(QaLayout.lastAnswer(List.of(new Pair("a?", "b."), new Pair("c?", ""))))
                .isEqualTo("b.");
        assertThat(QaLayout.lastAnswer(List.of())).isNull();
    }

    @Test
    void aBlockEndsEveryLineAndADecompositionDoesNotEndWithANewline() {
        List<Pair> pairs = List.of(new Pair("a?", "b."), new Pair("c?", "d."));

        assertThat(QaLayout.block(pairs)).isEqualTo("Q: a?\nA: b.\nQ: c?\nA: d.\n");
        assertThat(QaLayout.block(List.of())).isEmpty();
        assertThat(QaLayout.decomposition(pairs)).isEqualTo("Q: a?\nA: b.\nQ: c?\nA: d.");
    }

    @Test
    void theExemplarsComeFromFourGsm8kSocraticSolutions() {
        assertThat(SocraticExemplars.all()).hasSize(4);
        assertThat(SocraticExemplars.all().get(1).pairs())
                .containsExactly(
                        new Pair(
                                "How wide are the five windows?",
                                "The total width of the five windows is 35 x 5 = 175 inches."),
                        new Pair(
                                "How much fabric does Luke need to buy?",
                                "Luke needs to buy 175 x 2 = 350 inches of fabric. The answer is 350."));
    }

    @Test
    void aFinalStepWithoutAFullStopGetsOneBeforeTheAnswer() {
        SocraticExemplars.Exemplar exemplar =
                SocraticExemplars.convert("q", "How many? ** It is 2+1=<<2+1=3>>3 bolts\n#### 3");

        assertThat(exemplar.pairs()).containsExactly(new Pair("How many?", "It is 2+1=3 bolts. The answer is 3."));
    }
}
