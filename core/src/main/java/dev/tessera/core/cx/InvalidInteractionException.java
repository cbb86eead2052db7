package dev.tessera.core.cx;

/**
 * An interaction the timeline refuses (too large, odd characters, a reserved source). The message names
 * the field and the limit, never the value, so it can go to logs and dead letters as it is.
 */
public final class InvalidInteractionException extends IllegalArgumentException {

    public InvalidInteractionException(String message) {
        super(message);
    }
}
