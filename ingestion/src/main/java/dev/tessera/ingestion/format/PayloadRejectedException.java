package dev.tessera.ingestion.format;

import java.util.Objects;

/**
 * A payload (or one element of it) cannot be accepted. The message names the field and never contains its
 * value, so it may go into logs, metrics and dead-letter reasons.
 */
public final class PayloadRejectedException extends RuntimeException {

    public enum Reason {
        /** Not JSON, or not the shape the format expects. */
        MALFORMED,
        /** No id and no usable email or phone for the person. */
        MISSING_IDENTIFIER,
        /** A code the format does not know (event type, status, score label). */
        UNKNOWN_VALUE,
        /** A value of the wrong form, e.g. a date, amount or currency that does not parse. */
        INVALID_VALUE,
        /** Larger than the configured limit. */
        OVERSIZED,
        /** Missing or wrong signature or credentials. */
        BAD_SIGNATURE,
        /** Signed, but outside the replay window. */
        REPLAYED
    }

    private final Reason reason;

    public PayloadRejectedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "PayloadRejectedException[" + reason + ": " + getMessage() + "]";
    }
}
