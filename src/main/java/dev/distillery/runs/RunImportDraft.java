package dev.distillery.runs;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What to import a run as: the dataset items it answers, the label it goes by on leaderboards, and who produced it.
 *
 * @param datasetVersionId a version of the dataset; null for its latest
 * @param method the method label (null or blank: "imported"); a student-only method's id such as "standard" makes
 *     the import that student's baseline on leaderboards
 * @param student the model that wrote the outputs (required); imports with the same name are the same student
 * @param teacher the model that wrote the teacher traces, if any
 * @param answerType an answer type (number, math, choice, yesno, string) to grade by instead of the items' own
 */
public record RunImportDraft(
        @Nullable String name,
        @Nullable UUID datasetId,
        @Nullable UUID datasetVersionId,
        @Nullable String split,
        @Nullable String method,
        @Nullable String student,
        @Nullable String teacher,
        @Nullable String answerType) {}
