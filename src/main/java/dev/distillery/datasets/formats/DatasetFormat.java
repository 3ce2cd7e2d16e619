package dev.distillery.datasets.formats;

import java.io.IOException;

/** A dataset file format (GSM8K, MATH, ...): recognises its files and parses them as a stream. */
public interface DatasetFormat {

    /** API id: gsm8k, gsm8k-socratic, svamp, math, math500, strategyqa, aqua, csqa, generic. */
    String id();

    /** Human name, e.g. "GSM8K". */
    String label();

    /**
     * Whether the upload looks like this format, judged from its name and first records (for "auto").
     *
     * @param sample the file name and up to the first 64 KiB of the first file, decoded as UTF-8
     */
    boolean detect(FileSample sample);

    /**
     * Streams the upload's items and problems into {@code sink}.
     *
     * @param defaultSplit split for items whose file does not say (train, test or dev)
     * @param options format options; for {@code generic} the column mapping
     */
    void parse(ImportSource source, String defaultSplit, FormatOptions options, ImportSink sink) throws IOException;

    /** The start of an upload, for detection and previews. */
    record FileSample(String fileName, String firstFileName, String head) {}
}
