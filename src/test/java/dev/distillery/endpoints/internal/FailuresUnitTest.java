package dev.distillery.endpoints.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.endpoints.ModelCallException.Kind;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class FailuresUnitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aBodyCutShortIsTruncatedAndAskedAgainEvenWhenAClientLibraryWrapsIt() {
        RuntimeException cut = parseFailure("{\"choices\":[{\"message\":{\"content\":\"The answ");
        assertThat(Failures.classify(cut).kind()).isEqualTo(Kind.TRUNCATED_RESPONSE);
        var wrapped = new com.openai.errors.OpenAIInvalidDataException("Error reading response", cut);
        assertThat(Failures.classify(wrapped).kind()).isEqualTo(Kind.TRUNCATED_RESPONSE);
        assertThat(Kind.TRUNCATED_RESPONSE.isTransient()).isTrue();
    }

    @Test
    void aCompleteBodyThatIsNotJsonIsMalformedAndNotAskedAgain() {
        RuntimeException broken = parseFailure("{\"choices\":[{\"index\":0, oops}]}");
        assertThat(Failures.classify(broken).kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(Failures.classify(new com.openai.errors.OpenAIInvalidDataException("bad", broken))
                        .kind())
                .isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(Kind.MALFORMED_RESPONSE.isTransient()).isFalse();
    }

    @Test
    void aConnectionResetOrAStreamEndingEarlyIsALostConnection() {
        assertThat(Failures.classify(new RuntimeException(new SocketException("Connection reset")))
                        .kind())
                .isEqualTo(Kind.CONNECTION_LOST);
        assertThat(Failures.classify(
                                new RuntimeException(new IOException("unexpected end of stream on http://sim/...")))
                        .kind())
                .isEqualTo(Kind.CONNECTION_LOST);
        assertThat(Kind.CONNECTION_LOST.isTransient()).isTrue();
    }

    private static RuntimeException parseFailure(String body) {
        try {
            JSON.readTree(body);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("parsed: " + body);
    }
}
