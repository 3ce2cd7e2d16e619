package dev.distillery.finetune;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One export as recorded: its settings, what it wrote, and, when it carries test items, how many, some of their ids
 * and the reason the user gave for overriding the guard.
 *
 * @param baseFormat the base format a wrapper (openai-chat, trl-sft) carried, else null
 */
public record ExportRecord(
        UUID id,
        UUID runId,
        String format,
        @Nullable String baseFormat,
        double validationFraction,
        long seed,
        boolean applyCorrections,
        int items,
        int trainSamples,
        int validationSamples,
        int contaminatedItems,
        List<String> contaminatedExamples,
        @Nullable String overrideReason,
        String actor,
        Instant createdAt) {

    public ExportRecord {
        contaminatedExamples = List.copyOf(contaminatedExamples);
    }
}
