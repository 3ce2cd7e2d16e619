package dev.distillery.tenancy;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import java.util.List;
import java.util.Optional;

/**
 * Password strength by estimated guessability (zxcvbn), not by character-class rules: long passphrases pass,
 * {@code Password1!} does not. The user's own email and name count as known words.
 */
final class PasswordPolicy {

    static final int MIN_LENGTH = 10;
    static final int MAX_LENGTH = 128;
    private static final Zxcvbn ZXCVBN = new Zxcvbn();

    private PasswordPolicy() {}

    /** Why the password is too weak, or empty when it is acceptable. */
    static Optional<String> weakness(String password, List<String> userInputs) {
        if (password.length() < MIN_LENGTH) {
            return Optional.of("Use at least " + MIN_LENGTH + " characters.");
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("Use at most " + MAX_LENGTH + " characters.");
        }
        Strength strength = ZXCVBN.measure(password, userInputs);
        if (strength.getScore() < 3) {
            String warning = strength.getFeedback().getWarning();
            String suggestion = String.join(" ", strength.getFeedback().getSuggestions());
            String reason = (warning == null || warning.isBlank()) ? "This password is easy to guess." : warning;
            return Optional.of(
                    (reason + " " + suggestion).trim() + " Try a longer passphrase of several unrelated words.");
        }
        return Optional.empty();
    }
}
