package dev.tessera.core.privacy;

import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One statement about a person's consent: for {@code purpose} on {@code channel} the status was
 * {@code status} at {@code at}, as {@code source} said (a source system, or {@value #AGENT} for a user
 * of the API, then with {@code actor}, the token subject). {@code sourceRecord} is the record it came
 * with, so the statement moves with that record when a profile is split; null for agents.
 *
 * @param recordedAt when Tessera stored it
 */
public record ConsentEntry(String purpose, ConsentChannel channel, ConsentStatus status, Instant at, String source,
        SourceRecordId sourceRecord, String actor, Instant recordedAt) {

    /** The source of statements made through the API. */
    public static final String AGENT = "agent";
    /**
     * How far ahead of Tessera's clock a statement's time may be (clock skew between systems). The latest
     * statement wins, so a time further ahead (a mistyped year) would outrank every real statement until
     * then: the API refuses it, and a source's is read as its record's time ({@link ConsentStore#ofRecord}).
     */
    public static final java.time.Duration MAX_AHEAD = java.time.Duration.ofMinutes(5);

    /** Purposes are free-form lower-case tokens: marketing, analytics, personalisation, profiling, ... */
    public static final String PURPOSE_PATTERN = "[a-z][a-z0-9_]{0,39}";
    private static final Pattern PURPOSE = Pattern.compile(PURPOSE_PATTERN);
    private static final Pattern ACTOR = Pattern.compile("[\\x21-\\x7e]{1,255}");

    /**
     * Latest statement first: later {@code at}; at the same instant a withdrawal before a grant (the
     * cautious reading); then by origin, so that the order never depends on arrival.
     */
    public static final Comparator<ConsentEntry> LATEST_FIRST = Comparator.comparing(ConsentEntry::at)
            .thenComparing(e -> e.status() == ConsentStatus.WITHDRAWN)
            .thenComparing(ConsentEntry::origin)
            .reversed();

    public ConsentEntry {
        if (!isValidPurpose(purpose)) {
            throw new IllegalArgumentException("purpose must match " + PURPOSE_PATTERN);
        }
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
        at = Objects.requireNonNull(at, "at").truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        recordedAt = Objects.requireNonNull(recordedAt, "recordedAt").truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (source == null || !(AGENT.equals(source) || source.matches("[a-z0-9][a-z0-9_-]{0,63}"))) {
            throw new IllegalArgumentException("source must be a source name or 'agent'");
        }
        if (actor != null && !ACTOR.matcher(actor).matches()) {
            throw new IllegalArgumentException("actor must be 1-255 printable characters");
        }
        if (sourceRecord != null && !sourceRecord.source().equals(source)) {
            throw new IllegalArgumentException("the source record must be of the source");
        }
    }

    public static boolean isValidPurpose(String purpose) {
        return purpose != null && PURPOSE.matcher(purpose).matches();
    }

    /** Where the statement came from: its source record's key, else its source ({@value #AGENT}). */
    public String origin() {
        return sourceRecord != null ? sourceRecord.key() : source;
    }

    /** The field of the profile's consent hash: one statement per purpose, channel and origin. */
    String field() {
        return purpose + "|" + channel.code() + "|" + origin();
    }

    boolean covers(String purpose, ConsentChannel channel) {
        return this.purpose.equals(purpose) && (this.channel == channel || this.channel == ConsentChannel.ANY);
    }
}
