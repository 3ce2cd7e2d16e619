/** REST API of fine-tuning: export formats, a run's training data and the record of exports; fine-tuning jobs. */
@NullMarked
package dev.distillery.finetune.api;

import org.jspecify.annotations.NullMarked;
