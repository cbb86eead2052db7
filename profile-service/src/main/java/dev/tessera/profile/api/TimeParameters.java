package dev.tessera.profile.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Times and dates in query parameters, read once for every endpoint: ISO-8601, and between 1970 and the
 * end of year 9999. Anything else (a year like {@code +300000000} parses, then overflows epoch
 * milliseconds or date arithmetic) is a 400 naming the parameter, not a 500.
 */
final class TimeParameters {

    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private TimeParameters() {}

    /** The instant a parameter gives, null when absent. */
    static Instant instant(String name, Optional<String> value) {
        if (value.isEmpty()) {
            return null;
        }
        Instant parsed;
        try {
            parsed = Instant.parse(value.get().strip());
        } catch (DateTimeParseException e) {
            throw new ApiProblem.InvalidParameter(name, "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw new ApiProblem.InvalidParameter(name, "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        }
        return parsed;
    }

    /** The date a parameter gives. */
    static LocalDate date(String name, String value) {
        LocalDate parsed;
        try {
            parsed = LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new ApiProblem.InvalidParameter(name, "must be an ISO date (yyyy-mm-dd)");
        }
        if (parsed.getYear() < 1970 || parsed.getYear() > 9999) {
            throw new ApiProblem.InvalidParameter(name, "must be between 1970-01-01 and 9999-12-31");
        }
        return parsed;
    }
}
