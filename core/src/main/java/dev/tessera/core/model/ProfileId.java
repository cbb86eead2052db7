package dev.tessera.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.UUID;

/** Identifier of a unified profile. Opaque, URL-safe, at most 64 characters. */
public record ProfileId(@JsonValue String value) implements Comparable<ProfileId> {

    @JsonCreator
    public ProfileId {
        Objects.requireNonNull(value, "profile id");
        if (!isValid(value)) {
            throw new IllegalArgumentException("profile id must be 1-64 characters of [A-Za-z0-9_-]");
        }
    }

    public static ProfileId random() {
        return new ProfileId(UUID.randomUUID().toString());
    }

    /** Returns the id if {@code candidate} is a syntactically valid profile id. */
    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > 64) {
            return false;
        }
        // a loop, not a regex: ids are built for every candidate of every record resolved
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            if (!safe) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(ProfileId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
