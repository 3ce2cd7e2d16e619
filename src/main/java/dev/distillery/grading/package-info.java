/**
 * Grading: reads the answer from a model output and decides whether it equals the gold answer (METHODS.md §4). The
 * {@link dev.distillery.grading.Grader} is pure and versioned; runs, imports and re-grading use it, and users
 * check outputs with it on the Grader page or in batches of up to 10,000 over the API. Extraction rules and
 * equivalence checks live in {@code grading.rules}.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "shared :: ui"})
@NullMarked
package dev.distillery.grading;

import org.jspecify.annotations.NullMarked;
