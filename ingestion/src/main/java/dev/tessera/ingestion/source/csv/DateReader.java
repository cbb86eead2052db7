package dev.tessera.ingestion.source.csv;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Optional;

/** Reads dates and times in the formats a source declares; {@code ISO} stands for the ISO-8601 forms. */
final class DateReader {

    static final String ISO = "ISO";

    private final List<String> formats;
    private final List<DateTimeFormatter> patterns;
    private final ZoneId zone;

    DateReader(List<String> formats, ZoneId zone) {
        this.formats = List.copyOf(formats);
        this.patterns = formats.stream()
                .filter(f -> !ISO.equals(f))
                .map(DateReader::strict)
                .toList();
        this.zone = zone;
    }

    /**
     * A declared pattern read strictly: the default (smart) reading turned 31/02/1990 into 28 February, a
     * wrong birth date stored instead of a row rejected. Strict reading needs the proleptic year ({@code u})
     * where a pattern says year-of-era ({@code y}, which would need an era in the text); quoted text is left.
     */
    static DateTimeFormatter strict(String pattern) {
        StringBuilder proleptic = new StringBuilder(pattern.length());
        boolean quoted = false;
        for (char c : pattern.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            proleptic.append(!quoted && c == 'y' ? 'u' : c);
        }
        return DateTimeFormatter.ofPattern(proleptic.toString()).withResolverStyle(java.time.format.ResolverStyle.STRICT);
    }

    Optional<Instant> instant(String text) {
        String value = text.strip();
        if (formats.contains(ISO)) {
            Optional<Instant> iso = isoInstant(value);
            if (iso.isPresent()) {
                return iso;
            }
        }
        for (DateTimeFormatter pattern : patterns) {
            try {
                TemporalAccessor parsed = pattern.parseBest(value, ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
                return Optional.of(toInstant(parsed));
            } catch (DateTimeException ignored) {
                // try the next format
            }
        }
        return Optional.empty();
    }

    Optional<LocalDate> date(String text) {
        String value = text.strip();
        if (formats.contains(ISO)) {
            try {
                return Optional.of(LocalDate.parse(value));
            } catch (DateTimeException ignored) {
                // maybe a date-time
            }
        }
        for (DateTimeFormatter pattern : patterns) {
            try {
                return Optional.of(LocalDate.from(pattern.parse(value)));
            } catch (DateTimeException ignored) {
                // try the next format
            }
        }
        return instant(value).map(i -> i.atZone(zone).toLocalDate());
    }

    private Optional<Instant> isoInstant(String value) {
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeException ignored) {
            // no offset
        }
        try {
            return Optional.of(LocalDateTime.parse(value).atZone(zone).toInstant());
        } catch (DateTimeException ignored) {
            // no time
        }
        try {
            return Optional.of(LocalDate.parse(value).atStartOfDay(zone).toInstant());
        } catch (DateTimeException ignored) {
            return Optional.empty();
        }
    }

    private Instant toInstant(TemporalAccessor parsed) {
        if (parsed instanceof ZonedDateTime zoned) {
            return zoned.toInstant();
        }
        if (parsed instanceof LocalDateTime local) {
            return local.atZone(zone).toInstant();
        }
        return ((LocalDate) parsed).atStartOfDay(zone).toInstant();
    }
}
