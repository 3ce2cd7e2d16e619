package dev.distillery.shared.text;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The text of {@link TextLines} for a CSV parser, with the original line numbering: a skipped blank or bad line still
 * counts as a line break, so the parser's line numbers are the file's. Bad lines are held back until the caller has
 * handled the rows before them ({@link #problemsBefore}), so problems come out in file order.
 */
public final class CsvText extends Reader {

    private final TextLines lines;
    private final ArrayDeque<TextLines.Line> problems = new ArrayDeque<>();
    private String current = "";
    private int offset;
    private int owedBreaks;
    private int lastLine;
    private boolean ended;

    public CsvText(TextLines lines) {
        this.lines = lines;
    }

    /** Hands over the bad lines before {@code line} (each with its number and problem). */
    public void problemsBefore(int line, Consumer<TextLines.Line> to) {
        while (!problems.isEmpty() && problems.peekFirst().number() < line) {
            to.accept(problems.removeFirst());
        }
    }

    @Override
    public int read(char[] target, int off, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int written = 0;
        while (written < length) {
            if (owedBreaks > 0) {
                target[off + written++] = '\n';
                owedBreaks--;
            } else if (offset < current.length()) {
                int n = Math.min(length - written, current.length() - offset);
                current.getChars(offset, offset + n, target, off + written);
                offset += n;
                written += n;
            } else if (!advance()) {
                break;
            }
        }
        return written == 0 ? -1 : written;
    }

    /** Moves to the next line; false at the end. */
    private boolean advance() throws IOException {
        if (ended) {
            return false;
        }
        TextLines.Line line = lines.next();
        if (line == null) {
            ended = true;
            return false;
        }
        owedBreaks = line.number() - lastLine - 1;
        lastLine = line.number();
        offset = 0;
        if (line.problem() != null) {
            problems.add(line);
            current = "\n";
        } else {
            current = line.text() + "\n";
        }
        return true;
    }

    @Override
    public void close() {
        ended = true;
    }
}
