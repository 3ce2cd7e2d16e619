/**
 * Fine-tuning: training data exported from finished runs (Fine-tune-CoT samples, Socratic CoT decomposer and solver
 * sets, preference pairs from corrected traces), refused when it would carry test items, unless overridden with a
 * reason that is stored and audited. Reads runs, datasets and review's tables in one read model.
 */
@NullMarked
package dev.distillery.finetune;

import org.jspecify.annotations.NullMarked;
