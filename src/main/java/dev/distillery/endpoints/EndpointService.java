package dev.distillery.endpoints;

import dev.distillery.endpoints.internal.EgressPolicy;
import dev.distillery.endpoints.internal.TokenEstimator;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The workspace's model endpoints: register, change, rotate the key, remove, list, and test a connection. Anyone
 * in the workspace may read them; MEMBER and above may change them. Keys never leave this module in clear.
 */
@Service
public class EndpointService {

    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

    private final Endpoints endpoints;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final ModelInvoker invoker;
    private final EgressPolicy egress;
    private final Clock clock;

    EndpointService(
            Endpoints endpoints,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            ModelInvoker invoker,
            EgressPolicy egress,
            Clock clock) {
        this.endpoints = endpoints;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.invoker = invoker;
        this.egress = egress;
        this.clock = clock;
    }

    /**
     * A text's tokens for {@code model}, counted as the token-per-minute limits count a prompt: the model's own
     * tokenizer for OpenAI models, else a conservative three characters per token. For estimates before a launch.
     */
    public static int countTokens(String model, String text) {
        return TokenEstimator.count(model, text);
    }

    @Transactional(readOnly = true)
    public List<EndpointDetails> list() {
        currentTenant.require(Permission.READ);
        return endpoints.list();
    }

    /** Whether the workspace has registered an endpoint it still uses. */
    @Transactional(readOnly = true)
    public boolean hasAny() {
        currentTenant.require(Permission.READ);
        return endpoints.anyLive();
    }

    /** @throws NotFoundException also for endpoints of other workspaces */
    @Transactional(readOnly = true)
    public EndpointDetails get(UUID id) {
        currentTenant.require(Permission.READ);
        return endpoints.find(id).orElseThrow(() -> notFound(id));
    }

