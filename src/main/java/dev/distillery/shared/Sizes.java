package dev.distillery.shared;

import java.util.Locale;

/**
 * Sizes of files as every page and message shows them: limits exactly ("200 MiB", "1 GiB", "50,000 bytes"), measured
 * sizes to one decimal ("12.4 MiB").
 */
public final class Sizes {

    private static final long[] UNITS = {1L << 30, 1L << 20, 1L << 10};
    private static final String[] NAMES = {"GiB", "MiB", "KiB"};

    private Sizes() {}

    /** A limit: in the largest unit it is a whole number of, else in bytes. */
    public static String bytes(long count) {
        for (int i = 0; i < UNITS.length; i++) {
            if (count >= UNITS[i] && count % UNITS[i] == 0) {
                return String.format(Locale.ROOT, "%,d %s", count / UNITS[i], NAMES[i]);
            }
        }
        return String.format(Locale.ROOT, "%,d bytes", count);
    }

    /** A measured size: one decimal of the largest unit it reaches. */
    public static String about(long count) {
        for (int i = 0; i < UNITS.length; i++) {
            if (count >= UNITS[i]) {
                return String.format(Locale.ROOT, "%.1f %s", count / (double) UNITS[i], NAMES[i]);
            }
        }
        return String.format(Locale.ROOT, "%,d bytes", count);
    }
}
