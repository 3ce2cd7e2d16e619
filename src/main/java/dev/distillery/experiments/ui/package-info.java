/** Views of experiments: the list, the form with its estimate, and an experiment's live table. */
@NullMarked
package dev.distillery.experiments.ui;

import org.jspecify.annotations.NullMarked;
