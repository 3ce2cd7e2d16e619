package dev.distillery.home;

import java.util.stream.Stream;

/**
 * The first steps of a workspace, each done once the workspace has what the step makes (by anyone in it).
 *
 * @param endpointRegistered an endpoint that is not deleted
 * @param datasetUploaded a dataset
 * @param runLaunched a run, launched or imported
 * @param traceReviewed a correction, verdict or queue review of a trace
 * @param leaderboardFilled a finished run on the leaderboards
 */
public record GettingStarted(
        boolean endpointRegistered,
        boolean datasetUploaded,
        boolean runLaunched,
        boolean traceReviewed,
        boolean leaderboardFilled) {

    public static final int STEPS = 5;

    /** How many of the {@link #STEPS} steps are done. */
    public int done() {
        return (int) Stream.of(endpointRegistered, datasetUploaded, runLaunched, traceReviewed, leaderboardFilled)
                .filter(Boolean::booleanValue)
                .count();
    }
}
