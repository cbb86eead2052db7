package dev.tessera.core.privacy;

/**
 * Privacy settings shared by every app that resolves records or erases profiles (prefix
 * {@code tessera.privacy}); both apps must use the same ones, like the identity settings.
 *
 * @param tombstoneSecret        reference to the HMAC key of erasure tombstones, {@code env:NAME} or
 *                               {@code file:/path}; without it a random key is created once in Redis
 *                               ({@value Tombstones#GENERATED_KEY}), see docs/privacy.md
 * @param refuseErasedIdentifiers also refuse records that carry an erased person's email or phone
 *                               (default true); the source record id is always refused
 */
public record PrivacySettings(String tombstoneSecret, Boolean refuseErasedIdentifiers) {

    public PrivacySettings {
        if (tombstoneSecret != null && tombstoneSecret.isBlank()) {
            tombstoneSecret = null;
        }
        if (tombstoneSecret != null && !tombstoneSecret.matches("env:[A-Za-z_][A-Za-z0-9_]*|file:.+")) {
            throw new IllegalArgumentException("tombstone-secret must be a reference: env:NAME or file:/path");
        }
        refuseErasedIdentifiers = refuseErasedIdentifiers == null ? Boolean.TRUE : refuseErasedIdentifiers;
    }

    public static PrivacySettings defaults() {
        return new PrivacySettings(null, null);
    }
}
