package dev.tessera.profile.api;

import dev.tessera.core.segment.InvalidSegmentException;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.segment.Segment;
import dev.tessera.core.segment.SegmentPreview;
import dev.tessera.core.segment.SegmentRule;
import dev.tessera.core.segment.SegmentRules;
import dev.tessera.core.segment.SegmentStore;
import dev.tessera.profile.segment.SegmentService;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.CallableProcessingInterceptor;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Segments for marketers (docs/segments.md): definitions, their members, and exports. Membership is kept
 * current by the change feed; a new or changed rule is evaluated over every profile in the background,
 * with progress in {@code status}. The acting user (token subject) is kept with each definition.
 */
@RestController
@RequestMapping(path = "/api/v1/segments", produces = MediaType.APPLICATION_JSON_VALUE)
class SegmentController {

    /** A definition is a name, a description and a rule of at most 100 conditions: 64 KiB is plenty. */
    static final int MAX_BODY = 64 * 1024;
    static final int MAX_MEMBER_PAGE = 500;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SegmentService segments;
    private final SegmentStore store;
    private final SegmentExport export;

    private final PersonalData personalData;

    SegmentController(SegmentService segments, SegmentExport export, PersonalData personalData) {
        this.segments = segments;
        this.store = segments.store();
        this.export = export;
        this.personalData = personalData;
    }

    /**
     * Refuses a rule that compares a field the caller sees masked: a rule is a question answered with
     * members, counts and examples, so {@code email eq x} (or {@code last_name starts_with "Sm"}, letter by
     * letter) would tell a marketer what the masking hides. Whether such a field exists or is missing stays
     * allowed, as {@code has} is.
     */
    private void requireVisible(SegmentRule rule, String at, Authentication caller) {
        if (rule instanceof SegmentRule.All all) {
            for (int i = 0; i < all.rules().size(); i++) {
                requireVisible(all.rules().get(i), at + ".all[" + i + "]", caller);
            }
        } else if (rule instanceof SegmentRule.Any any) {
            for (int i = 0; i < any.rules().size(); i++) {
                requireVisible(any.rules().get(i), at + ".any[" + i + "]", caller);
            }
        } else if (rule instanceof SegmentRule.Not not) {
            requireVisible(not.rule(), at + ".not", caller);
        } else if (rule instanceof SegmentRule.Attribute attribute
                && attribute.op() != SegmentRule.Op.EXISTS && attribute.op() != SegmentRule.Op.MISSING
                && !personalData.shows(attribute.name(), caller)) {
            throw new ApiProblem.InvalidParameter(at + ".attribute", "is a field you see masked: a rule may compare "
                    + "only fields you see in clear (exists and missing are allowed)");
        }
    }

    /** A segment as the API shows it, with its size and the state of its last full evaluation. */
    record SegmentView(String id, String name, String description, Object rule, boolean timeDependent, long size,
            SegmentStore.Status status, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy,
            long version) {

        static SegmentView of(Segment s, long size, SegmentStore.Status status) {
            return new SegmentView(s.id(), s.name(), s.description(), s.rule().toJson(), s.timeDependent(), size,
                    status, s.createdAt(), s.createdBy(), s.updatedAt(), s.updatedBy(), s.version());
        }
    }

    record MemberView(String profileId, Instant joinedAt) {}

    /**
     * @param next the {@code after} of the following page ({@code joinedAt millis:profile id} of this page's
     *             last member), null when this page is not full
     */
    record MembersPage(String segmentId, long total, int page, int size, List<MemberView> members, String next) {}

    private static final java.util.regex.Pattern AFTER = java.util.regex.Pattern.compile("(\\d{1,15}):([A-Za-z0-9_-]{1,64})");

    @GetMapping
    List<SegmentView> list() {
        Map<String, Segment> all = store.all();
        Map<String, Long> sizes = store.sizes(all.keySet());
        return all.values().stream()
                .map(s -> SegmentView.of(s, sizes.getOrDefault(s.id(), 0L), store.status(s.id()).orElse(null)))
                .toList();
    }

    @GetMapping("/{id}")
    SegmentView byId(@PathVariable String id) {
        Segment s = store.find(id).orElseThrow(ApiProblem.SegmentNotFound::new);
        return SegmentView.of(s, store.size(id), store.status(id).orElse(null));
    }

