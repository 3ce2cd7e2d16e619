package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestDatabase;
import dev.distillery.methods.ModelRole;
import dev.distillery.tenancy.Role;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/** The run engine's storage paths that skip the usual service transaction: the one-trip cache look-up and the writer. */
class RunStorageIntegrationTest extends ApiIntegrationTest {

    @Autowired
    RunCalls calls;

    @Autowired
    RunWriter writer;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theOneTripCacheLookUpSeesOnlyItsWorkspaceAndLeavesNoSettingOnTheConnection() throws Exception {
        UUID a = tenants.tenant("cache-a", Role.MEMBER).workspaceId();
        UUID b = tenants.tenant("cache-b", Role.MEMBER).workspaceId();
        try (Connection owner = TestDatabase.ownerConnection();
                var st = owner.prepareStatement("""
                INSERT INTO response_cache (workspace_id, cache_key, outputs, finish_reason, prompt_tokens, completion_tokens,
                    created_at) VALUES (?, ?, '["an answer"]', 'stop', 3, 2, now())""")) {
            st.setObject(1, a);
            st.setString(2, "key-of-a");
            st.executeUpdate();
            st.setObject(1, b);
            st.setString(2, "key-of-b");
            st.executeUpdate();
        }

        assertThat(calls.cachedNow(a, "key-of-a")).hasValueSatisfying(hit -> {
            assertThat(hit.outputs()).containsExactly("an answer");
            assertThat(hit.promptTokens()).isEqualTo(3);
        });
        assertThat(calls.cachedNow(a, "key-of-b"))
                .as("another workspace's response")
                .isEmpty();
        assertThat(calls.cachedNow(b, "key-of-missing")).isEmpty();
        // Every pooled connection, used outside a transaction, is back to seeing no tenant rows.
        for (int i = 0; i < 30; i++) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM response_cache", Integer.class))
                    .isZero();
        }
    }

    @Test
    void aFailedWriteIsReportedAloneAndAResultWithoutItsLeaseIsNotCounted() {
        UUID ws = tenants.tenant("writer", Role.MEMBER).workspaceId();
        var call = new RunCalls.StoredCall(
                "teacher",
                ModelRole.TEACHER,
                UUID.randomUUID(),
                "prompt",
                List.of("output"),
                "stop",
                1,
                1,
                BigDecimal.ZERO,
                5,
                1,
                false);
        var orphanCall =
                writer.call(ws, new RunCalls.CallRecord(UUID.randomUUID(), "item-1", call, "k1", Instant.now()));
        var unleased = writer.result(
                ws,
                new RunItems.ItemResult(
                        UUID.randomUUID(),
                        "item-2",
                        "someone",
                        true,
                        "[]",
                        null,
                        null,
                        1,
                        1,
                        BigDecimal.ZERO,
                        Instant.now(),
                        "2",
                        true));
        writer.flush();

        assertThatThrownBy(orphanCall::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(DataIntegrityViolationException.class);
        assertThat(unleased.join())
                .as("no item under this lease: nothing counted")
                .isFalse();
    }
}
