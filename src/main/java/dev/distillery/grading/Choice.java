package dev.distillery.grading;

/**
 * One option of a multiple-choice item.
 *
 * @param label the option's label, such as "A"
 * @param text the option's text, which the grader accepts in place of the label
 */
public record Choice(String label, String text) {}
