package dev.tessera.core.segment;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A marketer's segment: a named {@link SegmentRule}. Membership is kept up to date by
 * {@link SegmentEngine} and stored by {@link SegmentStore}.
 *
 * @param id        {@code [a-z0-9][a-z0-9-]{0,47}}, chosen by Tessera
 * @param createdBy subject of the token that created it (never a name or email)
 * @param version   1 on creation, +1 on every change of name, description or rule
 */
public record Segment(String id, String name, String description, SegmentRule rule, Instant createdAt,
        String createdBy, Instant updatedAt, String updatedBy, long version) {

    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");
    static final int MAX_NAME = 100;
    static final int MAX_DESCRIPTION = 1000;

    public Segment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (!ID.matcher(id).matches()) {
            throw new InvalidSegmentException("id", "must match " + ID.pattern());
        }
        name = checkName(name);
        description = checkDescription(description);
    }

    /** A name as stored: stripped, 1 to 100 characters, no control characters. */
    public static String checkName(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSegmentException("name", "must be 1 to " + MAX_NAME
                    + " characters without control characters");
        }
        return n;
    }

    /** A description as stored: stripped, up to 1,000 characters, no control characters but line breaks. */
    public static String checkDescription(String description) {
        String d = description == null ? "" : description.strip();
        if (d.length() > MAX_DESCRIPTION || d.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw new InvalidSegmentException("description", "must be at most " + MAX_DESCRIPTION
                    + " characters without control characters");
        }
        return d;
    }

    /** True when members can join or leave with time alone (see {@link SegmentRule#timeDependent()}). */
    public boolean timeDependent() {
        return rule.timeDependent();
    }
}
