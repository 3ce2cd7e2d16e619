package dev.distillery.shared.startup;

/**
 * A reason not to start that the operator can fix: what is wrong, and what to do. Reported by
 * {@link StartupProblemAnalyzer} as two short paragraphs instead of a stack trace.
 */
public class StartupProblem extends RuntimeException {

    private final String action;

    public StartupProblem(String problem, String action) {
        super(problem);
        this.action = action;
    }

    public StartupProblem(String problem, String action, Throwable cause) {
        super(problem, cause);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
