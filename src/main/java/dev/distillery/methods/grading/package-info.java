/**
 * The grader's internals: answer extraction per answer type, LaTeX normalisation, and the equivalence checks
 * (numeric, structural, and symbolic with the Symja computer-algebra system under a time limit) behind
 * {@link dev.distillery.methods.Grader}.
 */
@NullMarked
package dev.distillery.methods.grading;

import org.jspecify.annotations.NullMarked;
