package dev.distillery.shared.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseServerUnitTest {

    @Test
    void aJdbcUrlIsUsedAsGivenWithTheSeparateCredentials() {
        var server = DatabaseServer.fromUrl("jdbc:postgresql://db:5432/distillery", "owner", "secret");
        assertThat(server).isEqualTo(new DatabaseServer("jdbc:postgresql://db:5432/distillery", "owner", "secret"));
    }

    @Test
    void aPostgresUrlCarriesItsOwnCredentials() {
        var server =
                DatabaseServer.fromUrl("postgres://ada:p%40ss@db.example.com/distillery?sslmode=require", "x", "y");
        assertThat(server.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5432/distillery?sslmode=require");
        assertThat(server.ownerUser()).isEqualTo("ada");
        assertThat(server.ownerPassword()).isEqualTo("p@ss");
    }

    @Test
    void anUnknownSchemeIsRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> DatabaseServer.fromUrl("mysql://root:hunter2@db/x", "", ""))
                .hasMessageContaining("jdbc:postgresql://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aFailedEmbeddedStartTellsTheUserWhatToDo() {
        var failure = new EmbeddedDatabaseUnavailableException("initdb: cannot be run as root", new RuntimeException());
        var analysis = new DatabaseFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).contains("cannot be run as root");
        assertThat(analysis.getAction())
                .contains("DATABASE_URL")
                .contains("non-root")
                .contains("docker compose up");
    }
}
