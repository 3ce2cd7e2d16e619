package dev.distillery.endpoints.internal;

import dev.distillery.shared.Installation;
import dev.distillery.shared.startup.StartupProblem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.encrypt.AesBytesEncryptor;
import org.springframework.security.crypto.keygen.KeyGenerators;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * AES-256-GCM encryption of endpoint secrets (API keys, header values) at rest. Each value is bound to where it is
 * stored: the caller names its place ("endpoint &lt;id&gt; api-key"), which is authenticated with the value (GCM
 * associated data), so a ciphertext copied into another endpoint's row, or from the key column into the headers'
 * one, does not decrypt. Each ciphertext names the key that made it, so keys can be rotated: set
 * {@code DISTILLERY_SECRET_KEY} to the new key and {@code DISTILLERY_SECRET_KEY_PREVIOUS} to the old one(s); values
 * under an old key still decrypt and are re-encrypted under the new one by the workspace's re-encryption (or as they
 * are written again).
 *
 * <p>Format: version byte 2, the key's 4-byte id, a 12-byte random IV, then the ciphertext and its tag. Values
 * written before binding existed (Spring's GCM format: 16-byte IV, ciphertext and tag, no associated data) still
 * decrypt with any configured key and count as needing re-encryption.
 *
 * <p>The key comes from {@code DISTILLERY_SECRET_KEY}; only a local install on the embedded database may fall back to
 * a key file it generates, so a real deployment never silently runs with a key nobody chose.
 */
@Component
public class SecretCipher {

    private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);
    private static final byte VERSION = 2;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final byte[] current;
    private final int currentId;
    /** Every configured key by its id, the current one first. */
    private final Map<Integer, byte[]> keys = new LinkedHashMap<>();

    SecretCipher(SecretsProperties properties, Installation installation) throws IOException {
        String configuredKey = properties.key();
        if (StringUtils.hasText(configuredKey)) {
            current = decode(configuredKey.strip(), "DISTILLERY_SECRET_KEY");
        } else if (installation.local()) {
            current = localKey(properties.keyFile());
        } else {
            throw new StartupProblem(
                    "DISTILLERY_SECRET_KEY is not set: with an external database (DATABASE_URL) "
                            + "Distillery does not store endpoint API keys under a key it made up itself.",
                    "Generate one with 'openssl rand -base64 32', set DISTILLERY_SECRET_KEY to it and start again. Keep "
                            + "it with the database's backups: it decrypts the stored keys.");
        }
        currentId = id(current);
        keys.put(currentId, current);
        for (String previous : properties.previousKeys()) {
            if (!previous.isBlank()) {
                byte[] key = decode(previous.strip(), "DISTILLERY_SECRET_KEY_PREVIOUS");
                keys.putIfAbsent(id(key), key);
            }
        }
    }

    /** A cipher for tests and tools: the first key is the current one. */
    public static SecretCipher of(String currentKey, String... previousKeys) {
        try {
            return new SecretCipher(
                    new SecretsProperties(currentKey, List.of(previousKeys), Path.of("unused")),
                    new Installation(false));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encrypts {@code plain} under the current key, bound to {@code place} (where it is stored). */
    public byte[] encrypt(String plain, String place) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(current, "AES"), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + 4 + IV_BYTES + sealed.length)
                    .put(VERSION)
                    .putInt(currentId)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not encrypt a secret", e);
        }
    }

    /**
     * Decrypts a value stored at {@code place}.
     *
     * @throws IllegalStateException when no configured key decrypts it, or it was made for another place
     */
    public String decrypt(byte[] stored, String place) {
        if (isCurrentFormat(stored)) {
            int keyId = ByteBuffer.wrap(stored, 1, 4).getInt();
            byte @Nullable [] key = keys.get(keyId);
            if (key != null) {
                try {
                    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                    cipher.init(
                            Cipher.DECRYPT_MODE,
                            new SecretKeySpec(key, "AES"),
                            new GCMParameterSpec(TAG_BITS, stored, 5, IV_BYTES));
                    cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
                    return new String(
                            cipher.doFinal(stored, 5 + IV_BYTES, stored.length - 5 - IV_BYTES), StandardCharsets.UTF_8);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(
                            "A stored secret does not belong where it was found (" + place
                                    + ") or was altered; enter it again.",
                            e);
                }
            }
        }
        // Written before values were bound to their place: Spring's GCM format, under whichever key made it.
        List<RuntimeException> failures = new ArrayList<>();
        for (byte[] key : keys.values()) {
            try {
                return new String(
                        new AesBytesEncryptor(
                                        new SecretKeySpec(key, "AES"),
                                        KeyGenerators.secureRandom(16),
                                        AesBytesEncryptor.CipherAlgorithm.GCM)
                                .decrypt(stored),
                        StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        throw new IllegalStateException("No configured secret key decrypts a stored secret (" + place + "): set "
                + "DISTILLERY_SECRET_KEY_PREVIOUS to the key it was written with, or enter the secret again.");
    }

    /** Whether a stored value is under an older key or format and should be encrypted again. */
    public boolean stale(byte[] stored) {
        return !isCurrentFormat(stored) || ByteBuffer.wrap(stored, 1, 4).getInt() != currentId;
    }

    private boolean isCurrentFormat(byte[] stored) {
        return stored.length > 1 + 4 + IV_BYTES
                && stored[0] == VERSION
                && keys.containsKey(ByteBuffer.wrap(stored, 1, 4).getInt());
    }

    /** A key's id: the first four bytes of its SHA-256 (the key itself is never written anywhere). */
    private static int id(byte[] key) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key))
                    .getInt();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(String base64, String setting) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new StartupProblem(setting + " is not base64.", "Generate a key with 'openssl rand -base64 32'.");
        }
        if (key.length != 32) {
            throw new StartupProblem(
                    setting + " decodes to " + key.length + " bytes; it must be 32.",
                    "Generate a key with 'openssl rand -base64 32'.");
        }
        return key;
    }

    private static byte[] localKey(Path keyFile) throws IOException {
        if (Files.exists(keyFile)) {
            return decode(Files.readString(keyFile).strip(), keyFile.toString());
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
