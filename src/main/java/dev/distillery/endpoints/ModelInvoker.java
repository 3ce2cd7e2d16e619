package dev.distillery.endpoints;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.distillery.endpoints.internal.EgressPolicy;
import dev.distillery.endpoints.internal.EndpointRuntime;
import dev.distillery.endpoints.internal.ProviderAccount;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way to call a model: send a prompt with decoding parameters to an endpoint of the current workspace, get
 * text, token usage, latency and finish reason, or a {@link ModelCallException} saying what went wrong. Retries,
 * rate limits and the concurrency cap of the endpoint apply to every caller together. Never call it inside a
 * database transaction: model calls are slow.
 */
@Service
public class ModelInvoker {

    private static final String TEST_PROMPT = "Reply with the single word OK.";

    private final Endpoints endpoints;
    private final CurrentTenant currentTenant;
    private final TransactionTemplate readOnly;
    private final EndpointRuntime.RetrySettings retrySettings;
    private final EgressPolicy egress;
    private final Cache<Key, EndpointRuntime> runtimes =
            Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(1)).build();
    // The pace a provider admits outlives the clients built for one version of an endpoint's settings, and is shared
    // by the endpoints calling one account.
    private final Cache<ProviderAccount.Key, ProviderAccount> accounts =
            Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).build();
    private final Cache<Key, ProviderAccount.Key> accountOfEndpoint =
            Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).build();

    ModelInvoker(
            Endpoints endpoints,
            CurrentTenant currentTenant,
            PlatformTransactionManager transactions,
            EgressPolicy egress,
            ModelCallProperties properties) {
        this.endpoints = endpoints;
        this.currentTenant = currentTenant;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.retrySettings = new EndpointRuntime.RetrySettings(
                properties.maxAttempts(),
                properties.initialBackoff(),
                properties.maxBackoff(),
                properties.rateLimitPatience());
        this.egress = egress;
    }

    /**
     * Calls the endpoint, waiting for its rate limits and concurrency cap and retrying transient failures (429 with
     * its Retry-After, 5xx, timeouts, refused connections).
     *
     * @throws ModelCallException when the call finally fails
     * @throws NotFoundException when the endpoint is not one of the current workspace's
     */
    public ModelResponse invoke(UUID endpointId, ModelRequest request) {
        return runtime(endpointId, Permission.READ).invoke(request);
    }

    /**
     * How the endpoint's provider is pacing calls on this instance (rate-limit headers or refusals), if it is; empty
     * for an endpoint that has not been pushed back or is not the current workspace's. Endpoints on one provider
     * account (base URL and key) share one pace.
     */
    public Optional<Pacing> pacing(UUID endpointId) {
        ProviderAccount.Key account = accountOfEndpoint.getIfPresent(new Key(workspaceId(Permission.READ), endpointId));
        ProviderAccount shared = account == null ? null : accounts.getIfPresent(account);
        return shared == null ? Optional.empty() : shared.pacing();
    }

    /** Sends one tiny request without retries and reports the outcome in plain words. */
    ConnectionTestResult test(UUID endpointId) {
        EndpointRuntime runtime = runtime(endpointId, Permission.MANAGE_RESOURCES);
        long start = System.nanoTime();
        try {
            egress.checkUrl(runtime.config().baseUrl());
            ModelResponse response =
                    runtime.invokeOnce(ModelRequest.of(TEST_PROMPT).withMaxTokens(16));
            return new ConnectionTestResult(
                    true, response.latencyMillis(), response.text().strip(), null, null);
        } catch (ModelCallException e) {
            return new ConnectionTestResult(
                    false, (System.nanoTime() - start) / 1_000_000, null, e.getMessage(), e.kind());
        } catch (InvalidInputException e) {
            return new ConnectionTestResult(false, 0, null, e.getMessage(), ModelCallException.Kind.INVALID_URL);
        }
    }

    /** Forgets every endpoint's clients. */
    void evictAll() {
        runtimes.invalidateAll();
    }

    /** Forgets a changed or deleted endpoint's clients, so the next call uses the new settings. */
    void evict(UUID endpointId) {
        runtimes.asMap().keySet().removeIf(key -> key.endpointId().equals(endpointId));
    }

    /** The endpoint's cached runtime, after checking the current tenant may do {@code permission}. */
    EndpointRuntime runtime(UUID endpointId, Permission permission) {
        UUID workspaceId = workspaceId(permission);
        return runtimes.get(
                new Key(workspaceId, endpointId),
                key -> readOnly.execute(status -> endpoints
                        .config(endpointId)
                        .map(config -> {
                            ProviderAccount.Key account = ProviderAccount.Key.of(config);
                            accountOfEndpoint.put(key, account);
                            return EndpointRuntime.create(
                                    config, retrySettings, egress, accounts.get(account, k -> new ProviderAccount()));
                        })
                        .orElseThrow(() -> new NotFoundException("Endpoint " + endpointId + " not found."))));
    }

    private UUID workspaceId(Permission permission) {
        UUID workspaceId = currentTenant
                .bound()
                .map(tenant -> tenant.require(permission).workspaceId())
                .orElseGet(() -> readOnly.execute(
                        status -> currentTenant.require(permission).workspaceId()));
        return Objects.requireNonNull(workspaceId);
    }

    private record Key(UUID workspaceId, UUID endpointId) {}
}
