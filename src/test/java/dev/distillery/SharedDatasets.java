package dev.distillery;

import java.nio.file.Files;
import java.nio.file.Path;

/** The public benchmark files in {@code ../shared/datasets} (or {@code DISTILLERY_SHARED_DATASETS}). */
public final class SharedDatasets {

    private SharedDatasets() {}

    public static Path file(String relative) {
        String configured =
                System.getProperty("distillery.shared.datasets", System.getenv("DISTILLERY_SHARED_DATASETS"));
        Path root =
                configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("..", "shared", "datasets");
        Path file = root.toAbsolutePath().normalize().resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException("Shared dataset file not found: " + file
                    + " (set DISTILLERY_SHARED_DATASETS to the datasets folder)");
        }
        return file;
    }
}
