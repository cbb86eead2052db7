package dev.tessera.core.segment;

/**
 * A segment definition that cannot be accepted. {@link #field()} names where (e.g. {@code rule.all[1].op});
 * the message says what is expected and never repeats the submitted value.
 */
public final class InvalidSegmentException extends IllegalArgumentException {

    private final String field;

    public InvalidSegmentException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** What is wrong, without the field name. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
