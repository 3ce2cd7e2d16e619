package dev.distillery.runs;

/**
 * The verdict of one finished item of a run.
 *
 * @param correct whether the prediction was graded correct (an item that ended in an error is not)
 * @param error whether the item ended in an error instead of a prediction
 */
public record ItemOutcome(String itemId, boolean correct, boolean error) {}
