/**
 * Review: reviewers correct traces (a teacher's steps, or the verdict with a reason) as revisions that never
 * overwrite the original, compare any two revisions, and re-run the student on a corrected trace to see whether
 * the correction fixed it. Uses the runs API for traces and re-runs.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"datasets", "endpoints", "grading", "runs", "shared", "shared :: ui", "tenancy"})
@NullMarked
package dev.distillery.review;

import org.jspecify.annotations.NullMarked;
