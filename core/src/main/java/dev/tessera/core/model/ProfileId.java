package dev.tessera.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** Identifier of a unified profile. Opaque, URL-safe, at most 64 characters. */
public record ProfileId(@JsonValue String value) implements Comparable<ProfileId> {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    @JsonCreator
    public ProfileId {
        Objects.requireNonNull(value, "profile id");
        if (!SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException("profile id must be 1-64 characters of [A-Za-z0-9_-]");
        }
    }

    public static ProfileId random() {
        return new ProfileId(UUID.randomUUID().toString());
    }

    /** Returns the id if {@code candidate} is a syntactically valid profile id. */
    public static boolean isValid(String candidate) {
        return candidate != null && SAFE.matcher(candidate).matches();
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
