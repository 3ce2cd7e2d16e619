/**
 * Runs: launching a method over a dataset version with endpoints in its roles, and the durable engine that
 * executes it. Workers are db-scheduler tasks (cluster-safe, revived after a crash) that lease items with
 * {@code FOR UPDATE SKIP LOCKED}, run each item's calls on virtual threads within the run's concurrency, persist
 * every finished call before it counts, and grade the predictions; runs produced elsewhere are imported from a file
 * ({@link dev.distillery.runs.RunImportService}), graded the same way. Publishes {@link dev.distillery.runs.RunCompleted}.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {
            "datasets",
            "endpoints",
            "grading",
            "methods",
            "shared",
            "shared :: text",
            "shared :: ui",
            "tenancy"
        })
@NullMarked
package dev.distillery.runs;

import org.jspecify.annotations.NullMarked;
