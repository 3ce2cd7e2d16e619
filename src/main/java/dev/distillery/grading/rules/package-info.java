/**
 * The grader's internals: answer extraction per answer type, LaTeX normalisation, and the equivalence checks
 * (numeric, structural, and symbolic with the Symja computer-algebra system under a time limit) behind
 * {@link dev.distillery.grading.Grader}. Pure: no Spring, no I/O.
 */
@NullMarked
package dev.distillery.grading.rules;

import org.jspecify.annotations.NullMarked;
