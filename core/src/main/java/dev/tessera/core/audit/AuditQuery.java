package dev.tessera.core.audit;

import java.time.Instant;

/**
 * Filters for reading the audit log; null or empty means "any". {@code from} (inclusive) and {@code to}
 * (exclusive) compare with the time Redis wrote the entry (its stream id); {@code before} is a stream id
 * to page from (exclusive).
 */
public record AuditQuery(String actor, String action, String profileId, Instant from, Instant to, String before,
        int limit) {

    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        actor = actor == null ? "" : actor;
        action = action == null ? "" : action;
        profileId = profileId == null ? "" : profileId;
        before = before == null ? "" : before;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (!before.isEmpty() && !before.matches("\\d{1,20}-\\d{1,20}")) {
            throw new IllegalArgumentException("before must be an audit entry id like 1767225600000-0");
        }
    }

    public static AuditQuery newest(int limit) {
        return new AuditQuery(null, null, null, null, null, null, limit);
    }

    boolean matches(AuditEntry entry) {
        return (actor.isEmpty() || actor.equals(entry.actor()))
                && (action.isEmpty() || action.equals(entry.action()))
                && (profileId.isEmpty() || profileId.equals(entry.profileId()));
    }
}
