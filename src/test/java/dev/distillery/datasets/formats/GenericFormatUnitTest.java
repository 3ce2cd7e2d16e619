package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import dev.distillery.datasets.formats.ParsedItem.Choice;
import dev.distillery.shared.AnswerType;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class GenericFormatUnitTest {

    private static FormatOptions mapping(
            String question,
            String answer,
            @Nullable String choices,
            @Nullable String id,
            @Nullable String split,
            @Nullable AnswerType type) {
        return new FormatOptions(question, answer, choices, id, split, type, FormatOptions.DEFAULT_MAX_LINE_LENGTH);
    }

    private static Collected generic(String fileName, String content, FormatOptions options) {
        return parse("generic", fileName, content.getBytes(StandardCharsets.UTF_8), options);
    }

    @Test
    void csvCellsThatLookLikeFormulasAreKeptVerbatim() {
        Collected parsed = generic("sheet.csv", """
                prompt,gold,note
                =1+1,2,@SUM(A1)
                "+cmd|' /C calc'!A0",-3,-x
                """, mapping("prompt", "gold", null, null, null, AnswerType.NUMBER));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).extracting(ParsedItem::question).containsExactly("=1+1", "+cmd|' /C calc'!A0");
        assertThat(parsed.items).extracting(ParsedItem::goldNormalized).containsExactly("2", "-3");
        assertThat(parsed.items.getFirst().metadata()).containsEntry("note", "@SUM(A1)");
        assertThat(parsed.items.get(1).metadata()).containsEntry("note", "-x");
    }

    @Test
    void csvRowsKeepTheirLineNumbersAcrossQuotedLineBreaksAndBlankLines() {
        Collected parsed = generic("data.csv", "\uFEFF" + """
                q,a
                "two
                lines",1

                third,x
                fourth,4
                """, mapping("q", "a", null, null, null, AnswerType.NUMBER));

        assertThat(parsed.items).extracting(ParsedItem::question).containsExactly("two\nlines", "fourth");
        assertThat(parsed.items).extracting(ParsedItem::sourceLine).containsExactly(2, 6);
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.field()).isEqualTo("a");
            assertThat(p.message()).isEqualTo("'x' is not a number");
        });
    }

    @Test
    void aMappedColumnMissingFromTheHeaderIsReported() {
        Collected parsed = generic(
                "data.csv", "question,answer\nq,1\n", mapping("question", "gold", null, null, null, AnswerType.NUMBER));

        assertThat(parsed.items).isEmpty();
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.field()).isEqualTo("gold");
            assertThat(p.message()).contains("question, answer");
        });
    }

    @Test
    void csvChoicesArePipeSeparatedAndLabelledInOrder() {
        Collected parsed = generic(
                "data.csv",
                "q,options,key,split\nPick,red|green|blue,b,validation\n",
                mapping("q", "key", "options", null, "split", AnswerType.CHOICE));

        assertThat(parsed.problems).isEmpty();
        ParsedItem item = parsed.items.getFirst();
        assertThat(item.choices())
                .containsExactly(new Choice("A", "red"), new Choice("B", "green"), new Choice("C", "blue"));
        assertThat(item.goldNormalized()).isEqualTo("B");
        assertThat(item.split()).isEqualTo("dev");
        assertThat(item.itemId()).isEqualTo("dev-0");
    }

    @Test
    void aJsonArrayIsReadWithDottedPathsIntoNestedObjects() {
        Collected parsed =
                generic("items.json", """
                [
                  {"uid": "a", "q": {"stem": "Sky?", "options": [{"label": "A", "text": "blue"}, {"label": "B", "text": "red"}]}, "key": "a", "src": {"page": 3}},
                  {"uid": "b", "q": {"stem": "Grass?", "options": ["green", "pink"]}, "key": "A"}
                ]
                """, mapping("q.stem", "key", "q.options", "uid", null, AnswerType.CHOICE));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).extracting(ParsedItem::itemId).containsExactly("a", "b");
        assertThat(parsed.items.getFirst().question()).isEqualTo("Sky?");
        assertThat(parsed.items.getFirst().goldNormalized()).isEqualTo("A");
        assertThat(parsed.items.getFirst().metadata()).containsOnlyKeys("src");
        assertThat(parsed.items.get(1).choices()).containsExactly(new Choice("A", "green"), new Choice("B", "pink"));
    }

    @Test
    void jsonLinesAreRecognisedByTheirFirstCharacterWhenTheNameDoesNotSay() {
        Collected parsed = generic(
                "upload.txt",
                "\n  {\"text\": \"Is water wet?\", \"label\": true}\n",
                mapping("text", "label", null, null, null, AnswerType.YESNO));

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).singleElement().satisfies(item -> {
            assertThat(item.goldRaw()).isEqualTo("true");
            assertThat(item.goldNormalized()).isEqualTo("yes");
        });
    }

    @Test
    void theAnswerTypeMustBeChosen() {
        Collected parsed =
                generic("data.jsonl", "{\"q\": \"x\", \"a\": \"y\"}\n", mapping("q", "a", null, null, null, null));

        assertThat(parsed.items).isEmpty();
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.field()).isEqualTo("answerType");
        });
    }

    @Test
    void anUnknownSplitValueIsAProblem() {
        Collected parsed = generic(
                "data.jsonl",
                "{\"q\": \"x\", \"a\": \"y\", \"s\": \"holdout\"}\n",
                mapping("q", "a", null, null, "s", AnswerType.STRING));

        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("s");
            assertThat(p.message()).contains("'holdout'");
        });
    }

    @Test
    void anUnclosedQuoteEndsTheCsvWithAProblem() {
        Collected parsed = generic(
                "data.csv", "q,a\nfine,1\n\"open,2\nmore,3\n", mapping("q", "a", null, null, null, AnswerType.NUMBER));

        assertThat(parsed.items).extracting(ParsedItem::question).containsExactly("fine");
        assertThat(parsed.problems)
                .singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("(csv)"));
    }

    @Test
    void aOneLineJsonArrayIsNotLimitedByLineLengthButEachRecordIs() {
        String small = "{\"q\": \"x\", \"a\": \"1\"}";
        String big = "{\"q\": \"" + "y".repeat(20_000) + "\", \"a\": \"2\"}";
        Collected parsed = parse(
                "generic",
                "items.json",
                ("[" + small + "," + small.replace("x", "z") + "," + big + "]").getBytes(StandardCharsets.UTF_8),
                new FormatOptions("q", "a", null, null, null, AnswerType.NUMBER, 5_000));

        assertThat(parsed.items).hasSize(2);
        assertThat(parsed.problems)
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("longer than the limit of 5,000 characters"));
    }
}
