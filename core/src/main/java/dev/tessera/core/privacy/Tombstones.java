package dev.tessera.core.privacy;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.PhoneNormalizer;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What is left of an erased person: keyed hashes (HMAC-SHA256) of their source record ids, emails and
 * E.164 phones, one Redis string per value ({@code ts:src|email|phone:HMAC} → erased-at epoch ms). Writes
 * of a record that matches one are refused (see {@link dev.tessera.core.store.ProfileStore#write(
 * dev.tessera.core.model.Profile, long, Collection, Collection, Collection)}), so re-ingesting the same
 * source record does not bring the person back.
 *
 * <p>A keyed hash instead of the plain digest of the index keys: an email is guessable, and without the
 * key a copy of the database does not tell whether someone was erased. Thread-safe.
 */
public final class Tombstones {

    /** Where the key lives when none is configured: created once, randomly, shared by every app. */
    public static final String GENERATED_KEY = "privacy:tombstone-key";

    private static final String HMAC = "HmacSHA256";

    private final RedisConnection connection;
    private final RedisKeys.Namespace keys;
    private final SecretKeySpec secret;
    private final boolean identifiers;

    private Tombstones(RedisConnection connection, RedisKeys.Namespace keys, byte[] secret, boolean identifiers) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.secret = new SecretKeySpec(secret, HMAC);
        this.identifiers = identifiers;
    }

    /**
     * Tombstones of the live data with the configured key: {@code settings.tombstoneSecret()} resolved
     * through {@code environment} ({@code env:}) or the file system ({@code file:}), else the key kept
     * in Redis.
     *
     * @throws IllegalStateException naming the setting (never the value) when the reference does not resolve
     */
    public static Tombstones of(RedisConnection connection, PrivacySettings settings,
            Function<String, String> environment) {
        byte[] key = settings.tombstoneSecret() == null ? generatedKey(connection)
                : resolve(settings.tombstoneSecret(), environment).getBytes(StandardCharsets.UTF_8);
        return new Tombstones(connection, RedisKeys.Namespace.DEFAULT, key, settings.refuseErasedIdentifiers());
    }

    /** Tombstones with an explicit key (tests, tools). */
    public static Tombstones withKey(RedisConnection connection, byte[] key, boolean refuseIdentifiers) {
        return new Tombstones(connection, RedisKeys.Namespace.DEFAULT, key.clone(), refuseIdentifiers);
    }

    private static byte[] generatedKey(RedisConnection connection) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        var redis = connection.commands();
        redis.set(GENERATED_KEY, Base64.getEncoder().encodeToString(fresh), SetArgs.Builder.nx());
        return Base64.getDecoder().decode(redis.get(GENERATED_KEY));
    }

    private static String resolve(String reference, Function<String, String> environment) {
        String at = "tessera.privacy.tombstone-secret";
        String value;
        if (reference.startsWith("env:")) {
            value = environment.apply(reference.substring(4));
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(at + ": environment variable " + reference.substring(4) + " is not set");
            }
        } else {
            Path file = Path.of(reference.substring(5));
            try {
                value = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException(at + ": cannot read the secret file " + file);
            }
            if (value.isEmpty()) {
                throw new IllegalStateException(at + ": the secret file " + file + " is empty");
            }
        }
        if (value.length() < 16) {
            throw new IllegalStateException(at + ": the key must be at least 16 characters");
        }
        return value;
    }

    /**
     * These tombstones refusing only the source records erased, not their emails and phones: for records
     * Tessera holds already (resolved again by a split or a re-resolution). Such a record was taken while
     * it was someone's; an erased person's family mailbox on it does not make it the erased person's, and
     * refusing it would lose the other person's record.
     */
    public Tombstones sourceOnly() {
        return identifiers ? new Tombstones(connection, keys, secret.getEncoded(), false) : this;
    }

    /** True when records with an erased person's email or phone are refused too. */
    public boolean refusesIdentifiers() {
        return identifiers;
    }

    /** The tombstone key of a source record id. */
    public String sourceKey(SourceRecordId id) {
        return keys.tombstone("src", hmac("src", id.key()));
    }

    /** The tombstone key of an email or phone; empty for other identifier types. */
    public java.util.Optional<String> identifierKey(Identifier identifier) {
        if (identifier.type() != IdentifierType.EMAIL && identifier.type() != IdentifierType.PHONE) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(keys.tombstone(identifier.type().code(), hmac(identifier.type().code(),
                identifier.value())));
    }

    /** The tombstone keys that refuse this record: its source id and, when configured, its emails and phones. */
    public List<String> keysOf(CustomerRecord record) {
        return List.copyOf(keysOf(record.id(), record.identifiers()));
    }

    /** The source record's key (none for null) and, when configured, those of these emails and phones. */
    private Set<String> keysOf(SourceRecordId idOrNull, Collection<Identifier> readable) {
        Set<String> result = new LinkedHashSet<>();
        if (idOrNull != null) {
            result.add(sourceKey(idOrNull));
        }
        if (identifiers) {
            for (Identifier i : readable) {
                identifierKey(i).ifPresent(result::add);
                if (i.type() == IdentifierType.PHONE && i.value().contains(PhoneNormalizer.EXTENSION)) {
                    // erasures before phones kept their extension wrote the number alone: the person erased
                    // then is still refused (so is a colleague at that number, as before)
                    identifierKey(new Identifier(IdentifierType.PHONE, PhoneNormalizer.withoutExtension(i.value())))
                            .ifPresent(result::add);
                }
            }
        }
        return result;
    }

    /** True when the record belongs to an erased person. */
    public boolean erased(CustomerRecord record) {
        return connection.commands().exists(keysOf(record).toArray(String[]::new)) > 0;
    }

    /**
     * True when what is known of an item that never became a record (a row refused by its format) belongs to
     * an erased person: its source record, when readable (null when not), or, when configured, one of the
     * emails and phones that could be read from it.
     */
    public boolean erased(SourceRecordId idOrNull, Collection<Identifier> readable) {
        Set<String> keys = keysOf(idOrNull, readable);
        return !keys.isEmpty() && connection.commands().exists(keys.toArray(String[]::new)) > 0;
    }

    /** True when this source record was erased (interactions of it are dropped). */
    public boolean erased(SourceRecordId id) {
        return connection.commands().exists(sourceKey(id)) > 0;
    }

    /** Starts the check of {@link #erased(SourceRecordId)} without waiting (pipelined with other reads). */
    public RedisFuture<Long> erasedAsync(SourceRecordId id) {
        return connection.async().exists(sourceKey(id));
    }

    /** Writes the tombstones of these records and identifiers (emails and phones only); idempotent. */
    public void write(Collection<SourceRecordId> records, Collection<Identifier> identifiers, Instant at) {
        List<String> keysToSet = new ArrayList<>();
        records.forEach(r -> keysToSet.add(sourceKey(r)));
        identifiers.forEach(i -> identifierKey(i).ifPresent(keysToSet::add));
        String value = Long.toString(at.toEpochMilli());
        List<RedisFuture<?>> writes = new ArrayList<>();
        keysToSet.forEach(k -> writes.add(connection.async().set(k, value, SetArgs.Builder.nx())));
        writes.forEach(connection::await);
    }

    private String hmac(String kind, String value) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(secret);
            mac.update(kind.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
