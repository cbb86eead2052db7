package dev.tessera.profile.cx;

import dev.tessera.core.cx.CxStore;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.profile.feed.ChangeFeedConsumer;
import io.lettuce.core.StreamMessage;
import java.util.List;
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
 *
 * <p>An entry is handled only once it is {@code grace} old: a single node's merge writes it in the merge's
 * own step, before the merging process has moved anything, and following it at once would race that
 * process over the same copy (harmless, but done twice and reported as left behind).
 */
public final class MergeFollowFeed extends ChangeFeedConsumer {

    private static final Logger log = LoggerFactory.getLogger(MergeFollowFeed.class);

    static final String GROUP = "merge-follow";
    /** How old a {@code merged-away} entry must be before this feed looks at what it left behind. */
    public static final java.time.Duration DEFAULT_GRACE = java.time.Duration.ofSeconds(5);

    private final ProfileStore store;
    private final CxStore cx;
    private final java.time.Duration grace;

    /**
     * @param connection a connection for this feed alone (it blocks on XREADGROUP); closed on stop
     * @param grace      how old an entry must be before it is followed ({@link #DEFAULT_GRACE})
     */
    public MergeFollowFeed(RedisConnection connection, ProfileStore store, CxStore cx, java.time.Duration grace) {
        super(connection, store.namespace().changeFeed(), GROUP);
        this.store = store;
        this.cx = cx;
        this.grace = grace;
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
        awaitGrace(message.getId());
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

    /**
     * Waits until the entry (its id starts with the milliseconds Redis wrote it at) is {@link #grace} old.
     * Throws when the feed stops meanwhile, which leaves the entry pending for the next start.
     */
    private void awaitGrace(String entryId) {
        int dash = entryId.indexOf('-');
        long writtenAt;
        try {
            writtenAt = Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
        } catch (NumberFormatException notAnId) {
            return;
        }
        // the entry's age by Redis's own clock (its id is Redis time): this host's clock may differ from it
        List<String> time = store.connection().commands().time();
        long redisNow = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
        long wait = Math.min(grace.toMillis(), writtenAt + grace.toMillis() - redisNow);
        long due = System.currentTimeMillis() + Math.max(0, wait);
        while (System.currentTimeMillis() < due) {
            if (!isRunning()) {
                throw new IllegalStateException("stopping before a merge entry was due");
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, due - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted before a merge entry was due", e);
            }
        }
    }
}
