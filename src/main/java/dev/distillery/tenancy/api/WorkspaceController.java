package dev.distillery.tenancy.api;

import dev.distillery.tenancy.ApiKeyService;
import dev.distillery.tenancy.ApiKeySummary;
import dev.distillery.tenancy.AuditEntry;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CreatedApiKey;
import dev.distillery.tenancy.CreatedInvitation;
import dev.distillery.tenancy.InvitationService;
import dev.distillery.tenancy.InvitationSummary;
import dev.distillery.tenancy.MemberSummary;
import dev.distillery.tenancy.Role;
import dev.distillery.tenancy.WorkspaceService;
import dev.distillery.tenancy.WorkspaceSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The API key's workspace: its members, invitations, API keys and audit log. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Workspace")
@SecurityRequirement(name = "apiKey")
class WorkspaceController {

    private final WorkspaceService workspaces;
    private final InvitationService invitations;
    private final ApiKeyService apiKeys;
    private final AuditLog auditLog;

    WorkspaceController(
            WorkspaceService workspaces, InvitationService invitations, ApiKeyService apiKeys, AuditLog auditLog) {
        this.workspaces = workspaces;
        this.invitations = invitations;
        this.apiKeys = apiKeys;
        this.auditLog = auditLog;
    }

    @GetMapping("/workspace")
    @Operation(summary = "The workspace this API key belongs to, and the key's role in it")
    WorkspaceSummary workspace() {
        return workspaces.current();
    }

    @GetMapping("/members")
    List<MemberSummary> members() {
        return workspaces.members();
    }

    @PatchMapping("/members/{userId}")
    @Operation(summary = "Change a member's role")
    MemberSummary changeRole(@PathVariable UUID userId, @Valid @RequestBody RoleChange body) {
        return workspaces.changeRole(userId, body.role());
    }

    @DeleteMapping("/members/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void removeMember(@PathVariable UUID userId) {
        workspaces.removeMember(userId);
    }

    @GetMapping("/invitations")
    List<InvitationSummary> invitations() {
        return invitations.list();
    }

    @PostMapping("/invitations")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a one-time invitation link (the link is shown only in this response)")
    InvitationCreated invite(@Valid @RequestBody NewInvitation body) {
        CreatedInvitation created = invitations.create(body.role());
        String link = ServletUriComponentsBuilder.fromCurrentContextPath()
                .path(created.path())
                .toUriString();
        return new InvitationCreated(created.id(), created.role(), link, created.expiresAt());
    }

    @DeleteMapping("/invitations/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revokeInvitation(@PathVariable UUID id) {
        invitations.revoke(id);
    }

    @GetMapping("/api-keys")
    List<ApiKeySummary> apiKeys() {
        return apiKeys.list();
    }

    @PostMapping("/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an API key (the secret is shown only in this response)")
    CreatedApiKey createApiKey(@Valid @RequestBody NewApiKey body) {
        return apiKeys.create(body.name(), body.role() == null ? Role.MEMBER : body.role());
    }

    @DeleteMapping("/api-keys/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revokeApiKey(@PathVariable UUID id) {
        apiKeys.revoke(id);
    }

    @GetMapping("/audit")
    @Operation(summary = "Audit log, newest first")
    AuditPage audit(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        int clamped = Math.clamp(size, 1, 500);
        return new AuditPage(auditLog.list(Math.max(0, page) * clamped, clamped), auditLog.count());
    }

    record RoleChange(@NotNull Role role) {}

    record NewInvitation(@NotNull Role role) {}

    record InvitationCreated(UUID id, Role role, String link, Instant expiresAt) {}

    record NewApiKey(@NotBlank String name, @Nullable Role role) {}

    record AuditPage(List<AuditEntry> items, int total) {}
}
