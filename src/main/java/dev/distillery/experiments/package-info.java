/**
 * Experiments: one dataset version, split and item range, and a grid of methods × teachers × students (or a list of
 * cells), each cell one run, launched, paused, resumed and cancelled together; shown as the papers' tables (accuracy
 * with its interval, gain over the student's baseline with its p-value) from the runs' leaderboard rows, and exported
 * as CSV, Markdown and LaTeX, with all its cells' traces in one file (through review's export). The papers' experiments are templates; Fine-tune-CoT and Socratic CoT are pipelines whose
 * stages (teacher runs, fine-tuning jobs, evaluation runs) start as the earlier ones finish.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {
            "datasets",
            "endpoints",
            "finetune",
            "leaderboards",
            "methods",
            "review",
            "runs",
            "shared",
            "shared :: ui",
            "tenancy"
        })
@NullMarked
package dev.distillery.experiments;

import org.jspecify.annotations.NullMarked;
