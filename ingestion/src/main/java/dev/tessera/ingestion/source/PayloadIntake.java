package dev.tessera.ingestion.source;

import dev.tessera.core.cx.AppendResult;
import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.identity.IdentityResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.ingestion.format.ItemRejection;
import dev.tessera.ingestion.format.MappedItem;
import dev.tessera.ingestion.format.MappedPayload;
import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.operations.SourceActivity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Stores what one payload of a vendor format says: each person's record is resolved into a profile
 * (and interactions waiting for that record are attached), each interaction lands on its profile's
 * timeline, and everything rejected — the whole payload (bad signature, malformed, oversized) or one
 * element of it — is kept as a dead letter with the reason and the original content. Re-delivery is
 * harmless: records resolve unchanged and interactions are deduplicated by source and id.
 *
 * <p>Plain class: the webhook and folder routes call it, and so does a replay.
 */
public final class PayloadIntake {

    /** Origin prefix of dead letters whose content was verified (or needed no verification): replayable. */
    public static final String VERIFIED = "payload";
    /** Origin prefix of payloads that failed their signature check: kept to inspect, never replayed. */
    public static final String UNVERIFIED = "unverified";

    private final IdentityResolver resolver;
    private final CxStore cx;
    private final CxIdentityHooks hooks;
    private final DeadLetterStore deadLetters;
    private final SourceActivity activity;

    public PayloadIntake(IdentityResolver resolver, CxStore cx, CxIdentityHooks hooks, DeadLetterStore deadLetters,
            SourceActivity activity) {
        this.resolver = resolver;
        this.cx = cx;
        this.hooks = hooks;
        this.deadLetters = deadLetters;
        this.activity = activity;
    }

    /** What happened to one payload. */
    /** @param erased records and interactions refused because their person was erased (not dead-lettered) */
    /**
     * What storing a payload did. {@code rejectedIds}: the dead letters its rejected items are kept as (a
     * replay whose item is rejected again lands on the very dead letter it replays); not in the answer.
     */
    public record Report(int records, int interactions, int duplicates, int pending, int rejected, int erased,
            @com.fasterxml.jackson.annotation.JsonIgnore java.util.Set<String> rejectedIds) {

        public Report {
            rejectedIds = rejectedIds == null ? java.util.Set.of() : java.util.Set.copyOf(rejectedIds);
        }

        public Report(int records, int interactions, int duplicates, int pending, int rejected, int erased) {
            this(records, interactions, duplicates, pending, rejected, erased, java.util.Set.of());
        }
    }

    /**
     * Verifies (when a verifier is given), maps and stores one payload.
     *
     * @param origin where it came from without personal data, e.g. a delivery id or a file name
     * @throws PayloadRejectedException when the payload as a whole is rejected (already dead-lettered)
     */
    public Report receive(SourceCatalog.Ready source, SourcePayload delivered, String origin) {
        String route = source.source().routeId();
        String name = source.source().name();
        activity.received(name);
        int limit = source.source().maxPayloadBytes();
        if (delivered.body().length > limit) {
            // refused before anything else touches it (no signature computed over a huge body)
            PayloadRejectedException e = new PayloadRejectedException(PayloadRejectedException.Reason.OVERSIZED,
                    "the payload is larger than the source's limit of " + limit + " bytes");
            // the placeholder names the delivery: dead letters are keyed by their content, and every oversized
            // delivery would otherwise be the same one (a Kafka offset, a delivery id lost)
            reject(route, name, UNVERIFIED + ":" + origin, e.reason(), e.getMessage(),
                    "(more than " + limit + " bytes, not kept; delivery " + origin + ")", Map.of());
            throw e;
        }
        // kept without a credential the scheme carries in the body (a Segment write key): dead letters are read
        // through the admin API
        SourcePayload payload = source.verifier().map(v -> v.redacted(delivered)).orElse(delivered);
        try {
            source.verifier().ifPresent(v -> v.verify(delivered));
        } catch (PayloadRejectedException e) {
            // a late delivery's signature held (the window is checked after it): its content is the vendor's,
            // so it can be replayed once an integrator decides it is wanted (storage is idempotent)
            boolean signed = e.reason() == PayloadRejectedException.Reason.REPLAYED;
            reject(route, name, (signed ? VERIFIED : UNVERIFIED) + ":" + origin, e.reason(), e.getMessage(),
                    signed ? text(payload) : unverifiedText(payload), signed ? replayHeaders(payload) : Map.of());
            throw e;
        }
        MappedPayload mapped;
        try {
            mapped = source.format().orElseThrow(
                    () -> new IllegalStateException("source " + name + " has no JSON format")).map(payload);
        } catch (PayloadRejectedException e) {
            String content = e.reason() == PayloadRejectedException.Reason.OVERSIZED
                    ? "(" + payload.body().length + " bytes, not kept: larger than the source's limit; delivery "
                            + origin + ")" : text(payload);
            reject(route, name, VERIFIED + ":" + origin, e.reason(), e.getMessage(), content, replayHeaders(payload));
            throw e;
        }
        return store(route, name, origin, mapped, payload);
    }

