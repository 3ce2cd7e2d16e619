package dev.distillery.runs;

import java.util.UUID;

/**
 * A run finished all its items (some may have errors). Published in the transaction that completes the run, so a
 * listener after commit ({@code @ApplicationModuleListener}) sees it completed. The review search index and
 * leaderboards listen to it.
 */
public record RunCompleted(UUID runId, UUID workspaceId) {}
