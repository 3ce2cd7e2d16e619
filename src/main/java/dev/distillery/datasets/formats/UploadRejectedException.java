package dev.distillery.datasets.formats;

import java.io.Serial;
import java.util.Objects;

/**
 * The upload as a whole cannot be read: it is empty, too large, a zip with too many files or too much unpacked
 * content, or a damaged zip. The message says which, with the limit, and can be shown to the user as is.
 */
public class UploadRejectedException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public UploadRejectedException(String message) {
        super(message);
    }

    public UploadRejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Never null: every constructor takes the message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }
}
