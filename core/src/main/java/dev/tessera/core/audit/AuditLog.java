package dev.tessera.core.audit;

import dev.tessera.core.store.RedisConnection;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The append-only audit log: one Redis Stream, {@code audit:log}. Entries are only ever added (XADD with
 * a server-assigned, time-ordered id); nothing in Tessera trims or deletes them, so retention is an
 * operator decision (docs/security.md). Reads go newest first with optional filters.
 */
public final class AuditLog {

    public static final String KEY = "audit:log";

    private static final int SCAN_BATCH = 500;

    private final RedisClusterCommands<String, String> redis;
    private final RedisConnection connection;
    private final int maxScanned;

    public AuditLog(RedisConnection connection) {
        this(connection, MAX_SCANNED);
    }

    /** A log whose {@link #page} reads at most {@code maxScanned} entries per call (tests use few). */
    public AuditLog(RedisConnection connection, int maxScanned) {
        if (maxScanned < SCAN_BATCH) {
            throw new IllegalArgumentException("maxScanned must be at least " + SCAN_BATCH);
        }
        this.connection = connection;
        this.redis = connection.commands();
        this.maxScanned = maxScanned;
    }

    /** Appends an entry and returns it with its stream id. */
    public AuditEntry append(AuditEntry entry) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("at", Long.toString(entry.at().toEpochMilli()));
        body.put("actor", entry.actor());
        body.put("action", entry.action());
        body.put("profile", entry.profileId());
        body.put("fields", String.join(",", entry.fields()));
        body.put("detail", entry.detail());
        // async and awaited: on the read path of every profile, the sync proxy's reflection is measurable
        String id = connection.await(connection.async().xadd(KEY, new XAddArgs(), body));
        return new AuditEntry(id, entry.at(), entry.actor(), entry.action(), entry.profileId(), entry.fields(),
                entry.detail());
    }

    /**
     * Newest entries first that match the query, at most {@code query.limit()}; {@code query.before()} (a
     * stream id, exclusive) pages further back.
     */
    public List<AuditEntry> query(AuditQuery query) {
        return page(query).entries();
    }

    /**
     * Entries matching a query and where to go on from: at most {@code query.limit()} of them, and at most
     * {@value #MAX_SCANNED} entries (or what the constructor says) read to find them (a filter that matches nothing in a long log must not
     * read all of it in one request).
     *
     * @param next the id to pass as {@code before} for the next page: the last entry returned when the page
     *             is full, the last entry read when the scan stopped early; null when nothing is left
     */
    public record Page(List<AuditEntry> entries, String next) {}

    /** Entries read at most by one {@link #page} call. */
    public static final int MAX_SCANNED = 50_000;

    public Page page(AuditQuery query) {
        Predicate<AuditEntry> matches = query::matches;
        List<AuditEntry> found = new ArrayList<>();
        String upper = query.before().isEmpty() ? null : query.before();
        int scanned = 0;
        Range.Boundary<String> lowerBound = query.from() == null
                ? Range.Boundary.unbounded()
                : Range.Boundary.including(query.from().toEpochMilli() + "-0");
        while (found.size() < query.limit()) {
            Range.Boundary<String> upperBound = upper == null ? upperOf(query.to())
                    : Range.Boundary.excluding(upper);
            List<StreamMessage<String, String>> batch = redis.xrevrange(KEY, Range.from(lowerBound, upperBound),
                    Limit.from(SCAN_BATCH));
            for (StreamMessage<String, String> message : batch) {
                AuditEntry entry = decode(message);
                if (matches.test(entry)) {
                    found.add(entry);
                    if (found.size() == query.limit()) {
                        break;
                    }
                }
            }
            if (found.size() == query.limit()) {
                return new Page(found, found.get(found.size() - 1).id());
            }
            if (batch.size() < SCAN_BATCH) {
                return new Page(found, null);
            }
            upper = batch.get(batch.size() - 1).getId();
            scanned += batch.size();
            if (scanned >= maxScanned) {
                return new Page(found, upper); // more to read: the caller goes on from here
            }
        }
        return new Page(found, found.isEmpty() ? null : found.get(found.size() - 1).id());
    }

    public long size() {
        return redis.xlen(KEY);
    }

    private static Range.Boundary<String> upperOf(Instant to) {
        return to == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(to.toEpochMilli() + "-0");
    }

    private static AuditEntry decode(StreamMessage<String, String> message) {
        Map<String, String> body = message.getBody();
        String fields = body.getOrDefault("fields", "");
        return new AuditEntry(message.getId(), Instant.ofEpochMilli(Long.parseLong(body.get("at"))),
                body.get("actor"), body.get("action"), body.get("profile"),
                fields.isEmpty() ? List.of() : List.of(fields.split(",")), body.get("detail"));
    }
}
