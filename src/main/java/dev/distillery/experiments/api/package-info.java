/** REST API of experiments: launch, estimate, read as a table, export, pause, resume and cancel. */
@NullMarked
package dev.distillery.experiments.api;

import org.jspecify.annotations.NullMarked;
