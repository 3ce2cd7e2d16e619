package dev.distillery.finetune;

import org.jspecify.annotations.Nullable;

/**
 * What to export from a run.
 *
 * @param format an {@link ExportFormat} id
 * @param baseFormat for openai-chat and trl-sft: the base format they carry (default: the method's first)
 * @param validationFraction 0 for one JSON Lines file; above 0 (below 1) for a zip of train.jsonl and validation.jsonl
 * @param seed the seed of the train/validation split
 * @param applyCorrections use the latest revision of reviewed traces instead of the teacher's original output
 * @param overrideReason why test items may be exported anyway; null or blank keeps the contamination guard on
 */
public record FineTuneExportRequest(
        String format,
        @Nullable String baseFormat,
        double validationFraction,
        long seed,
        boolean applyCorrections,
        @Nullable String overrideReason) {

    /** The default export of a format: one file, seed 0, originals, guard on. */
    public static FineTuneExportRequest of(String format) {
        return new FineTuneExportRequest(format, null, 0, 0, false, null);
    }
}
