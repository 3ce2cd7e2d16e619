package dev.distillery.review;

/** A run's corrections: edited teacher traces, how many were re-run, fixed or made worse, and verdict overrides. */
public record CorrectionSummary(int edited, int rerun, int fixed, int worse, int overridden) {}
