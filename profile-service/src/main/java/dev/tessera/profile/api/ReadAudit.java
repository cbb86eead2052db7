package dev.tessera.profile.api;

import dev.tessera.core.audit.AuditEntry;
import dev.tessera.core.audit.AuditLog;
import java.time.Clock;
import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Records every read of personal data (and manual merges) through the API in the audit log, one entry per profile returned:
 * the caller's token subject, the action, the profile id and the names of the fields shown, never their
 * values. Written before the answer is sent, so a read that could not be audited is not answered.
 */
@Component
class ReadAudit {

    static final String READ = "profile.read";
    static final String SEARCH = "profile.search";
    static final String TIMELINE = "profile.timeline";
    static final String EXPLANATION = "profile.explanation";
    static final String POSSIBLE_MATCHES = "profile.possible-matches";
    static final String METRICS = "profile.metrics";
    static final String CONSENT = "profile.consent";
    /** Not a read: an agent's split (unmerge), kept with who made it. */
    static final String SPLIT = "profile.split";
    /** Not a read: a person's identity decision, kept with who made it. */
    static final String MERGE = "profile.merge";
    /** Not a read: an operator's rebuild of the dashboard aggregates (no profile), kept with who asked. */
    static final String AGGREGATES_REBUILD = "metrics.rebuild";

    private final AuditLog log;
    private final Clock clock;

    ReadAudit(AuditLog log) {
        this.log = log;
        this.clock = Clock.systemUTC();
    }

    void record(Authentication caller, String action, String profileId, List<String> fields, String detail) {
        log.append(AuditEntry.of(clock.instant(), caller.getName(), action, profileId, fields, detail));
    }
}
