package dev.distillery.endpoints.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.encrypt.AesBytesEncryptor;
import org.springframework.security.crypto.keygen.KeyGenerators;

/** Secrets are bound to their place and name their key, so a copied ciphertext is useless and keys can be rotated. */
class SecretCipherUnitTest {

    static final String OLD = Base64.getEncoder().encodeToString(new byte[32]);
    static final String NEW =
            Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    @Test
    void aSecretDecryptsOnlyWhereItWasStored() {
        SecretCipher cipher = SecretCipher.of(NEW);
        byte[] stored = cipher.encrypt("sk-live-123", "endpoint A api-key");

        assertThat(cipher.decrypt(stored, "endpoint A api-key")).isEqualTo("sk-live-123");
        assertThatThrownBy(() -> cipher.decrypt(stored, "endpoint B api-key")).hasMessageContaining("does not belong");
        assertThatThrownBy(() -> cipher.decrypt(stored, "endpoint A headers")).hasMessageContaining("does not belong");
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("sk-live");
    }

    @Test
    void afterRotationOldSecretsStillDecryptAndAreSeenAsStale() {
        byte[] underOld = SecretCipher.of(OLD).encrypt("sk-old", "endpoint A api-key");
        SecretCipher rotated = SecretCipher.of(NEW, OLD);

        assertThat(rotated.decrypt(underOld, "endpoint A api-key")).isEqualTo("sk-old");
        assertThat(rotated.stale(underOld)).isTrue();
        byte[] again = rotated.encrypt("sk-old", "endpoint A api-key");
        assertThat(rotated.stale(again)).isFalse();
        assertThatThrownBy(() -> SecretCipher.of(NEW).decrypt(underOld, "endpoint A api-key"))
                .hasMessageContaining("DISTILLERY_SECRET_KEY_PREVIOUS");
    }

    @Test
    void secretsWrittenBeforeBindingStillDecryptAndAreStale() {
        byte[] legacy = new AesBytesEncryptor(
                        new SecretKeySpec(Base64.getDecoder().decode(NEW), "AES"),
                        KeyGenerators.secureRandom(16),
                        AesBytesEncryptor.CipherAlgorithm.GCM)
                .encrypt("sk-legacy".getBytes(StandardCharsets.UTF_8));
        SecretCipher cipher = SecretCipher.of(NEW);

        assertThat(cipher.decrypt(legacy, "endpoint A api-key")).isEqualTo("sk-legacy");
        assertThat(cipher.stale(legacy)).isTrue();
    }
}
