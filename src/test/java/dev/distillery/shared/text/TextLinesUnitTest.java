package dev.distillery.shared.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextLinesUnitTest {

    @Test
    void nonBlankLinesComeNumberedAndBadOnesWithTheirProblem() throws IOException {
        byte[] text = "\uFEFFfirst\r\n\n  \nthird is long\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(read(text, 10)).containsExactly("1:first", "4!longer than the limit of 10 characters");
    }

    @Test
    void aLineOfBytesThatAreNotUtf8IsReportedAndTheNextOnesStillRead() throws IOException {
        byte[] text = {'a', '\n', (byte) 0xff, 'b', '\n', 'c'};
        assertThat(read(text, 100)).containsExactly("1:a", "2!not valid UTF-8 text (save the file as UTF-8)", "3:c");
    }

    @Test
    void aLastLineOfNothingButBadBytesIsReportedToo() throws IOException {
        assertThat(read(new byte[] {(byte) 0xff, (byte) 0xfe, 0x41}, 100))
                .containsExactly("1!not valid UTF-8 text (save the file as UTF-8)");
        assertThat(read(new byte[] {'a', '\n', (byte) 0xff}, 100))
                .containsExactly("1:a", "2!not valid UTF-8 text (save the file as UTF-8)");
    }

    private static List<String> read(byte[] bytes, int maxLength) throws IOException {
        TextLines lines = new TextLines(new ByteArrayInputStream(bytes), maxLength);
        List<String> out = new ArrayList<>();
        for (TextLines.Line line = lines.next(); line != null; line = lines.next()) {
            out.add(line.problem() == null ? line.number() + ":" + line.text() : line.number() + "!" + line.problem());
        }
        return out;
    }
}
