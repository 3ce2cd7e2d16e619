package dev.distillery.shared.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The non-blank lines of a UTF-8 text file, numbered from 1, for every line-based format (JSON Lines, CSV). A line
 * that is not UTF-8 or is longer than the limit comes back as a {@link Line} with a problem instead of text; an
 * over-long line is skipped as it streams past, so memory stays bounded by the limit.
 */
public final class TextLines {

    /** The longest line read unless a caller says otherwise, in characters. */
    public static final int DEFAULT_MAX_LENGTH = 1_000_000;

    /**
     * A line's number and either its text (without the line break) or why it cannot be used, said of the line
     * ("not valid UTF-8 text …", "longer than the limit of … characters").
     */
    public record Line(int number, String text, @Nullable String problem) {}

    private final StrictUtf8Reader reader;
    private final int maxLength;
    private final ArrayDeque<Integer> malformedLines = new ArrayDeque<>();
    private final char[] buffer = new char[8192];
    private int bufferPosition;
    private int bufferLimit;
    private int lineNumber;
    private boolean endOfInput;

    public TextLines(InputStream in, int maxLength) {
        this.reader = new StrictUtf8Reader(in, malformedLines::add);
        this.maxLength = maxLength;
    }

    /** The next non-blank line, or null at the end of the file. */
    public @Nullable Line next() throws IOException {
        while (!endOfInput || bufferPosition < bufferLimit) {
            Line line = readLine();
            if (line != null) {
                return line;
            }
        }
        return null;
    }

    /** Reads one physical line; null when it is blank or the input has ended. */
    private @Nullable Line readLine() throws IOException {
        StringBuilder text = new StringBuilder();
        boolean tooLong = false;
        boolean sawAnything = false;
        while (true) {
            if (bufferPosition == bufferLimit && !refill()) {
                if (!sawAnything) {
                    // A last line of nothing but bad bytes leaves no characters behind, only its number.
                    if (!malformedLines.isEmpty() && malformedLines.peekLast() > lineNumber) {
                        lineNumber = malformedLines.peekLast();
                        malformedLines.clear();
                        return problem("not valid UTF-8 text (save the file as UTF-8)");
                    }
                    return null;
                }
                break;
            }
            sawAnything = true;
            char c = buffer[bufferPosition++];
            if (c == '\n') {
                break;
            }
            if (!tooLong) {
                text.append(c);
                // One more than the limit is allowed so that a '\r' before '\n' does not count.
                if (text.length() > maxLength + 1) {
                    tooLong = true;
                    text.setLength(0);
                }
            }
        }
        lineNumber++;
        if (text.length() > 0 && text.charAt(text.length() - 1) == '\r') {
            text.setLength(text.length() - 1);
        }
        if (wasMalformed(lineNumber)) {
            return problem("not valid UTF-8 text (save the file as UTF-8)");
        }
        if (tooLong || text.length() > maxLength) {
            return problem("longer than the limit of " + String.format(Locale.ROOT, "%,d", maxLength) + " characters");
        }
        String value = text.toString();
        return value.isBlank() ? null : new Line(lineNumber, value, null);
    }

    private boolean wasMalformed(int line) {
        while (!malformedLines.isEmpty() && malformedLines.peekFirst() < line) {
            malformedLines.removeFirst();
        }
        if (!malformedLines.isEmpty() && malformedLines.peekFirst() == line) {
            malformedLines.removeFirst();
            return true;
        }
        return false;
    }

    private Line problem(String message) {
        return new Line(lineNumber, "", message);
    }

    private boolean refill() throws IOException {
        if (endOfInput) {
            return false;
        }
        int n = reader.read(buffer, 0, buffer.length);
        if (n < 0) {
            endOfInput = true;
            return false;
        }
        bufferPosition = 0;
        bufferLimit = n;
        return true;
    }
}
