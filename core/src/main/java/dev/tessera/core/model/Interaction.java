package dev.tessera.core.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The "what happened" of ingestion: one interaction of a customer with the company at one touchpoint.
 *
 * @param id          stable id from the source (re-delivery of the same id is the same interaction)
 * @param record      the source record of the person it belongs to
 * @param channel     e.g. {@code web}, {@code email}, {@code phone}, {@code store}
 * @param touchpoint  what it was about, e.g. {@code checkout}, {@code delivery}, {@code support}
 * @param amount      money involved (orders, returns), or null
 * @param score       survey score (NPS, CSAT, CES), or null
 */
public record Interaction(
        String id,
        SourceRecordId record,
        InteractionKind kind,
        String channel,
        String touchpoint,
        Instant occurredAt,
        Money amount,
        Score score,
        Map<String, String> attributes) {

    /**
     * The attribute naming the ticket a {@code TICKET_*} event (or a rating of that ticket) belongs to:
     * the events of one ticket share it, so its opening, first reply and solving are one ticket in the CX
     * metrics. Every built-in support format writes it (for Intercom the conversation is the ticket);
     * {@code tessera.cx.ticket-id-attribute} names another one for custom routes.
     */
    public static final String TICKET_ID = "ticket_id";

    public Interaction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (id.isBlank() || id.length() > 256) {
            throw new IllegalArgumentException("interaction id must be 1-256 characters");
        }
        attributes = Collections.unmodifiableMap(new TreeMap<>(attributes == null ? Map.of() : attributes));
    }

    /**
     * An amount of money in an ISO 4217 currency, below 10^18 in size and with at most 12 decimals: sums of
     * amounts must stay cheap (an amount like {@code 1e999999999} would make every sum a billion digits).
     */
    public record Money(BigDecimal value, String currency) {
        static final BigDecimal LIMIT = BigDecimal.TEN.pow(18);

        public Money {
            Objects.requireNonNull(value, "value");
            if (value.abs().compareTo(LIMIT) >= 0 || value.stripTrailingZeros().scale() > 12) {
                throw new IllegalArgumentException("amount is out of range (below 10^18, at most 12 decimals)");
            }
            if (currency == null || !currency.matches("[A-Z]{3}")) {
                throw new IllegalArgumentException("currency must be an ISO 4217 code");
            }
        }
    }

    /** A survey answer on a known scale. */
    public record Score(ScoreType type, int value) {
        public Score {
            Objects.requireNonNull(type, "type");
            if (value < type.min() || value > type.max()) {
                throw new IllegalArgumentException(type + " score must be within " + type.min() + ".." + type.max());
            }
        }
    }

    /** Survey scales: NPS 0-10, CSAT 1-5, CES 1-7. */
    public enum ScoreType {
        NPS(0, 10),
        CSAT(1, 5),
        CES(1, 7);

        private final int min;
        private final int max;

        ScoreType(int min, int max) {
            this.min = min;
            this.max = max;
        }

        public int min() {
            return min;
        }

        public int max() {
            return max;
        }
    }
}
