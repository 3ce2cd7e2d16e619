package dev.distillery.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.finetune.FineTuneExportFormats.CotItem;
import dev.distillery.finetune.FineTuneExportFormats.PreferenceItem;
import dev.distillery.finetune.FineTuneExportFormats.SocraticItem;
import dev.distillery.methods.MethodItem;
import dev.distillery.methods.TrainingText;
import dev.distillery.methods.TrainingText.QaPair;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class FineTuneExportFormatsUnitTest {

    static final CotItem COT = new CotItem(
            "train-0", "  What is 2 + 3?\n", " 5 ", List.of(" Two plus three is five. ", "2 and 3 make \"5\".\n"));

    @Test
    void ftCotWritesQuestionHashesAndRationaleArrowAnswerEndStrippedOfSurroundingWhitespace() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.FT_COT, ExportFormat.FT_COT, COT))
                .containsExactly(
                        "{\"prompt\":\"What is 2 + 3? ###\",\"completion\":\" Two plus three is five. --> 5 END\"}",
                        "{\"prompt\":\"What is 2 + 3? ###\",\"completion\":\" 2 and 3 make \\\"5\\\". --> 5 END\"}");
    }

    @Test
    void ftCotGpt3SeparatesWithBlankLinesAsThePapersGpt3Runs() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.FT_COT_GPT3, ExportFormat.FT_COT, COT)
                        .getFirst())
                .isEqualTo(
                        "{\"prompt\":\"What is 2 + 3?\\n\\n###\\n\\n\",\"completion\":\" Two plus three is five.\\n\\n-->\\n\\n5 END\"}");
    }

    @Test
    void ftCotT5HasInputAndTargetWithoutEnd() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.FT_COT_T5, ExportFormat.FT_COT, COT)
                        .getFirst())
                .isEqualTo("{\"input\":\"What is 2 + 3?\",\"target\":\"Two plus three is five. --> 5\"}");
    }

    @Test
    void vanillaIsOneAnswerPerItemWhateverTheNumberOfRationales() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.VANILLA, ExportFormat.FT_COT, COT))
                .containsExactly("{\"prompt\":\"What is 2 + 3? ###\",\"completion\":\" 5 END\"}");
    }

    @Test
    void openAiChatCarriesTheChosenBaseFormatsPromptAndCompletion() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.OPENAI_CHAT, ExportFormat.FT_COT, COT)
                        .getFirst())
                .isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"What is 2 + 3? ###\"},"
                        + "{\"role\":\"assistant\",\"content\":\" Two plus three is five. --> 5 END\"}]}");
        assertThat(FineTuneExportFormats.lines(ExportFormat.OPENAI_CHAT, ExportFormat.FT_COT_T5, COT)
                        .getFirst())
                .isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"What is 2 + 3?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Two plus three is five. --> 5\"}]}");
    }

    @Test
    void trlSftIsPromptAndCompletionOfTheBaseFormat() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.TRL_SFT, ExportFormat.FT_COT_T5, COT)
                        .getFirst())
                .isEqualTo("{\"prompt\":\"What is 2 + 3?\",\"completion\":\"Two plus three is five. --> 5\"}");
    }

    @Test
    void blankRationalesGiveNoSample() {
        CotItem item = new CotItem("train-1", "Q?", "1", List.of("  ", "ok"));
        assertThat(FineTuneExportFormats.lines(ExportFormat.FT_COT, ExportFormat.FT_COT, item))
                .containsExactly("{\"prompt\":\"Q? ###\",\"completion\":\" ok --> 1 END\"}");
    }

    @Test
    void nonAsciiAndControlCharactersAreWrittenAsJsonDoes() {
        CotItem item = new CotItem("x", "Ünïcode\tq", "½", List.of("π ≈ 3"));
        assertThat(FineTuneExportFormats.lines(ExportFormat.FT_COT, ExportFormat.FT_COT, item))
                .containsExactly("{\"prompt\":\"Ünïcode\\tq ###\",\"completion\":\" π ≈ 3 --> ½ END\"}");
    }

    static final SocraticItem SOCRATIC = new SocraticItem(
            "train-2",
            "Ann has 2 apples and buys 3. How many?",
            List.of(
                    new QaPair("How many did she buy?", "She bought 3."),
                    new QaPair("How many does she have?", "2 + 3 = 5. The answer is 5.")));

    @Test
    void unifiedIsTheProblemThenEveryPair() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.UNIFIED, ExportFormat.UNIFIED, SOCRATIC))
                .containsExactly(
                        "{\"prompt\":\"Problem: Ann has 2 apples and buys 3. How many?\\n\",\"completion\":\"Q: How many did she "
                                + "buy?\\nA: She bought 3.\\nQ: How many does she have?\\nA: 2 + 3 = 5. The answer is 5.\"}");
    }

    @Test
    void decomposerAsksEachNextSubquestionAndThenTheStopMarkerAsTheFineTunedInferencePresetDoes() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.DECOMPOSER, ExportFormat.UNIFIED, SOCRATIC))
                .containsExactly(
                        "{\"prompt\":\"Problem: Ann has 2 apples and buys 3. How many?\\nQ:\",\"completion\":\" How many did she buy?\"}",
                        "{\"prompt\":\"Problem: Ann has 2 apples and buys 3. How many?\\nQ: How many did she buy?\\nA: She bought 3.\\nQ:\","
                                + "\"completion\":\" How many does she have?\"}",
                        "{\"prompt\":\"Problem: Ann has 2 apples and buys 3. How many?\\nQ: How many did she buy?\\nA: She bought 3.\\n"
                                + "Q: How many does she have?\\nA: 2 + 3 = 5. The answer is 5.\\nQ:\",\"completion\":\" [END]\"}");
        assertThat(TrainingText.stopMarker()).isEqualTo("[END]");
    }

    @Test
    void solverAnswersEachSubquestionGivenTheEarlierPairs() {
        assertThat(FineTuneExportFormats.lines(ExportFormat.SOLVER, ExportFormat.UNIFIED, SOCRATIC))
                .containsExactly(
                        "{\"prompt\":\"Problem: Ann has 2 apples and buys 3. How many?\\nQ: How many did she buy?\\nA:\","
                                + "\"completion\":\" She bought 3.\"}",
                        "{\"prompt\":\"Problem: Ann has 2 apples and buys 3. How many?\\nQ: How many did she buy?\\nA: She bought 3.\\n"
                                + "Q: How many does she have?\\nA:\",\"completion\":\" 2 + 3 = 5. The answer is 5.\"}");
    }

    @Test
    void aDecompositionWithAHalfPairGivesNoSamples() {
        SocraticItem broken = new SocraticItem("x", "P", List.of(new QaPair("q", "")));
        assertThat(FineTuneExportFormats.lines(ExportFormat.SOLVER, ExportFormat.UNIFIED, broken))
                .isEmpty();
        assertThat(FineTuneExportFormats.lines(
                        ExportFormat.DECOMPOSER, ExportFormat.UNIFIED, new SocraticItem("y", "P", List.of())))
                .isEmpty();
    }

    @Test
    void theTeachersOutputIsReadBackIntoPairsByTheMethodsParser() {
        assertThat(TrainingText.decomposition("Problem: x\nQ: a?\nA: b.\nQ: c?\nA: d.\n"))
                .containsExactly(new QaPair("a?", "b."), new QaPair("c?", "d."));
    }

    @Test
    void optionsAreWrittenOnTheQuestionLineAsTheFineTuneCotPresetDoes() {
        assertThat(TrainingText.question(
                        TrainingText.CHOICES_ON_SAME_LINE,
                        "Pick one.",
                        List.of(new MethodItem.Choice("A", "x"), new MethodItem.Choice("B", "y"))))
                .isEqualTo("Pick one. Answer choices: (A) x, (B) y.");
    }

    @Test
    void dpoPairsAreThePromptTheCorrectionAndTheOriginalAsStored() {
        assertThat(FineTuneExportFormats.lines(
                        ExportFormat.DPO,
                        ExportFormat.FT_COT,
                        new PreferenceItem("i", "Q: 1+1\nA: Let's think step by step.", " 1 and 1 is 2.", " It is 3.")))
                .containsExactly("{\"prompt\":\"Q: 1+1\\nA: Let's think step by step.\",\"chosen\":\" 1 and 1 is 2.\","
                        + "\"rejected\":\" It is 3.\"}");
    }

    @Test
    void theValidationSplitIsTheSameForTheSameSeedAndRoundsTheFraction() {
        List<String> ids = IntStream.range(0, 10).mapToObj(i -> "train-" + i).toList();
        var first = FineTuneExportFormats.validationItems(ids, 0.2, 0);
        assertThat(first).hasSize(2).isEqualTo(FineTuneExportFormats.validationItems(ids, 0.2, 0));
        assertThat(FineTuneExportFormats.validationItems(ids, 0.2, 7)).hasSize(2);
        assertThat(IntStream.range(0, 20)
                        .mapToObj(seed -> FineTuneExportFormats.validationItems(ids, 0.2, seed))
                        .distinct()
                        .count())
                .as("seeds choose different items")
                .isGreaterThan(1);
        assertThat(FineTuneExportFormats.validationItems(ids, 0.01, 0))
                .as("at least one")
                .hasSize(1);
        assertThat(FineTuneExportFormats.validationItems(ids, 0.99, 0))
                .as("never all")
                .hasSize(9);
        assertThat(FineTuneExportFormats.validationItems(List.of("only"), 0.5, 0))
                .isEmpty();
        assertThat(FineTuneExportFormats.validationItems(ids, 0, 0)).isEmpty();
    }

    @Test
    void jsonlEndsEveryLineWithANewlineAndTheZipHoldsTheFilesInOrder() throws Exception {
        assertThat(new String(FineTuneExportFormats.jsonl(List.of("{}", "[]")), StandardCharsets.UTF_8))
                .isEqualTo("{}\n[]\n");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("train.jsonl", "a\n".getBytes(StandardCharsets.UTF_8));
        files.put("validation.jsonl", "b\n".getBytes(StandardCharsets.UTF_8));
        byte[] zip = FineTuneExportFormats.zip(files);
        assertThat(FineTuneExportFormats.zip(files)).as("same bytes every time").isEqualTo(zip);
        List<String> read = new ArrayList<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                read.add(entry.getName() + "=" + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(read).containsExactly("train.jsonl=a\n", "validation.jsonl=b\n");
    }

    @Test
    void formatsAreListedPerMethodWithTheirDefaultFirst() {
        assertThat(ExportFormat.forMethod("fine-tune-cot"))
                .extracting(ExportFormat::id)
                .containsExactly("ft-cot", "ft-cot-gpt3", "ft-cot-t5", "vanilla", "openai-chat", "trl-sft", "dpo");
        assertThat(ExportFormat.forMethod("socratic-cot"))
                .extracting(ExportFormat::id)
                .containsExactly("unified", "decomposer", "solver", "openai-chat", "trl-sft", "dpo");
        assertThat(ExportFormat.forMethod("trace-of-thought"))
                .extracting(ExportFormat::id)
                .containsExactly("dpo");
    }
}
