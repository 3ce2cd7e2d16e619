package dev.distillery.home;

import java.util.UUID;

/**
 * A run's review queue with work for the current user.
 *
 * @param held items they hold now and have not finished
 * @param open items they may still take
 */
public record ReviewWork(UUID runId, String runName, int held, int open) {}
