package dev.distillery.experiments;

import dev.distillery.methods.Decoding;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a user asks to run as one experiment: either a grid ({@code methods} × {@code teachers} × {@code students},
 * a method that needs no teacher once per student) or an explicit list of {@code cells}, not both.
 *
 * @param datasetVersion version number, or null for the latest
 * @param offset the first item of the split (0 when left out)
 * @param limit how many items from {@code offset}, or null for all the rest
 * @param decoding shared by every run (null values: each preset's own)
 * @param concurrency of each run
 * @param confirm true to launch although the estimate is above the workspace's threshold
 *     ({@link ExperimentEstimate#confirmationRequired()})
 */
public record ExperimentDraft(
        @Nullable String name,
        UUID datasetId,
        @Nullable Integer datasetVersion,
        @Nullable String split,
        Integer offset,
        @Nullable Integer limit,
        List<MethodChoice> methods,
        List<UUID> teachers,
        List<UUID> students,
        List<CellDraft> cells,
        @Nullable Decoding decoding,
        @Nullable Integer seed,
        @Nullable Integer concurrency,
        @Nullable Boolean confirm) {

    public ExperimentDraft {
        // JSON may leave out the offset and the lists; they mean 0 and none.
        offset = offset == null ? 0 : offset;
        methods = methods == null ? List.of() : List.copyOf(methods);
        teachers = teachers == null ? List.of() : List.copyOf(teachers);
        students = students == null ? List.of() : List.copyOf(students);
        cells = cells == null ? List.of() : List.copyOf(cells);
    }

    /** A method of the grid, with its preset (null: the default) and parameters. */
    public record MethodChoice(
            String method,
            @Nullable String preset,
            @Nullable Map<String, Object> params) {}

    /** One cell given explicitly. */
    public record CellDraft(
            String method,
            @Nullable String preset,
            @Nullable Map<String, Object> params,
            @Nullable UUID teacher,
            @Nullable UUID student) {}
}