    @Transactional
    public EndpointDetails create(EndpointDraft draft) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_RESOURCES);
        EndpointDraft valid = validate(draft, null);
        UUID id = UUID.randomUUID();
        endpoints.insert(id, tenant.workspaceId(), valid, clock.instant());
        auditLog.record(tenant, "endpoint.created", valid.name(), valid.model() + " at " + valid.baseUrl());
        return endpoints.find(id).orElseThrow();
    }

    /**
     * Registers another model served by the same server as {@code sourceId}, such as a model fine-tuned there: same
     * base URL, key and headers (copied encrypted, never in clear), API style, decoding defaults, limits and size;
     * prices unknown. The name is cut to 80 characters, and numbered when taken ("… (2)").
     *
     * @throws NotFoundException when the source is not one of the workspace's endpoints
     */
    @Transactional
    public EndpointDetails registerModelOf(UUID sourceId, String name, String model) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_RESOURCES);
        EndpointDetails source = endpoints.find(sourceId).orElseThrow(() -> notFound(sourceId));
        String m = model.strip();
        if (m.isEmpty() || m.length() > 200) {
            throw new InvalidInputException("model", "Enter the model name the server expects, e.g. llama3.1:8b.");
        }
        String base = fit(name.strip(), 80);
        String unique = base;
        for (int n = 2; endpoints.nameTaken(unique, null); n++) {
            String number = " (" + n + ")";
            unique = fit(base, 80 - number.length()) + number;
        }
        UUID id = UUID.randomUUID();
        endpoints.insertCopy(id, sourceId, unique, m, clock.instant());
        auditLog.record(
                tenant,
                "endpoint.created",
                unique,
                m + " at " + source.baseUrl() + " (model of " + source.name() + ")");
        return endpoints.find(id).orElseThrow();
    }

    private static String fit(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1).strip() + "…";
    }

    /**
     * Changes everything but the API key (see {@link #rotateKey}).
     *
     * @param headers new extra headers, or null to keep the stored ones
     */
    @Transactional
    public EndpointDetails update(UUID id, EndpointDraft draft, @Nullable Map<String, String> headers) {
        return update(id, draft, headers, null);
    }

    /**
     * Changes the endpoint. A key and header values stay with the server they were given for: when the base URL
     * moves to another server (scheme, host or port), the stored key and headers are not kept but must be given again,
     * so nobody who may edit an endpoint can have its secrets sent to a server of their choosing.
     *
     * @param headers new extra headers, or null to keep the stored ones
     * @param apiKey a new API key (blank: none), or null to keep the stored one
     * @throws InvalidInputException on {@code apiKey} or {@code headers} when the server changes and the endpoint has a
     *     stored key or headers that were not given again
     */
    @Transactional
    public EndpointDetails update(
            UUID id, EndpointDraft draft, @Nullable Map<String, String> headers, @Nullable String apiKey) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_RESOURCES);
        EndpointDetails existing = endpoints.find(id).orElseThrow(() -> notFound(id));
        EndpointDraft valid = validate(headers == null ? draft.withHeaders(Map.of()) : draft.withHeaders(headers), id);
        if (!sameServer(existing.baseUrl(), valid.baseUrl())) {
            List<FieldError> missing = new ArrayList<>();
            String move = "The server changes from " + origin(existing.baseUrl()) + " to " + origin(valid.baseUrl());
            if (existing.apiKeyHint() != null && apiKey == null) {
                missing.add(
                        new FieldError(
                                "apiKey",
                                move + ": enter the API key for the new server (the stored key "
                                        + "is never sent to another server than the one it was given for; leave it blank for none)."));
            }
            if (!existing.headerNames().isEmpty() && headers == null) {
                missing.add(new FieldError(
                        "headers",
                        move + ": enter the extra headers for the new server again "
                                + "(their stored values are never sent to another server)."));
            }
            if (!missing.isEmpty()) {
                throw new InvalidInputException(missing);
            }
        }
        if (apiKey != null && apiKey.strip().length() > 4096) {
            throw new InvalidInputException("apiKey", "An API key of at most 4,096 characters.");
        }
        if (!endpoints.update(id, valid, headers == null ? null : valid.headers(), clock.instant())) {
            throw notFound(id);
        }
        if (apiKey != null) {
            endpoints.replaceKey(id, apiKey, clock.instant());
        }
        invoker.evict(id);
        auditLog.record(
                tenant,
                "endpoint.updated",
                valid.name(),
                sameServer(existing.baseUrl(), valid.baseUrl())
                        ? null
                        : "moved from " + origin(existing.baseUrl()) + " to " + origin(valid.baseUrl())
                                + (apiKey != null ? " with a new key" : ""));
        return endpoints.find(id).orElseThrow();
    }

    /** Whether two base URLs address the same server: scheme, host and port (default ports made explicit). */
    static boolean sameServer(String a, String b) {
        return origin(a).equals(origin(b));
    }

    private static String origin(String url) {
        try {
            java.net.URI uri = new java.net.URI(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            int port =
                    uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            return scheme + "://" + (uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT))
                    + ":" + port;
        } catch (java.net.URISyntaxException e) {
            return url;
        }
    }

    /** Replaces the API key (blank removes it). */
    @Transactional
    public EndpointDetails rotateKey(UUID id, @Nullable String apiKey) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_RESOURCES);
        if (apiKey != null && apiKey.strip().length() > 4096) {
            throw new InvalidInputException("apiKey", "An API key of at most 4,096 characters.");
        }
        if (!endpoints.replaceKey(id, apiKey, clock.instant())) {
            throw notFound(id);
        }
        invoker.evict(id);
        EndpointDetails details = endpoints.find(id).orElseThrow();
        auditLog.record(tenant, "endpoint.key-rotated", details.name(), null);
        return details;
    }

    /** What the workspace's stored secrets are encrypted with: how many endpoints still hold one under an older key. */
    public record SecretsStatus(int staleEndpoints) {}

    @Transactional(readOnly = true)
    public SecretsStatus secretsStatus() {
        currentTenant.require(Permission.MANAGE_WORKSPACE);
        return new SecretsStatus(endpoints.staleSecrets());
    }

    /**
     * Encrypts the workspace's stored keys and header values again under the current secret key (after it was
     * rotated: DISTILLERY_SECRET_KEY new, DISTILLERY_SECRET_KEY_PREVIOUS old); returns how many endpoints changed.
     */
    @Transactional
    public int reencryptSecrets() {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_WORKSPACE);
        int changed = endpoints.reencrypt();
        invoker.evictAll();
        auditLog.record(tenant, "endpoint.secrets-reencrypted", changed + " endpoints", null);
        return changed;
    }

    @Transactional
    public void delete(UUID id) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_RESOURCES);
        EndpointDetails details = endpoints.find(id).orElseThrow(() -> notFound(id));
        endpoints.markDeleted(id, clock.instant());
        invoker.evict(id);
        auditLog.record(tenant, "endpoint.deleted", details.name(), null);
    }

    /**
     * Sends one tiny request and reports latency and reply, or the failure in plain words. Runs outside any
     * transaction: the call may take as long as the endpoint's timeout.
     */
    public ConnectionTestResult testConnection(UUID id) {
        return invoker.test(id);
    }

    /** Checks every field and returns the draft normalised (trimmed, URL without trailing slash). */
    EndpointDraft validate(EndpointDraft d, @Nullable UUID existing) {
        List<FieldError> errors = new ArrayList<>();
        String name = d.name() == null ? "" : d.name().strip();
        if (name.isEmpty() || name.length() > 80) {
            errors.add(new FieldError("name", "Enter a name of 1 to 80 characters."));
        } else if (endpoints.nameTaken(name, existing)) {
            throw new ConflictException("An endpoint named \"" + name + "\" already exists in this workspace.");
        }
        String model = d.model() == null ? "" : d.model().strip();
        if (model.isEmpty() || model.length() > 200) {
            errors.add(new FieldError("model", "Enter the model name the server expects, e.g. llama3.1:8b."));
        }
        String url = d.baseUrl() == null ? "" : d.baseUrl();
        try {
            url = egress.checkUrl(url);
        } catch (InvalidInputException e) {
            errors.addAll(e.errors());
        }
        var defaults = d.defaults();
        if (defaults.temperature() != null && (defaults.temperature() < 0 || defaults.temperature() > 2)) {
            errors.add(new FieldError("defaults.temperature", "Temperature is between 0 and 2."));
        }
        if (defaults.topP() != null && (defaults.topP() <= 0 || defaults.topP() > 1)) {
            errors.add(new FieldError("defaults.topP", "top_p is above 0 and at most 1."));
        }
        if (defaults.maxTokens() != null && (defaults.maxTokens() < 1 || defaults.maxTokens() > 1_000_000)) {
            errors.add(new FieldError("defaults.maxTokens", "Max tokens is between 1 and 1,000,000."));
        }
        if (defaults.stop().size() > 4 || defaults.stop().stream().anyMatch(s -> s.isEmpty() || s.length() > 100)) {
            errors.add(new FieldError("defaults.stop", "Up to 4 stop sequences of 1 to 100 characters."));
        }
        var limits = d.limits();
        if (limits.maxConcurrency() < 1 || limits.maxConcurrency() > 1024) {
            errors.add(new FieldError("limits.maxConcurrency", "Max concurrent requests is between 1 and 1024."));
        }
        if (limits.rpm() != null && limits.rpm() < 1) {
            errors.add(
                    new FieldError("limits.rpm", "Requests per minute must be positive (leave empty for no limit)."));
        }
        if (limits.tpm() != null && limits.tpm() < 1) {
            errors.add(new FieldError("limits.tpm", "Tokens per minute must be positive (leave empty for no limit)."));
        }
        if (d.timeoutSeconds() < 1 || d.timeoutSeconds() > 3600) {
            errors.add(new FieldError("timeoutSeconds", "The timeout is between 1 and 3,600 seconds."));
        }
        for (BigDecimal price :
                new BigDecimal[] {d.pricing().inputPerMillion(), d.pricing().outputPerMillion()}) {
            if (price != null && price.signum() < 0) {
                errors.add(new FieldError("pricing", "Prices cannot be negative."));
            }
        }
        if (d.headers().size() > 20) {
            errors.add(new FieldError("headers", "At most 20 extra headers."));
        }
        d.headers().forEach((headerName, value) -> {
            if (!HEADER_NAME.matcher(headerName).matches()) {
                errors.add(new FieldError("headers", "'" + headerName + "' is not a valid HTTP header name."));
            } else if (EgressPolicy.refusedHeader(headerName) instanceof String refusal) {
                errors.add(new FieldError("headers", refusal));
            }
            if (value == null || value.length() > 4096 || value.contains("\n") || value.contains("\r")) {
                errors.add(new FieldError(
                        "headers", "The value of '" + headerName + "' must be one line of at most 4,096 characters."));
            }
        });
        if (d.sizeLabel() != null && d.sizeLabel().length() > 40) {
            errors.add(new FieldError("sizeLabel", "A size label of at most 40 characters, e.g. 7B."));
        }
        if (d.parameterCountBillions() != null && d.parameterCountBillions() <= 0) {
            errors.add(new FieldError("parameterCountBillions", "The parameter count must be positive."));
        }
        if (d.apiKey() != null && d.apiKey().strip().length() > 4096) {
            errors.add(new FieldError("apiKey", "An API key of at most 4,096 characters."));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return new EndpointDraft(
                name,
                url,
                model,
                d.apiKey(),
                d.apiStyle(),
                d.headers(),
                d.defaults(),
                d.limits(),
                d.timeoutSeconds(),
                d.pricing(),
                d.sizeLabel() == null || d.sizeLabel().isBlank()
                        ? null
                        : d.sizeLabel().strip(),
                d.parameterCountBillions());
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("Endpoint " + id + " not found.");
    }
}
