package dev.distillery.endpoints.internal;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How endpoint secrets are encrypted at rest ({@code distillery.secrets}).
 *
 * @param key base64 of the 32-byte key; required unless the install is local (the embedded database)
 * @param previousKeys earlier keys, so values they encrypted still decrypt after a rotation
 * @param keyFile where a local install keeps the key it generated
 */
@ConfigurationProperties("distillery.secrets")
record SecretsProperties(@Nullable String key, List<String> previousKeys, Path keyFile) {

    SecretsProperties {
        previousKeys = previousKeys == null ? List.of() : List.copyOf(previousKeys);
    }
}
