package dev.distillery.grading;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The grader's settings ({@code distillery.grading}).
 *
 * @param mathTimeLimit time limit of one math equivalence check (computer algebra)
 */
@ConfigurationProperties("distillery.grading")
record GradingProperties(Duration mathTimeLimit) {}
