package dev.distillery.datasets.formats;

import dev.distillery.shared.Sizes;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * An uploaded file on disk as an {@link ImportSource}. A zip, recognised by its first bytes whatever its name, is
 * streamed entry by entry and never extracted: folders, {@code __MACOSX/} and dot-files are skipped, and the
 * {@link Limits} on entry count and unpacked size are enforced while reading, so a zip bomb is stopped early. Any
 * other file is one file. Breaking a limit, or a damaged or empty zip, throws {@link UploadRejectedException}.
 * Each {@link #forEachFile} call reads the file again from its start.
 */
public final class UploadSource implements ImportSource {

    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    /**
     * Upload limits.
     *
     * @param maxFileBytes largest uploaded file (a zip counts as packed)
     * @param maxZipEntries most entries in a zip, folders and skipped entries included
     * @param maxUnpackedBytes most bytes all of a zip's entries may unpack to together
     */
    public record Limits(long maxFileBytes, int maxZipEntries, long maxUnpackedBytes) {

        /** 200 MiB per file, 20,000 zip entries, 1 GiB unpacked. */
        public static Limits defaults() {
            return new Limits(200 * MIB, 20_000, GIB);
        }
    }

    private final Path file;
    private final String fileName;
    private final Limits limits;
    private final boolean zip;

    private UploadSource(Path file, String fileName, Limits limits, boolean zip) {
        this.file = file;
        this.fileName = fileName;
        this.limits = limits;
        this.zip = zip;
    }

    /**
     * Checks the file's size and kind.
     *
     * @param originalName the name the user uploaded the file under
     * @throws UploadRejectedException when the file is empty or larger than {@link Limits#maxFileBytes()}
     * @throws UncheckedIOException when the file cannot be read
     */
    public static UploadSource of(Path file, String originalName, Limits limits) {
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new UploadRejectedException("The file is empty");
            }
            if (size > limits.maxFileBytes()) {
                throw new UploadRejectedException("The file is larger than " + bytes(limits.maxFileBytes()));
            }
            return new UploadSource(file, originalName, limits, startsLikeZip(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Local file header, or the end record that is all an empty zip holds. */
    private static boolean startsLikeZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return Arrays.equals(magic, new byte[] {'P', 'K', 3, 4})
                    || Arrays.equals(magic, new byte[] {'P', 'K', 5, 6});
        }
    }

    @Override
    public String fileName() {
        return fileName;
    }

    public boolean isZip() {
        return zip;
    }

    @Override
    public void forEachFile(FileVisitor visitor) throws IOException {
        if (!zip) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                visitor.visit(fileName, in);
            }
            return;
        }
        try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            UnpackedBytes unpacked = new UnpackedBytes(in, limits.maxUnpackedBytes());
            int entries = 0;
            int files = 0;
            for (ZipEntry entry = nextEntry(in); entry != null; entry = nextEntry(in)) {
                if (++entries > limits.maxZipEntries()) {
                    throw new UploadRejectedException("The zip has more than "
                            + String.format(Locale.ROOT, "%,d", limits.maxZipEntries()) + " files");
                }
                String path = entry.getName().replace('\\', '/');
                if (!entry.isDirectory() && !skipped(path)) {
                    files++;
                    visitor.visit(path, unpacked);
                }
                // Whatever the visitor left unread still unpacks, and counts against the limit.
                unpacked.transferTo(OutputStream.nullOutputStream());
            }
            if (files == 0) {
                throw new UploadRejectedException("The zip holds no files");
            }
        } catch (ZipException e) {
            throw new UploadRejectedException("The zip file is damaged (" + e.getMessage() + ")", e);
        }
    }

    private static ZipEntry nextEntry(ZipInputStream in) throws IOException {
        try {
            return in.getNextEntry();
        } catch (IllegalArgumentException e) {
            // Thrown for entry names that are not valid in the zip's declared encoding.
            throw new UploadRejectedException("The zip file is damaged (an entry name cannot be read)", e);
        }
    }

    /** macOS resource forks and hidden files are not data. */
    private static boolean skipped(String path) {
        for (String segment : path.split("/")) {
            if (segment.equals("__MACOSX") || segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** As every page shows sizes ({@link Sizes}). */
    static String bytes(long count) {
        return Sizes.bytes(count);
    }

    /**
     * The current entry's content, counting every byte unpacked across the zip. Closing it does not close the zip:
     * visitors may close what they are given.
     */
    private static final class UnpackedBytes extends FilterInputStream {

        private final long max;
        private long total;

        UnpackedBytes(ZipInputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] discard = new byte[(int) Math.min(n, 8192)];
            int read = read(discard, 0, discard.length);
            return Math.max(read, 0);
        }

        private void count(int n) {
            total += n;
            if (total > max) {
                throw new UploadRejectedException("The zip unpacks to more than " + bytes(max));
            }
        }

        @Override
        public void close() {
            // The zip stays open for the next entry.
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
