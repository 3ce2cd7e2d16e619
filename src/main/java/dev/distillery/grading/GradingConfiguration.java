package dev.distillery.grading;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one grader of the application, shared by runs, imports, re-grading and the Grader page; pure and thread-safe. */
@Configuration(proxyBeanMethods = false)
class GradingConfiguration {

    @Bean
    Grader grader(@Value("${distillery.grading.math-time-limit:2s}") Duration mathTimeLimit) {
        return new Grader(mathTimeLimit);
    }
}
