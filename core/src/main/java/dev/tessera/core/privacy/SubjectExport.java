package dev.tessera.core.privacy;

import dev.tessera.core.cx.CxMetrics;
import dev.tessera.core.cx.StageChange;
import dev.tessera.core.identity.ProfileExplainer;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything Tessera holds about one person (GDPR Art. 15), as one document.
 *
 * @param requested   the id asked for (may be one that was merged away)
 * @param formerIds   ids that forward to this profile (merged away or split)
 * @param profile     the golden record with its lineage, identifiers and record ids
 * @param records     every source record with the evidence that linked it and the records an agent
 *                    separated it from
 * @param timeline    every interaction, oldest first (including Tessera's merge and split notes)
 * @param moments     moments of truth fired: {@code rule|trigger} → when
 * @param pending     interactions of the person's records that wait for them, by record key (normally none)
 */
public record SubjectExport(Instant exportedAt, ProfileId requested, Set<ProfileId> formerIds, Profile profile,
        List<ProfileExplainer.RecordExplanation> records, List<Interaction> timeline, CxMetrics metrics,
        List<StageChange> stages, Map<String, Instant> moments, ConsentState consent,
        Map<String, List<Interaction>> pending) {}
