package dev.distillery.leaderboards;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Gain over each student's own baseline for every teacher and student on a board: a cell holds the newest compared
 * result of that pair (filter the board by method to compare like with like) and how many runs the pair has.
 */
public record TeacherStudentMatrix(List<String> teachers, List<String> students, List<Cell> cells) {

    /**
     * @param gainPoints the newest compared run's gain in accuracy points, or null when none of the pair's runs has a
     *     baseline on the same items
     */
    public record Cell(
            String teacher,
            String student,
            @Nullable Double gainPoints,
            @Nullable Double pValue,
            int runs,
            LeaderboardRow newest) {}

    /** The matrix of the rows (newest first, as a board returns them); baselines and teacher-less runs are left out. */
    public static TeacherStudentMatrix of(List<LeaderboardRow> rows) {
        Map<List<String>, List<LeaderboardRow>> pairs = new LinkedHashMap<>();
        for (LeaderboardRow row : rows) {
            if (row.teacher() != null && row.student() != null && !row.baseline()) {
                pairs.computeIfAbsent(List.of(row.teacher(), row.student()), k -> new ArrayList<>())
                        .add(row);
            }
        }
        TreeSet<String> teachers = new TreeSet<>();
        TreeSet<String> students = new TreeSet<>();
        List<Cell> cells = new ArrayList<>();
        pairs.forEach((pair, pairRows) -> {
            teachers.add(pair.get(0));
            students.add(pair.get(1));
            LeaderboardRow newest = pairRows.stream()
                    .filter(r -> r.gainPoints() != null)
                    .findFirst()
                    .orElse(pairRows.getFirst());
            cells.add(
                    new Cell(pair.get(0), pair.get(1), newest.gainPoints(), newest.pValue(), pairRows.size(), newest));
        });
        return new TeacherStudentMatrix(List.copyOf(teachers), List.copyOf(students), List.copyOf(cells));
    }
}
