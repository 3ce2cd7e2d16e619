package dev.distillery.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.ApiIntegrationTest;
import dev.distillery.TestDatabase;
import dev.distillery.TestHttp;
import dev.distillery.shared.ConflictException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Credentials end with membership: a member's keys and invitations follow their role and go when they go. */
class MemberCredentialsIntegrationTest extends ApiIntegrationTest {

    @Autowired
    InvitationService invitations;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    AccountService accounts;

    @Test
    void loweringARoleCapsTheMembersKeysAndRemovingThemRevokesEverythingAtOnce() {
        var http = new TestHttp(port);
        var owner = tenants.tenant("cred-owner", Role.ADMIN);
        String member = tenants.signUp("cred-admin");
        var invite = tenants.as(owner.email(), () -> invitations.create(Role.ADMIN));
        tenants.as(member, () -> invitations.accept(invite.token()));
        String memberKey =
                tenants.as(member, () -> apiKeys.create("admin-ci", Role.ADMIN)).secret();
        UUID memberId = ((AccountPrincipal) accounts.loadUserByUsername(member)).id();

        // A key mints a key for its creator, never above its own role.
        var minted = http.call("POST", "/api/v1/api-keys", memberKey, "{\"name\":\"minted\",\"role\":\"ADMIN\"}");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        String mintedKey = json.readTree(minted.body()).get("secret").asString();
        String memberRoleKey = tenants.as(member, () -> apiKeys.create("member-ci", Role.MEMBER))
                .secret();
        assertThat(http.call("POST", "/api/v1/api-keys", memberRoleKey, "{\"name\":\"up\",\"role\":\"ADMIN\"}")
                        .statusCode())
                .isEqualTo(403);
        var memberInvite = http.call("POST", "/api/v1/invitations", mintedKey, "{\"role\":\"MEMBER\"}");
        assertThat(memberInvite.statusCode()).isEqualTo(201);
        String inviteToken =
                json.readTree(memberInvite.body()).get("link").asString().replaceAll(".*/", "");

        var lowered = http.call("PATCH", "/api/v1/members/" + memberId, owner.apiKey(), "{\"role\":\"REVIEWER\"}");
        assertThat(lowered.statusCode()).as(lowered.body()).isEqualTo(200);
        JsonNode keys = json.readTree(
                http.call("GET", "/api/v1/api-keys", owner.apiKey(), null).body());
        for (JsonNode key : keys) {
            if (key.get("createdBy").asString().equals(member) && !key.hasNonNull("revokedAt")) {
                assertThat(key.get("role").asString())
                        .as(key.get("name").asString())
                        .isEqualTo("REVIEWER");
            }
        }
        assertThat(http.call("GET", "/api/v1/api-keys", mintedKey, null).statusCode())
                .as("a reviewer's key")
                .isEqualTo(403);
        assertThat(http.call("GET", "/api/v1/workspace", mintedKey, null).statusCode())
                .isEqualTo(200);
        String newcomer = tenants.signUp("too-late");
        assertThatThrownBy(() -> tenants.as(newcomer, () -> invitations.accept(inviteToken)))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("revoked");

        assertThat(http.call("DELETE", "/api/v1/members/" + memberId, owner.apiKey(), null)
                        .statusCode())
                .isEqualTo(204);
        for (String key : new String[] {memberKey, mintedKey, memberRoleKey}) {
            assertThat(http.call("GET", "/api/v1/workspace", key, null).statusCode())
                    .isEqualTo(401);
        }
        String audit =
                http.call("GET", "/api/v1/audit?size=100", owner.apiKey(), null).body();
        assertThat(audit)
                .contains(
                        "api-key.capped",
                        "ADMIN -> REVIEWER",
                        "invitation.revoked",
                        "api-key.revoked",
                        "its creator " + member + " left the workspace");
    }

    @Test
    void aKeyWhoseCreatorIsNoLongerAMemberIsRefusedEvenIfItWasNotRevoked() throws Exception {
        var http = new TestHttp(port);
        var owner = tenants.tenant("orphan-owner", Role.ADMIN);
        String key = tenants.member(owner.email(), Role.ADMIN, Role.MEMBER);
        assertThat(http.call("GET", "/api/v1/workspace", key, null).statusCode())
                .isEqualTo(200);
        try (var db = TestDatabase.ownerConnection()) {
            // As if a change had bypassed the service: the membership goes, the key stays unrevoked.
            db.createStatement()
                    .execute("DELETE FROM memberships WHERE workspace_id = '" + owner.workspaceId()
                            + "' AND role = 'ADMIN'");
        }
        var refused = http.call("GET", "/api/v1/workspace", key, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("no longer a member");
    }
}