    /** Maps and stores a payload again that was verified when it arrived (a dead letter's replay). */
    public Report replay(SourceCatalog.Ready source, SourcePayload payload, String origin) {
        MappedPayload mapped = source.format().orElseThrow().map(payload);
        return store(source.source().routeId(), source.source().name(), origin, mapped, payload);
    }

    /**
     * Keeps a payload whose storing failed for a reason that is neither its content nor the storage (a
     * defect) as a replayable dead letter. The reason names only the exception type: its message might
     * carry the payload's values.
     */
    public void keepFailed(SourceCatalog.Ready source, SourcePayload payload, String origin, RuntimeException failure) {
        String why = "failed: " + failure.getClass().getSimpleName();
        deadLetters.add(source.source().routeId(), VERIFIED + ":" + origin, why, text(payload), null,
                replayHeaders(payload));
        activity.rejected(source.source().name(), why);
    }

    private Report store(String route, String name, String origin, MappedPayload mapped, SourcePayload payload) {
        int records = 0;
        int interactions = 0;
        int duplicates = 0;
        int pending = 0;
        int rejected = 0;
        int erased = 0;
        // the payload's people first (in one batch), then its interactions (in one batch): each finds its
        // record's profile directly; the end state is the one of storing item after item
        List<CustomerRecord> people = new ArrayList<>();
        Map<SourceRecordId, ProfileId> resolved = new HashMap<>();
        mapped.items().forEach(item -> {
            if (item.record() != null) {
                people.add(item.record());
            }
        });
        if (!people.isEmpty()) {
            List<Resolution> resolutions = resolver.resolveAll(people);
            hooks.afterResolveAll(people, resolutions);
            for (int i = 0; i < resolutions.size(); i++) {
                Resolution resolution = resolutions.get(i);
                if (resolution.outcome() == Resolution.Outcome.ERASED) {
                    erased++;
                    resolved.remove(people.get(i).id()); // no hint from an earlier copy of the same record
                } else {
                    records++;
                    // where the interactions below find it, without looking it up again
                    resolved.put(people.get(i).id(), resolution.profileId()); // a later one of the same record wins
                }
            }
        }
        List<Interaction> all = new ArrayList<>();
        mapped.items().forEach(item -> all.addAll(item.interactions()));
        int[] invalid = {0};
        java.util.Set<String> rejectedIds = new java.util.LinkedHashSet<>();
        List<AppendResult> appended = all.isEmpty() ? List.of() : cx.appendAll(all, (interaction, e) -> {
            // the whole payload, as delivered: replaying it stores what was stored again (idempotent) and
            // tries this interaction once more; the reason names the field, not the interaction or its record
            rejectedIds.add(reject(route, name, VERIFIED + ":" + origin, PayloadRejectedException.Reason.INVALID_VALUE,
                    e.getMessage(), text(payload), replayHeaders(payload)));
            invalid[0]++;
        }, resolved);
        rejected += invalid[0];
        for (AppendResult result : appended) {
            switch (result.status()) {
                case DUPLICATE -> duplicates++;
                case PENDING -> pending++;
                case ERASED -> erased++;
                default -> interactions++;
            }
        }
        for (ItemRejection rejection : mapped.rejections()) {
            rejectedIds.add(reject(route, name, VERIFIED + ":" + origin, rejection.reason(), rejection.message(),
                    rejection.item(), replayHeaders(payload)));
            rejected++;
        }
        if (erased > 0) {
            activity.erased(name); // counted, never dead-lettered: a dead letter would keep the erased data
        }
        boolean onlyErased = erased > 0 && records + interactions + duplicates + pending == 0;
        if (!mapped.items().isEmpty() && !onlyErased) {
            activity.stored(name);
        }
        return new Report(records, interactions, duplicates, pending, rejected, erased, rejectedIds);
    }

