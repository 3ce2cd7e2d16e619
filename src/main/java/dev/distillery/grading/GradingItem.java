package dev.distillery.grading;

import java.util.List;

/**
 * One output to grade.
 *
 * @param prediction the model's output, from which the answer is read
 * @param gold the gold answer
 * @param choices the item's options for choice answers; empty otherwise
 */
public record GradingItem(String prediction, String gold, List<Choice> choices) {

    public GradingItem {
        choices = List.copyOf(choices);
    }
}
