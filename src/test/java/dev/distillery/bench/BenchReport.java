package dev.distillery.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** Prints a benchmark's figures and appends them to {@code target/bench/<name>.txt} with the time and machine. */
final class BenchReport {

    private BenchReport() {}

    static void record(String name, String line) throws IOException {
        String machine = Runtime.getRuntime().availableProcessors() + " cores, "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB max heap, Java " + Runtime.version();
        String entry = Instant.now() + " | " + machine + " | " + line;
        System.out.println("BENCH " + name + ": " + entry);
        Path file = Path.of("target", "bench", name + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, entry + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Median wall time in milliseconds of 7 calls after 3 warm-up calls. */
    static double medianMs(java.util.function.Supplier<?> action) {
        return medianMs(() -> action, java.util.function.Supplier::get);
    }

    /**
     * Median wall time in milliseconds of 7 calls after 3 warm-up calls, each call given what {@code untimed} prepared
     * for it before its clock started.
     */
    static <T> double medianMs(java.util.function.Supplier<T> untimed, java.util.function.Function<T, ?> action) {
        for (int i = 0; i < 3; i++) {
            action.apply(untimed.get());
        }
        double[] times = new double[7];
        for (int i = 0; i < times.length; i++) {
            T prepared = untimed.get();
            long start = System.nanoTime();
            action.apply(prepared);
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        java.util.Arrays.sort(times);
        return times[times.length / 2];
    }
}
