package dev.distillery.finetune;

import java.time.Instant;

/** One line of a job's log at the provider, e.g. "Step 10/100: training loss=0.84". */
public record FineTuneJobEvent(Instant createdAt, String level, String message) {}
