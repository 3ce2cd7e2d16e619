package dev.distillery.datasets.formats;

import static dev.distillery.datasets.formats.FormatFixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetFormatsUnitTest {

    private static Optional<String> detected(Path file) throws IOException {
        UploadSource source = UploadSource.of(file, file.getFileName().toString(), UploadSource.Limits.defaults());
        return DatasetFormats.detect(DatasetFormats.sample(source)).map(DatasetFormat::id);
    }

    @ParameterizedTest
    @CsvSource({
        "gsm8k/test.jsonl, gsm8k",
        "gsm8k/train.jsonl, gsm8k",
        "gsm8k/test_socratic.jsonl, gsm8k-socratic",
        "svamp/SVAMP.json, svamp",
        "math/MATH/test/algebra/1.json, math",
        "math500/test.jsonl, math500",
        "strategyqa/train.json, strategyqa",
        "strategyqa/dev.json, strategyqa",
        "aqua_rat/test.json, aqua",
        "aqua_rat/dev.json, aqua",
        "commonsenseqa/dev_rand_split.jsonl, csqa",
        "commonsenseqa/train_rand_split.jsonl, csqa",
        "commonsenseqa/test_rand_split_no_answers.jsonl, csqa"
    })
    void eachSharedFileIsDetectedAsItsOwnFormat(String file, String format) throws IOException {
        assertThat(detected(shared(file))).contains(format);
    }

    @Test
    void aZipOfMathProblemFilesIsDetectedAsMath(@TempDir Path temp) throws IOException {
        Path zip = FormatFixtures.zip(
                temp.resolve("upload.zip"),
                Map.of("MATH/test/algebra/1.json", Files.readString(shared("math/MATH/test/algebra/1.json"))));

        assertThat(detected(zip)).contains("math");
    }

    @Test
    void anUnknownShapeIsNotDetectedAsAnything(@TempDir Path temp) throws IOException {
        Path file = Files.writeString(temp.resolve("mine.jsonl"), "{\"prompt\": \"hi\", \"target\": \"1\"}\n");

        assertThat(detected(file)).isEmpty();
    }

    @Test
    void theSampleIsTheStartOfTheFirstFileOnly(@TempDir Path temp) throws IOException {
        Path file = Files.writeString(temp.resolve("big.jsonl"), "x".repeat(200_000));

        DatasetFormat.FileSample sample =
                DatasetFormats.sample(UploadSource.of(file, "big.jsonl", UploadSource.Limits.defaults()));

        assertThat(sample.fileName()).isEqualTo("big.jsonl");
        assertThat(sample.firstFileName()).isEqualTo("big.jsonl");
        assertThat(sample.head().getBytes(StandardCharsets.UTF_8)).hasSize(DatasetFormats.SAMPLE_BYTES);
    }

    @Test
    void everyFormatIsListedOnceWithGenericLast() {
        assertThat(DatasetFormats.all())
                .extracting(DatasetFormat::id)
                .containsExactly(
                        "gsm8k-socratic", "gsm8k", "svamp", "math500", "math", "strategyqa", "aqua", "csqa", "generic");
        assertThat(DatasetFormats.byId("MATH500")).map(DatasetFormat::label).contains("MATH-500");
        assertThat(DatasetFormats.byId("nope")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "train.jsonl, train",
        "test_rand_split_no_answers.jsonl, test",
        "dev_rand_split.jsonl, dev",
        "my-validation-set.csv, dev",
        "MATH/test/algebra/1.json, test",
        "SVAMP.json, test",
        "contest.jsonl, test",
        "data/train/latest.jsonl, train"
    })
    void theSplitIsGuessedFromWholeWordsOfTheName(String name, String split) {
        assertThat(DatasetFormats.guessSplit(name, "test")).isEqualTo(split);
    }
}
