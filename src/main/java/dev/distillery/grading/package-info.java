/**
 * Grading on demand: check model outputs against gold answers with the methods module's {@link
 * dev.distillery.methods.Grader}, one at a time on the Grader page or in batches of up to 10,000 over the API.
 */
@NullMarked
package dev.distillery.grading;

import org.jspecify.annotations.NullMarked;
