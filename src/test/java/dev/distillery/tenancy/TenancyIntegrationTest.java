package dev.distillery.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.TestDatabase;
import dev.distillery.TestTenants;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.test.context.ActiveProfiles;

// The shared web context (see ApiIntegrationTest); its bootstrap administrator is set in application-test.properties.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class TenancyIntegrationTest {

    static final String BOOTSTRAP_KEY = "dk_test_bootstrap_key_0123456789abcdef";

    @LocalServerPort
    int port;

    @Autowired
    TestTenants fixtures;

    @Autowired
    AccountService accounts;

    @Autowired
    WorkspaceService workspaces;

    @Autowired
    InvitationService invitations;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    AdminBootstrap bootstrap;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void signUpRefusesWeakPasswordsBadEmailsAndDuplicatesAndStoresNothing() throws SQLException {
        long before = count("SELECT count(*) FROM app_users");
        assertThatThrownBy(() -> accounts.signUp("weak@example.com", "Weak", "password123"))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo("password"));
        assertThatThrownBy(() -> accounts.signUp("short@example.com", "Short", "abc"))
                .hasMessageContaining("at least 10 characters");
        assertThatThrownBy(() -> accounts.signUp("not-an-email", "X", TestTenants.PASSWORD))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo("email"));
        String email = fixtures.signUp("dup");
        assertThatThrownBy(() -> accounts.signUp(email.toUpperCase(), "Dup", TestTenants.PASSWORD))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already exists");
        assertThat(count("SELECT count(*) FROM app_users")).isEqualTo(before + 1);
        assertThat(count("SELECT count(*) FROM app_users WHERE password_hash LIKE '{bcrypt}%'"))
                .isEqualTo(count("SELECT count(*) FROM app_users"));
    }

    @Test
    void signUpCreatesAnOwnedWorkspaceAndMoreCanBeCreatedAndSwitched() {
        String email = fixtures.signUp("ada");
        List<WorkspaceSummary> first = fixtures.as(email, () -> workspaces.mine());
        assertThat(first).singleElement().satisfies(w -> assertThat(w.role()).isEqualTo(Role.OWNER));
        WorkspaceSummary second = fixtures.as(email, () -> workspaces.create("Lab two"));
        assertThat(second.name()).isEqualTo("Lab two");
        assertThat(fixtures.as(email, () -> workspaces.current().id())).isEqualTo(second.id());
        fixtures.as(email, () -> workspaces.switchTo(first.getFirst().id()));
        assertThat(fixtures.as(email, () -> workspaces.current().id()))
                .isEqualTo(first.getFirst().id());
        String stranger = fixtures.signUp("stranger");
        assertThatThrownBy(() -> fixtures.as(stranger, () -> workspaces.switchTo(second.id())))
                .isInstanceOf(dev.distillery.shared.NotFoundException.class);
    }

    @Test
    void invitationLinksWorkOnceAndNotWhenExpiredOrRevoked() throws SQLException {
        String owner = fixtures.signUp("owner");
        String guest = fixtures.signUp("guest");
        CreatedInvitation invite = fixtures.as(owner, () -> invitations.create(Role.REVIEWER));
        assertThat(fixtures.as(guest, () -> invitations.preview(invite.token())).state())
                .isEqualTo(InvitationSummary.State.PENDING);
        WorkspaceSummary joined = fixtures.as(guest, () -> invitations.accept(invite.token()));
        assertThat(joined.role()).isEqualTo(Role.REVIEWER);
        assertThat(fixtures.as(owner, () -> workspaces.members()))
                .extracting(MemberSummary::email)
                .contains(guest);

        String late = fixtures.signUp("late");
        assertThatThrownBy(() -> fixtures.as(late, () -> invitations.accept(invite.token())))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already been used");

        CreatedInvitation expiring = fixtures.as(owner, () -> invitations.create(Role.MEMBER));
        execute("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = '" + expiring.id() + "'");
        assertThatThrownBy(() -> fixtures.as(late, () -> invitations.accept(expiring.token())))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("expired");

        CreatedInvitation revoked = fixtures.as(owner, () -> invitations.create(Role.MEMBER));
        fixtures.as(owner, () -> invitations.revoke(revoked.id()));
        assertThatThrownBy(() -> fixtures.as(late, () -> invitations.accept(revoked.token())))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("revoked");
        assertThatThrownBy(() -> fixtures.as(late, () -> invitations.accept("not-a-token")))
                .isInstanceOf(dev.distillery.shared.NotFoundException.class);
        assertThat(fixtures.as(late, () -> workspaces.mine())).hasSize(1);
    }

    @Test
    void rolesAreCheckedInTheServices() {
        String owner = fixtures.signUp("boss");
        String viewer = fixtures.signUp("viewer");
        String admin = fixtures.signUp("admin");
        CreatedInvitation asViewer = fixtures.as(owner, () -> invitations.create(Role.VIEWER));
        CreatedInvitation asAdmin = fixtures.as(owner, () -> invitations.create(Role.ADMIN));
        fixtures.as(viewer, () -> invitations.accept(asViewer.token()));
        fixtures.as(admin, () -> invitations.accept(asAdmin.token()));

        assertThatThrownBy(() -> fixtures.as(viewer, () -> invitations.create(Role.VIEWER)))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("Viewer");
        assertThatThrownBy(() -> fixtures.as(viewer, () -> apiKeys.create("mine", Role.VIEWER)))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> fixtures.as(viewer, () -> workspaces.rename("Hijacked")))
                .isInstanceOf(AccessDeniedException.class);
        UUID ownerId =
                fixtures.as(owner, () -> accounts.currentUser().orElseThrow().id());
        assertThatThrownBy(() -> fixtures.as(admin, () -> workspaces.changeRole(ownerId, Role.VIEWER)))
                .isInstanceOf(AccessDeniedException.class);
        UUID viewerId =
                fixtures.as(viewer, () -> accounts.currentUser().orElseThrow().id());
        assertThatThrownBy(() -> fixtures.as(admin, () -> workspaces.changeRole(viewerId, Role.OWNER)))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(fixtures.as(admin, () -> workspaces.changeRole(viewerId, Role.MEMBER))
                        .role())
                .isEqualTo(Role.MEMBER);
        assertThatThrownBy(() -> fixtures.as(owner, () -> workspaces.changeRole(ownerId, Role.ADMIN)))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("at least one owner");
        fixtures.as(owner, () -> workspaces.removeMember(viewerId));
        assertThat(fixtures.as(owner, () -> workspaces.members()))
                .extracting(MemberSummary::email)
                .doesNotContain(viewer);
        List<String> actions = fixtures.as(
                owner,
                () -> auditLog.list(0, 100).stream().map(AuditEntry::action).toList());
        assertThat(actions).contains("member.role-changed", "member.removed", "member.joined", "invitation.created");
    }

    @Test
    void oneAddressCreatesAFewAccountsAnHourAndNotMore() throws SQLException {
        String address = "203.0.113." + (1 + new java.util.Random().nextInt(250));
        for (int i = 0; i < 5; i++) {
            accounts.signUp(fixtures.newEmail("script"), "Script", TestTenants.PASSWORD, address);
        }
        long before = count("SELECT count(*) FROM app_users");
        assertThatThrownBy(() -> accounts.signUp(fixtures.newEmail("script"), "Script", TestTenants.PASSWORD, address))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("Too many accounts");
        assertThat(count("SELECT count(*) FROM app_users")).isEqualTo(before);
        accounts.signUp(fixtures.newEmail("neighbour"), "Neighbour", TestTenants.PASSWORD, "198.51.100.7");
        // A refused form (weak password) does not use up the address's allowance.
        String other = "198.51.100.8";
        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> accounts.signUp(fixtures.newEmail("weak"), "Weak", "password123", other))
                    .isInstanceOf(InvalidInputException.class);
        }
        accounts.signUp(fixtures.newEmail("after-typos"), "Typo", TestTenants.PASSWORD, other);
    }

    @Test
    void rowLevelSecurityHidesOtherWorkspacesEvenFromAnUnfilteredQuery() throws SQLException {
        String a = fixtures.signUp("tenant-a");
        String b = fixtures.signUp("tenant-b");
        fixtures.as(a, () -> apiKeys.create("key-a", Role.MEMBER));
        fixtures.as(b, () -> apiKeys.create("key-b", Role.MEMBER));
        UUID workspaceA = fixtures.as(a, () -> workspaces.current().id());
        try (Connection app = DriverManager.getConnection(TestDatabase.url(), "distillery_app", "distillery_app")) {
            var role = app.createStatement()
                    .executeQuery("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
            role.next();
            assertThat(role.getBoolean(1)).as("superuser").isFalse();
            assertThat(role.getBoolean(2)).as("bypassrls").isFalse();

            app.setAutoCommit(false);
            app.createStatement().execute("SELECT set_config('app.workspace_id', '" + workspaceA + "', true)");
            List<String> visible = new ArrayList<>();
            var rows = app.createStatement().executeQuery("SELECT name, workspace_id FROM api_keys");
            while (rows.next()) {
                visible.add(rows.getString(1));
                assertThat(rows.getObject(2)).isEqualTo(workspaceA);
            }
            assertThat(visible).containsExactly("key-a");
            var audit = app.createStatement().executeQuery("SELECT DISTINCT workspace_id FROM audit_events");
            while (audit.next()) {
                assertThat(audit.getObject(1)).isEqualTo(workspaceA);
            }
            app.commit();

            var none = app.createStatement().executeQuery("SELECT count(*) FROM api_keys");
            none.next();
            assertThat(none.getLong(1))
                    .as("rows visible without a workspace setting")
                    .isZero();
            app.commit();

            assertThatThrownBy(() -> app.createStatement().execute("UPDATE audit_events SET action = 'forged'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            app.rollback();
            assertThatThrownBy(() -> app.createStatement().execute("DELETE FROM audit_events"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            app.rollback();
        }
    }

    @Test
    void anotherWorkspacesKeyGetsNotFoundForEveryTenantOwnedResource() throws Exception {
        String a = fixtures.signUp("rest-a");
        String b = fixtures.signUp("rest-b");
        CreatedApiKey keyA = fixtures.as(a, () -> apiKeys.create("a", Role.ADMIN));
        CreatedApiKey keyB = fixtures.as(b, () -> apiKeys.create("b", Role.ADMIN));
        CreatedInvitation inviteA = fixtures.as(a, () -> invitations.create(Role.MEMBER));
        UUID userA = fixtures.as(a, () -> accounts.currentUser().orElseThrow().id());

        assertThat(call("GET", "/api/v1/workspace", keyA.secret(), null).body()).contains("rest-a's workspace");
        assertThat(call("DELETE", "/api/v1/api-keys/" + keyA.id(), keyB.secret(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/invitations/" + inviteA.id(), keyB.secret(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(call("PATCH", "/api/v1/members/" + userA, keyB.secret(), "{\"role\":\"VIEWER\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/members/" + userA, keyB.secret(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(call("GET", "/api/v1/members", keyB.secret(), null).body()).doesNotContain(a);
        assertThat(call("GET", "/api/v1/api-keys", keyB.secret(), null).body())
                .doesNotContain(keyA.id().toString());
        assertThat(call("GET", "/api/v1/invitations", keyB.secret(), null).body())
                .doesNotContain(inviteA.id().toString());
        assertThat(call("GET", "/api/v1/audit", keyB.secret(), null).body()).doesNotContain(a);
        // Nothing of A changed.
        assertThat(fixtures.as(a, () -> apiKeys.list()))
                .filteredOn(k -> k.id().equals(keyA.id()))
                .allMatch(ApiKeySummary::active);
        assertThat(fixtures.as(a, () -> workspaces.members()))
                .extracting(MemberSummary::role)
                .containsExactly(Role.OWNER);
    }

    @Test
    void apiErrorsAreProblemDetailsThatSayWhatToDo() throws Exception {
        String a = fixtures.signUp("errors");
        CreatedApiKey key = fixtures.as(a, () -> apiKeys.create("k", Role.ADMIN));

        HttpResponse<String> missing = call("GET", "/api/v1/workspace", null, null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        assertThat(missing.body()).contains("Authorization: Bearer");

        HttpResponse<String> malformed = call("POST", "/api/v1/api-keys", key.secret(), "{\"name\": \"x\"");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("not valid JSON");
        HttpResponse<String> blank = call("POST", "/api/v1/api-keys", key.secret(), "{\"name\": \"\"}");
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(blank.body()).contains("\"field\":\"name\"");
        assertThat(fixtures.as(a, () -> apiKeys.list())).hasSize(1);

        HttpResponse<String> created =
                call("POST", "/api/v1/api-keys", key.secret(), "{\"name\": \"second\", \"role\": \"VIEWER\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"secret\":\"dk_");
        assertThat(call("GET", "/api/v1/api-keys", key.secret(), null).body())
                .doesNotContain("\"secret\"")
                .contains("\"prefix\"");

        fixtures.as(a, () -> apiKeys.revoke(key.id()));
        HttpResponse<String> revoked = call("GET", "/api/v1/workspace", key.secret(), null);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.body()).contains("revoked");
    }

    @Test
    void theBootstrapAdministratorAndKeyExistOnceAndDriveTheApi() throws Exception {
        bootstrap.run(null);
        bootstrap.run(null);
        assertThat(count("SELECT count(*) FROM app_users WHERE email = 'root@example.com'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM api_keys WHERE name = 'bootstrap'"))
                .isEqualTo(1);
        HttpResponse<String> workspace = call("GET", "/api/v1/workspace", BOOTSTRAP_KEY, null);
        assertThat(workspace.statusCode()).isEqualTo(200);
        assertThat(workspace.body()).contains("\"name\":\"Default\"").contains("\"role\":\"ADMIN\"");
        HttpResponse<String> invite = call("POST", "/api/v1/invitations", BOOTSTRAP_KEY, "{\"role\":\"MEMBER\"}");
        assertThat(invite.statusCode()).isEqualTo(201);
        assertThat(invite.body()).contains("/invite/");
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() throws Exception {
        HttpResponse<String> docs = call("GET", "/v3/api-docs", null, null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/api/v1/members").contains("bearer");
    }

    private HttpResponse<String> call(String method, String path, String key, String json) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestDatabase.ownerConnection()) {
            var rs = c.createStatement().executeQuery(sql);
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = TestDatabase.ownerConnection()) {
            c.createStatement().execute(sql);
        }
    }

    @Autowired
    AuditLog auditLog;

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactionManager;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void aSessionsWorkspaceCountsInTheDatabaseOnlyWhileTheUserIsAMemberOfIt() {
        String owner = fixtures.signUp("session-owner");
        UUID theirs = fixtures.as(owner, () -> workspaces.current().id());
        String stranger = fixtures.signUp("session-stranger");
        UUID own = fixtures.as(stranger, () -> workspaces.current().id());
        var transaction = new org.springframework.transaction.support.TransactionTemplate(transactionManager);

        for (UUID selected : List.of(theirs, own)) {
            var request = new org.springframework.mock.web.MockHttpServletRequest();
            request.getSession(true).setAttribute(CurrentTenant.SESSION_WORKSPACE, selected);
            org.springframework.web.context.request.RequestContextHolder.setRequestAttributes(
                    new org.springframework.web.context.request.ServletRequestAttributes(request));
            try {
                // What a transaction sees before any service has re-bound the tenant: the settings it started with.
                List<String> seen = fixtures.as(
                        stranger,
                        () -> transaction.execute(
                                status -> jdbc.sql("SELECT current_setting('app.workspace_id', true) AS workspace"
                                                + " UNION ALL SELECT w.id::text FROM workspaces w WHERE w.id = ?")
                                        .param(theirs)
                                        .query(String.class)
                                        .list()));
                if (selected.equals(theirs)) {
                    assertThat(seen)
                            .as("a workspace the session names but the user is no member of")
                            .containsExactly("");
                } else {
                    assertThat(seen).as("the user's own workspace").containsExactly(own.toString());
                }
            } finally {
                org.springframework.web.context.request.RequestContextHolder.resetRequestAttributes();
            }
        }
    }
}
