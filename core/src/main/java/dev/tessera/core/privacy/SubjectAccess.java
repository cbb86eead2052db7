package dev.tessera.core.privacy;

import dev.tessera.core.audit.AuditEntry;
import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.ProfileExplainer;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** The right of access (GDPR Art. 15): one document with everything held about a person, audited. */
public final class SubjectAccess {

    private final ProfileStore store;
    private final CxStore cx;
    private final ProfileExplainer explainer;
    private final AuditLog audit;
    private final Clock clock;

    public SubjectAccess(ProfileStore store, CxStore cx, ProfileExplainer explainer, AuditLog audit, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.cx = Objects.requireNonNull(cx, "cx");
        this.explainer = Objects.requireNonNull(explainer, "explainer");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Everything about the person behind this id (following merges), written to the audit log as a
     * {@code profile.export} by {@code actor}.
     *
     * @return empty when there is no such profile
     */
    public Optional<SubjectExport> export(ProfileId id, String actor) {
        Optional<ProfileExplainer.Explanation> found = explainer.explain(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ProfileExplainer.Explanation explanation = found.get();
        ProfileId live = explanation.profile().id();
        List<Interaction> timeline = cx.interactions(live);
        Map<String, List<Interaction>> pending = new TreeMap<>();
        explanation.records().forEach(r -> {
            List<Interaction> waiting = cx.pending(r.record().id());
            if (!waiting.isEmpty()) {
                pending.put(r.record().id().key(), waiting);
            }
        });
        Instant now = clock.instant();
        SubjectExport export = new SubjectExport(now, id,
                FormerIds.of(store, live, store.links(live).values(), timeline, id.equals(live) ? List.of() : List.of(id)),
                explanation.profile(), explanation.records(), timeline, cx.metrics(live), cx.stages(live),
                cx.firedMoments(live), cx.consent().find(live).orElse(ConsentState.NONE), pending);
        audit.append(AuditEntry.of(now, actor, "profile.export", live.value(), List.of("profile", "records",
                "identifiers", "timeline", "metrics", "stages", "moments", "consent", "pending"), "subject access"));
        return Optional.of(export);
    }
}
