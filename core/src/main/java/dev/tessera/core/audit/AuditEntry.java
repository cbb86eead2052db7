package dev.tessera.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One audited act: who did what to which profile, and which of its fields were involved. {@code id} is
 * the Redis Stream entry id (time-ordered), empty before the entry is written. Entries hold profile ids
 * and field names, never field values: the audit log must not become a second copy of personal data.
 *
 * @param actor  the user (token subject) or system component that acted
 * @param action what was done, e.g. {@code profile.read}, {@code profile.export}, {@code profile.erase}
 * @param fields the personal-data fields read or changed (attribute names, {@code email}, {@code timeline}, ...)
 * @param detail free text without personal data (e.g. the endpoint, a reason given by an admin)
 */
public record AuditEntry(String id, Instant at, String actor, String action, String profileId,
        List<String> fields, String detail) {

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        requireText(actor, "actor");
        requireText(action, "action");
        id = id == null ? "" : id;
        profileId = profileId == null ? "" : profileId;
        fields = fields == null ? List.of() : List.copyOf(fields);
        detail = detail == null ? "" : detail;
    }

    /** An entry to be written now; the log assigns the id. */
    public static AuditEntry of(Instant at, String actor, String action, String profileId, List<String> fields,
            String detail) {
        return new AuditEntry("", at, actor, action, profileId, fields, detail);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
