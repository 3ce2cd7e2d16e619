/**
 * Views of experiments: the list with the papers' templates, the form with its estimate, a template's page, and an
 * experiment's live table with a pipeline's stages.
 */
@NullMarked
package dev.distillery.experiments.ui;

import org.jspecify.annotations.NullMarked;
