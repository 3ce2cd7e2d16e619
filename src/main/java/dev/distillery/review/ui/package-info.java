/** Views of review: the review grid over a run's traces with the detail, correction and history panel;
 * the run page's "Download traces". */
@NullMarked
package dev.distillery.review.ui;

import org.jspecify.annotations.NullMarked;
