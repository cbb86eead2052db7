package dev.tessera.core.cx;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A dashboard query: the UTC days {@code from}..{@code to} (both included), cut into periods of
 * {@code granularity}, one series per value of {@code dimension}.
 */
public record AggregateQuery(LocalDate from, LocalDate to, Granularity granularity, Dimension dimension) {

    /** The longest range one query may span (ten years of day buckets). */
    public static final int MAX_DAYS = 3_660;

    public AggregateQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(dimension, "dimension");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new IllegalArgumentException("a query spans at most " + MAX_DAYS + " days");
        }
    }

    /** Calendar periods in UTC: days, ISO weeks (Monday to Sunday), months; each is the sum of its days. */
    public enum Granularity {
        DAY,
        WEEK,
        MONTH
    }

    /** What the series are split by: nothing, the interaction's channel, or its touchpoint. */
    public enum Dimension {
        ALL,
        CHANNEL,
        TOUCHPOINT
    }
}
