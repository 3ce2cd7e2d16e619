package dev.distillery.shared.text;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.DuplicateHeaderMode;

/** How users' CSV files are read: RFC 4180 with a header row naming the columns. */
public final class Csv {

    /**
     * A header row, then records; empty lines ignored; an unnamed column allowed (a trailing comma), a name given
     * twice refused (which column would it be?).
     */
    public static final CSVFormat HEADED = CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setAllowMissingColumnNames(true)
            .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
            .get();

    private Csv() {}
}
