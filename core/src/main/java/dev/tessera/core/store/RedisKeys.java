package dev.tessera.core.store;

import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Redis key layout (see docs/architecture.md). All keys of one profile share the hash tag
 * {@code {p:ID}} so that a profile is updated atomically on one node and on Redis Cluster alike. Index
 * keys carry a SHA-256 digest of the normalised identifier instead of the identifier itself, so key
 * names (SCAN, slowlog, MONITOR, metrics) never show personal data.
 *
 * <p>The static methods name the keys of the live data ({@link Namespace#DEFAULT}). A {@link Namespace}
 * puts the same layout under a prefix, so that a second, separate set of profiles (the scratch copy of
 * a batch re-resolution dry run) can live in the same database without touching the live one.
 */
public final class RedisKeys {

    public static final String CHANGE_FEED = "tessera:changes";

    private RedisKeys() {}

    public static String profile(ProfileId id) {
        return Namespace.DEFAULT.profile(id);
    }

    public static String records(ProfileId id) {
        return Namespace.DEFAULT.records(id);
    }

    public static String links(ProfileId id) {
        return Namespace.DEFAULT.links(id);
    }

    /** Set of profile ids holding a record with this identifier. */
    public static String identifier(Identifier identifier) {
        return Namespace.DEFAULT.identifier(identifier);
    }

    /** Set of profile ids holding a record filed under this blocking key. */
    public static String block(String blockingKey) {
        return Namespace.DEFAULT.block(blockingKey);
    }

    /** Source record keys that an agent decided must never share a profile with this record. */
    public static String cannotLink(SourceRecordId id) {
        return Namespace.DEFAULT.cannotLink(id);
    }

    /** The profile id that holds this source record. */
    public static String source(SourceRecordId id) {
        return Namespace.DEFAULT.source(id);
    }

    /** Hex SHA-256 prefix (128 bits) of a value: stable, fixed-length and free of the value itself. */
    public static String digest(String value) {
        MessageDigest sha = SHA_256.get();
        byte[] hash = sha.digest(value.getBytes(StandardCharsets.UTF_8)); // digest() also resets it
        return HEX.formatHex(hash, 0, 16);
    }

    private static final HexFormat HEX = HexFormat.of();

    /**
     * One digest per thread: looking the algorithm up for every key (about thirty per resolved record)
     * showed in profiles of the resolver.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    });

    /**
     * The key layout under a prefix: every key gets {@code prefix} in front, nothing else changes. The
     * hash tag {@code {p:ID}} stays intact (Redis Cluster hashes the first {@code {...}} of a key, and
     * a prefix carries no braces), so a profile's keys still share one slot in every namespace.
     *
     * <p>A prefix is empty (the live data) or 1–64 characters of {@code [A-Za-z0-9_.:-]} ending in
     * {@code :}, such as {@code rr:4f1c2a:}. It carries no glob characters, so {@code prefix + "*"} is a
     * SCAN pattern for exactly that namespace's keys, and it may not start with a segment of the live
     * layout ({@code p}, {@code ix}, {@code src}, {@code bk}, {@code nl}, {@code dl}, {@code tessera},
     * {@code pending}, {@code cx}),
     * so the live layout's SCAN patterns ({@code {p:*}:records}, {@code nl:*}) never match another
     * namespace's keys.
     */
    public record Namespace(String prefix) {

        /** The live data: no prefix, exactly the documented layout. */
        public static final Namespace DEFAULT = new Namespace("");

        private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.:-]{0,63}:");
        private static final Set<String> RESERVED = Set.of("p", "ix", "src", "bk", "nl", "ml", "dl", "tessera",
                "pending", "cx", "ts", "audit", "privacy", "rl");

        public Namespace {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.isEmpty()) {
                if (!PREFIX.matcher(prefix).matches()) {
                    throw new IllegalArgumentException(
                            "a key namespace is 1-64 characters of [A-Za-z0-9_.:-] ending in ':'");
                }
                if (RESERVED.contains(prefix.substring(0, prefix.indexOf(':')))) {
                    throw new IllegalArgumentException("a key namespace must not start like a live key");
                }
            }
        }

        /** The namespace with this prefix; the empty prefix is {@link #DEFAULT}. */
        public static Namespace of(String prefix) {
            return prefix.isEmpty() ? DEFAULT : new Namespace(prefix);
        }

        public boolean isDefault() {
            return prefix.isEmpty();
        }

        public String profile(ProfileId id) {
            return prefix + "{p:" + id.value() + "}:profile";
        }

        public String records(ProfileId id) {
            return prefix + "{p:" + id.value() + "}:records";
        }

        public String links(ProfileId id) {
            return prefix + "{p:" + id.value() + "}:links";
        }

        /**
         * Hash like {@link #records}: the records of a dissolved profile (a split, a re-resolution) from the
         * moment it is dissolved until they are resolved again and what follows them has moved, so a
         * process that stops in between loses none of them.
         */
        public String dissolvedRecords(ProfileId id) {
            return prefix + "{p:" + id.value() + "}:dissolved";
        }

        /** Set of the ids of dissolved profiles whose records are held (so finding them needs no SCAN). */
        public String dissolvedRegistry() {
            return prefix + "tessera:dissolved";
        }

        /** Set: the source record keys a split moved out of a dissolved profile (held with its records). */
        public String splitOut(ProfileId id) {
            return prefix + "{p:" + id.value() + "}:split-out";
        }

        /**
         * The hash tag (with this namespace's prefix) that every key of one profile starts with, e.g.
         * {@code {p:ID}}; other packages append their own suffix to keep their keys in the profile's slot.
         */
        public String profileTag(ProfileId id) {
            return prefix + "{p:" + id.value() + "}";
        }

        /** Interactions of a source record whose profile is not known yet (CX timeline, issue 5). */
        public String pendingInteractions(SourceRecordId id) {
            return prefix + "{pending:" + id.source() + ":" + digest(id.sourceId()) + "}";
        }

        /** Set of profile ids holding a record with this identifier. */
        public String identifier(Identifier identifier) {
            return prefix + "ix:" + identifier.type().code() + ":" + digest(identifier.value());
        }

        /** Set of profile ids holding a record filed under this blocking key. */
        public String block(String blockingKey) {
            return prefix + "bk:" + digest(blockingKey);
        }

        /** Source record keys that an agent decided must never share a profile with this record. */
        public String cannotLink(SourceRecordId id) {
            return prefix + "nl:" + id.source() + ":" + digest(id.sourceId());
        }

        /** Hash: records a person joined with this one (must-link) → the {@code MergeDecision} as JSON. */
        public String mustLink(SourceRecordId id) {
            return prefix + "ml:" + id.source() + ":" + digest(id.sourceId());
        }

        /** The profile id that holds this source record. */
        public String source(SourceRecordId id) {
            return prefix + "src:" + id.source() + ":" + digest(id.sourceId());
        }

        /**
         * An erasure tombstone: {@code kind} ({@code src}, {@code email}, {@code phone}) and the keyed hash
         * (HMAC) of the erased value, never the value itself (docs/privacy.md).
         */
        public String tombstone(String kind, String keyedHash) {
            return prefix + "ts:" + kind + ":" + keyedHash;
        }

        /** A profile's consent entries (hash: purpose|channel|origin → entry JSON), in the profile's slot. */
        public String consent(ProfileId id) {
            return profileTag(id) + ":consent";
        }

        /** Hash: the segments a profile is in (segment id → joined at, epoch ms), in the profile's slot. */
        public String profileSegments(ProfileId id) {
            return profileTag(id) + ":segments";
        }

        /** Hash: segment id → segment definition JSON (docs/segments.md). */
        public String segmentDefinitions() {
            return prefix + "{seg}:defs";
        }

        /** Hash: segment id → state of its last full evaluation (building, ready; progress). */
        public String segmentStatus() {
            return prefix + "{seg}:status";
        }

        /** String with a TTL: a lock so that one instance at a time runs a segment job ({@code name}). */
        public String segmentLock(String name) {
            return prefix + "{seg}:lock:" + name;
        }

        /**
         * What the keys of a segment's CX report start with: {@code current} (the generation in force) and
         * that generation's day buckets and activity counts, in the segment's own slot.
         */
        public String segmentReport(String segmentId) {
            return prefix + "{cx:seg:" + segmentId + "}:";
        }

        /** Sorted set: the members of one segment, profile id → joined at (epoch ms). */
        public String segmentMembers(String segmentId) {
            return prefix + "{seg:" + segmentId + "}:members";
        }

        /**
         * Sorted set with a TTL: a copy of a segment's members taken when an export starts ({@code token}
         * names the export), in the segment's slot so the copy is one command on Redis Cluster too.
         */
        public String segmentExportSnapshot(String segmentId, String token) {
            return prefix + "{seg:" + segmentId + "}:export:" + token;
        }

        /**
         * Counter bumped by every change that can give a record new candidates or change a candidate
         * (profile writes, forwards, dissolves, seals, index additions): a record whose candidates were
         * picked at the value still current when it is written has nothing new to meet.
         */
        public String writeGeneration() {
            return prefix + "ix:gen";
        }

        /**
         * Hash: per bucket of index keys (a hash of the key, 65,536 buckets), the write generation of the
         * last addition to one of its keys. Lets a record's settle check see that what was written since
         * its candidates were picked was filed under other keys.
         */
        public String writeTouched() {
            return prefix + "ix:touched";
        }

        /** The change feed stream. */
        public String changeFeed() {
            return prefix + CHANGE_FEED;
        }

        /** A SCAN pattern matching every hash of interactions waiting for their record, in this namespace. */
        public String pendingPattern() {
            return prefix + "{pending:*}";
        }

        /**
         * The {@link #source} key of the record a {@link #pendingInteractions} hash waits for (both name the
         * record by its source and the digest of its id); null for a key that is not such a hash here.
         */
        public String sourceOfPending(String pendingKey) {
            String start = prefix + "{pending:";
            if (!pendingKey.startsWith(start) || !pendingKey.endsWith("}")) {
                return null;
            }
            return prefix + "src:" + pendingKey.substring(start.length(), pendingKey.length() - 1);
        }

        /** SCAN pattern matching the records hash of every profile of this namespace. */
        public String recordsPattern() {
            return prefix + "{p:*}:records";
        }

        /** SCAN pattern matching every cannot-link set of this namespace. */
        public String cannotLinkPattern() {
            return prefix + "nl:*";
        }

        /** SCAN pattern matching every key of this namespace; refused for the live data. */
        public String everyKeyPattern() {
            if (isDefault()) {
                throw new IllegalStateException("the live namespace has no pattern of its own");
            }
            return prefix + "*";
        }

        /** The profile id named by a key of this namespace's {@link #recordsPattern()}. */
        public ProfileId profileOfRecordsKey(String key) {
            return profileOf(key, "}:records", "not a records key of this namespace");
        }

        private ProfileId profileOf(String key, String tail, String problem) {
            String head = prefix + "{p:";
            if (!key.startsWith(head) || !key.endsWith(tail) || key.length() <= head.length() + tail.length()) {
                throw new IllegalArgumentException(problem);
            }
            return new ProfileId(key.substring(head.length(), key.length() - tail.length()));
        }

        /** The same key in another namespace (for keys of this namespace only). */
        public String moveTo(String key, Namespace target) {
            if (!key.startsWith(prefix)) {
                throw new IllegalArgumentException("not a key of this namespace");
            }
            return target.prefix + key.substring(prefix.length());
        }
    }
}
