package dev.tessera.profile.api;

import dev.tessera.core.model.Identifier;
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

    ProfileController(ProfileStore store, Identifiers identifiers) {
        this.store = store;
        this.identifiers = identifiers;
    }

    /** One profile; an id that was merged away answers with the profile it was merged into. */
    @GetMapping("/{id}")
    ProfileView byId(@PathVariable String id) {
        if (!ProfileId.isValid(id)) {
            throw new ApiProblem.InvalidParameter("id", "must be 1-64 characters of [A-Za-z0-9_-]");
        }
        return store.find(new ProfileId(id)).map(ProfileView::of).orElseThrow(ApiProblem.ProfileNotFound::new);
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
