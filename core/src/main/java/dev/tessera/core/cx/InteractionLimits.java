package dev.tessera.core.cx;

import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.Interaction;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What the timeline accepts. The model already bounds ids; these limits keep one hostile or broken
 * source from filling a profile's hash with megabytes or putting control characters into keys and logs.
 */
final class InteractionLimits {

    /** Source name of the entries Tessera writes itself (merge, split); no real source may use it. */
    static final String SYSTEM_SOURCE = "tessera";
    static final int MAX_ATTRIBUTES = 64;
    static final int MAX_ATTRIBUTE_VALUE = 4_096;
    static final int MAX_LABEL = 64;
    static final int MAX_JSON = 64 * 1024;
    static final int MAX_AMOUNT_DIGITS = 24;
    static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private InteractionLimits() {}

    /** Checks an interaction from a source and returns its JSON form. */
    static String check(Interaction i) {
        if (SYSTEM_SOURCE.equals(i.record().source())) {
            throw new InvalidInteractionException("source '" + SYSTEM_SOURCE + "' is reserved for Tessera's own entries");
        }
        return checkShape(i);
    }

    /** The checks that also hold for Tessera's own entries. */
    static String checkShape(Interaction i) {
        if (CONTROL.matcher(i.id()).find()) {
            throw new InvalidInteractionException("interaction id must not contain control characters");
        }
        label("channel", i.channel());
        label("touchpoint", i.touchpoint());
        if (i.occurredAt().isBefore(EARLIEST) || !i.occurredAt().isBefore(LATEST)) {
            throw new InvalidInteractionException("occurredAt must be within 1900-01-01..2200-01-01");
        }
        if (i.amount() != null && i.amount().value().precision() - i.amount().value().scale() > MAX_AMOUNT_DIGITS) {
            throw new InvalidInteractionException("amount must have at most " + MAX_AMOUNT_DIGITS + " integer digits");
        }
        if (i.attributes().size() > MAX_ATTRIBUTES) {
            throw new InvalidInteractionException("at most " + MAX_ATTRIBUTES + " attributes per interaction");
        }
        i.attributes().forEach((name, value) -> {
            if (!Attributes.isValidName(name)) {
                throw new InvalidInteractionException("attribute names must match " + Attributes.NAME_PATTERN);
            }
            if (value == null || value.length() > MAX_ATTRIBUTE_VALUE) {
                throw new InvalidInteractionException("attribute '" + name + "' must be 0-" + MAX_ATTRIBUTE_VALUE
                        + " characters");
            }
        });
        String json = CxJson.write(i);
        if (json.length() > MAX_JSON) {
            throw new InvalidInteractionException("interaction is larger than " + MAX_JSON + " characters as JSON");
        }
        return json;
    }

    private static void label(String field, String value) {
        if (value != null && (value.length() > MAX_LABEL || CONTROL.matcher(value).find())) {
            throw new InvalidInteractionException(field + " must be at most " + MAX_LABEL
                    + " characters without control characters");
        }
    }
}
