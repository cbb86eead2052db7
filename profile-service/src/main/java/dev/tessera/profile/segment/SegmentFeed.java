package dev.tessera.profile.segment;

import dev.tessera.core.model.ProfileId;
import dev.tessera.core.segment.SegmentEngine;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.profile.feed.ChangeFeedConsumer;
import io.lettuce.core.StreamMessage;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Real-time segment membership: every change of a profile on the change feed (identity, CX, consent,
 * merges, splits, erasure) evaluates every segment for it, in the consumer group {@value #GROUP} (see
 * {@link ChangeFeedConsumer}). A profile that is gone leaves every segment. The feed's own
 * {@code segment-joined}/{@code segment-left} entries are skipped. A change whose evaluation fails stays
 * pending and is handled again; evaluation is idempotent.
 */
public final class SegmentFeed extends ChangeFeedConsumer {

    static final String GROUP = "segments";
    private static final Set<String> OWN = Set.of("segment-joined", "segment-left");

    private final SegmentEngine engine;
    private final SegmentService service;
    private final dev.tessera.core.segment.SegmentStore store;

    public SegmentFeed(RedisConnection connection, SegmentEngine engine, SegmentService service) {
        super(connection, engine.store().namespace().changeFeed(), GROUP);
        this.engine = engine;
        this.service = service;
        this.store = engine.store();
    }

    /** The group is new: changes before it were missed, so every segment is built again. */
    @Override
    protected void groupCreated() {
        service.rebuildAllSoon();
    }

    /** Builds that did not finish (an instance stopped) are resumed in the background. */
    @Override
    protected void prepare() {
        service.refreshSoon();
    }

    @Override
    protected void handle(StreamMessage<String, String> change) {
        handleBatch(List.of(change));
    }

    /**
     * Each profile named in the batch is evaluated once, however many of its changes the batch holds
     * (a burst of interactions of one customer): evaluation reads the current state anyway.
     */
    @Override
    protected void handleBatch(List<StreamMessage<String, String>> changes) {
        Set<String> profiles = new LinkedHashSet<>();
        for (StreamMessage<String, String> change : changes) {
            String profile = change.getBody().get("profile");
            if (profile != null && ProfileId.isValid(profile) && !OWN.contains(change.getBody().get("change"))) {
                profiles.add(profile);
            }
        }
        for (String p : profiles) {
            try {
                engine.evaluate(new ProfileId(p));
            } catch (ConcurrentModificationException e) {
                // this profile is changing right now: its next change evaluates it; ask for one more to be sure,
                // rather than holding back the rest of the batch
                store.publishRetry(new ProfileId(p));
            }
        }
    }
}
