package dev.tessera.core.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A segment's member snapshot, as exports read it: a fixed copy in Redis, paged, renewed, removed. */
class SegmentSnapshotTest {

    private static final String SEGMENT = "germany";
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    private RedisConnection redis;
    private SegmentStore segments;

    @BeforeEach
    void open() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        segments = new SegmentStore(redis, RedisKeys.Namespace.DEFAULT);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private ProfileId join(int i) {
        ProfileId profile = new ProfileId(String.format("p-%04d", i));
        segments.apply(profile, Map.of(SEGMENT, true), T0.plusSeconds(i), false);
        return profile;
    }

    private List<String> snapshotKeys() {
        List<String> keys = new ArrayList<>();
        io.lettuce.core.ScanIterator.scan(redis.commands(), io.lettuce.core.ScanArgs.Builder.matches("*:export:*"))
                .forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void membersJoiningAndLeavingWhileAnExportReadsChangeNothingItReads() {
        List<ProfileId> before = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            before.add(join(i));
        }
        List<ProfileId> read = new ArrayList<>();
        try (SegmentStore.Snapshot snapshot = segments.snapshot(SEGMENT, Duration.ofMinutes(5))) {
            assertThat(snapshot.size()).isEqualTo(1200);
            for (long from = 0; from < snapshot.size(); from += 500) {
                snapshot.page(from, 500).forEach(m -> read.add(m.profile()));
                // between pages: the first members leave and new ones join (paging the live set by rank
                // would now skip as many members as left)
                for (int k = 0; k < 100; k++) {
                    segments.apply(before.get((int) from + k), Map.of(SEGMENT, false), T0, false);
                    join(5000 + (int) from + k);
                }
            }
            assertThat(snapshot.page(1200, 500)).isEmpty();
            assertThat(snapshotKeys()).hasSize(1);
        }
        assertThat(read).containsExactlyElementsOf(before); // in the order they joined, each once
        assertThat(segments.size(SEGMENT)).isEqualTo(1200);
        assertThat(snapshotKeys()).as("removed when the export ends").isEmpty();
    }

    @Test
    void joinTimesAreKeptAndAnEmptySegmentCopiesNothing() {
        try (SegmentStore.Snapshot empty = segments.snapshot(SEGMENT, Duration.ofMinutes(5))) {
            assertThat(empty.size()).isZero();
            assertThat(empty.page(0, 10)).isEmpty();
            assertThat(snapshotKeys()).isEmpty();
        }
        join(7);
        try (SegmentStore.Snapshot one = segments.snapshot(SEGMENT, Duration.ofMinutes(5))) {
            assertThat(one.page(0, 10)).containsExactly(
                    new SegmentStore.Member(new ProfileId("p-0007"), T0.plusSeconds(7)));
        }
    }

    @Test
    void aCopyThatExpiredBetweenPagesIsAnErrorNotAShortExport() throws Exception {
        for (int i = 0; i < 20; i++) {
            join(i);
        }
        try (SegmentStore.Snapshot snapshot = segments.snapshot(SEGMENT, Duration.ofSeconds(30))) {
            assertThat(snapshot.page(0, 10)).hasSize(10);
            String key = snapshotKeys().get(0);
            long ttl = redis.commands().pttl(key);
            assertThat(ttl).as("renewed by the page read").isBetween(20_000L, 30_000L);
            redis.commands().del(key); // as if the reader had paused past the TTL
            assertThatThrownBy(() -> snapshot.page(10, 10)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expired after 10 of 20");
        }
    }
}
