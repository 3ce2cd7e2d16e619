/** Views of fine-tuning jobs: the list with its launch form, and a job with its events. */
@NullMarked
package dev.distillery.finetune.ui;

import org.jspecify.annotations.NullMarked;
