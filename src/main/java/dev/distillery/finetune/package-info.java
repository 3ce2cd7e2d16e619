/**
 * Fine-tuning: training data exported from finished runs (Fine-tune-CoT samples, Socratic CoT decomposer and solver
 * sets, preference pairs from corrected traces), refused when it would carry test items unless overridden with a
 * reason that is stored and audited; and jobs launched on an endpoint's OpenAI-compatible fine-tuning API ({@link
 * dev.distillery.finetune.FineTuneJobService}), followed durably in the background, whose fine-tuned models are
 * registered as new endpoints.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {
            "datasets",
            "endpoints",
            "methods",
            "review",
            "runs",
            "shared",
            "shared :: text",
            "shared :: ui",
            "tenancy"
        })
@NullMarked
package dev.distillery.finetune;

import org.jspecify.annotations.NullMarked;
