package dev.distillery.datasets.formats;

import java.io.IOException;
import java.io.InputStream;

/**
 * An uploaded file, read as a stream (never whole into memory). A zip upload presents each entry in turn; limits
 * on entry count and unpacked size are enforced while reading.
 */
public interface ImportSource {

    /** The uploaded file's name, e.g. {@code test.jsonl} or {@code MATH.zip}. */
    String fileName();

    /** Calls {@code visitor} for every file in the upload, in order: once for a plain file, per entry for a zip. */
    void forEachFile(FileVisitor visitor) throws IOException;

    /** One file of an upload. */
    @FunctionalInterface
    interface FileVisitor {
        void visit(String path, InputStream content) throws IOException;
    }
}
