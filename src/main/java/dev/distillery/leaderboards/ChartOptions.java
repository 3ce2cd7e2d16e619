package dev.distillery.leaderboards;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Apache ECharts options for a board, as plain maps (the views and the public page serialise them to JSON): accuracy
 * with its interval per result, gain against student size, accuracy against cost, and the teacher × student heatmap.
 * Values are percentages and accuracy points, as people read them.
 */
public final class ChartOptions {

    /** The accuracy chart shows the best results only; more bars than this are unreadable. */
    static final int MAX_BARS = 25;

    private static final Pattern SIZE = Pattern.compile("(?i)(?<![a-z0-9.])(\\d+(?:\\.\\d+)?)\\s*([bm])(?![a-z])");

    private ChartOptions() {}

    /** Accuracy (dot) with its 95% Wilson interval (bar) per result, best first. */
    public static Map<String, Object> accuracy(List<LeaderboardRow> rows) {
        List<LeaderboardRow> best = rows.stream()
                .sorted(Comparator.comparingDouble(LeaderboardRow::accuracy).reversed())
                .limit(MAX_BARS)
                .toList()
                .reversed();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < best.size(); i++) {
            labels.add((best.size() - i) + ". " + best.get(i).label());
        }
        Map<String, Object> option = base("Accuracy with 95% interval");
        option.put("grid", Map.of("left", 260, "right", 40, "top", 50, "bottom", 40));
        option.put("xAxis", Map.of("type", "value", "min", 0, "max", 100, "name", "accuracy %"));
        option.put(
                "yAxis",
                Map.of("type", "category", "data", labels, "axisLabel", Map.of("width", 240, "overflow", "truncate")));
        option.put("tooltip", Map.of("trigger", "item"));
        option.put(
                "series",
                List.of(
                        Map.of(
                                "type",
                                "bar",
                                "stack",
                                "interval",
                                "silent",
                                true,
                                "tooltip",
                                Map.of("show", false),
                                "itemStyle",
                                Map.of("color", "transparent"),
                                "data",
                                best.stream().map(r -> pct(r.ciLow())).toList()),
                        Map.of(
                                "type",
                                "bar",
                                "stack",
                                "interval",
                                "name",
                                "95% interval",
                                "barWidth",
                                8,
                                "itemStyle",
                                Map.of("color", "#9db4d6"),
                                "data",
                                best.stream()
                                        .map(r -> pct(r.ciHigh() - r.ciLow()))
                                        .toList()),
                        Map.of(
                                "type",
                                "scatter",
                                "name",
                                "accuracy %",
                                "symbolSize",
                                11,
                                "itemStyle",
                                Map.of("color", "#1f5fbf"),
                                "data",
                                best.stream().map(r -> pct(r.accuracy())).toList())));
        return option;
    }

    /** Gain over the student's baseline (points) against the student's size, one series per method. */
    public static Map<String, Object> gainVsSize(List<LeaderboardRow> rows) {
        Map<String, List<List<Object>>> byMethod = new LinkedHashMap<>();
        for (LeaderboardRow row : rows) {
            OptionalDouble size = studentBillions(row);
            if (row.gainPoints() != null && size.isPresent()) {
                byMethod.computeIfAbsent(row.method(), k -> new ArrayList<>())
                        .add(List.of(size.getAsDouble(), round(row.gainPoints()), row.label()));
            }
        }
        Map<String, Object> option = base("Gain over the student's baseline vs student size");
        option.put(
                "xAxis",
                Map.of("type", "log", "name", "student parameters (B)", "nameLocation", "middle", "nameGap", 28));
        option.put("yAxis", Map.of("type", "value", "name", "gain (points)"));
        option.put("tooltip", Map.of("trigger", "item", "formatter", "{a}: {c}"));
        option.put("legend", Map.of("top", 24));
        option.put("series", scatter(byMethod));
        return option;
    }

    /** Accuracy against the run's cost, one series per method. */
    public static Map<String, Object> accuracyVsCost(List<LeaderboardRow> rows) {
        Map<String, List<List<Object>>> byMethod = new LinkedHashMap<>();
        for (LeaderboardRow row : rows) {
            byMethod.computeIfAbsent(row.method(), k -> new ArrayList<>())
                    .add(List.of(
                            row.cost().setScale(4, java.math.RoundingMode.HALF_UP), pct(row.accuracy()), row.label()));
        }
        Map<String, Object> option = base("Accuracy vs cost");
        option.put("xAxis", Map.of("type", "value", "name", "cost (USD)", "nameLocation", "middle", "nameGap", 28));
        option.put("yAxis", Map.of("type", "value", "name", "accuracy %", "min", 0, "max", 100));
        option.put("tooltip", Map.of("trigger", "item", "formatter", "{a}: {c}"));
        option.put("legend", Map.of("top", 24));
        option.put("series", scatter(byMethod));
        return option;
    }

    /**
     * The teacher × student heatmap of gain in points; a cell's data index is its index in {@code matrix.cells()}.
     * Cells without a comparison are left out (and listed in the view).
     */
    public static Map<String, Object> heatmap(TeacherStudentMatrix matrix) {
        List<List<Object>> data = new ArrayList<>();
        double extent = 1;
        for (TeacherStudentMatrix.Cell cell : matrix.cells()) {
            Double gain = cell.gainPoints();
            data.add(List.of(
                    matrix.students().indexOf(cell.student()),
                    matrix.teachers().indexOf(cell.teacher()),
                    gain == null ? "-" : round(gain)));
            extent = Math.max(extent, gain == null ? 0 : Math.abs(gain));
        }
        Map<String, Object> option = base("Gain over each student's baseline (points)");
        option.put("grid", Map.of("left", "22%", "right", "8%", "top", 50, "bottom", 90));
        option.put(
                "xAxis",
                Map.of(
                        "type",
                        "category",
                        "data",
                        matrix.students(),
                        "name",
                        "student",
                        "splitArea",
                        Map.of("show", true)));
        option.put(
                "yAxis",
                Map.of(
                        "type",
                        "category",
                        "data",
                        matrix.teachers(),
                        "name",
                        "teacher",
                        "splitArea",
                        Map.of("show", true)));
        option.put(
                "visualMap",
                Map.of(
                        "min",
                        -Math.ceil(extent),
                        "max",
                        Math.ceil(extent),
                        "calculable",
                        true,
                        "orient",
                        "horizontal",
                        "left",
                        "center",
                        "bottom",
                        10,
                        "inRange",
                        Map.of("color", List.of("#c0392b", "#f7f7f7", "#1e8449"))));
        option.put("tooltip", Map.of("trigger", "item"));
        option.put(
                "series",
                List.of(Map.of(
                        "type", "heatmap", "name", "gain (points)", "data", data, "label", Map.of("show", true))));
        return option;
    }

    /**
     * The student's size in billions of parameters: as its endpoint declares it, else when its model or endpoint name
     * says it ("7b", "1.5B", "770M").
     */
    static OptionalDouble studentBillions(LeaderboardRow row) {
        if (row.studentBillions() != null) {
            return OptionalDouble.of(row.studentBillions());
        }
        for (String name : new String[] {row.studentModel(), row.student()}) {
            if (name == null) {
                continue;
            }
            Matcher m = SIZE.matcher(name);
            if (m.find()) {
                double value = Double.parseDouble(m.group(1));
                return OptionalDouble.of(m.group(2).equalsIgnoreCase("m") ? value / 1000 : value);
            }
        }
        return OptionalDouble.empty();
    }

    private static List<Map<String, Object>> scatter(Map<String, List<List<Object>>> byMethod) {
        return byMethod.entrySet().stream()
                .map(e -> Map.<String, Object>of(
                        "type", "scatter", "name", e.getKey(), "symbolSize", 12, "data", e.getValue()))
                .collect(Collectors.toList());
    }

    private static Map<String, Object> base(String title) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("title", Map.of("text", title, "textStyle", Map.of("fontSize", 14)));
        option.put("animation", false);
        return option;
    }

    private static double pct(double fraction) {
        return round(100 * fraction);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
