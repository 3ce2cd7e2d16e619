/** The Grader page: paste one model output and a gold answer, see what the grader reads and decides. */
@NullMarked
package dev.distillery.grading.ui;

import org.jspecify.annotations.NullMarked;