    /**
     * Creates a segment from {@code {"name", "description", "rule"}}; its members are computed in the
     * background (status {@code building}, then {@code ready}).
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SegmentView> create(@RequestBody String body, Authentication caller) {
        Definition d = definition(body, false);
        requireVisible(d.rule(), "rule", caller);
        try {
            Segment s = segments.create(d.name(), d.description(), d.rule(), caller.getName());
            return ResponseEntity.created(URI.create("/api/v1/segments/" + s.id()))
                    .body(SegmentView.of(s, 0, store.status(s.id()).orElse(null)));
        } catch (InvalidSegmentException e) {
            throw new ApiProblem.InvalidParameter(e.field(), e.reason());
        }
    }

    /** A preview's answer: how many profiles the rule would match now (docs/segments.md). */
    record PreviewView(long profiles, long evaluated, long matched, long estimate, long low, long high,
            boolean exact, List<String> examples, boolean timeDependent, Instant asOf) {}

    /**
     * How many profiles {@code {"rule"}} would match, before saving it: exact up to a sample's size, else
     * estimated from a random sample with a 95 % interval; a few matching profiles to open. Stores nothing.
     */
    @PostMapping(path = "/preview", consumes = MediaType.APPLICATION_JSON_VALUE)
    PreviewView preview(@RequestBody String body, Authentication caller) {
        JsonNode node = object(body, "rule");
        for (String field : node.propertyNames()) {
            if (!field.equals("rule")) {
                throw new ApiProblem.InvalidParameter(field, "is not a field of a preview (rule)");
            }
        }
        SegmentRule rule;
        try {
            rule = SegmentRules.parse(node.get("rule"), "rule");
        } catch (InvalidSegmentException e) {
            throw new ApiProblem.InvalidParameter(e.field(), e.reason());
        }
        requireVisible(rule, "rule", caller);
        try {
            SegmentPreview p = segments.preview(rule);
            return new PreviewView(p.profiles(), p.evaluated(), p.matched(), p.estimate(), p.low(), p.high(),
                    p.exact(), p.examples().stream().map(ProfileId::value).toList(), rule.timeDependent(),
                    Instant.now());
        } catch (SegmentService.PreviewsBusy e) {
            throw new ApiProblem.RateLimited(5);
        }
    }

    /**
     * Replaces name, description and rule; {@code version} must be the stored one (409 otherwise). A
     * changed rule is evaluated again over every profile.
     */
    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    SegmentView update(@PathVariable String id, @RequestBody String body, Authentication caller) {
        Definition d = definition(body, true);
        requireVisible(d.rule(), "rule", caller);
        try {
            Segment s = segments.update(id, d.name(), d.description(), d.rule(), d.version(), caller.getName())
                    .orElseThrow(ApiProblem.SegmentNotFound::new);
            return SegmentView.of(s, store.size(id), store.status(id).orElse(null));
        } catch (SegmentService.VersionConflict e) {
            throw new ApiProblem.Conflict();
        } catch (InvalidSegmentException e) {
            throw new ApiProblem.InvalidParameter(e.field(), e.reason());
        }
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        if (!segments.delete(id)) {
            throw new ApiProblem.SegmentNotFound();
        }
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    /**
     * Member profile ids, oldest membership first. Open a profile for its (masked) data. Walk them with
     * {@code after} (each page's {@code next}): members joining or leaving meanwhile then make no one who
     * stayed skipped or repeated, as paging by {@code page} number (a position in a set that changes) may.
     */
    @GetMapping("/{id}/members")
    MembersPage members(@PathVariable String id, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "100") int size, @RequestParam Optional<String> after) {
        if (page < 0 || page > 100_000) {
            throw new ApiProblem.InvalidParameter("page", "must be between 0 and 100000");
        }
        if (size < 1 || size > MAX_MEMBER_PAGE) {
            throw new ApiProblem.InvalidParameter("size", "must be between 1 and " + MAX_MEMBER_PAGE);
        }
        SegmentStore.Member cursor = null;
        if (after.isPresent()) {
            java.util.regex.Matcher m = AFTER.matcher(after.get());
            if (!m.matches() || page != 0) {
                throw new ApiProblem.InvalidParameter("after", "must be a page's next (millis:profile id), without page");
            }
            cursor = new SegmentStore.Member(new ProfileId(m.group(2)), Instant.ofEpochMilli(Long.parseLong(m.group(1))));
        }
        store.find(id).orElseThrow(ApiProblem.SegmentNotFound::new);
        List<SegmentStore.Member> found = cursor == null ? store.members(id, (long) page * size, size)
                : store.membersAfter(id, cursor, size);
        List<MemberView> members = found.stream().map(m -> new MemberView(m.profile().value(), m.joinedAt())).toList();
        SegmentStore.Member last = found.isEmpty() ? null : found.get(found.size() - 1);
        String next = found.size() < size ? null : last.joinedAt().toEpochMilli() + ":" + last.profile().value();
        return new MembersPage(id, store.size(id), page, size, members, next);
    }

