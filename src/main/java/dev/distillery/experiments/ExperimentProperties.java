package dev.distillery.experiments;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Pipeline experiments ({@code distillery.experiments}).
 *
 * @param pipelinePoll how often a pipeline with a stage under way looks whether it has finished (a completed run of a
 *     stage makes it look at once; a fine-tuning job is noticed at the next look)
 */
@ConfigurationProperties("distillery.experiments")
record ExperimentProperties(Duration pipelinePoll) {}
