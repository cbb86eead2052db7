package dev.tessera.core.privacy;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ids that forward to a profile: those its records' arrivals merged away (link evidence), and those
 * its timeline's merge and split notes name, kept when their forwarding pointer still leads to it.
 */
final class FormerIds {

    private static final int MAX_HOPS = 16;

    private FormerIds() {}

    static Set<ProfileId> of(ProfileStore store, ProfileId live, Collection<LinkEvidence> links,
            Collection<Interaction> timeline, Collection<ProfileId> alsoTry) {
        Set<ProfileId> candidates = new LinkedHashSet<>(alsoTry);
        links.forEach(l -> candidates.addAll(l.mergedFrom()));
        for (Interaction i : timeline) {
            if (i.kind() == InteractionKind.PROFILE_MERGED || i.kind() == InteractionKind.PROFILE_SPLIT) {
                for (String attribute : new String[] {"from", "into", "to"}) {
                    String id = i.attributes().get(attribute);
                    if (id != null && ProfileId.isValid(id)) {
                        candidates.add(new ProfileId(id));
                    }
                }
            }
        }
        Set<ProfileId> former = new TreeSet<>();
        for (ProfileId candidate : candidates) {
            if (!candidate.equals(live) && forwardsTo(store, candidate, live)) {
                former.add(candidate);
            }
        }
        return former;
    }

    private static boolean forwardsTo(ProfileStore store, ProfileId from, ProfileId live) {
        var redis = store.connection().commands();
        ProfileId current = from;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            String forward = redis.hget(store.namespace().profile(current), "forward");
            if (forward == null) {
                return false;
            }
            if (forward.equals(live.value())) {
                return true;
            }
            current = new ProfileId(forward);
        }
        return false;
    }
}
