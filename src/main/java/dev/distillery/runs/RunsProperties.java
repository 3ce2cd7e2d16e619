package dev.distillery.runs;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How runs share an instance and how much an import may hold ({@code distillery.runs}).
 *
 * @param workersPerRun worker tasks per run: how many app instances can share one run
 * @param lease how long a worker's claim on an item lasts without renewal
 * @param workspaceMaxRunningRuns runs one workspace may have running at once; more wait, queued
 * @param workspaceMaxCalls model calls one workspace may have in flight on one instance
 * @param maxCallers model-calling threads of one instance, shared by all workspaces
 * @param importMaxBytes the largest run file accepted for import
 * @param importMaxRows the most rows a run file may have
 */
@Validated
@ConfigurationProperties("distillery.runs")
record RunsProperties(
        @Min(1) int workersPerRun,
        Duration lease,
        @Min(1) int workspaceMaxRunningRuns,
        @Min(1) int workspaceMaxCalls,
        @Min(1) int maxCallers,
        @Min(1) long importMaxBytes,
        @Min(1) int importMaxRows) {}
