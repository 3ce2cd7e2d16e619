/**
 * Views of fine-tuning: the "Export training data" dialog the run page opens, the jobs list with its launch form, and
 * a job with its events.
 */
@NullMarked
package dev.distillery.finetune.ui;

import org.jspecify.annotations.NullMarked;
