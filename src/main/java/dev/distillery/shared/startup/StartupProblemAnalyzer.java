package dev.distillery.shared.startup;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a {@link StartupProblem} as Spring Boot's "APPLICATION FAILED TO START" report: the problem and the fix. */
class StartupProblemAnalyzer extends AbstractFailureAnalyzer<StartupProblem> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartupProblem cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
