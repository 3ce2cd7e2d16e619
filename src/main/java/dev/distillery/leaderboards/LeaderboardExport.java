package dev.distillery.leaderboards;

import dev.distillery.shared.SafeCsv;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** A board as CSV (one row per entry; the columns of the REST API's rows, flattened), formula-safe. */
public final class LeaderboardExport {

    private record Column(String name, Function<LeaderboardRow, @Nullable Object> value) {}

    private static final List<Column> COLUMNS = List.of(
            new Column("runId", LeaderboardRow::runId),
            new Column("run", LeaderboardRow::runName),
            new Column("dataset", LeaderboardRow::datasetName),
            new Column("datasetVersion", LeaderboardRow::datasetVersion),
            new Column("split", LeaderboardRow::split),
            new Column("method", LeaderboardRow::method),
            new Column("preset", LeaderboardRow::preset),
            new Column("teacher", LeaderboardRow::teacher),
            new Column("student", LeaderboardRow::student),
            new Column("n", LeaderboardRow::n),
            new Column("correct", LeaderboardRow::correct),
            new Column("errors", LeaderboardRow::errors),
            new Column("accuracy", LeaderboardRow::accuracy),
            new Column("ciLow", LeaderboardRow::ciLow),
            new Column("ciHigh", LeaderboardRow::ciHigh),
            new Column("baselineRunId", LeaderboardRow::baselineRunId),
            new Column("baselineAccuracy", LeaderboardRow::baselineAccuracy),
            new Column("gainPoints", LeaderboardRow::gainPoints),
            new Column("gainRelative", LeaderboardRow::gainRelative),
            new Column("pValue", LeaderboardRow::pValue),
            new Column("diffLow", LeaderboardRow::diffLow),
            new Column("diffHigh", LeaderboardRow::diffHigh),
            new Column("baselineNote", LeaderboardRow::baselineNote),
            new Column(
                    "correctedItems",
                    r -> r.corrected() == null ? null : r.corrected().items()),
            new Column(
                    "correctedAccuracy",
                    r -> r.corrected() == null ? null : r.corrected().accuracy()),
            new Column(
                    "correctedGainPoints",
                    r -> r.corrected() == null ? null : r.corrected().gainPoints()),
            new Column(
                    "correctedPValue",
                    r -> r.corrected() == null ? null : r.corrected().pValue()),
            new Column("tokens", LeaderboardRow::tokens),
            new Column("cost", LeaderboardRow::cost),
            new Column("costPerCorrect", LeaderboardRow::costPerCorrect),
            new Column("imported", LeaderboardRow::imported),
            new Column("createdBy", LeaderboardRow::createdBy),
            new Column("finishedAt", LeaderboardRow::finishedAt));

    private LeaderboardExport() {}

    public static String csv(List<LeaderboardRow> rows) {
        return SafeCsv.write(
                columnNames(),
                rows.stream()
                        .map(row -> COLUMNS.stream()
                                .map(column -> column.value().apply(row))
                                .toList())
                        .toList());
    }

    static List<String> columnNames() {
        return Arrays.asList(COLUMNS.stream().map(Column::name).toArray(String[]::new));
    }
}
