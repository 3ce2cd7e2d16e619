package dev.distillery.runs;

import java.util.UUID;

/** A run finished all its items (some may have errors). Leaderboards listen to it. */
public record RunCompleted(UUID runId, UUID workspaceId) {
}
