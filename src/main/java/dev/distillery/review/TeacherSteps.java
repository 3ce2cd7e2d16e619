package dev.distillery.review;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A teacher's trace as the steps a reviewer edits one by one, and back to the text a student reads. Steps are found by
 * their list markers ({@code 1.}, {@code 2)}, {@code Step 3:}, {@code -}, {@code *}, {@code •}); a line without a
 * marker continues the step before it; text without any marker is one step per line. Rendering numbers the steps
 * "1. ", "2. ", … one per line, the shape the Trace-of-Thought teacher is asked for.
 */
public record TeacherSteps(List<String> steps) {

    private static final Pattern MARKER =
            Pattern.compile("^\\s*(?:(?:step\\s*)?\\d{1,3}\\s*[.):]|[-*•])\\s*", Pattern.CASE_INSENSITIVE);

    public TeacherSteps {
        steps = List.copyOf(steps);
    }

    public static TeacherSteps parse(String text) {
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        boolean marked = lines.stream().anyMatch(line -> MARKER.matcher(line).lookingAt());
        List<String> steps = new ArrayList<>();
        for (String line : lines) {
            var marker = MARKER.matcher(line);
            if (!marked) {
                steps.add(line.strip());
            } else if (marker.lookingAt()) {
                steps.add(line.substring(marker.end()).strip());
            } else if (steps.isEmpty()) {
                steps.add(line.strip()); // a heading before the first marker stays a step of its own
            } else {
                steps.set(steps.size() - 1, steps.getLast() + "\n" + line.strip());
            }
        }
        return new TeacherSteps(steps);
    }

    /** The numbered list, one step per line (a step's own line breaks are kept). */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(i + 1).append(". ").append(steps.get(i).strip());
        }
        return out.toString();
    }
}
