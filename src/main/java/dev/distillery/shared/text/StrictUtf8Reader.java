package dev.distillery.shared.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 strictly and streams it, dropping a leading byte order mark. An InputStreamReader would either
 * replace bad bytes silently or fail for good; this reader tells its listener which line holds them, skips the rest
 * of that line's bytes and goes on, so one bad line does not hide the rest of the file.
 */
public final class StrictUtf8Reader extends Reader {

    /** Told about each line holding bytes that are not UTF-8; may throw to abandon the read. */
    @FunctionalInterface
    public interface MalformedLineListener {
        void malformed(int line) throws IOException;
    }

    private static final int BUFFER_BYTES = 8192;

    private final InputStream in;
    private final MalformedLineListener listener;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER_BYTES).flip();
    private boolean endOfInput;
    private boolean flushed;
    private boolean skippingBadLine;
    private boolean atStart = true;
    private int line = 1;

    public StrictUtf8Reader(InputStream in, MalformedLineListener listener) {
        this.in = in;
        this.listener = listener;
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        CharBuffer out = CharBuffer.wrap(target, offset, length);
        while (out.position() == offset) {
            if (flushed) {
                return -1;
            }
            if (skippingBadLine && !skipToEndOfLine()) {
                continue;
            }
            int before = out.position();
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            countLines(target, before, out.position());
            if (result.isError()) {
                listener.malformed(line);
                bytes.position(bytes.position() + result.length());
                skippingBadLine = true;
            } else if (result.isUnderflow()) {
                if (endOfInput) {
                    decoder.flush(out);
                    flushed = true;
                } else {
                    fill();
                }
            }
            dropByteOrderMark(target, offset, out);
        }
        return out.position() - offset;
    }

    /** Skips bytes up to (not including) the next newline; false when more input is needed first. */
    private boolean skipToEndOfLine() throws IOException {
        while (bytes.hasRemaining()) {
            if (bytes.get(bytes.position()) == '\n') {
                skippingBadLine = false;
                decoder.reset();
                return true;
            }
            bytes.get();
        }
        if (endOfInput) {
            skippingBadLine = false;
            decoder.reset();
            return true;
        }
        fill();
        return false;
    }

    private void fill() throws IOException {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            endOfInput = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    private void countLines(char[] chars, int from, int to) {
        for (int i = from; i < to; i++) {
            if (chars[i] == '\n') {
                line++;
            }
        }
    }

    private void dropByteOrderMark(char[] target, int offset, CharBuffer out) {
        if (atStart && out.position() > offset) {
            atStart = false;
            if (target[offset] == '\uFEFF') {
                System.arraycopy(target, offset + 1, target, offset, out.position() - offset - 1);
                out.position(out.position() - 1);
            }
        }
    }

    /** Leaves the stream open: it belongs to the {@link ImportSource} that handed it out. */
    @Override
    public void close() {
        flushed = true;
    }
}
