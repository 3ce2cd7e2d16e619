/** REST API of fine-tuning jobs. */
@NullMarked
package dev.distillery.finetune.api;

import org.jspecify.annotations.NullMarked;