    /**
     * The members as CSV ({@code profile_id,joined_at} and the requested {@code fields}: golden attributes
     * or {@code email}/{@code phone}/{@code external_id}). Marketers may ask only for the fields they see in
     * clear. With {@code purpose} (and {@code channel}), only members whose consent allows it are
     * exported; exports with email or phone require it. Each export is written to the audit log.
     */
    @GetMapping(path = "/{id}/export", produces = "text/csv")
    ResponseEntity<StreamingResponseBody> export(@PathVariable String id,
            @RequestParam(defaultValue = "") String fields, @RequestParam(required = false) String purpose,
            @RequestParam(defaultValue = "any") String channel, Authentication caller,
            HttpServletRequest http) {
        Segment segment = store.find(id).orElseThrow(ApiProblem.SegmentNotFound::new);
        SegmentExport.Request request = export.request(segment, fields, purpose, channel, caller);
        SegmentExport.Place place = export.place(); // 429 when this instance runs as many exports as it may
        // given back when the streaming ends however it ends, also if the body never ran (a rejected task,
        // a timeout while queued); the body gives it back itself too (closing twice is harmless)
        WebAsyncUtils.getAsyncManager(http).registerCallableInterceptor(SegmentExport.Place.class.getName(),
                new CallableProcessingInterceptor() {
                    @Override
                    public <T> void afterCompletion(NativeWebRequest r, Callable<T> task) {
                        place.close();
                    }
                });
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Disposition", "attachment; filename=\"segment-" + segment.id() + ".csv\"")
                .body(out -> export.write(request, place, out));
    }

    private record Definition(String name, String description, SegmentRule rule, long version) {}

    /** The body as a JSON object of at most {@link #MAX_BODY} characters; {@code holding} names its fields. */
    private static JsonNode object(String body, String holding) {
        if (body == null || body.length() > MAX_BODY) {
            throw new ApiProblem.InvalidParameter("body", "must be a JSON object of at most " + MAX_BODY + " characters");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new ApiProblem.InvalidParameter("body", "is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ApiProblem.InvalidParameter("body", "must be a JSON object with " + holding);
        }
        return node;
    }

    private static Definition definition(String body, boolean withVersion) {
        JsonNode node = object(body, "name, description and rule");
        for (String field : node.propertyNames()) {
            if (!List.of("name", "description", "rule", "version").contains(field)) {
                throw new ApiProblem.InvalidParameter(field, "is not a field of a segment (name, description, rule"
                        + (withVersion ? ", version)" : ")"));
            }
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isString()) {
            throw new ApiProblem.InvalidParameter("name", "is required (text)");
        }
        JsonNode description = node.get("description");
        if (description != null && !description.isNull() && !description.isString()) {
            throw new ApiProblem.InvalidParameter("description", "must be text");
        }
        long version = 0;
        if (withVersion) {
            JsonNode v = node.get("version");
            if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
                throw new ApiProblem.InvalidParameter("version", "is required: the version this change is based on");
            }
            version = v.asLong();
        }
        try {
            String n = Segment.checkName(name.asString());
            String d = Segment.checkDescription(description == null || description.isNull() ? "" : description.asString());
            return new Definition(n, d, SegmentRules.parse(node.get("rule"), "rule"), version);
        } catch (InvalidSegmentException e) {
            throw new ApiProblem.InvalidParameter(e.field(), e.reason());
        }
    }
}
