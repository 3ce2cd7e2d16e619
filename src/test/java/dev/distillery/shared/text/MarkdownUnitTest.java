package dev.distillery.shared.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class MarkdownUnitTest {

    static final Pattern MATH =
            Pattern.compile("<span class=\"math (math-inline|math-display)\">(.*?)</span>", Pattern.DOTALL);

    @Test
    void markdownBecomesHtmlWithLineBreaksKept() {
        String html = Markdown.html("**Step 1.** Add\nthe numbers.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        assertThat(html)
                .contains(
                        "<strong>Step 1.</strong> Add<br />\nthe numbers.",
                        "<ul>\n<li>one</li>",
                        "<table>",
                        "<td>1</td>");
    }

    @Test
    void headingsStartBelowThePagesOwn() {
        assertThat(Markdown.html("# Solution\n\n### Check"))
                .contains("<h4>Solution</h4>", "<h6>Check</h6>")
                .doesNotContain("<h1>");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "math-algebra-1.json",
                "math-algebra-1014.json",
                "math-algebra-1017.json",
                "math-algebra-1031.json",
                "math-algebra-2236.json"
            })
    void mathInMathDatasetSolutionsSurvivesByteForByte(String fixture) throws IOException {
        String solution = solution(fixture);
        List<String> expected = MathSpans.find(solution).stream()
                .map(m -> solution.substring(m.start(), m.end()))
                .toList();

        List<String> rendered = maths(Markdown.html(solution));

        assertThat(expected).isNotEmpty();
        assertThat(rendered).containsExactlyElementsOf(expected);
        // Every dollar, bracket and environment of the solution is in a math span: none is left for Markdown or prose.
        String outside = MATH.matcher(Markdown.html(solution)).replaceAll("");
        assertThat(outside).doesNotContain("$", "\\[", "\\(", "\\begin{");
    }

    @Test
    void theFormulasOfASolutionAreFoundWithTheirDelimiters() throws IOException {
        assertThat(maths(Markdown.html(solution("math-algebra-1.json"))))
                .containsExactly("$x^2+x-6=(x-2)(x+3)$", "$0$", "$x = 2$", "$x = -3$", "$\\boxed{2}$");
        String align = solution("math-algebra-2236.json");
        assertThat(maths(Markdown.html(align))).contains("""
                \\begin{align*}
                f^{-1}(5)&=2 \\\\
                \\Rightarrow \\quad f^{-1}(9)&=2f^{-1}(5)+1=5 \\\\
                \\Rightarrow \\quad f^{-1}(13)&=2f^{-1}(9)+1=11 \\\\
                \\Rightarrow \\quad f^{-1}(17)&=2f^{-1}(13)+1=23.
                \\end{align*}""", "$f^{-1}(17)=\\boxed{23}$");
        assertThat(Markdown.html("$$\n- x + 1\n$$"))
                .contains("<span class=\"math math-display\">$$\n- x + 1\n$$</span>")
                .doesNotContain("<li>");
    }

    @Test
    void markdownDoesNotReadInsideMath() {
        String html = Markdown.html("Let $a_1 * b_1 = c_1 * d$ and \\(x_{*}\\) be _it_, with \\[ \\{1\\} \\\\ 2 \\]");

        assertThat(maths(html)).containsExactly("$a_1 * b_1 = c_1 * d$", "\\(x_{*}\\)", "\\[ \\{1\\} \\\\ 2 \\]");
        assertThat(html).contains("<em>it</em>").doesNotContain("<em>1");
    }

    @Test
    void dollarsThatAreMoneyOrEscapedOrCodeAreNotMath() {
        assertThat(maths(Markdown.html("It costs $5 and $10 in total."))).isEmpty();
        assertThat(maths(Markdown.html("Pay \\$3 or \\$4."))).isEmpty();
        assertThat(Markdown.html("Run `echo $HOME $PATH` first"))
                .contains("<code>echo $HOME $PATH</code>")
                .doesNotContain("class=\"math");
        assertThat(maths(Markdown.html("```\n$x$\n```\nthen $y$"))).containsExactly("$y$");
        assertThat(maths(Markdown.html("$a\n\nb$"))).isEmpty();
    }

    @Test
    void rawHtmlInAModelOutputIsShownAsText() {
        String html = Markdown.html("Answer: <script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n"
                + "<div onclick=\"alert(3)\">$x$</div> and <b onmouseover=alert(4)>bold</b>");

        assertThat(html)
                .doesNotContain("<script", "<img", "<div", "<b ")
                .contains(
                        "&lt;script&gt;alert(1)&lt;/script&gt;",
                        "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;",
                        "&lt;b onmouseover=alert(4)&gt;");
    }

    @Test
    void linksGoOnlyToSafeSchemesAndImagesAreNotLoaded() {
        assertThat(Markdown.html("[click](javascript:alert(1)) [data](data:text/html,x) [v](vbscript:x)"))
                .doesNotContain("javascript:", "data:", "vbscript:");
        assertThat(Markdown.html("[paper](https://arxiv.org/abs/2103.03874)"))
                .contains(
                        "href=\"https://arxiv.org/abs/2103.03874\"",
                        "rel=\"nofollow noopener noreferrer\"",
                        "target=\"_blank\"",
                        ">paper</a>");
        assertThat(Markdown.html("![plot](https://example.com/track.png)"))
                .doesNotContain("<img")
                .contains("href=\"https://example.com/track.png\"", ">plot</a>");
        assertThat(Markdown.html("<javascript:alert(1)>")).doesNotContain("href=\"javascript");
    }

    @Test
    void theExtractedAnswerIsMarkedAndWidenedToItsFormula() {
        String plain = "So the answer is 42.";
        assertThat(Markdown.html(plain, new Markdown.Range(17, 19)))
                .contains("answer is <mark class=\"extracted search-mark\">42</mark>.");

        String boxed = "So the answer is $\\boxed{-1}$.";
        int start = boxed.indexOf("-1");
        assertThat(Markdown.html(boxed, new Markdown.Range(start, start + 2)))
                .contains(
                        "<mark class=\"extracted search-mark\"><span class=\"math math-inline\">$\\boxed{-1}$</span></mark>.");

        String bold = "The answer is **7**.";
        assertThat(Markdown.html(bold, new Markdown.Range(16, 17)))
                .contains("<strong><mark class=\"extracted search-mark\">7</mark></strong>");
    }

    @Test
    void aMarkMarkdownSplitsIsLeftOut() {
        String text = "It is **4** and 5";
        assertThat(Markdown.html(text, new Markdown.Range(8, 16)))
                .doesNotContain("<mark")
                .contains("<strong>4</strong> and 5");
        assertThat(Markdown.html(text, new Markdown.Range(3, 99))).doesNotContain("<mark");
    }

    @Test
    void thePlaceholderCharactersInATextCannotForgeMath() {
        String html = Markdown.html("$x$ and \uE0000\uE001 and \uE002y\uE003");

        assertThat(maths(html)).containsExactly("$x$");
        assertThat(html).doesNotContain("<mark", "\uE000", "\uE002").contains("\uFFFD0\uFFFD");
    }

    private static List<String> maths(String html) {
        List<String> found = new ArrayList<>();
        Matcher m = MATH.matcher(html);
        while (m.find()) {
            found.add(unescape(m.group(2)));
        }
        return found;
    }

    private static String unescape(String html) {
        return html.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
    }

    private static String solution(String fixture) throws IOException {
        try (InputStream in =
                Objects.requireNonNull(MarkdownUnitTest.class.getResourceAsStream("/markdown/" + fixture))) {
            return JsonMapper.builder().build().readTree(in).get("solution").asString();
        }
    }
}
