package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.parse;
import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.datasets.formats.FormatFixtures.Collected;
import dev.distillery.shared.AnswerType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MathFormatUnitTest {

    @TempDir
    static Path temp;

    /** The whole shared MATH test split, zipped as users upload it with the clutter zips usually carry, parsed. */
    static Collected parsedZip;

    @BeforeAll
    static void zipAndParseTheSharedTestSplit() throws IOException {
        Path root = shared("math");
        Path mathZip = temp.resolve("MATH.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(mathZip));
                Stream<Path> files = Files.walk(root.resolve("MATH"))) {
            put(zip, "MATH/README.md", "not a problem".getBytes(StandardCharsets.UTF_8));
            put(zip, "__MACOSX/MATH/test/algebra/._1.json", new byte[] {0, 5, 22, 7});
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                put(zip, root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        parsedZip = parse("math", mathZip);
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    @Test
    void readsAllFiveThousandTestProblemsFromAZipWithoutProblems() {
        Collected parsed = parsedZip;

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items)
                .hasSize(5_000)
                .allSatisfy(item -> assertThat(item.split()).isEqualTo("test"));
        assertThat(parsed.items)
                .filteredOn(item -> item.itemId().startsWith("algebra/"))
                .hasSize(1_187);
        assertThat(parsed.items)
                .filteredOn(item -> item.metadata().get("level").equals("Level 5"))
                .hasSize(1_324);
    }

    @Test
    void aProblemIsIdentifiedBySubjectAndNumberWithTheLastBoxedAnswerAsGold() {
        ParsedItem algebra1 = parsedZip.item("algebra/1");

        assertThat(algebra1.question())
                .isEqualTo("How many vertical asymptotes does the graph of " + "$y=\\frac{2}{x^2+x-6}$ have?");
        assertThat(algebra1.goldRaw()).isEqualTo("2");
        assertThat(algebra1.answerType()).isEqualTo(AnswerType.MATH);
        assertThat(algebra1.rationale()).endsWith("Therefore, the graph has $\\boxed{2}$ vertical asymptotes.");
        assertThat(algebra1.sourceRef()).isEqualTo("MATH/test/algebra/1.json");
        assertThat(algebra1.metadata()).containsEntry("level", "Level 3").containsEntry("type", "Algebra");
    }

    @Test
    void goldAnswersAgreeWithTheOnesMath500PublishedForTheSameProblems() {
        Map<String, String> math = new LinkedHashMap<>();
        parsedZip.items.forEach(item -> math.put("test/" + item.itemId() + ".json", item.goldRaw()));

        List<ParsedItem> math500 = parse("math500", shared("math500/test.jsonl")).items;

        assertThat(math500)
                .allSatisfy(item ->
                        assertThat(math.get(item.itemId())).as(item.itemId()).isEqualTo(item.goldRaw()));
    }

    @Test
    void theLastBoxedAnswerMatchesNestedBraces() {
        assertThat(MathFormat.lastBoxed("so $\\boxed{1}$, then $\\boxed{\\frac{1}{2}}$."))
                .isEqualTo("\\frac{1}{2}");
        assertThat(MathFormat.lastBoxed("$\\fbox{\\{1, 2\\}}$")).isEqualTo("\\{1, 2\\}");
        assertThat(MathFormat.lastBoxed("the answer is $\\boxed 5$.")).isEqualTo("5");
        assertThat(MathFormat.lastBoxed("$\\boxed{\\text{(A)}}$ and no more")).isEqualTo("\\text{(A)}");
        assertThat(MathFormat.lastBoxed("unclosed $\\boxed{1$")).isNull();
        assertThat(MathFormat.lastBoxed("no box at all")).isNull();
    }

    @Test
    void aSolutionWithoutABoxedAnswerIsAProblemAtItsFileIndex() throws IOException {
        Path zip = FormatFixtures.zip(
                temp.resolve("bad.zip"),
                Map.of(
                        "MATH/train/algebra/1.json", """
                        {"problem": "1+1?", "level": "Level 1", "type": "Algebra", "solution": "$\\\\boxed{2}$"}""",
                        "MATH/train/algebra/2.json", """
                        {"problem": "2+2?", "level": "Level 1", "type": "Algebra", "solution": "it is 4"}"""));

        Collected parsed = parse("math", zip);

        assertThat(parsed.items).singleElement().satisfies(item -> {
            assertThat(item.split()).isEqualTo("train");
            assertThat(item.goldRaw()).isEqualTo("2");
        });
        assertThat(parsed.problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("solution");
            assertThat(p.line()).isIn(1, 2);
        });
    }

    @Test
    void jsonLinesWithTheSameFieldsAreAcceptedWithPositionalIds() {
        Collected parsed = parse("math", "math_test.jsonl", """
                {"problem": "1+1?", "level": "Level 1", "type": "Algebra", "solution": "$\\\\boxed{2}$"}
                {"problem": "x?", "level": "Level 2", "type": "Algebra", "solution": "$\\\\boxed{\\\\frac{1}{2}}$"}
                """);

        assertThat(parsed.problems).isEmpty();
        assertThat(parsed.items).extracting(ParsedItem::itemId).containsExactly("test-0", "test-1");
        assertThat(parsed.items).extracting(ParsedItem::goldRaw).containsExactly("2", "\\frac{1}{2}");
    }

    @Test
    void zipEntriesAreOpenedAtAnyFolderDepth() throws IOException {
        Path zip = temp.resolve("deep.zip");
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out)) {
            put(
                    z,
                    "downloads/data/MATH/test/geometry/7.json",
                    "{\"problem\": \"p\", \"level\": \"Level 1\", \"type\": \"Geometry\", \"solution\": \"$\\\\boxed{7}$\"}"
                            .getBytes(StandardCharsets.UTF_8));
        }

        ParsedItem item = parse("math", zip).items.getFirst();

        assertThat(item.itemId()).isEqualTo("geometry/7");
        assertThat(item.split()).isEqualTo("test");
        assertThat(item.sourceLine()).isEqualTo(1);
    }
}
