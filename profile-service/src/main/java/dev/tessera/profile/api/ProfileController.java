package dev.tessera.profile.api;

import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.cx.CxStore;
import dev.tessera.core.identity.ProfileExplainer;
import dev.tessera.core.identity.KeptApartException;
import dev.tessera.core.identity.MustLinkConflictException;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.MergeDecision;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.normalize.PhoneNormalizer;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.segment.Segment;
import dev.tessera.core.segment.SegmentStore;
import dev.tessera.profile.search.NameIndex;
import dev.tessera.profile.segment.SegmentService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/profiles", produces = MediaType.APPLICATION_JSON_VALUE)
class ProfileController {

    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_PAGE = 1000;
    /** Name matches considered per search: a prefix matching more should be made longer. */
    static final int MAX_NAME_MATCHES = 1000;
    private static final int MAX_EMAIL = 254;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProfileController.class);
    private static final int MAX_PHONE = 40;
    private static final int MAX_NAME = 200;

    private final ProfileStore store;
    private final Identifiers identifiers;
    private final ProfileExplainer explainer;
    private final ProfileResolver resolver;
    private final CxIdentityHooks cxHooks;
    private final CxStore cx;
    private final NameIndex names;
    private final PersonalData personalData;
    private final ReadAudit audit;
    private final SegmentStore segments;

    ProfileController(ProfileStore store, Identifiers identifiers, ProfileExplainer explainer,
            ProfileResolver resolver, CxIdentityHooks cxHooks, CxStore cx, NameIndex names,
            PersonalData personalData, ReadAudit audit, SegmentService segmentService) {
        this.segments = segmentService.store();
        this.store = store;
        this.cxHooks = cxHooks;
        this.identifiers = identifiers;
        this.explainer = explainer;
        this.resolver = resolver;
        this.cx = cx;
        this.names = names;
        this.personalData = personalData;
        this.audit = audit;
    }

    /**
     * Profile 360: golden record with lineage, identifiers, source records, CX metrics and segments. An id that
     * was merged away answers with the profile it was merged into.
     */
    @GetMapping("/{id}")
    @RateLimits.CheckedInHandler
    ProfileDetailView byId(@PathVariable String id, Authentication caller, HttpServletRequest request) {
        // the rate count, then the profile and everything of its own in one script: one round trip for both
        Optional<ProfileStore.Whole> found;
        try {
            found = store.findWhole(readableId(id), List.of(cx.metricsPart(), segments.membershipsPart()));
        } finally {
            RateLimits.check(request); // before anything is answered (a 404 too) or audited
        }
        ProfileStore.Whole whole = found.orElseThrow(ApiProblem.ProfileNotFound::new);
        ProfileDetailView view = personalData.apply(ProfileDetailView.of(id, whole.profile(),
                whole.contents().records(), whole.contents().links(), whole.get(cx.metricsPart()),
                segmentsOf(whole.get(segments.membershipsPart())), resolver::claimed), caller);
        audit.record(caller, ReadAudit.READ, view.id(), personalData.fieldsShown(view, caller),
                "GET /api/v1/profiles/{id}" + (view.masked() ? " (masked)" : ""));
        return view;
    }

    /** Segment names change rarely: the 360 shows them as read at most this long ago (new ones at once). */
    static final Duration SEGMENT_NAMES_MAX_AGE = Duration.ofSeconds(1);

    private List<ProfileDetailView.SegmentRef> segmentsOf(Map<String, Instant> joined) {
        if (joined.isEmpty()) {
            return List.of();
        }
        Map<String, Segment> all = segments.allRecent(joined.keySet(), SEGMENT_NAMES_MAX_AGE);
        List<ProfileDetailView.SegmentRef> refs = new ArrayList<>();
        joined.forEach((segment, at) -> {
            Segment s = all.get(segment);
            if (s != null) {
                refs.add(new ProfileDetailView.SegmentRef(s.id(), s.name(), at));
            }
        });
        return refs;
    }

    /** Each record of the profile with the rule or score that linked it. */
    @GetMapping("/{id}/explanation")
    ExplanationView explanation(@PathVariable String id, Authentication caller) {
        ExplanationView view = explainer.explain(readableId(id)).map(e -> ExplanationView.of(e, resolver::claimed))
                .orElseThrow(ApiProblem.ProfileNotFound::new);
        Set<String> fields = new TreeSet<>();
        view.records().forEach(r -> {
            fields.addAll(r.attributes().keySet());
            r.identifiers().forEach(i -> fields.add(i.type()));
        });
        audit.record(caller, ReadAudit.EXPLANATION, view.profileId(), List.copyOf(fields),
                "GET /api/v1/profiles/{id}/explanation");
        return view;
    }

    /** Most other profiles one look for duplicates answers with. */
    static final int MAX_POSSIBLE_MATCHES = 50;

    /**
     * Other profiles that may be the same person, strongest first, each with what matching makes of its
     * best pair of records (would link now, below the link weight, a common name in its city,
     * contradicting identifiers, vetoed) and whether an agent kept them apart: where to look before a merge.
     */
    @GetMapping("/{id}/possible-matches")
    PossibleMatchesView possibleMatches(@PathVariable String id, @RequestParam(defaultValue = "10") int limit,
            Authentication caller) {
        ProfileId profile = readableId(id);
        if (limit < 1 || limit > MAX_POSSIBLE_MATCHES) {
            throw new ApiProblem.InvalidParameter("limit", "must be 1-" + MAX_POSSIBLE_MATCHES);
        }
        List<ProfileResolver.PossibleMatch> found;
        ProfileId live;
        try {
            live = store.canonical(profile).orElseThrow(ApiProblem.ProfileNotFound::new);
            found = resolver.possibleMatches(live, limit);
        } catch (NoSuchElementException e) {
            throw new ApiProblem.ProfileNotFound();
        }
        PossibleMatchesView view = PossibleMatchesView.of(live.value(), found);
        audit.record(caller, ReadAudit.POSSIBLE_MATCHES, view.profileId(), List.of(),
                "GET /api/v1/profiles/{id}/possible-matches, " + found.size() + " profile(s)");
        // each profile shown is read too: its id, one of its record keys and how its fields compare
        for (PossibleMatchesView.MatchView m : view.matches()) {
            audit.record(caller, ReadAudit.POSSIBLE_MATCHES, m.profileId(), List.of("record"),
                    "GET /api/v1/profiles/{id}/possible-matches, shown as a possible match of " + view.profileId());
        }
        return view;
    }

    /**
     * Undoes a wrong merge: the named records move out, the rest is resolved again, and the decision is
     * remembered so matching does not merge them back.
     */
    @PostMapping(path = "/{id}/split", consumes = MediaType.APPLICATION_JSON_VALUE)
    SplitView split(@PathVariable String id, @Valid @RequestBody SplitRequest request, Authentication caller) {
        Set<SourceRecordId> moveOut = new TreeSet<>();
        for (String key : request.records()) {
            try {
                moveOut.add(SourceRecordId.parse(key == null ? "" : key));
            } catch (IllegalArgumentException e) {
                throw new ApiProblem.InvalidParameter("records", "must hold source record keys source:id");
            }
        }
        ProfileId target = profileId(id);
        requireCurrent(target);
        Set<SourceRecordId> seen = null;
        if (request.seen() != null) {
            seen = new TreeSet<>();
            for (String key : request.seen()) {
                try {
                    seen.add(SourceRecordId.parse(key == null ? "" : key));
                } catch (IllegalArgumentException e) {
                    throw new ApiProblem.InvalidParameter("seen", "must hold source record keys source:id");
                }
            }
        }
        try {
            // interactions and consent follow their records out of the split profile before it lets them go
            // refused (409) when the profile holds other records than the caller saw, checked at the version
            // the split is guarded by
            ProfileResolver.SplitResult result = resolver.split(target, moveOut, seen, cxHooks::afterMoved);
            // an identity decision that may undo another agent's merge: kept with who made it (ids only)
            audit.record(caller, ReadAudit.SPLIT, result.split().value(), List.of(),
                    "POST /api/v1/profiles/{id}/split, " + moveOut.size() + " record(s) moved out to "
                            + String.join(", ", result.movedOut().stream().map(ProfileId::value).toList())
                            + "; the rest in " + String.join(", ", result.remaining().stream().map(ProfileId::value).toList()));
            return new SplitView(result.split().value(), result.remaining().stream().map(ProfileId::value).toList(),
                    result.movedOut().stream().map(ProfileId::value).toList());
        } catch (NoSuchElementException e) {
            throw new ApiProblem.ProfileNotFound();
        } catch (IllegalArgumentException e) {
            // a fixed text: exception messages are not reviewed for personal data
            throw new ApiProblem.InvalidParameter("records", "must name at least one and not all of the profile's records");
        } catch (ConcurrentModificationException e) {
            throw new ApiProblem.Conflict();
        } catch (MustLinkConflictException e) {
            throw new ApiProblem.DecisionConflict(e.records().size());
        }
    }

    /**
     * Merges another profile with this one on an agent's decision (must-link): the older survives, the
     * other id forwards to it, and the explanation shows the decision with who made it, when and why.
     * Records an agent kept apart (a split) are merged back only with {@code overrideKeptApart: true}.
     */
    @PostMapping(path = "/{id}/merge", consumes = MediaType.APPLICATION_JSON_VALUE)
    MergeView merge(@PathVariable String id, @Valid @RequestBody MergeRequest request, Authentication caller) {
        ProfileId target = profileId(id);
        if (!ProfileId.isValid(request.other())) {
            throw new ApiProblem.InvalidParameter("other", "must be 1-64 characters of [A-Za-z0-9_-]");
        }
        requireCurrent(target);
        requireCurrent(new ProfileId(request.other()));
        try {
            Resolution merged = resolver.merge(target, new ProfileId(request.other()),
                    new MergeDecision(caller.getName(), request.reason().strip(), Instant.now()), request.overrides(),
                    true); // the ids as the caller saw them: one that forwards now is refused, not followed
            try {
                cxHooks.afterMerge(merged); // the survivor absorbs the other timeline
            } catch (RuntimeException e) {
                // the merge is done (answering 409 would have the agent retry a merge that happened): what
                // follows it is finished from the change feed (MergeFollowFeed)
                log.warn("Merge into profile {} done; its timeline follow-up failed ({}) and is left to the change feed",
                        merged.profileId(), e.getClass().getSimpleName());
            }
            List<String> away = merged.merged().stream().map(ProfileId::value).toList();
            audit.record(caller, ReadAudit.MERGE, merged.profileId().value(), List.of(),
                    "POST /api/v1/profiles/{id}/merge, merged away " + String.join(", ", away)
                            + (request.overrides() ? ", overriding keep-apart decisions" : ""));
            return new MergeView(merged.profileId().value(), away);
        } catch (NoSuchElementException e) {
            throw new ApiProblem.ProfileNotFound();
        } catch (IllegalArgumentException e) {
            throw new ApiProblem.InvalidParameter("other", "must be another profile than id");
        } catch (ConcurrentModificationException e) {
            throw new ApiProblem.Conflict();
        } catch (MustLinkConflictException e) {
            throw new ApiProblem.DecisionConflict(e.records().size());
        } catch (KeptApartException e) {
            throw new ApiProblem.KeptApart(e.records().size());
        }
    }

    /**
     * An identity decision names profiles as the caller saw them: an id that forwards now (merged away,
     * split) would act on records the caller never saw, so it is a 409 (read it again), not followed.
     */
    private void requireCurrent(ProfileId id) {
        Optional<ProfileId> live = store.canonical(id);
        if (live.isEmpty()) {
            throw new ApiProblem.ProfileNotFound();
        }
        if (!live.get().equals(id)) {
            throw new ApiProblem.Conflict();
        }
    }

    /** The id of a profile to show: {@link ProfileIds#aboutOnePerson}, as the privacy endpoints take it. */
    private ProfileId readableId(String id) {
        return ProfileIds.aboutOnePerson(store, id);
    }

    private static ProfileId profileId(String id) {
        return ProfileIds.valid(id);
    }

    /**
     * Profiles found by exactly one criterion: {@code email} or {@code phone} (normalised as on
     * ingestion), {@code name} (a prefix of the last name or of first and last name, folded as the matcher
     * folds names) or {@code source} with {@code sourceId}. Paged by {@code page} (from 0) and
     * {@code size} (1-100).
     */
    @GetMapping
    ProfileSearchResult search(@RequestParam Optional<String> email, @RequestParam Optional<String> phone,
            @RequestParam Optional<String> name, @RequestParam Optional<String> source,
            @RequestParam Optional<String> sourceId, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size, Authentication caller) {
        Map<String, Boolean> given = new LinkedHashMap<>();
        given.put("email", email.isPresent());
        given.put("phone", phone.isPresent());
        given.put("name", name.isPresent());
        given.put("source", source.isPresent() || sourceId.isPresent());
        List<String> criteria = given.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        if (criteria.size() != 1) {
            throw new ApiProblem.InvalidParameter(criteria.isEmpty() ? "email" : criteria.get(1),
                    "give exactly one of the criteria email, phone, name, or source with sourceId");
        }
        if (page < 0 || page > MAX_PAGE) {
            throw new ApiProblem.InvalidParameter("page", "must be between 0 and " + MAX_PAGE);
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new ApiProblem.InvalidParameter("size", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        String criterion = criteria.get(0);
        // a search by a value the caller sees masked would tell it, prefix by prefix or guess by guess
        // the index also holds full_name and name (support tools send one field): all must be in clear
        if (criterion.equals("name") && !(personalData.shows(Attributes.FIRST_NAME, caller)
                && personalData.shows(Attributes.LAST_NAME, caller) && personalData.shows("full_name", caller)
                && personalData.shows("name", caller))) {
            throw new ApiProblem.NotForYourRole("name", "is masked for your role: a search by name prefix would"
                    + " reveal it letter by letter (tessera.privacy.marketer.visible-fields)");
        }
        if (criterion.equals("source") && !personalData.shows(PersonalData.SOURCE_ID, caller)) {
            throw new ApiProblem.NotForYourRole("sourceId", "is masked for your role: a lookup would confirm a"
                    + " guessed record id (tessera.privacy.marketer.visible-fields)");
        }
        int from = page * size;
        List<Profile> found = new ArrayList<>();
        List<ProfileId> matched = new ArrayList<>(); // every match the total counts, returned or not
        long total;
        switch (criterion) {
            case "email", "phone" -> {
                Identifier asked = identifier(email, phone);
                java.util.Set<ProfileId> ids = new java.util.LinkedHashSet<>(store.findByIdentifier(asked));
                if (asked.type() == IdentifierType.PHONE && asked.value().contains(PhoneNormalizer.EXTENSION)) {
                    // records stored before phones kept their extension, or from sources that leave it out,
                    // carry the number alone: an access or erasure request by phone must find them too
                    ids.addAll(store.findByIdentifier(
                            new Identifier(IdentifierType.PHONE, PhoneNormalizer.withoutExtension(asked.value()))));
                }
                List<Profile> all = ids.stream()
                        .flatMap(id -> store.find(id).stream())
                        .sorted(Comparator.comparing(Profile::createdAt).thenComparing(p -> p.id().value()))
                        .toList();
                total = all.size();
                all.forEach(p -> matched.add(p.id()));
                found.addAll(all.subList(Math.min(from, all.size()), Math.min(from + size, all.size())));
            }
            case "name" -> {
                Set<String> prefixes = namePrefixes(name.get());
                List<ProfileId> ids = names.find(prefixes, MAX_NAME_MATCHES);
                total = ids.size();
                matched.addAll(ids);
                for (ProfileId id : ids.subList(Math.min(from, ids.size()), Math.min(from + size, ids.size()))) {
                    // the index follows the change feed: skip what changed since it was indexed
                    store.find(id).filter(p -> p.id().equals(id) && NameIndex.matches(p, prefixes))
                            .ifPresent(found::add);
                }
            }
            default -> {
                SourceRecordId record = sourceRecord(source, sourceId);
                Optional<Profile> profile = store.findBySource(record).flatMap(store::find);
                total = profile.isPresent() ? 1 : 0;
                profile.ifPresent(p -> matched.add(p.id()));
                profile.filter(p -> from == 0).ifPresent(found::add);
            }
        }
        List<ProfileView> items = new ArrayList<>();
        // which identifiers only claimed records hold: a phone number that finds a profile may be a claim
        List<java.util.function.Supplier<ProfileStore.Contents>> contents = found.stream()
                .map(p -> resolver.claimsAny() ? store.contentsLater(p.id()) : null).toList();
        for (int i = 0; i < found.size(); i++) {
            Profile profile = found.get(i);
            Set<Identifier> claimedOnly = contents.get(i) == null ? Set.of()
                    : ProfileView.claimedOnly(contents.get(i).get().records(), resolver::claimed);
            ProfileView view = personalData.apply(ProfileView.of(profile, resolver::claimed, claimedOnly), caller);
            audit.record(caller, ReadAudit.SEARCH, view.id(), personalData.fieldsShown(view, caller),
                    "GET /api/v1/profiles by " + criterion);
            items.add(view);
        }
        if (found.isEmpty() && !matched.isEmpty()) {
            // a page past the matches still confirms, by its total, that someone matches: audited too
            audit.record(caller, ReadAudit.SEARCH, matched.get(0).value(), List.of(),
                    "GET /api/v1/profiles by " + criterion + " (page past " + total + " match(es))");
        }
        return new ProfileSearchResult(items, total, page, size);
    }

    private Identifier identifier(Optional<String> email, Optional<String> phone) {
        if (email.isPresent()) {
            if (email.get().length() > MAX_EMAIL) {
                throw new ApiProblem.InvalidParameter("email", "must be at most " + MAX_EMAIL + " characters");
            }
            return identifiers.email(email.get())
                    .orElseThrow(() -> new ApiProblem.InvalidParameter("email", "is not a valid email address"));
        }
        if (phone.get().length() > MAX_PHONE) {
            throw new ApiProblem.InvalidParameter("phone", "must be at most " + MAX_PHONE + " characters");
        }
        return identifiers.phone(phone.get())
                .orElseThrow(() -> new ApiProblem.InvalidParameter("phone", "is not a valid phone number"));
    }

    private static Set<String> namePrefixes(String name) {
        if (name.length() > MAX_NAME) {
            throw new ApiProblem.InvalidParameter("name", "must be at most " + MAX_NAME + " characters");
        }
        Set<String> prefixes = NameIndex.prefixes(name);
        if (prefixes.isEmpty() || prefixes.stream().anyMatch(p -> p.length() < NameIndex.MIN_PREFIX)) {
            throw new ApiProblem.InvalidParameter("name", "must have at least " + NameIndex.MIN_PREFIX
                    + " letters or digits");
        }
        return prefixes;
    }

    private static SourceRecordId sourceRecord(Optional<String> source, Optional<String> sourceId) {
        if (source.isEmpty()) {
            throw new ApiProblem.InvalidParameter("source", "is required with sourceId");
        }
        if (sourceId.isEmpty()) {
            throw new ApiProblem.InvalidParameter("sourceId", "is required with source");
        }
        if (!source.get().matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new ApiProblem.InvalidParameter("source", "must be 1-64 characters of [a-z0-9_-]");
        }
        if (sourceId.get().isBlank() || sourceId.get().length() > 256) {
            throw new ApiProblem.InvalidParameter("sourceId", "must be 1-256 characters");
        }
        return new SourceRecordId(source.get(), sourceId.get());
    }
}
