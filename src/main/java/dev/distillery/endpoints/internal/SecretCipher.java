package dev.distillery.endpoints.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.crypto.encrypt.AesBytesEncryptor;
import org.springframework.security.crypto.encrypt.BytesEncryptor;
import org.springframework.security.crypto.keygen.KeyGenerators;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * AES-256-GCM encryption of endpoint secrets (API keys, header values) at rest, with a random IV per value. The key
 * comes from {@code DISTILLERY_SECRET_KEY}; only a local install on the embedded database may fall back to a key
 * file it generates, so a real deployment never silently runs with a key nobody chose.
 */
@Component
public class SecretCipher {

    private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);

    private final BytesEncryptor encryptor;

    SecretCipher(@Value("${distillery.secrets.key:}") String configuredKey,
            @Value("${distillery.database.url:}") String databaseUrl,
            @Value("${distillery.secrets.key-file}") Path keyFile) throws IOException {
        byte[] key;
        if (StringUtils.hasText(configuredKey)) {
            key = decode(configuredKey.strip());
        } else if (!StringUtils.hasText(databaseUrl)) {
            key = localKey(keyFile);
        } else {
            throw new IllegalStateException("DISTILLERY_SECRET_KEY is not set. With an external database (DATABASE_URL) "
                    + "Distillery refuses to store endpoint API keys without a key you chose. Generate one with "
                    + "'openssl rand -base64 32' and set DISTILLERY_SECRET_KEY to it (keep it: it decrypts the stored keys).");
        }
        this.encryptor = new AesBytesEncryptor(new SecretKeySpec(key, "AES"), KeyGenerators.secureRandom(16),
                AesBytesEncryptor.CipherAlgorithm.GCM);
    }

    public byte[] encrypt(String plain) {
        return encryptor.encrypt(plain.getBytes(StandardCharsets.UTF_8));
    }

    public String decrypt(byte[] cipher) {
        return new String(encryptor.decrypt(cipher), StandardCharsets.UTF_8);
    }

    private static byte[] decode(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("DISTILLERY_SECRET_KEY must be base64 (generate one with 'openssl rand -base64 32')");
        }
        if (key.length != 32) {
            throw new IllegalStateException("DISTILLERY_SECRET_KEY must decode to 32 bytes, not " + key.length
                    + " (generate one with 'openssl rand -base64 32')");
        }
        return key;
    }

    private static byte[] localKey(Path keyFile) throws IOException {
        if (Files.exists(keyFile)) {
            return decode(Files.readString(keyFile).strip());
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key), StandardOpenOption.CREATE_NEW);
        try {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file stays in the user's profile folder.
        }
        log.info("Generated a local secret key in {}; back it up with the database", keyFile);
        return key;
    }
}
