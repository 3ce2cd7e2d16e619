package dev.distillery.review;

import java.util.UUID;

/** The student was re-run on a corrected trace of the run and the result recorded. Leaderboards listen to it. */
public record StudentRerunRecorded(UUID runId, UUID workspaceId) {}
