package dev.distillery.experiments;

import dev.distillery.shared.SafeCsv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An experiment as the papers print it: a row per student, a column per method (with its preset) and teacher, each
 * cell the accuracy in percent with its 95% interval and the gain over the student's baseline with its p-value
 * ("80.0 [62.7, 90.5], +60.0 (p < 0.001)").
 * Exported as CSV (one line per cell, every figure), Markdown and LaTeX (booktabs).
 */
public record ExperimentTable(List<Column> columns, List<Row> rows) {

    /** A column: a method with its preset, and the teacher (null for methods without one). */
    public record Column(
            String method, String preset, @Nullable String teacher) {

        public String label() {
            return method
                    + ("default".equals(preset) ? "" : " (" + preset + ")")
                    + (teacher == null ? "" : " ← " + teacher);
        }
    }

    /** A row: a student (null for cells without one, such as a teacher's rationale generation) and its cells. */
    public record Row(@Nullable String student, List<Experiment.@Nullable Cell> cells) {

        public String label() {
            return student == null ? "(no student)" : student;
        }
    }

    public static ExperimentTable of(Experiment experiment) {
        Map<Column, Integer> columns = new LinkedHashMap<>();
        Map<String, Map<Column, Experiment.Cell>> rows = new LinkedHashMap<>();
        for (Experiment.Cell cell : experiment.cells()) {
            Column column = new Column(cell.method(), cell.preset(), cell.teacher());
            columns.putIfAbsent(column, columns.size());
            rows.computeIfAbsent(Objects.toString(cell.student(), ""), k -> new LinkedHashMap<>())
                    .put(column, cell);
        }
        List<Row> out = new ArrayList<>();
        rows.forEach((student, cells) -> {
            List<Experiment.@Nullable Cell> line = new ArrayList<>();
            for (Column column : columns.keySet()) {
                line.add(cells.get(column));
            }
            out.add(new Row(student.isEmpty() ? null : student, line));
        });
        return new ExperimentTable(List.copyOf(columns.keySet()), out);
    }

    /** The accuracy in percent with its interval, "72.5 [66.1, 78.2]"; the run's status while it has no figures. */
    public static String accuracy(Experiment.Cell cell) {
        Double accuracy = cell.accuracy();
        Double low = cell.ciLow();
        Double high = cell.ciHigh();
        if (accuracy == null || low == null || high == null) {
            return cell.runStatus().equals("completed")
                    ? "—"
                    : cell.runStatus() + " " + cell.done() + "/" + cell.total();
        }
        return pct(accuracy) + " [" + pct(low) + ", " + pct(high) + "]";
    }

    /** The gain over the baseline in points with McNemar's p, "+5.5 (p = 0.012)"; empty without a baseline. */
    public static String gain(Experiment.Cell cell) {
        Double gain = cell.gainPoints();
        Double p = cell.pValue();
        if (gain == null) {
            return "";
        }
        return String.format(Locale.ROOT, "%+.1f", gain) + (p == null ? "" : " (" + p(p) + ")");
    }

    public String csv() {
        List<List<?>> lines = new ArrayList<>();
        for (Row row : rows) {
            for (Experiment.@Nullable Cell cell : row.cells()) {
                if (cell != null) {
                    lines.add(java.util.Arrays.asList(
                            row.student(),
                            cell.teacher(),
                            cell.method(),
                            cell.preset(),
                            cell.runId(),
                            cell.runStatus(),
                            cell.done(),
                            cell.errors(),
                            cell.accuracy(),
                            cell.ciLow(),
                            cell.ciHigh(),
                            cell.gainPoints(),
                            cell.pValue(),
                            cell.baselineNote()));
                }
            }
        }
        return SafeCsv.write(
                List.of(
                        "student",
                        "teacher",
                        "method",
                        "preset",
                        "run_id",
                        "status",
                        "n",
                        "errors",
                        "accuracy",
                        "ci_low",
                        "ci_high",
                        "gain_points",
                        "p_value",
                        "baseline_note"),
                lines);
    }

    public String markdown() {
        StringBuilder out = new StringBuilder("| Student |");
        columns.forEach(c -> out.append(' ').append(md(c.label())).append(" |"));
        out.append("\n|---|");
        columns.forEach(c -> out.append("---|"));
        out.append('\n');
        for (Row row : rows) {
            out.append("| ").append(md(row.label())).append(" |");
            for (Experiment.@Nullable Cell cell : row.cells()) {
                out.append(' ').append(cell == null ? "" : md(text(cell))).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A booktabs table for a paper: accuracy with its interval, the gain under it when there is a baseline. */
    public String latex() {
        StringBuilder out = new StringBuilder("\\begin{tabular}{l")
                .append("c".repeat(columns.size()))
                .append("}\n\\toprule\n");
        out.append("Student");
        columns.forEach(c -> out.append(" & ").append(tex(c.label())));
        out.append(" \\\\\n\\midrule\n");
        for (Row row : rows) {
            out.append(tex(row.label()));
            for (Experiment.@Nullable Cell cell : row.cells()) {
                out.append(" & ");
                if (cell != null) {
                    out.append(tex(accuracy(cell)));
                    if (!gain(cell).isEmpty()) {
                        out.append(", ").append(tex(gain(cell)));
                    }
                }
            }
            out.append(" \\\\\n");
        }
        return out.append("\\bottomrule\n\\end{tabular}\n").toString();
    }

    private static String text(Experiment.Cell cell) {
        String gain = gain(cell);
        return accuracy(cell) + (gain.isEmpty() ? "" : ", " + gain);
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f", 100 * fraction);
    }

    private static String p(double p) {
        return p < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", p);
    }

    private static String md(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    private static String tex(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\textbackslash{}");
                case '&', '%', '$', '#', '_', '{', '}' -> out.append('\\').append(c);
                case '~' -> out.append("\\textasciitilde{}");
                case '^' -> out.append("\\textasciicircum{}");
                case '←' -> out.append("$\\leftarrow$");
                case '—' -> out.append("---");
                case '<' -> out.append("$<$");
                default -> out.append(c == '\n' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
