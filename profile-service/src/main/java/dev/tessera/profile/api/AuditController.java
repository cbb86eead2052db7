package dev.tessera.profile.api;

import dev.tessera.core.audit.AuditEntry;
import dev.tessera.core.audit.AuditLog;
import dev.tessera.core.audit.AuditQuery;
import dev.tessera.core.model.ProfileId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit log for admins: who read or changed which profile's personal data, newest first. Filters
 * combine; {@code next} is the {@code before} value for the following page.
 */
@RestController
@RequestMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
class AuditController {

    private static final int DEFAULT_LIMIT = 100;

    private final AuditLog log;

    AuditController(AuditLog log) {
        this.log = log;
    }

    /**
     * @param actor   token subject of the user
     * @param action  e.g. {@code profile.read}, {@code profile.search}
     * @param profile profile id
     * @param from    inclusive ISO-8601 instant
     * @param to      exclusive ISO-8601 instant
     * @param before  an entry id: entries older than it (paging)
     * @param limit   1 to 1000, default 100
     */
    @GetMapping
    AuditPage query(@RequestParam Optional<String> actor, @RequestParam Optional<String> action,
            @RequestParam Optional<String> profile, @RequestParam Optional<String> from,
            @RequestParam Optional<String> to, @RequestParam Optional<String> before,
            @RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit) {
        actor.ifPresent(a -> require("actor", a.length() >= 1 && a.length() <= 255, "must be 1-255 characters"));
        action.ifPresent(a -> require("action", a.matches("[a-z][a-z0-9_.-]{0,63}"),
                "must be an action name such as profile.read"));
        profile.ifPresent(p -> require("profile", ProfileId.isValid(p), "must be 1-64 characters of [A-Za-z0-9_-]"));
        before.ifPresent(b -> require("before", b.matches("\\d{1,18}-\\d{1,18}") && !b.matches("0+-0+"),
                "must be an audit entry id such as 1767225600000-0"));
        require("limit", limit >= 1 && limit <= AuditQuery.MAX_LIMIT, "must be between 1 and " + AuditQuery.MAX_LIMIT);
        Instant start = TimeParameters.instant("from", from);
        Instant end = TimeParameters.instant("to", to);
        require("from", start == null || end == null || start.isBefore(end), "must be before to");
        require("to", end == null || end.isAfter(Instant.EPOCH), "must be after 1970-01-01T00:00:00Z");
        AuditLog.Page page = log.page(new AuditQuery(actor.orElse(null), action.orElse(null),
                profile.orElse(null), start, end, before.orElse(null), limit));
        return new AuditPage(page.entries(), page.entries().size(), page.next());
    }

    record AuditPage(List<AuditEntry> items, int count, String next) {}

    private static void require(String parameter, boolean valid, String message) {
        if (!valid) {
            throw new ApiProblem.InvalidParameter(parameter, message);
        }
    }

}
