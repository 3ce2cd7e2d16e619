package dev.distillery.runs;

import java.util.UUID;

/**
 * A run's stored outputs were graded again with grader {@code graderVersion}; {@code changed} items changed their
 * verdict. Published in the transaction that finishes the re-grade, so listeners that keep figures from verdicts
 * (leaderboards; review, whose re-runs on corrections are graded again with it) follow in the same transaction or
 * after it commits.
 */
public record RunRegraded(UUID runId, UUID workspaceId, String graderVersion, int changed) {}
