package dev.tessera.profile.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.core.identity.DeterministicResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The name index follows the change feed on real Redis: rebuilt from the stored profiles on first start,
 * caught up after a restart, and emptied of profiles that were merged away or erased. Each test uses a
 * key namespace of its own, so feeds of other tests in this JVM cannot take its changes.
 */
class NameIndexFeedTest {

    private static final AtomicLong RUN = new AtomicLong();
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final Identifiers ids = new Identifiers("GB");
    private RedisConnection connection;
    private RedisKeys.Namespace namespace;
    private ProfileStore store;
    private NameIndex index;
    private DeterministicResolver resolver;
    private final List<NameIndexFeed> feeds = new ArrayList<>();

    @BeforeEach
    void connect() {
        connection = RedisTestSupport.connect();
        namespace = RedisKeys.Namespace.of("nameixtest" + ProcessHandle.current().pid() + "x" + RUN.incrementAndGet() + ":");
        store = new ProfileStore(connection, namespace);
        index = new NameIndex(connection, namespace);
        resolver = new DeterministicResolver(store, new GoldenRecordBuilder(), Clock.systemUTC());
    }

    @AfterEach
    void cleanUp() {
        feeds.forEach(NameIndexFeed::stop);
        store.deleteNamespace();
        connection.close();
    }

    @Test
    void rebuildsFromTheStoredProfilesOnFirstStartThenFollowsTheFeed() {
        ProfileId mueller = resolve("crm", "1", "m@example.com", null, Map.of("first_name", "Jürgen", "last_name", "Müller"));

        startFeed();

        await().atMost(WAIT).untilAsserted(() -> assertThat(find("Mül")).containsExactly(mueller));
        assertThat(find("mueller")).containsExactly(mueller);
        assertThat(find("MULL")).containsExactly(mueller);
        assertThat(find("jurgen m")).containsExactly(mueller);
        assertThat(find("smi")).isEmpty();

        ProfileId smith = resolve("crm", "2", "s@example.com", null, Map.of("first_name", "Jane", "last_name", "Smith"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(find("smi")).containsExactly(smith));
        assertThat(find("jane s")).containsExactly(smith);
    }

    @Test
    void aProfileMergedAwayLosesItsEntries() {
        startFeed();
        ProfileId berg = resolve("crm", "1", "b@example.com", null, Map.of("last_name", "Berg"));
        ProfileId bergman = resolve("shop", "2", null, "020 7946 0958", Map.of("last_name", "Bergman"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(find("berg")).containsExactlyInAnyOrder(berg, bergman));

        // one record with both identifiers joins the two profiles; the older one survives
        resolve("web", "3", "b@example.com", "020 7946 0958", Map.of());

        await().atMost(WAIT).untilAsserted(() -> assertThat(find("berg")).containsExactly(berg));
        assertThat(index.indexedProfiles()).isEqualTo(1);
    }

    @Test
    void anErasedProfileLosesItsEntries() {
        startFeed();
        ProfileId jane = resolve("crm", "1", "j@example.com", null, Map.of("last_name", "Doe"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(find("doe")).containsExactly(jane));

        // what erasure leaves: no profile document, and an "erased" change on the feed
        connection.commands().del(namespace.profile(jane));
        store.publishChange(jane, "erased");

        await().atMost(WAIT).untilAsserted(() -> assertThat(find("doe")).isEmpty());
    }

    /**
     * Two instances: one reads the profile for an update, the other handles its erasure (entries removed) before
     * the first writes what it read. The entries must not come back.
     */
    @Test
    void anErasureHandledBetweenAnotherInstancesReadAndWriteStaysErased() {
        ProfileId jane = resolve("crm", "1", "j@example.com", null, Map.of("last_name", "Doe"));
        NameIndexFeed updating = new NameIndexFeed(connection, store, index); // not started: applied by hand
        updating.beforePut = () -> {
            connection.commands().del(namespace.profile(jane));
            index.remove(jane); // what the other instance's feed does on "erased"
        };

        updating.apply(jane);

        assertThat(find("doe")).isEmpty();
    }

    @Test
    void catchesUpWithChangesMadeWhileStopped() {
        NameIndexFeed first = startFeed();
        ProfileId before = resolve("crm", "1", "a@example.com", null, Map.of("last_name", "Adams"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(find("adams")).containsExactly(before));
        first.stop();
        feeds.remove(first);

        ProfileId whileStopped = resolve("crm", "2", "b@example.com", null, Map.of("last_name", "Adamson"));
        assertThat(find("adamson")).isEmpty();

        NameIndexFeed second = startFeed();
        await().atMost(WAIT).untilAsserted(() -> assertThat(find("adam")).containsExactly(before, whileStopped));
        assertThat(second.handled()).isPositive(); // from the stream, not by a rebuild
    }

    private NameIndexFeed startFeed() {
        NameIndexFeed feed = new NameIndexFeed(RedisTestSupport.connect(), store, index);
        feeds.add(feed);
        feed.start();
        return feed;
    }

    private List<ProfileId> find(String query) {
        return index.find(NameIndex.prefixes(query), 100);
    }

    private ProfileId resolve(String source, String id, String email, String phone, Map<String, String> attributes) {
        List<Identifier> identifiers = new ArrayList<>();
        if (email != null) {
            ids.email(email).ifPresent(identifiers::add);
        }
        if (phone != null) {
            ids.phone(phone).ifPresent(identifiers::add);
        }
        Resolution resolution = resolver.resolve(new CustomerRecord(new SourceRecordId(source, id), Instant.now(),
                identifiers, attributes));
        return resolution.profileId();
    }
}
