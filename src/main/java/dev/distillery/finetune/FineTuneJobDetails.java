package dev.distillery.finetune;

import java.util.List;

/** A job with its provider events, oldest first. */
public record FineTuneJobDetails(FineTuneJobSummary job, List<FineTuneJobEvent> events) {}
