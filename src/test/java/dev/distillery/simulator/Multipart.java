package dev.distillery.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small multipart/form-data reader: enough for {@code POST /v1/files}, which sends a few fields and one file. */
final class Multipart {

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

    /** One part; {@code filename} is null for plain fields. */
    record Part(String name, String filename, byte[] content) {
        String text() {
            return new String(content, UTF_8);
        }
    }

    private Multipart() {}

    /** The parts by name, or an {@link ApiError} when the body is not multipart/form-data. */
    static Map<String, Part> parse(String contentType, byte[] body) {
        Matcher boundary = BOUNDARY.matcher(contentType == null ? "" : contentType);
        if (contentType == null || !contentType.startsWith("multipart/form-data") || !boundary.find()) {
            throw ApiError.badRequest("Expected a multipart/form-data body.");
        }
        byte[] delimiter = ("--" + boundary.group(1)).getBytes(UTF_8);
        Map<String, Part> parts = new LinkedHashMap<>();
        int start = indexOf(body, delimiter, 0);
        while (start >= 0) {
            int headersStart = start + delimiter.length;
            if (headersStart + 1 < body.length && body[headersStart] == '-' && body[headersStart + 1] == '-') {
                break; // the closing delimiter
            }
            headersStart += 2; // CRLF after the delimiter
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(UTF_8), headersStart);
            int next = indexOf(body, delimiter, headersStart);
            if (headersEnd < 0 || next < 0) {
                throw ApiError.badRequest("The multipart body is truncated.");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, UTF_8);
            Matcher name = NAME.matcher(headers);
            Matcher filename = FILENAME.matcher(headers);
            // The content ends before the CRLF that precedes the next delimiter.
            byte[] content = Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, next - 2));
            if (name.find()) {
                parts.put(name.group(1), new Part(name.group(1), filename.find() ? filename.group(1) : null, content));
            }
            start = next;
        }
        return parts;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
