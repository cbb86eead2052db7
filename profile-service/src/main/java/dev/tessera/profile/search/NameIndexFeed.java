package dev.tessera.profile.search;

import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.profile.feed.ChangeFeedConsumer;
import io.lettuce.core.StreamMessage;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link NameIndex} up to date from the profile change feed, in the consumer group
 * {@value #GROUP} (see {@link ChangeFeedConsumer}). A change only names a profile, so the handler re-reads
 * it: a live profile has its names replaced, a profile that is gone (erased) or forwards elsewhere (merged
 * away, split) loses its entries. Changes that cannot touch names (CX, consent, segment memberships,
 * moments) are skipped. Handling is idempotent and ordered by profile version.
 *
 * <p>When the group is new and the index was never completed, every stored profile is indexed first.
 */
public final class NameIndexFeed extends ChangeFeedConsumer {

    private static final Logger log = LoggerFactory.getLogger(NameIndexFeed.class);

    static final String GROUP = "name-index";
    private static final Set<String> NOT_ABOUT_NAMES = Set.of("cx", "consent", "moment", "segment-joined",
            "segment-left", "segment-retry");

    private final ProfileStore store;
    private final NameIndex index;

    /**
     * @param connection a connection for this feed alone (it blocks on XREADGROUP); closed on stop
     */
    public NameIndexFeed(RedisConnection connection, ProfileStore store, NameIndex index) {
        super(connection, store.namespace().changeFeed(), GROUP);
        this.store = store;
        this.index = index;
    }

    /** Rebuilds the index when it was never completed. */
    @Override
    protected void prepare() {
        if (!index.built()) {
            rebuild();
        }
    }

    /** Changes were trimmed from the feed before this group read them: the index is built again. */
    @Override
    protected void missed() {
        rebuild();
    }

    /** Indexes every stored profile; changes after the group's creation arrive through the stream. */
    void rebuild() {
        long[] count = {0};
        // as the SCAN finds them, not listed first: the list would grow with the data
        store.forEachProfileId(id -> {
            apply(id);
            count[0]++;
        });
        index.markBuilt();
        log.info("Name index rebuilt from {} profiles", count[0]);
    }

    @Override
    protected void handle(StreamMessage<String, String> message) {
        String profile = message.getBody().get("profile");
        if (profile != null && ProfileId.isValid(profile) && !NOT_ABOUT_NAMES.contains(message.getBody().get("change"))) {
            apply(new ProfileId(profile));
        }
    }

    /** Re-reads the profile and replaces its entries, or removes them when it is gone or forwards. */
    void apply(ProfileId id) {
        Optional<ProfileId> live = store.canonical(id);
        if (live.isPresent() && live.get().equals(id)) {
            store.find(id).ifPresentOrElse(profile -> {
                beforePut.run();
                index.put(profile);
                // an erasure or merge another instance handled between the read and the put removed the entries
                // first, and the put (no newer version held) wrote them back: looked at again, and removed
                if (!store.canonical(id).equals(Optional.of(id))) {
                    index.remove(id);
                }
            }, () -> index.remove(id));
        } else {
            index.remove(id);
        }
    }

    /** Runs in {@link #apply} between reading a profile and indexing it: lets a test interleave a change. */
    volatile Runnable beforePut = () -> {};
}
