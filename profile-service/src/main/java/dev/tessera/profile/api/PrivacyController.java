package dev.tessera.profile.api;

import dev.tessera.core.audit.AuditEntry;
import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.privacy.ConsentChannel;
import dev.tessera.core.privacy.ConsentEntry;
import dev.tessera.core.privacy.ConsentState;
import dev.tessera.core.privacy.ConsentStatus;
import dev.tessera.core.privacy.Erasure;
import dev.tessera.core.privacy.SubjectAccess;
import dev.tessera.core.privacy.SubjectExport;
import dev.tessera.core.store.ProfileStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ConcurrentModificationException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consent, subject access and erasure (docs/privacy.md). The acting user is the token's subject; it is
 * recorded with consent statements and in the audit log, which gets every export, erasure and consent
 * change.
 */
@RestController
@RequestMapping(path = "/api/v1/profiles/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
class PrivacyController {

    /** A consent body is two small fields; anything larger is refused before it is parsed. */
    static final int MAX_CONSENT_BODY = 4096;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProfileStore store;
    private final CxStore cx;
    private final SubjectAccess access;
    private final Erasure erasure;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    PrivacyController(ProfileStore store, CxStore cx, SubjectAccess access, Erasure erasure, AuditLog audit) {
        this.store = store;
        this.cx = cx;
        this.access = access;
        this.erasure = erasure;
        this.audit = audit;
    }

    /** The profile's consent: every stored statement, and the one in force per purpose and channel. */
    @GetMapping("/consent")
    ConsentView consent(@PathVariable String id, Principal caller) {
        ProfileId live = store.canonical(profileId(id)).orElseThrow(ApiProblem.ProfileNotFound::new);
        ConsentView view = ConsentView.of(live, cx.consent().find(live).orElseThrow(ApiProblem.ProfileNotFound::new));
        // a person's consent history (purposes, channels, records, agents) is personal data: audited before it is sent
        audit.append(AuditEntry.of(clock.instant(), caller.getName(), ReadAudit.CONSENT, live.value(), List.of("consent"),
                "GET /api/v1/profiles/{id}/consent"));
        return view;
    }

    /**
     * Records what the person told an agent: body {@code {"status": "granted"|"withdrawn", "at": ISO
     * instant (optional, default now)}}. The latest statement wins, so an older {@code at} than what is
     * stored changes nothing (the answer shows what is in force).
     */
    @PutMapping(path = "/consent/{purpose}/{channel}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ConsentView recordConsent(@PathVariable String id, @PathVariable String purpose, @PathVariable String channel,
            HttpServletRequest request, Principal principal) throws IOException {
        ProfileId profile = profileId(id);
        if (!ConsentEntry.isValidPurpose(purpose)) {
            throw new ApiProblem.InvalidParameter("purpose", "must match " + ConsentEntry.PURPOSE_PATTERN);
        }
        ConsentChannel on = ConsentChannel.of(channel.toLowerCase(java.util.Locale.ROOT)).orElseThrow(() -> new ApiProblem.InvalidParameter("channel",
                "must be one of email, sms, phone, post, web, push, any"));
        JsonNode body = readBody(request);
        ConsentStatus status = ConsentStatus.of(body.path("status").isString() ? body.path("status").asString() : null)
                .orElseThrow(() -> new ApiProblem.InvalidParameter("status", "must be granted or withdrawn"));
        Instant now = clock.instant();
        Instant at = now;
        JsonNode given = body.path("at");
        if (!given.isMissingNode() && !given.isNull()) {
            try {
                at = Instant.parse(given.isString() ? given.asString() : "");
            } catch (DateTimeParseException e) {
                throw new ApiProblem.InvalidParameter("at", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            }
            if (at.isAfter(now.plus(ConsentEntry.MAX_AHEAD))) {
                throw new ApiProblem.InvalidParameter("at", "must not be in the future");
            }
            if (at.isBefore(Instant.parse("1900-01-01T00:00:00Z"))) {
                throw new ApiProblem.InvalidParameter("at", "must not be before 1900");
            }
        }
        String actor = principal.getName();
        ConsentEntry entry;
        try {
            entry = new ConsentEntry(purpose, on, status, at, ConsentEntry.AGENT, null, actor, now);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem.InvalidParameter("actor", "the token subject cannot be recorded");
        }
        ProfileId live = cx.consent().record(profile, entry).orElseThrow(ApiProblem.ProfileNotFound::new);
        audit.append(AuditEntry.of(now, actor, "consent.change", live.value(),
                List.of("consent." + purpose + "." + on.code()), "source=agent"));
        return ConsentView.of(live, cx.consent().find(live).orElse(ConsentState.NONE));
    }

    /** Everything held about the person (GDPR Art. 15) as one JSON document; audited. */
    @GetMapping("/export")
    ResponseEntity<SubjectExport> export(@PathVariable String id, Principal principal) {
        SubjectExport export = access.export(profileId(id), principal.getName())
                .orElseThrow(ApiProblem.ProfileNotFound::new);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"tessera-profile-" + export.profile().id().value() + ".json\"")
                .body(export);
    }

    /**
     * Erases the person (GDPR Art. 17). {@code reason} is a token such as {@code subject-request} (never
     * free text: it goes to the audit log, which must hold no personal data).
     */
    @DeleteMapping
    ErasureView erase(@PathVariable String id, @RequestParam(required = false) String reason, Principal principal) {
        ProfileId profile = profileId(id);
        if (reason == null) {
            throw new ApiProblem.InvalidParameter("reason", "is required, e.g. subject-request");
        }
        if (!Erasure.isValidReason(reason)) {
            throw new ApiProblem.InvalidParameter("reason", "must be a token matching " + Erasure.REASON_PATTERN
                    + ", e.g. subject-request");
        }
        try {
            Erasure.Report report = erasure.erase(profile, reason, principal.getName())
                    .orElseThrow(ApiProblem.ProfileNotFound::new);
            return new ErasureView(report.profile().value(),
                    report.formerIds().stream().map(ProfileId::value).toList(), report.records(),
                    report.interactions(), report.consent(), report.tombstones(), report.deadLetters(), report.at());
        } catch (ConcurrentModificationException e) {
            throw new ApiProblem.Conflict();
        }
    }

    record ErasureView(String profile, List<String> formerIds, int records, int interactions, int consentStatements,
            int tombstones, int deadLetters, Instant erasedAt) {}

    record ConsentView(String profile, List<Statement> current, List<Statement> statements) {

        record Statement(String purpose, String channel, String status, Instant at, String source,
                String sourceRecord, String actor, Instant recordedAt) {
            static Statement of(ConsentEntry e) {
                return new Statement(e.purpose(), e.channel().code(), e.status().code(), e.at(), e.source(),
                        e.sourceRecord() == null ? null : e.sourceRecord().key(), e.actor(), e.recordedAt());
            }
        }

        static ConsentView of(ProfileId profile, ConsentState state) {
            return new ConsentView(profile.value(),
                    state.current().values().stream().map(Statement::of).toList(),
                    state.statements().stream().map(Statement::of).toList());
        }
    }

    private static JsonNode readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_CONSENT_BODY) {
            throw new ApiProblem.InvalidParameter("body", "must not be larger than " + MAX_CONSENT_BODY + " bytes");
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_CONSENT_BODY + 1);
        }
        if (bytes.length > MAX_CONSENT_BODY) {
            throw new ApiProblem.InvalidParameter("body", "must not be larger than " + MAX_CONSENT_BODY + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new ApiProblem.InvalidParameter("body", "must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new ApiProblem.InvalidParameter("body", "is not valid JSON of the expected shape");
        }
    }

    /**
     * The id asked about. One that was merged into a profile dissolved since (split, re-resolved) is refused:
     * it forwards to where most of that profile's records went, which may be another person's data.
     */
    private ProfileId profileId(String id) {
        return ProfileIds.aboutOnePerson(store, id);
    }
}
