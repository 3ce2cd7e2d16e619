package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.shared.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TraceCursorUnitTest {

    @Test
    void aCursorComesBackAsItWasGivenWhateverItsKeyHolds() {
        for (TraceCursor cursor : new TraceCursor[] {
            new TraceCursor("tokens", true, "130", 57),
            new TraceCursor("reviewer", false, "API key \"ci: nightly\"", 40),
            new TraceCursor("reviewer", true, "", 3),
            new TraceCursor("reviewer", false, null, 12)
        }) {
            assertThat(TraceCursor.decode(cursor.encode(), cursor.sort(), cursor.descending()))
                    .isEqualTo(cursor);
        }
    }

    @Test
    void aCursorGivenBeforeKeysCouldBeTextIsStillRead() {
        String given = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("verdict:asc:1:812".getBytes(StandardCharsets.UTF_8));
        assertThat(TraceCursor.decode(given, "verdict", false)).isEqualTo(new TraceCursor("verdict", false, "1", 812));
    }

    @Test
    void aCursorOfAnotherOrderOrNoCursorIsRefusedNamingAfter() {
        String byReviewer = new TraceCursor("reviewer", false, "ada@example.com", 4).encode();
        for (String after : new String[] {byReviewer, "not-a-cursor", "eA"}) {
            assertThatThrownBy(() -> TraceCursor.decode(after, "item", false))
                    .isInstanceOfSatisfying(
                            InvalidInputException.class,
                            e -> assertThat(e.errors().getFirst().field()).isEqualTo("after"));
        }
        assertThatThrownBy(() -> TraceCursor.decode(byReviewer, "reviewer", true))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new TraceCursor("tokens", false, null, 5).numericKey())
                .isInstanceOf(InvalidInputException.class);
    }
}
