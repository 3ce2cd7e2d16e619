package dev.distillery.finetune;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How often a fine-tuning job is checked ({@code distillery.fine-tuning}): every {@code pollInitial} while young, then
 * every tenth of its age, at most every {@code pollMax}.
 *
 * @param pollInitial the interval while the job is young
 * @param pollMax the longest interval
 */
@ConfigurationProperties("distillery.fine-tuning")
record FineTuningProperties(Duration pollInitial, Duration pollMax) {}
