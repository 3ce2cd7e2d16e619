package dev.distillery.finetune;

import dev.distillery.endpoints.FineTuning;
import java.util.Locale;

/** Where a fine-tuning job is: uploading its files here, then the provider's states. */
public enum FineTuneJobStatus {
    /** The files are being uploaded and the job created; nothing runs at the provider yet. */
    UPLOADING,
    VALIDATING_FILES,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** Lower case with spaces, as users read it: "validating files". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    static FineTuneJobStatus of(FineTuning.Status provider) {
        return valueOf(provider.name());
    }
}
