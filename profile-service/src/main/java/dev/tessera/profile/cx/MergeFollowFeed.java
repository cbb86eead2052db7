package dev.tessera.profile.cx;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.profile.feed.ChangeFeedConsumer;
import io.lettuce.core.StreamMessage;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes what follows a merge when the process that merged did not: every {@code merged-away} change on
 * the feed (consumer group {@value #GROUP}) has the merged-away profile's timeline, metrics and consent
 * absorbed by the profile it forwards to, idempotently ({@link CxStore#followMerged}). The merging process
 * does this itself right after its write; a crash between the two, or an absorb that failed under
 * contention, used to leave the interactions on the dead id for good (out of every live timeline and
 * metric). Usually there is nothing left to do.
 */
public final class MergeFollowFeed extends ChangeFeedConsumer {

    private static final Logger log = LoggerFactory.getLogger(MergeFollowFeed.class);

    static final String GROUP = "merge-follow";

    private final ProfileStore store;
    private final CxStore cx;

    /**
     * @param connection a connection for this feed alone (it blocks on XREADGROUP); closed on stop
     */
    public MergeFollowFeed(RedisConnection connection, ProfileStore store, CxStore cx) {
        super(connection, store.namespace().changeFeed(), GROUP);
        this.store = store;
        this.cx = cx;
    }

    @Override
    protected void prepare() {
        // nothing to build: merges before the group existed were followed by their own processes
    }

    @Override
    protected void handle(StreamMessage<String, String> message) {
        String profile = message.getBody().get("profile");
        if (!"merged-away".equals(message.getBody().get("change")) || profile == null || !ProfileId.isValid(profile)) {
            return;
        }
        ProfileId away = new ProfileId(profile);
        Optional<ProfileId> live = store.canonical(away);
        if (live.isEmpty() || live.get().equals(away)) {
            return; // erased since, or not merged away after all
        }
        int copied = cx.followMerged(away, live.get());
        if (copied > 0) {
            log.warn("Merge of profile {} into {} had left {} interaction(s) behind; moved now", away, live.get(), copied);
        }
    }
}
