package dev.distillery.shared.ui;

import com.vaadin.flow.component.UI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times as the person reading the page keeps them: in their browser's time zone, which the browser sends when the page
 * loads, and in UTC when it sent none. A hosted server's own zone means nothing to its users, and a time entered in a
 * form (a campaign's end) must mean the moment its author meant.
 */
public final class ClientTime {

    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private ClientTime() {}

    /** The browser's time zone; UTC outside a page or when the browser gave none that Java knows. */
    public static ZoneId zone() {
        UI ui = UI.getCurrent();
        if (ui == null) {
            return ZoneOffset.UTC;
        }
        String id = ui.getPage().getExtendedClientDetails().getTimeZoneId();
        if (id == null || id.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException unknown) {
            return ZoneOffset.UTC;
        }
    }

    /** The moment to the minute, in the reader's zone. */
    public static String format(Instant at) {
        return MINUTES.withZone(zone()).format(at);
    }

    /** The moment a date and time entered in a form means in the reader's zone. */
    public static Instant instant(LocalDateTime entered) {
        return entered.atZone(zone()).toInstant();
    }

    /** The moment a day entered in a form begins in the reader's zone. */
    public static Instant startOf(LocalDate day) {
        return day.atStartOfDay(zone()).toInstant();
    }

    /** The reader's zone as a label beside a field where a time is entered ("Europe/Berlin", "UTC"). */
    public static String zoneName() {
        ZoneId zone = zone();
        return zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    }
}
