package dev.distillery.grading;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one grader of the application, shared by runs, imports, re-grading and the Grader page; pure and thread-safe. */
@Configuration(proxyBeanMethods = false)
class GradingConfiguration {

    @Bean
    Grader grader(GradingProperties properties) {
        return new Grader(properties.mathTimeLimit());
    }
}
