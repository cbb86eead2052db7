package dev.tessera.core.store;

import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Redis key layout (see docs/architecture.md). All keys of one profile share the hash tag
 * {@code {p:ID}} so that a profile is updated atomically on one node and on Redis Cluster alike. Index
 * keys carry a SHA-256 digest of the normalised identifier instead of the identifier itself, so key
 * names (SCAN, slowlog, MONITOR, metrics) never show personal data.
 */
public final class RedisKeys {

    public static final String CHANGE_FEED = "tessera:changes";

    private RedisKeys() {}

    public static String profile(ProfileId id) {
        return "{p:" + id.value() + "}:profile";
    }

    public static String records(ProfileId id) {
        return "{p:" + id.value() + "}:records";
    }

    public static String links(ProfileId id) {
        return "{p:" + id.value() + "}:links";
    }

    /** Set of profile ids holding a record with this identifier. */
    public static String identifier(Identifier identifier) {
        return "ix:" + identifier.type().code() + ":" + digest(identifier.value());
    }

    /** Set of profile ids holding a record filed under this blocking key. */
    public static String block(String blockingKey) {
        return "bk:" + digest(blockingKey);
    }

    /** Source record keys that an agent decided must never share a profile with this record. */
    public static String cannotLink(SourceRecordId id) {
        return "nl:" + id.source() + ":" + digest(id.sourceId());
    }

    /** The profile id that holds this source record. */
    public static String source(SourceRecordId id) {
        return "src:" + id.source() + ":" + digest(id.sourceId());
    }

    /** Hex SHA-256 prefix (128 bits) of a value: stable, fixed-length and free of the value itself. */
    public static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
