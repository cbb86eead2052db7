package dev.tessera.profile.api;

import dev.tessera.core.cx.CxIdentityHooks;
import dev.tessera.core.identity.ProfileExplainer;
import dev.tessera.core.identity.ProfileResolver;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import jakarta.validation.Valid;
import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.ProfileStore;
import java.util.Comparator;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/profiles", produces = MediaType.APPLICATION_JSON_VALUE)
class ProfileController {

    private final ProfileStore store;
    private final Identifiers identifiers;
    private final ProfileExplainer explainer;
    private final ProfileResolver resolver;
    private final CxIdentityHooks cxHooks;

    ProfileController(ProfileStore store, Identifiers identifiers, ProfileExplainer explainer,
            ProfileResolver resolver, CxIdentityHooks cxHooks) {
        this.store = store;
        this.cxHooks = cxHooks;
        this.identifiers = identifiers;
        this.explainer = explainer;
        this.resolver = resolver;
    }

    /** One profile; an id that was merged away answers with the profile it was merged into. */
    @GetMapping("/{id}")
    ProfileView byId(@PathVariable String id) {
        return store.find(profileId(id)).map(ProfileView::of).orElseThrow(ApiProblem.ProfileNotFound::new);
    }

    /** Each record of the profile with the rule or score that linked it. */
    @GetMapping("/{id}/explanation")
    ExplanationView explanation(@PathVariable String id) {
        return explainer.explain(profileId(id)).map(ExplanationView::of).orElseThrow(ApiProblem.ProfileNotFound::new);
    }

    /**
     * Undoes a wrong merge: the named records move out, the rest is resolved again, and the decision is
     * remembered so matching does not merge them back.
     */
    @PostMapping(path = "/{id}/split", consumes = MediaType.APPLICATION_JSON_VALUE)
    SplitView split(@PathVariable String id, @Valid @RequestBody SplitRequest request) {
        Set<SourceRecordId> moveOut = new TreeSet<>();
        for (String key : request.records()) {
            try {
                moveOut.add(SourceRecordId.parse(key == null ? "" : key));
            } catch (IllegalArgumentException e) {
                throw new ApiProblem.InvalidParameter("records", "must hold source record keys source:id");
            }
        }
        try {
            ProfileResolver.SplitResult result = resolver.split(profileId(id), moveOut);
            cxHooks.afterSplit(result); // interactions follow their records out of the split profile
            return new SplitView(result.split().value(), result.remaining().stream().map(ProfileId::value).toList(),
                    result.movedOut().stream().map(ProfileId::value).toList());
        } catch (NoSuchElementException e) {
            throw new ApiProblem.ProfileNotFound();
        } catch (IllegalArgumentException e) {
            throw new ApiProblem.InvalidParameter("records", e.getMessage());
        } catch (ConcurrentModificationException e) {
            throw new ApiProblem.Conflict();
        }
    }

    private static ProfileId profileId(String id) {
        if (!ProfileId.isValid(id)) {
            throw new ApiProblem.InvalidParameter("id", "must be 1-64 characters of [A-Za-z0-9_-]");
        }
        return new ProfileId(id);
    }

    /** Profiles holding exactly one of the given identifiers, normalised as on ingestion. */
    @GetMapping
    ProfileSearchResult search(@RequestParam Optional<String> email, @RequestParam Optional<String> phone) {
        if (email.isPresent() == phone.isPresent()) {
            throw new ApiProblem.InvalidParameter("email", "give exactly one of the query parameters email or phone");
        }
        Identifier identifier = email.isPresent()
                ? identifiers.email(email.get())
                        .orElseThrow(() -> new ApiProblem.InvalidParameter("email", "is not a valid email address"))
                : identifiers.phone(phone.get())
                        .orElseThrow(() -> new ApiProblem.InvalidParameter("phone", "is not a valid phone number"));
        return new ProfileSearchResult(store.findByIdentifier(identifier).stream()
                .flatMap(id -> store.find(id).stream())
                .sorted(Comparator.comparing(p -> p.createdAt()))
                .map(ProfileView::of)
                .toList());
    }
}
