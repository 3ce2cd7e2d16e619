package dev.distillery.datasets.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadSourceUnitTest {

    @TempDir
    Path temp;

    private static List<String> visit(UploadSource source) throws IOException {
        List<String> seen = new ArrayList<>();
        source.forEachFile(
                (path, content) -> seen.add(path + "=" + new String(content.readAllBytes(), StandardCharsets.UTF_8)));
        return seen;
    }

    @Test
    void aZipIsRecognisedByItsContentNotItsName() throws IOException {
        Path zip = FormatFixtures.zip(temp.resolve("upload.jsonl"), Map.of("a/test.jsonl", "{}"));

        UploadSource source = UploadSource.of(zip, "upload.jsonl", UploadSource.Limits.defaults());

        assertThat(source.isZip()).isTrue();
        assertThat(visit(source)).containsExactly("a/test.jsonl={}");
    }

    @Test
    void aPlainFileIsOneFileUnderItsOriginalName() throws IOException {
        Path file = Files.writeString(temp.resolve("upload-123.tmp"), "hello");

        UploadSource source = UploadSource.of(file, "test.jsonl", UploadSource.Limits.defaults());

        assertThat(source.isZip()).isFalse();
        assertThat(source.fileName()).isEqualTo("test.jsonl");
        assertThat(visit(source)).containsExactly("test.jsonl=hello");
    }

    @Test
    void foldersMacResourceForksAndDotFilesAreSkipped() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("MATH/", "");
        entries.put("__MACOSX/MATH/._1.json", "junk");
        entries.put("MATH/.DS_Store", "junk");
        entries.put("MATH/test/algebra/1.json", "one");
        Path zip = FormatFixtures.zip(temp.resolve("m.zip"), entries);

        assertThat(visit(UploadSource.of(zip, "m.zip", UploadSource.Limits.defaults())))
                .containsExactly("MATH/test/algebra/1.json=one");
    }

    @Test
    void anEmptyFileIsRejected() throws IOException {
        Path file = Files.writeString(temp.resolve("empty.jsonl"), "");

        assertThatThrownBy(() -> UploadSource.of(file, "empty.jsonl", UploadSource.Limits.defaults()))
                .isInstanceOf(UploadRejectedException.class)
                .hasMessage("The file is empty");
    }

    @Test
    void aFileOverTheSizeLimitIsRejected() throws IOException {
        Path file = Files.writeString(temp.resolve("big.jsonl"), "x".repeat(2048));

        assertThatThrownBy(() -> UploadSource.of(file, "big.jsonl", new UploadSource.Limits(1024, 10, 10_000)))
                .isInstanceOf(UploadRejectedException.class)
                .hasMessage("The file is larger than 1 KiB");
    }

    @Test
    void aZipWithTooManyEntriesIsRejectedNamingTheLimit() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            entries.put(i + ".json", "{}");
        }
        Path zip = FormatFixtures.zip(temp.resolve("many.zip"), entries);
        UploadSource source = UploadSource.of(zip, "many.zip", new UploadSource.Limits(1 << 20, 3, 1 << 20));

        assertThatThrownBy(() -> visit(source))
                .isInstanceOf(UploadRejectedException.class)
                .hasMessage("The zip has more than 3 files");
    }

    @Test
    void aZipThatUnpacksTooLargeIsRejectedWhileStreaming() throws IOException {
        // Highly compressible: the zip is small, its content is not.
        Path zip = FormatFixtures.zip(temp.resolve("bomb.zip"), Map.of("a.jsonl", "0".repeat(100_000)));
        assertThat(Files.size(zip)).isLessThan(1_000);
        UploadSource source = UploadSource.of(zip, "bomb.zip", new UploadSource.Limits(1 << 20, 10, 50_000));

        assertThatThrownBy(() -> visit(source))
                .isInstanceOf(UploadRejectedException.class)
                .hasMessage("The zip unpacks to more than 50,000 bytes");
    }

    @Test
    void unreadEntryContentStillCountsTowardsTheUnpackedLimit() throws IOException {
        Path zip = FormatFixtures.zip(temp.resolve("skip.zip"), Map.of("README", "0".repeat(100_000)));
        UploadSource source = UploadSource.of(zip, "skip.zip", new UploadSource.Limits(1 << 20, 10, 50_000));

        assertThatThrownBy(() -> source.forEachFile((path, content) -> {}))
                .isInstanceOf(UploadRejectedException.class)
                .hasMessageContaining("50,000 bytes");
    }

    @Test
    void theDefaultLimitsAreNamedInUnitsPeopleRead() {
        UploadSource.Limits limits = UploadSource.Limits.defaults();

        assertThat(limits.maxZipEntries()).isEqualTo(20_000);
        assertThat(UploadSource.bytes(limits.maxFileBytes())).isEqualTo("200 MiB");
        assertThat(UploadSource.bytes(limits.maxUnpackedBytes())).isEqualTo("1 GiB");
    }

    @Test
    void aZipWithOnlySkippedEntriesIsRejected() throws IOException {
        Path zip = FormatFixtures.zip(temp.resolve("mac.zip"), Map.of("__MACOSX/._x", "junk"));
        UploadSource source = UploadSource.of(zip, "mac.zip", UploadSource.Limits.defaults());

        assertThatThrownBy(() -> visit(source))
                .isInstanceOf(UploadRejectedException.class)
                .hasMessage("The zip holds no files");
    }
}
