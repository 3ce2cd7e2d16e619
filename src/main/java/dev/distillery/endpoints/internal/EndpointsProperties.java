package dev.distillery.endpoints.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the server may connect for endpoints ({@code distillery.endpoints}).
 *
 * @param allowPrivateNetworks whether endpoints on loopback and private networks may be called; unset: only on a
 *     local install (the embedded database)
 * @param allowedHosts host names or CIDR ranges allowed even when private networks are not
 */
@ConfigurationProperties("distillery.endpoints")
record EndpointsProperties(@Nullable Boolean allowPrivateNetworks, List<String> allowedHosts) {

    EndpointsProperties {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    }
}
