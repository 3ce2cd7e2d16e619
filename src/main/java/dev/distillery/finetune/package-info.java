/**
 * Fine-tuning: jobs launched on an endpoint's OpenAI-compatible fine-tuning API ({@link
 * dev.distillery.finetune.FineTuneJobService}), followed durably in the background, whose fine-tuned models are
 * registered as new endpoints.
 */
@NullMarked
package dev.distillery.finetune;

import org.jspecify.annotations.NullMarked;
