package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The line-level checks every format shares, shown with GSM8K-shaped files. */
class LineRobustnessUnitTest {

    private static final String GOOD = "{\"question\": \"q\", \"answer\": \"2+2=4\\n#### 4\"}";

    @Test
    void aLineThatIsNotJsonIsReportedWithItsNumberAndTheOthersAreStillRead() {
        Collected parsed = parse("gsm8k", "test.jsonl", GOOD + "\n" + "{\"question\": \"q\", \"answer\": }\n" + GOOD);

        assertThat(parsed.items).extracting(ParsedItem::sourceLine).containsExactly(1, 3);
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.field()).isEqualTo("(json)");
            assertThat(p.message()).isNotBlank().doesNotContain("[Source");
        });
    }

    @Test
    void invalidUtf8BytesAreReportedOnTheirLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((GOOD + "\n").getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"question\": \"caf".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {(byte) 0xE9, (byte) 0xFF});
        bytes.writeBytes("\", \"answer\": \"#### 1\"}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes((GOOD + "\n").getBytes(StandardCharsets.UTF_8));

        Collected parsed = parse("gsm8k", "test.jsonl", bytes.toByteArray(), FormatOptions.defaults());

        assertThat(parsed.items).extracting(ParsedItem::sourceLine).containsExactly(1, 3);
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.field()).isEqualTo("(file)");
            assertThat(p.message()).isEqualTo("line 2 is not valid UTF-8 text (save the file as UTF-8)");
        });
    }

    @Test
    void aTruncatedCharacterAtTheEndOfTheFileIsInvalidUtf8() {
        byte[] text = (GOOD + "\n" + GOOD).getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(text, text.length + 1);
        bytes[text.length] = (byte) 0xC3;

        Collected parsed = parse("gsm8k", "test.jsonl", bytes, FormatOptions.defaults());

        assertThat(parsed.items).hasSize(1);
        assertThat(parsed.problems)
                .singleElement()
                .satisfies(p -> assertThat(p.line()).isEqualTo(2));
    }

    @Test
    void aMissingFieldIsNamed() {
        Collected parsed = parse("gsm8k", "test.jsonl", "{\"answer\": \"#### 4\"}\n");

        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.field()).isEqualTo("question");
            assertThat(p.message()).contains("missing");
        });
    }

    @Test
    void aNumberAnswerThatIsNotANumberIsReportedWithItsValue() {
        Collected parsed = parse("gsm8k", "test.jsonl", "{\"question\": \"q\", \"answer\": \"so\\n#### twelve\"}\n");

        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("answer");
            assertThat(p.message()).isEqualTo("'twelve' is not a number");
        });
    }

    @Test
    void numbersAreNormalisedWithoutSeparatorsSignsOrTrailingZeros() {
        Collected parsed = parse("gsm8k", "test.jsonl", """
                {"question": "q", "answer": "#### $1,600"}
                {"question": "q", "answer": "#### 12.50%"}
                {"question": "q", "answer": "#### -3"}
                {"question": "q", "answer": "#### 6/8"}
                {"question": "q", "answer": "#### 4/2"}
                {"question": "q", "answer": "#### +0.0"}
                """);

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items)
                .extracting(ParsedItem::goldNormalized)
                .containsExactly("1600", "12.5", "-3", "3/4", "2", "0");
    }

    @Test
    void aSecondItemWithTheSameIdIsReportedNamingTheFirstLine() {
        Collected parsed = parse("csqa", "dev.jsonl", """
                {"answerKey": "A", "id": "x1", "question": {"stem": "s", "choices": [{"label": "A", "text": "a"}]}}
                {"answerKey": "A", "id": "x2", "question": {"stem": "s", "choices": [{"label": "A", "text": "a"}]}}
                {"answerKey": "A", "id": "x1", "question": {"stem": "s", "choices": [{"label": "A", "text": "a"}]}}
                """);

        assertThat(parsed.items).extracting(ParsedItem::itemId).containsExactly("x1", "x2");
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.field()).isEqualTo("id");
            assertThat(p.message()).isEqualTo("duplicate id 'x1', first used on line 1");
        });
    }

    @Test
    void aLineOverTheLimitIsReportedWithoutStoppingTheRest() {
        String longLine = "{\"question\": \"" + "x".repeat(500) + "\", \"answer\": \"#### 1\"}";

        Collected parsed = parse(
                "gsm8k",
                "test.jsonl",
                (GOOD + "\n" + longLine + "\n" + GOOD + "\n").getBytes(StandardCharsets.UTF_8),
                FormatFixtures.withMaxLineLength(100));

        assertThat(parsed.items).extracting(ParsedItem::sourceLine).containsExactly(1, 3);
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).isEqualTo("line 2 is longer than the limit of 100 characters");
        });
    }

    @Test
    void blankLinesWindowsLineEndsAndAByteOrderMarkAreAccepted() {
        Collected parsed = parse("gsm8k", "test.jsonl", "\uFEFF" + GOOD + "\r\n\r\n   \r\n" + GOOD + "\r\n");

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).extracting(ParsedItem::sourceLine).containsExactly(1, 4);
    }

    @Test
    void aLineThatIsJsonButNotAnObjectIsAProblem() {
        Collected parsed = parse("gsm8k", "test.jsonl", "[1, 2]\n");

        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("(json)");
            assertThat(p.message()).contains("a list");
        });
    }

    @Test
    void parsingStopsOnceTheCallerHasEnoughProblems() throws Exception {
        Collected sink = new Collected(3);

        FormatFixtures.format("gsm8k")
                .parse(
                        FormatFixtures.inline(
                                "test.jsonl", "not json\n".repeat(50).getBytes(StandardCharsets.UTF_8)),
                        "test",
                        FormatOptions.defaults(),
                        sink);

        assertThat(sink.problems).hasSize(3);
    }
}
