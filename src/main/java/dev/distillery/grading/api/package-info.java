/** REST API of grading under /api/v1/grading: batch checks of predictions against gold answers. */
@NullMarked
package dev.distillery.grading.api;

import org.jspecify.annotations.NullMarked;
