package dev.distillery.datasets.formats;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Shared test helpers: where the real datasets are, and running a format over a file or inline text. */
final class FormatFixtures {

    private FormatFixtures() {}

    /**
     * A file under the shared datasets folder: {@code -Ddistillery.shared.datasets}, else the environment variable
     * {@code DISTILLERY_SHARED_DATASETS}, else {@code ../shared/datasets} next to the project.
     */
    static Path shared(String relative) {
        return dev.distillery.SharedDatasets.file(relative);
    }

    static DatasetFormat format(String id) {
        return DatasetFormats.byId(id).orElseThrow();
    }

    static Collected parse(String formatId, Path file) {
        return parse(
                formatId,
                UploadSource.of(file, file.getFileName().toString(), UploadSource.Limits.defaults()),
                "test",
                FormatOptions.defaults());
    }

    static Collected parse(String formatId, String fileName, String content) {
        return parse(formatId, fileName, content.getBytes(StandardCharsets.UTF_8), FormatOptions.defaults());
    }

    static Collected parse(String formatId, String fileName, byte[] content, FormatOptions options) {
        return parse(formatId, inline(fileName, content), "test", options);
    }

    static Collected parse(String formatId, ImportSource source, String defaultSplit, FormatOptions options) {
        Collected sink = new Collected(Integer.MAX_VALUE);
        try {
            format(formatId).parse(source, defaultSplit, options, sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sink;
    }

    /** A single in-memory file. */
    static ImportSource inline(String fileName, byte[] content) {
        return new ImportSource() {
            @Override
            public String fileName() {
                return fileName;
            }

            @Override
            public void forEachFile(FileVisitor visitor) throws IOException {
                visitor.visit(fileName, new ByteArrayInputStream(content));
            }
        };
    }

    /** Writes a zip whose entries are the map's paths and UTF-8 contents, in order. */
    static Path zip(Path zipFile, Map<String, String> entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zipFile))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zipFile;
    }

    static FormatOptions withMaxLineLength(int maxLineLength) {
        return new FormatOptions(null, null, null, null, null, null, maxLineLength);
    }

    /** Collects what a parse produced; says "enough" after {@code enoughAfter} problems. */
    static final class Collected implements ImportSink {

        private final int enoughAfter;
        final List<ParsedItem> items = new ArrayList<>();
        final List<ImportProblem> problems = new ArrayList<>();

        Collected(int enoughAfter) {
            this.enoughAfter = enoughAfter;
        }

        @Override
        public void item(ParsedItem item) {
            items.add(item);
        }

        @Override
        public void problem(ImportProblem problem) {
            problems.add(problem);
        }

        @Override
        public boolean enoughProblems() {
            return problems.size() >= enoughAfter;
        }

        ParsedItem item(String itemId) {
            return items.stream()
                    .filter(i -> i.itemId().equals(itemId))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no item " + itemId));
        }
    }
}
