package dev.distillery.leaderboards.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.leaderboards.PublicPage;
import org.junit.jupiter.api.Test;

class PublicTraceUnitTest {

    @Test
    void aSampleTraceIsMarkdownWithItsMathKeptAndWhatTheModelWroteEscaped() {
        PublicPage.SampleTrace sample = new PublicPage.SampleTrace(
                "test-3",
                "Find $f(g^{-1}(f^{-1}(5)))$.",
                "5",
                "1. Invert $f$.\n2. <script>alert(1)</script>",
                "The answer is $\\boxed{5}$ <img src=x onerror=alert(2)>",
                "5",
                true);

        PublicPageController.TraceView view = PublicPageController.trace(sample);

        assertThat(view.questionHtml()).contains("<span class=\"math math-inline\">$f(g^{-1}(f^{-1}(5)))$</span>");
        assertThat(view.teacherStepsHtml())
                .contains("<ol>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script");
        assertThat(view.studentOutputHtml())
                .doesNotContain("<img")
                .contains(
                        "<mark class=\"extracted search-mark\"><span class=\"math math-inline\">$\\boxed{5}$</span></mark>");
        assertThat(view.studentOutput()).isEqualTo(sample.studentOutput());
    }
}
