package dev.distillery.tenancy;

import java.io.Serial;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An API request authenticated by a workspace key: the key alone decides the workspace and the role. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    @Serial
    private static final long serialVersionUID = 1L;

    private final UUID keyId;
    private final UUID workspaceId;
    private final Role role;
    private final String keyName;
    private final @Nullable UUID createdBy;

    ApiKeyAuthentication(UUID keyId, UUID workspaceId, Role role, String keyName, @Nullable UUID createdBy) {
        super(List.of(new SimpleGrantedAuthority("ROLE_API")));
        this.keyId = keyId;
        this.workspaceId = workspaceId;
        this.role = role;
        this.keyName = keyName;
        this.createdBy = createdBy;
        setAuthenticated(true);
    }

    TenantContext tenant() {
        return new TenantContext(workspaceId, role, new Actor(createdBy, keyId, "API key \"" + keyName + "\""));
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return keyId;
    }

    @Override
    public String getName() {
        return "api-key:" + keyId;
    }
}
