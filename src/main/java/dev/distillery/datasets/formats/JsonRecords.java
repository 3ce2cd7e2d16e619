package dev.distillery.datasets.formats;

import dev.distillery.datasets.formats.ImportRun.ItemReader;
import dev.distillery.shared.text.StrictUtf8Reader;
import dev.distillery.shared.text.TextLines;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON layouts datasets come in: JSON Lines, one JSON array of objects, or one object per file. Each
 * record goes to {@link ImportRun#read}; each unreadable record becomes a problem. JSON Lines recover after a bad
 * line; an array or a file cannot be re-synchronised after a syntax error, so reading that file stops there.
 */
final class JsonRecords {

    /** Floats stay as written ("51.0", "0.1"), not as binary doubles. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** Reads one value from a parser that is positioned inside a larger document. */
    private static final ObjectReader ELEMENT_READER =
            MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final int MAX_MESSAGE_LENGTH = 200;

    /** Jackson appends where an unclosed value started: "(start marker at [Source: ...])". */
    private static final Pattern SOURCE_EXCERPT = Pattern.compile("\\s*\\(?(start marker )?at \\[Source:.*$");

    private JsonRecords() {}

    /** JSON Lines: one object on each non-blank line. */
    static void lines(String path, InputStream in, ImportRun run, ItemReader reader) throws IOException {
        TextLines lines = new TextLines(in, run.options().maxLineLength());
        for (TextLines.Line line = lines.next(); line != null && !run.stopped(); line = lines.next()) {
            int position = run.nextPosition();
            String unreadable = line.problem();
            if (unreadable != null) {
                run.problem(line.number(), "(file)", "line " + line.number() + " is " + unreadable);
                continue;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(line.text());
            } catch (JacksonException e) {
                run.problem(line.number(), "(json)", shortMessage(e));
                continue;
            }
            if (!node.isObject()) {
                run.problem(line.number(), "(json)", "expected a JSON object, found " + kind(node));
                continue;
            }
            run.read(
                    new JsonRecord(node, path, line.number(), line.number(), path + ":" + line.number(), position),
                    reader);
        }
    }

    /**
     * One JSON array of objects, streamed one element at a time. Physical lines are not limited (an array is often
     * written on a single line); instead each element may be at most {@link FormatOptions#maxLineLength()} characters.
     */
    static void array(String path, InputStream in, ImportRun run, ItemReader reader) throws IOException {
        RecordLimit limit = new RecordLimit(in, run.options().maxLineLength());
        int index = 0;
        try (JsonParser parser = MAPPER.createParser(limit)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return;
            }
            if (token != JsonToken.START_ARRAY) {
                run.problem(1, "(json)", "expected a JSON array of objects (a file starting with '[')");
                return;
            }
            while (!run.stopped()) {
                token = parser.nextToken();
                if (token == null || token == JsonToken.END_ARRAY) {
                    break;
                }
                index++;
                int line = parser.currentTokenLocation().getLineNr();
                int position = run.nextPosition();
                if (token != JsonToken.START_OBJECT) {
                    run.problem(line, "(json)", "element " + index + " of the array is not an object");
                    parser.skipChildren();
                    continue;
                }
                limit.startRecord(line);
                JsonNode node = ELEMENT_READER.readTree(parser);
                limit.endRecord();
                run.read(new JsonRecord(node, path, line, index, path + ":" + line, position), reader);
            }
        } catch (JacksonException e) {
            run.problem(unreadable(e, limit, 0, ""));
        }
    }

    /** A file holding exactly one JSON object (MATH's per-problem files); problems are reported at its file index. */
    static void single(String path, int fileIndex, InputStream in, ImportRun run, ItemReader reader)
            throws IOException {
        RecordLimit limit = new RecordLimit(in, run.options().maxLineLength());
        int position = run.nextPosition();
        try (JsonParser parser = MAPPER.createParser(limit)) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                run.problem(fileIndex, "(json)", path + " does not hold a JSON object");
                return;
            }
            limit.startRecord(1);
            JsonNode node = ELEMENT_READER.readTree(parser);
            limit.endRecord();
            if (parser.nextToken() != null) {
                run.problem(
                        fileIndex, "(json)", path + " holds more than one JSON value (use .jsonl for one per line)");
                return;
            }
            run.read(new JsonRecord(node, path, fileIndex, fileIndex, path, position), reader);
        } catch (JacksonException e) {
            run.problem(unreadable(e, limit, fileIndex, " in " + path));
        }
    }

    /** The first object of a file's start (a JSON Lines line, an array's first element, a whole small file). */
    static Optional<JsonNode> firstObject(String head) {
        try (JsonParser parser = MAPPER.createParser(head)) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_ARRAY) {
                token = parser.nextToken();
            }
            return token == JsonToken.START_OBJECT ? Optional.of(ELEMENT_READER.readTree(parser)) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /**
     * Why a streamed JSON file could not be read further.
     *
     * @param fileIndex line to report at, or 0 to report at the line where reading failed
     */
    private static ImportProblem unreadable(JacksonException e, RecordLimit limit, int fileIndex, String where) {
        if (e.getCause() instanceof MalformedText bad) {
            return new ImportProblem(
                    fileIndex > 0 ? fileIndex : bad.line,
                    "(file)",
                    "line " + bad.line + where + " is not valid UTF-8 text (save the file as UTF-8)");
        }
        if (e.getCause() instanceof RecordTooLong) {
            return new ImportProblem(
                    fileIndex > 0 ? fileIndex : limit.recordLine,
                    "(file)",
                    "the record starting on line " + limit.recordLine + where + " is longer than the limit of "
                            + String.format(Locale.ROOT, "%,d", limit.maxChars) + " characters");
        }
        TokenStreamLocation location = e.getLocation();
        int line = location != null && location.getLineNr() > 0 ? location.getLineNr() : 1;
        String at = fileIndex > 0 ? " (line " + line + where + ")" : "";
        return new ImportProblem(fileIndex > 0 ? fileIndex : line, "(json)", shortMessage(e) + at);
    }

    /** Jackson's message without its source excerpt and location, which the problem already gives. */
    static String shortMessage(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null || message.isBlank()) {
            return "not valid JSON";
        }
        message = SOURCE_EXCERPT
                .matcher(message.lines().findFirst().orElse(message))
                .replaceFirst("")
                .strip();
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * Strict UTF-8 for Jackson, with a cap on one record's size so a huge element is refused while it streams
     * rather than built in memory. The parser only asks for more text once it has used up what it has, so counting
     * what is handed out after a record starts never overstates the record's length.
     */
    private static final class RecordLimit extends FilterReader {

        private final long maxChars;
        private long charsRead;
        private long recordStart;
        private int recordLine;
        private boolean inRecord;

        RecordLimit(InputStream in, long maxChars) {
            super(new StrictUtf8Reader(in, line -> {
                throw new MalformedText(line);
            }));
            this.maxChars = maxChars;
        }

        void startRecord(int line) {
            recordStart = charsRead;
            recordLine = line;
            inRecord = true;
        }

        void endRecord() {
            inRecord = false;
        }

        @Override
        public int read(char[] target, int offset, int length) throws IOException {
            if (inRecord && charsRead - recordStart > maxChars) {
                throw new RecordTooLong();
            }
            int n = super.read(target, offset, length);
            if (n > 0) {
                charsRead += n;
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            char[] one = new char[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }
    }

    private static final class MalformedText extends IOException {

        @Serial
        private static final long serialVersionUID = 1L;

        private final int line;

        MalformedText(int line) {
            super("line " + line + " is not valid UTF-8", null);
            this.line = line;
        }
    }

    private static final class RecordTooLong extends IOException {

        @Serial
        private static final long serialVersionUID = 1L;

        RecordTooLong() {
            super("record too long");
        }
    }
}
