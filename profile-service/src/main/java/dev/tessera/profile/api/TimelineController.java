package dev.tessera.profile.api;

import dev.tessera.core.cx.CxMetrics;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.cx.StageChange;
import dev.tessera.core.cx.TimelinePage;
import dev.tessera.core.cx.TimelineQuery;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.ProfileStore;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A profile's CX history and metrics: the timeline newest first, paged and filtered by kind, channel
 * and time range, and the metrics with the journey stage history. A merged-away id answers for the
 * profile it was merged into, as the profile endpoint does.
 */
@RestController
@RequestMapping(path = "/api/v1/profiles/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
class TimelineController {

    private final ProfileStore store;
    private final CxStore cx;

    private final ReadAudit audit;

    TimelineController(ProfileStore store, CxStore cx, ReadAudit audit) {
        this.store = store;
        this.cx = cx;
        this.audit = audit;
    }

    /**
     * @param kind    interaction kinds to keep (repeat the parameter), e.g. {@code order}, {@code ticket_opened}
     * @param channel channels to keep (repeat the parameter)
     * @param from    inclusive ISO-8601 instant
     * @param to      exclusive ISO-8601 instant
     */
    @GetMapping("/timeline")
    TimelineView timeline(@PathVariable String id, @RequestParam Optional<List<String>> kind,
            @RequestParam Optional<List<String>> channel, @RequestParam Optional<String> from,
            @RequestParam Optional<String> to, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "50") int limit, Authentication caller) {
        ProfileId profile = live(id);
        if (offset < 0) {
            throw new ApiProblem.InvalidParameter("offset", "must not be negative");
        }
        if (limit < 1 || limit > TimelineQuery.MAX_LIMIT) {
            throw new ApiProblem.InvalidParameter("limit", "must be between 1 and " + TimelineQuery.MAX_LIMIT);
        }
        Set<InteractionKind> kinds = EnumSet.noneOf(InteractionKind.class);
        for (String k : kind.orElse(List.of())) {
            try {
                kinds.add(InteractionKind.valueOf(k.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ApiProblem.InvalidParameter("kind", "must be one of " + lower(InteractionKind.values()));
            }
        }
        Set<String> channels = new LinkedHashSet<>();
        for (String c : channel.orElse(List.of())) {
            // any label a source may store (1-64 characters, no control characters), such as "In store"
            if (c.isEmpty() || c.length() > 64 || c.chars().anyMatch(Character::isISOControl)) {
                throw new ApiProblem.InvalidParameter("channel", "must be 1-64 characters without control characters");
            }
            channels.add(c);
        }
        Instant start = TimeParameters.instant("from", from);
        Instant end = TimeParameters.instant("to", to);
        if (start != null && end != null && !start.isBefore(end)) {
            throw new ApiProblem.InvalidParameter("from", "must be before to");
        }
        TimelinePage page = cx.timeline(profile, new TimelineQuery(kinds, channels, start, end, offset, limit));
        audit.record(caller, ReadAudit.TIMELINE, profile.value(), List.of("timeline"),
                "GET /api/v1/profiles/{id}/timeline");
        return new TimelineView(profile.value(), page.items(), page.total(), page.offset(), page.limit(), page.hasMore());
    }

    /** The profile's CX metrics now (days-since figures as of this request) and its journey stages. */
    @GetMapping("/metrics")
    MetricsView metrics(@PathVariable String id, Authentication caller) {
        ProfileId profile = live(id);
        MetricsView view = new MetricsView(profile.value(), cx.metrics(profile), cx.stages(profile));
        // figures about one known person are personal data too
        audit.record(caller, ReadAudit.METRICS, profile.value(), List.of("metrics", "stages"),
                "GET /api/v1/profiles/{id}/metrics");
        return view;
    }

    private ProfileId live(String id) {
        // an id merged into a profile split since may stand for another person's history
        return store.canonical(ProfileIds.aboutOnePerson(store, id)).orElseThrow(ApiProblem.ProfileNotFound::new);
    }

    private static String lower(InteractionKind[] kinds) {
        return String.join(", ", java.util.Arrays.stream(kinds).map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
    }

    record TimelineView(String profile, List<Interaction> items, long total, int offset, int limit, boolean hasMore) {}

    record MetricsView(String profile, CxMetrics metrics, List<StageChange> stages) {}
}
