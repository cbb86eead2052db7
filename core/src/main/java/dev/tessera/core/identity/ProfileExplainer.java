package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.MergeDecision;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.store.ProfileStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Why a profile holds what it holds: each record with the evidence that linked it. */
public final class ProfileExplainer {

    /**
     * One record of a profile, how it got there, the records an agent separated it from (cannot-link) and
     * those a person joined it with (must-link), with each decision.
     */
    public record RecordExplanation(CustomerRecord record, LinkEvidence evidence, Set<SourceRecordId> separatedFrom,
            Map<SourceRecordId, MergeDecision> joinedWith) {}

    /** The explanation of one profile. */
    public record Explanation(Profile profile, List<RecordExplanation> records) {}

    private final ProfileStore store;

    public ProfileExplainer(ProfileStore store) {
        this.store = store;
    }

    /** The explanation of the live profile behind this id (following merges). */
    public Optional<Explanation> explain(ProfileId id) {
        return store.find(id).map(profile -> {
            Map<SourceRecordId, LinkEvidence> links = store.links(profile.id());
            List<RecordExplanation> records = store.records(profile.id()).stream()
                    .map(r -> new RecordExplanation(r, links.get(r.id()), store.cannotLink(r.id()),
                            store.mustLink(r.id())))
                    .toList();
            return new Explanation(profile, records);
        });
    }
}
