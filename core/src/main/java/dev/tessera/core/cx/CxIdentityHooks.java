package dev.tessera.core.cx;

import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What identity resolution must tell the timeline: a record landed (attach what waited for it), profiles
 * were merged (move their timelines), a profile was split (move each record's interactions to its new
 * profile). Every method is idempotent, so a caller that crashed may simply call it again.
 */
public final class CxIdentityHooks {

    private final CxStore cx;
    private final java.util.Set<String> claimedSources;

    public CxIdentityHooks(CxStore cx) {
        this(cx, java.util.Set.of());
    }

    /**
     * @param claimedSources the identity settings' claimed sources (anyone can claim their identifiers): a
     *                       record of one withdraws consent but grants none, see {@link #beforeAttach}
     */
    public CxIdentityHooks(CxStore cx, java.util.Set<String> claimedSources) {
        this.cx = Objects.requireNonNull(cx, "cx");
        this.claimedSources = java.util.Set.copyOf(claimedSources);
    }

    /**
     * Call after {@code resolver.resolve(record)} returned {@code resolution} (every outcome): absorbs the
     * timelines of the profiles merged into {@code resolution.profileId()}, then attaches the interactions
     * that waited for {@code record}.
     */
    public void afterResolve(CustomerRecord record, Resolution resolution) {
        after(record, resolution, true);
    }

    /**
     * {@link #afterResolve} for the records of one {@code resolver.resolveAll} call, in order: which of
     * them have interactions waiting is asked for all at once (one round trip, not one per record).
     */
    public void afterResolveAll(List<CustomerRecord> records, List<Resolution> resolutions) {
        // asked first and read after the merges and consent statements, with whose round trips it goes
        java.util.function.Supplier<boolean[]> pending = cx.pendingForLater(
                records.stream().map(CustomerRecord::id).toList());
        int ready = 0;
        RuntimeException failure = null;
        try {
            for (; ready < records.size(); ready++) {
                beforeAttach(records.get(ready), resolutions.get(ready));
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            // also after a failure: the records before it get what waited for them, as one by one
            boolean[] waiting = pending.get();
            for (int i = 0; i < ready; i++) {
                if (waiting[i] && resolutions.get(i).outcome() != Resolution.Outcome.ERASED) {
                    cx.attachPending(records.get(i).id(), resolutions.get(i).profileId());
                }
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void after(CustomerRecord record, Resolution resolution, boolean mayBeWaiting) {
        beforeAttach(record, resolution);
        if (mayBeWaiting && resolution.outcome() != Resolution.Outcome.ERASED) {
            cx.attachPending(record.id(), resolution.profileId());
        }
    }

    /**
     * What follows a resolve apart from attaching waiting interactions: the merged timelines move to the
     * survivor, and the record's consent statements are stored (the latest statement per purpose and
     * channel wins whatever the order, so attaching waiting consent changes afterwards ends the same). A
     * record of a claimed source stores its withdrawals only: anyone can send one with another person's
     * email, and a grant would put her back into marketing after she withdrew.
     */
    private void beforeAttach(CustomerRecord record, Resolution resolution) {
        if (resolution.outcome() == Resolution.Outcome.ERASED) {
            cx.dropPending(record.id()); // what waited for an erased person's record must not stay
            return;
        }
        for (ProfileId merged : resolution.merged()) {
            cx.absorb(merged, resolution.profileId()); // consent statements follow with the timeline
        }
        cx.consent().fromRecord(record, resolution.profileId(), claimedSources.contains(record.id().source()));
    }

    /** Call after {@link ProfileResolver#merge} returned: the survivor absorbs the merged timelines. */
    public void afterMerge(Resolution resolution) {
        for (ProfileId merged : resolution.merged()) {
            cx.absorb(merged, resolution.profileId());
        }
    }

    /**
     * After a split or a re-resolution dissolved {@code moved.from()} and resolved its records again (pass
     * it to {@link ProfileResolver#split(ProfileId, Set, java.util.function.Consumer)} and
     * {@code ReResolution.onMoved}): each profile of {@code moved.to()} receives the interactions of the
     * records it took (with a PROFILE_SPLIT entry), plus whatever was appended for those records while they
     * were being resolved again and had to wait; the old id keeps only the split entries. Consent statements
     * go with the records they came with; an agent's statements (no record) go where the old id now forwards
     * (the first; nowhere when {@code moved.forwarded()} is false). Profiles merged on the way ({@code moved.merged()}) are absorbed by the profile they
     * ended in first. Idempotent.
     */
    public void afterMoved(dev.tessera.core.identity.ReResolution.Moved moved) {
        // profiles that resolving the records again merged into others: their timelines follow as on arrival
        moved.merged().forEach(cx::absorb);
        boolean first = moved.forwarded();
        for (Map.Entry<ProfileId, Set<SourceRecordId>> target : moved.to().entrySet()) {
            if (!target.getKey().equals(moved.from())) {
                cx.splitOff(moved.from(), target.getKey(), target.getValue());
                cx.consent().splitOff(moved.from(), target.getKey(), target.getValue(), first);
            }
            target.getValue().forEach(record -> cx.attachPending(record, target.getKey()));
            first = false;
        }
        // what no moved record took (a ticket's steps that followed its new requester here under the first
        // requester's record) goes where the old id forwards; nowhere when it forwards nowhere
        if (moved.forwarded()) {
            moved.to().keySet().stream().findFirst().ifPresent(forward -> cx.moveRest(moved.from(), forward));
        }
    }
}
