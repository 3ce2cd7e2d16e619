package dev.distillery.experiments;

import java.util.List;

/**
 * A ready-made experiment reproducing one of the three papers: the user fills its model slots, chooses a dataset and
 * launches it.
 *
 * @param pipeline whether its stages run one after another (Fine-tune-CoT, Socratic CoT) rather than as one grid
 * @param stages what it does, in order, as the user reads it before launching
 */
public record ExperimentTemplate(
        String key, String title, String description, boolean pipeline, List<Slot> slots, List<String> stages) {

    /**
     * A value the user gives when launching.
     *
     * @param type {@code endpoint} (one endpoint id), {@code endpoints} (a list of ids), {@code text} or
     *     {@code integer}
     */
    public record Slot(String name, String label, String type, boolean required, String help) {}
}
