/** REST API of fine-tuning exports: the formats per method, building a run's training data, and the record of exports. */
@NullMarked
package dev.distillery.finetune.api;

import org.jspecify.annotations.NullMarked;
