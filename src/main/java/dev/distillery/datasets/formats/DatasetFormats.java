package dev.distillery.datasets.formats;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The dataset formats Distillery reads, and the helpers around choosing one: lookup by id, auto-detection from the
 * start of an upload, and guessing a split from a file name.
 */
public final class DatasetFormats {

    /** How much of the first file {@link #sample} reads. */
    public static final int SAMPLE_BYTES = 64 * 1024;

    /** Most specific first, so that detection picks Socratic over plain GSM8K and MATH-500 over MATH. */
    private static final List<DatasetFormat> ALL = List.of(
            new Gsm8kSocraticFormat(),
            new Gsm8kFormat(),
            new SvampFormat(),
            new Math500Format(),
            new MathFormat(),
            new StrategyQaFormat(),
            new AquaFormat(),
            new CommonsenseQaFormat(),
            new GenericFormat());

    private DatasetFormats() {}

    /** Every format, the generic one last. */
    public static List<DatasetFormat> all() {
        return ALL;
    }

    public static Optional<DatasetFormat> byId(String id) {
        return ALL.stream()
                .filter(format -> format.id().equalsIgnoreCase(id.strip()))
                .findFirst();
    }

    /** The built-in format the upload looks like; empty when none fits (the user then maps fields with generic). */
    public static Optional<DatasetFormat> detect(DatasetFormat.FileSample sample) {
        return ALL.stream().filter(format -> format.detect(sample)).findFirst();
    }

    /**
     * The split a file name (or path) names: train, test, or dev (also for "val", "valid", "validation"), looked
     * for as whole words from the file name back through its folders; {@code fallback} when none is named.
     */
    public static String guessSplit(String fileName, String fallback) {
        String[] segments = fileName.replace('\\', '/').split("/");
        for (int i = segments.length - 1; i >= 0; i--) {
            for (String word : segments[i].toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                Optional<String> split = canonicalSplit(word);
                if (split.isPresent()) {
                    return split.get();
                }
            }
        }
        return fallback;
    }

    /** train, test or dev for a word naming a split, such as "validation". */
    static Optional<String> canonicalSplit(String word) {
        return switch (word.strip().toLowerCase(Locale.ROOT)) {
            case "train", "training" -> Optional.of("train");
            case "test", "testing" -> Optional.of("test");
            case "dev", "val", "valid", "validation" -> Optional.of("dev");
            default -> Optional.empty();
        };
    }

    /**
     * The upload's name, its first file's path and up to {@value #SAMPLE_BYTES} bytes of that file as text (a byte
     * order mark dropped, undecodable bytes replaced), for {@link #detect} and previews. Stops reading after that.
     */
    public static DatasetFormat.FileSample sample(ImportSource source) throws IOException {
        String[] first = {"", ""};
        try {
            source.forEachFile((path, content) -> {
                first[0] = path;
                first[1] = head(content);
                throw new SampleTaken();
            });
        } catch (SampleTaken taken) {
            // Expected: one file is enough.
        }
        return new DatasetFormat.FileSample(source.fileName(), first[0], first[1]);
    }

    /**
     * The fields of the upload's first record, for mapping a generic file: a CSV header, or the keys of the first
     * JSON object (nested objects as dotted paths such as {@code question.stem}).
     */
    public static List<String> columns(ImportSource source) throws IOException {
        String head = sample(source).head().stripLeading();
        if (head.isEmpty()) {
            return List.of();
        }
        if (head.startsWith("{") || head.startsWith("[")) {
            String first = head.startsWith("[") ? head.substring(1).stripLeading() : head;
            try (var parser = JSON.createParser(first)) {
                if (parser.nextToken() == tools.jackson.core.JsonToken.START_OBJECT) {
                    tools.jackson.databind.JsonNode node = JSON.readTree(parser);
                    List<String> keys = new java.util.ArrayList<>();
                    collectKeys("", node, keys);
                    return keys;
                }
            } catch (tools.jackson.core.JacksonException truncatedOrInvalid) {
                return List.of();
            }
            return List.of();
        }
        String headerLine = head.lines().findFirst().orElse("");
        try (var csv = org.apache.commons.csv.CSVFormat.RFC4180.parse(new java.io.StringReader(headerLine))) {
            return csv.getRecords().stream()
                    .findFirst()
                    .map(r -> r.toList().stream().map(String::strip).toList())
                    .orElse(List.of());
        }
    }

    private static void collectKeys(String prefix, tools.jackson.databind.JsonNode node, List<String> keys) {
        for (var field : node.properties()) {
            String key = prefix + field.getKey();
            if (field.getValue().isObject()) {
                collectKeys(key + ".", field.getValue(), keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    private static String head(InputStream content) throws IOException {
        String text = new String(content.readNBytes(SAMPLE_BYTES), StandardCharsets.UTF_8);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Ends {@link ImportSource#forEachFile} once the first file has been sampled. */
    private static final class SampleTaken extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        SampleTaken() {
            super(null, null, false, false);
        }
    }
}
