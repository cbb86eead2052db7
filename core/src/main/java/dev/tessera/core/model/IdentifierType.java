package dev.tessera.core.model;

/** Kinds of identity key. Values of these kinds are always stored normalised. */
public enum IdentifierType {
    /** Email address, trimmed and lower-cased. */
    EMAIL,
    /** Phone number in E.164 form. */
    PHONE,
    /** An id issued by an external system that several sources share, as {@code namespace:value}. */
    EXTERNAL_ID;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