    /** Keeps a rejected item as a dead letter; its id. */
    private String reject(String route, String source, String origin, PayloadRejectedException.Reason reason,
            String message, String content, Map<String, String> headers) {
        String why = reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + message;
        // a delivery nobody vouches for (too large to check, or its signature failed) counts against the
        // route's cap of such letters: anyone can send them
        String id = origin.startsWith(UNVERIFIED + ":")
                ? deadLetters.addUnverified(route, origin, why, content).id()
                : deadLetters.add(route, origin, why, content, null, headers).id();
        activity.rejected(source, why);
        return id;
    }

    /** Prefix of the headers a format may read besides the body; they are kept with a dead letter. */
    static final String FORMAT_HEADER_PREFIX = "x-tessera-";
    private static final int KEPT_HEADERS = 16;
    private static final int KEPT_HEADER_CHARS = 1024;

    /**
     * The headers of a verified payload that its replay needs: those a format reads ({@code X-Tessera-…},
     * set by an integrator's route or a poller, e.g. the requester of Freshdesk conversations), at most {@value #KEPT_HEADERS} of at most
     * {@value #KEPT_HEADER_CHARS} characters each. Vendors' and transport headers are not kept.
     */
    static Map<String, String> replayHeaders(SourcePayload payload) {
        Map<String, String> kept = new java.util.TreeMap<>();
        payload.headers().forEach((name, value) -> {
            // the endpoint a webhook came through is not needed: a replay goes to the intake directly
            if (kept.size() < KEPT_HEADERS && name.toLowerCase(Locale.ROOT).startsWith(FORMAT_HEADER_PREFIX)
                    && !name.equalsIgnoreCase(WebhookRoutes.FORMAT_HEADER) && value.length() <= KEPT_HEADER_CHARS) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    private static String text(SourcePayload payload) {
        return new String(payload.body(), StandardCharsets.UTF_8);
    }

    /** Bytes of an unauthenticated body kept to inspect: enough to tell what it was. */
    static final int UNVERIFIED_KEPT_BYTES = 4096;

    /**
     * An unauthenticated body as kept: at most {@value #UNVERIFIED_KEPT_BYTES} bytes of it. Anyone can send
     * those, and they are never replayed (the vendor must deliver again), so keeping each whole would let
     * unsigned requests fill Redis a megabyte at a time.
     */
    private static String unverifiedText(SourcePayload payload) {
        byte[] body = payload.body();
        if (body.length <= UNVERIFIED_KEPT_BYTES) {
            return text(payload);
        }
        String head = new String(body, 0, UNVERIFIED_KEPT_BYTES, StandardCharsets.UTF_8);
        return head + "\n(" + body.length + " bytes in all; the rest not kept: the signature did not hold)";
    }
}
