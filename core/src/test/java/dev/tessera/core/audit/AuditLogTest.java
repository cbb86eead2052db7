package dev.tessera.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditLogTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private RedisConnection redis;
    private AuditLog log;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        log = new AuditLog(redis);
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void keepsWhoReadWhichFieldsOfWhichProfile() {
        AuditEntry written = log.append(AuditEntry.of(T0, "agent-1", "profile.read", "p-1",
                List.of("email", "first_name"), "GET /api/v1/profiles/{id}"));

        assertThat(written.id()).matches("\\d+-\\d+");
        assertThat(log.query(AuditQuery.newest(10))).containsExactly(written);
        assertThat(log.size()).isEqualTo(1);
    }

    @Test
    void filtersByActorActionAndProfileNewestFirst() {
        for (int i = 0; i < 1200; i++) {
            log.append(AuditEntry.of(T0.plusSeconds(i), i % 2 == 0 ? "agent-1" : "agent-2", "profile.read",
                    "p-" + (i % 3), List.of("email"), ""));
        }
        List<AuditEntry> found = log.query(new AuditQuery("agent-2", "profile.read", "p-1", null, null, null, 50));

        assertThat(found).hasSize(50).allSatisfy(entry -> {
            assertThat(entry.actor()).isEqualTo("agent-2");
            assertThat(entry.profileId()).isEqualTo("p-1");
        });
        assertThat(found).extracting(AuditEntry::id).isSortedAccordingTo((a, b) -> compareIds(b, a));

        List<AuditEntry> older = log.query(new AuditQuery("agent-2", null, "p-1", null, null,
                found.get(found.size() - 1).id(), 1000));
        // i odd and i % 3 == 1: 200 entries in all
        assertThat(found.size() + older.size()).isEqualTo(200);
        assertThat(older).extracting(AuditEntry::id).doesNotContainAnyElementsOf(found.stream().map(AuditEntry::id).toList());
    }

    @Test
    void aFilterMatchingLittleReadsABoundedPartPerCallAndSaysWhereToGoOn() {
        AuditLog bounded = new AuditLog(redis, 500);
        for (int i = 0; i < 1200; i++) {
            log.append(AuditEntry.of(T0.plusSeconds(i), i == 5 ? "rare-actor" : "agent-1", "profile.read", "p-1",
                    List.of(), ""));
        }
        AuditQuery rare = new AuditQuery("rare-actor", null, null, null, null, null, 10);

        AuditLog.Page first = bounded.page(rare);
        assertThat(first.entries()).as("the newest 500 of 1,200 read, no match among them").isEmpty();
        assertThat(first.next()).isNotNull();
        AuditLog.Page second = bounded.page(new AuditQuery("rare-actor", null, null, null, null, first.next(), 10));
        assertThat(second.entries()).isEmpty();
        AuditLog.Page third = bounded.page(new AuditQuery("rare-actor", null, null, null, null, second.next(), 10));
        assertThat(third.entries()).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("rare-actor"));
        assertThat(third.next()).as("read to the end").isNull();
        assertThat(log.page(rare).entries()).as("the default reads all 1,200").hasSize(1);
    }

    @Test
    void rejectsQueriesThatCannotBeRight() {
        assertThatThrownBy(() -> AuditQuery.newest(0)).hasMessageContaining("limit");
        assertThatThrownBy(() -> new AuditQuery(null, null, null, T0, T0, null, 10)).hasMessageContaining("from");
        assertThatThrownBy(() -> new AuditQuery(null, null, null, null, null, "x;DEL", 10))
                .hasMessageContaining("before");
        assertThatThrownBy(() -> AuditEntry.of(T0, " ", "profile.read", "p-1", List.of(), ""))
                .hasMessageContaining("actor");
    }

    private static int compareIds(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }
}
