package dev.tessera.core.segment;

import dev.tessera.core.cx.CxMetrics;
import dev.tessera.core.cx.JourneyStage;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Profile;
import dev.tessera.core.privacy.ConsentState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a segment rule looks at for one profile, read at one moment ({@code now}): the golden record and
 * identifiers, the CX metrics and journey stage, consent, and (only when a rule asks about history) the
 * timeline, loaded lazily and at most once.
 */
public final class SegmentSubject {

    private final Profile profile;
    private final CxMetrics metrics;
    private final JourneyStage stage;
    private final ConsentState consent;
    private final Supplier<List<Interaction>> history;
    private final java.util.function.Function<Instant, List<Interaction>> historySince;
    private final Instant now;
    private List<Interaction> loaded;
    private final java.util.Map<Instant, List<Interaction>> loadedSince = new java.util.HashMap<>();

    public SegmentSubject(Profile profile, CxMetrics metrics, JourneyStage stage, ConsentState consent,
            Supplier<List<Interaction>> history, Instant now) {
        this(profile, metrics, stage, consent, history, null, now);
    }

    /**
     * @param historySince the profile's interactions at or after an instant, read from storage (a range of
     *                     the timeline, not all of it); null: filtered from {@code history}
     */
    public SegmentSubject(Profile profile, CxMetrics metrics, JourneyStage stage, ConsentState consent,
            Supplier<List<Interaction>> history, java.util.function.Function<Instant, List<Interaction>> historySince,
            Instant now) {
        this.historySince = historySince;
        this.profile = Objects.requireNonNull(profile, "profile");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.stage = stage;
        this.consent = consent == null ? ConsentState.NONE : consent;
        this.history = Objects.requireNonNull(history, "history");
        this.now = Objects.requireNonNull(now, "now");
    }

    public Profile profile() {
        return profile;
    }

    public CxMetrics metrics() {
        return metrics;
    }

    /** The stored journey stage; null for a profile without any interaction yet. */
    public JourneyStage stage() {
        return stage;
    }

    public ConsentState consent() {
        return consent;
    }

    public Instant now() {
        return now;
    }

    /** The profile's interactions (any order); read from storage on first use only. */
    public List<Interaction> history() {
        if (loaded == null) {
            loaded = List.copyOf(history.get());
        }
        return loaded;
    }

    /**
     * The profile's interactions at or after {@code since} (any order; null: all of them): for a rule over
     * the last days, only that part of a long timeline is read. Each window is read once per subject.
     */
    public List<Interaction> history(Instant since) {
        if (since == null || loaded != null || historySince == null) {
            return since == null ? history()
                    : history().stream().filter(i -> !i.occurredAt().isBefore(since)).toList();
        }
        return loadedSince.computeIfAbsent(since, s -> List.copyOf(historySince.apply(s)));
    }
}
