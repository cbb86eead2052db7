package dev.tessera.core.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadLetterStoreTest {

    private RedisConnection redis;
    private DeadLetterStore store;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new DeadLetterStore(redis, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void aDeadLetterOfANamedRouteSaysWhoseRecordsItIsAbout() {
        store.nameRecordSource("source-zendesk-users", "zendesk");
        DeadLetter named = store.add("source-zendesk-users", "users.json", "missing identifier", "{\"id\":9001}");
        DeadLetter unnamed = store.add("source-crm", "a.csv:3", "reason", "row");

        // read by another process (the profile service's erasure), which never named a route
        DeadLetterStore elsewhere = new DeadLetterStore(redis, Clock.systemUTC());
        assertThat(elsewhere.find("source-zendesk-users", named.id()).orElseThrow().recordSource()).isEqualTo("zendesk");
        assertThat(elsewhere.find("source-crm", unnamed.id()).orElseThrow().recordSource()).isNull();
        assertThat(elsewhere.recordSources()).containsExactly(java.util.Map.entry("source-zendesk-users", "zendesk"));
    }

    @Test
    void unverifiedDeliveriesAreCappedPerRouteKeepingTheNewestAndSparingTheOthers() {
        dev.tessera.core.testing.MovableClock time = new dev.tessera.core.testing.MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        DeadLetterStore ticking = new DeadLetterStore(redis, time);
        DeadLetter vouched = ticking.add("source-shop", "verified:d-0", "malformed: x", "{\"order\":1}");
        java.util.List<DeadLetter> forged = new java.util.ArrayList<>();
        for (int i = 0; i < DeadLetterStore.MAX_UNVERIFIED + 5; i++) {
            time.advance(java.time.Duration.ofSeconds(1));
            forged.add(ticking.addUnverified("source-shop", "unverified:d-" + i, "bad signature: no", "forged " + i));
        }

        // the route holds the cap's worth of forged deliveries (the newest) and the vouched one, nothing more
        assertThat(ticking.count("source-shop")).isEqualTo(DeadLetterStore.MAX_UNVERIFIED + 1);
        assertThat(ticking.find("source-shop", forged.get(0).id())).isEmpty();
        assertThat(ticking.find("source-shop", forged.get(4).id())).isEmpty();
        assertThat(ticking.find("source-shop", forged.get(5).id())).isPresent();
        assertThat(ticking.find("source-shop", forged.get(forged.size() - 1).id())).isPresent();
        assertThat(ticking.find("source-shop", vouched.id())).isPresent();
        // removing one (a discard) frees its place: the next one added evicts nothing
        assertThat(ticking.remove("source-shop", forged.get(10).id())).isTrue();
        time.advance(java.time.Duration.ofSeconds(1));
        ticking.addUnverified("source-shop", "unverified:d-x", "bad signature: no", "forged again");
        assertThat(ticking.find("source-shop", forged.get(5).id())).isPresent();
        assertThat(ticking.count("source-shop")).isEqualTo(DeadLetterStore.MAX_UNVERIFIED + 1);
    }

    @Test
    void keepsTheReasonAndTheVerbatimPayload() {
        DeadLetter kept = store.add("source-crm", "a.csv:3", "row has 2 columns, the header has 3", "h1,h2,h3\nx,\"y\"");

        DeadLetter read = store.find("source-crm", kept.id()).orElseThrow();
        assertThat(read).isEqualTo(kept);
        assertThat(read.payload()).isEqualTo("h1,h2,h3\nx,\"y\"");
    }

    @Test
    void keepsTheHeadersAReplayNeedsAndTellsDeliveriesApartByThem() {
        DeadLetter plain = store.add("source-fd", "custom:a", "reason", "{}");
        DeadLetter ann = store.add("source-fd", "custom:a", "reason", "{}", null, java.util.Map.of("X-Tessera-Requester-Id", "7"));
        DeadLetter bob = store.add("source-fd", "custom:b", "reason", "{}", null, java.util.Map.of("X-Tessera-Requester-Id", "8"));

        assertThat(plain.id()).as("without headers, as before").isEqualTo(dev.tessera.core.store.RedisKeys.digest(
                "source-fd\nreason\n{}"));
        assertThat(java.util.Set.of(plain.id(), ann.id(), bob.id())).hasSize(3);
        assertThat(store.find("source-fd", ann.id()).orElseThrow().headers()).containsExactly(
                java.util.Map.entry("X-Tessera-Requester-Id", "7"));
        assertThat(store.find("source-fd", plain.id()).orElseThrow().headers()).isEmpty();
    }

    @Test
    void theSameRejectionFromAnotherDeliveryIsKeptOnce() {
        store.add("source-crm", "a.csv:3", "reason", "row");
        store.add("source-crm", "a-again.csv:3", "reason", "row");
        store.add("source-crm", "a.csv:4", "other reason", "row");

        assertThat(store.count("source-crm")).isEqualTo(2);
        assertThat(store.list("source-crm", 0, 10)).extracting(DeadLetter::origin).contains("a.csv:3")
                .doesNotContain("a-again.csv:3");
    }

    @Test
    void aDeliveryHeaderIsKeptButDoesNotMakeTheSameRejectionTwo() {
        DeadLetter first = store.add("source-crm", "a.csv:3", "reason", "row", null,
                java.util.Map.of(DeadLetterStore.DELIVERY_HEADER_PREFIX + "File-Time", "2026-01-01T00:00:00Z"));
        DeadLetter again = store.add("source-crm", "a-again.csv:3", "reason", "row", null,
                java.util.Map.of(DeadLetterStore.DELIVERY_HEADER_PREFIX + "File-Time", "2026-02-01T00:00:00Z"));

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(store.count("source-crm")).isEqualTo(1);
        assertThat(store.find("source-crm", first.id()).orElseThrow().headers())
                .containsEntry(DeadLetterStore.DELIVERY_HEADER_PREFIX + "File-Time", "2026-01-01T00:00:00Z");
    }

    @Test
    void anEntryLeftUnlistedIsListedAgainWhenTheSameRejectionComesBack() {
        DeadLetter kept = store.add("source-crm", "a.csv:3", "reason", "row");
        redis.commands().zrem("{dl:source-crm}:order", kept.id()); // as a removal stopped midway once left it
        assertThat(store.count("source-crm")).isZero();

        store.add("source-crm", "b.csv:9", "reason", "row");

        assertThat(store.count("source-crm")).isEqualTo(1);
        assertThat(store.list("source-crm", 0, 10)).extracting(DeadLetter::id).containsExactly(kept.id());
        assertThat(store.remove("source-crm", kept.id())).isTrue();
        assertThat(store.remove("source-crm", kept.id())).isFalse();
        assertThat(redis.commands().exists("{dl:source-crm}:entries", "{dl:source-crm}:order")).isZero();
    }

    @Test
    void routesAreKeptApartAndEntriesCanBeRemovedAfterReplay() {
        DeadLetter crm = store.add("source-crm", "a.csv:3", "reason", "row");
        store.add("source-shop", "b.json", "reason", "row");

        assertThat(store.remove("source-crm", crm.id())).isTrue();
        assertThat(store.count("source-crm")).isZero();
        assertThat(store.list("source-crm", 0, 10)).isEmpty();
        assertThat(store.count("source-shop")).isEqualTo(1);
    }

    @Test
    void oldestFirstForReplayingInTheOrderTheyCame() {
        for (int i = 1; i <= 5; i++) {
            // kept one second after another
            new DeadLetterStore(redis, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), ZoneOffset.UTC))
                    .add("source-crm", "a.csv:" + i, "reason", "row " + i);
        }

        assertThat(store.oldest("source-crm", 0, 3)).extracting(DeadLetter::origin)
                .containsExactly("a.csv:1", "a.csv:2", "a.csv:3");
        assertThat(store.oldest("source-crm", 3, 3)).extracting(DeadLetter::origin).containsExactly("a.csv:4", "a.csv:5");
        assertThat(store.list("source-crm", 0, 1)).extracting(DeadLetter::origin).containsExactly("a.csv:5");
    }

    @Test
    void reasonsAreCountedMostFrequentFirstAndSayWhenTheCountIsPartial() {
        for (int i = 0; i < 7; i++) {
            store.add("source-crm", "a.csv:" + i, "column 'dob' is not a date in [ISO]", "row " + i);
        }
        for (int i = 0; i < 3; i++) {
            store.add("source-crm", "b.csv:" + i, "row has 2 columns, the header has 3", "short " + i);
        }
        store.add("source-other", "c.csv:1", "elsewhere", "x");

        DeadLetterStore.Reasons all = store.reasons("source-crm", 1_000);
        assertThat(all.complete()).isTrue();
        assertThat(all.counted()).isEqualTo(10);
        assertThat(all.counts()).containsExactly(
                new DeadLetterStore.ReasonCount("column 'dob' is not a date in [ISO]", 7),
                new DeadLetterStore.ReasonCount("row has 2 columns, the header has 3", 3));

        DeadLetterStore.Reasons some = store.reasons("source-crm", 4);
        assertThat(some.complete()).isFalse();
        assertThat(some.counted()).isEqualTo(4);
        assertThat(some.counts().stream().mapToLong(DeadLetterStore.ReasonCount::count).sum()).isEqualTo(4);
        assertThat(store.reasons("source-none", 10)).isEqualTo(new DeadLetterStore.Reasons(java.util.List.of(), 0, true));
    }
}
