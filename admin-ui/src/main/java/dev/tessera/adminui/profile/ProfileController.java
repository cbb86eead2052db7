package dev.tessera.adminui.profile;

import dev.tessera.security.Roles;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Finding a customer by email and looking at one unified profile with its segments. */
@Controller
class ProfileController {

    /** The profile-id alphabet of the platform; anything else never reaches the API. */
    private static final Pattern PROFILE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The longest email the platform stores (RFC 5321 path limit). */
    private static final int MAX_EMAIL_LENGTH = 320;

    private final ProfileClient profiles;

    ProfileController(ProfileClient profiles) {
        this.profiles = profiles;
    }

    /** The start page: the customer search for agents; marketers and integrators go to their sections. */
    @GetMapping("/")
    ModelAndView searchForm(Authentication user) {
        if (!has(user, Roles.AGENT) && !has(user, Roles.ADMIN)) {
            if (has(user, Roles.INTEGRATOR)) {
                return new ModelAndView("redirect:/sources");
            }
            if (has(user, Roles.MARKETER)) {
                return new ModelAndView("redirect:/dashboard");
            }
            return message(HttpStatus.FORBIDDEN, "Not allowed for your role",
                    "admin-ui has pages for agents (customers), marketers (dashboard) and integrators (sources).");
        }
        return new ModelAndView("profile/search", Map.of("email", ""));
    }

    private static boolean has(Authentication user, String role) {
        return user != null && user.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + role));
    }

    /**
     * The search form. An email in the query string is not searched for: the form posts, so an address stays
     * out of URLs (browser history, proxy logs), and a link from elsewhere cannot make a signed-in agent run
     * an audited search that counts against their quota.
     */
    @GetMapping("/profiles")
    ModelAndView searchForm(@RequestParam(name = "email", required = false) String email) {
        if (email == null) {
            return new ModelAndView("profile/search", Map.of("email", ""));
        }
        return new ModelAndView("profile/search", Map.of("email", "",
                "error", "Search from the form: an email in a link would stay in browser history and logs."));
    }

    @PostMapping("/profiles")
    ModelAndView search(@RequestParam(name = "email", required = false) String email) {
        String query = email == null ? "" : email.strip();
        if (query.isEmpty()) {
            return searchError(query, "Enter a customer email.");
        }
        if (query.length() > MAX_EMAIL_LENGTH) {
            return searchError("", "That email address is too long.");
        }
        try {
            ProfileList found = profiles.findByEmail(query);
            return new ModelAndView("profile/search", Map.of("email", query, "profiles", found.items(),
                    "total", found.total()));
        } catch (InvalidSearchException e) {
            return searchError(query, e.getMessage());
        }
    }

    /** The last page of history an agent can ask for (50 interactions each): a bound, not a real limit. */
    static final int MAX_HISTORY_PAGE = 10_000;

    /**
     * One profile. Marketers reach it from a segment's members and see what the service shows them
     * (masked); the CX history is asked for only for agents and admins, the roles the service serves it to:
     * its history ({@code show}: a {@link HistoryFilter} such as {@code support}; {@code page}: 0 for the
     * newest 50, 1 for the 50 before them, ...), its metrics and its possible duplicates. An unknown filter
     * or page shows the newest of everything and says so.
     */
    @GetMapping("/profiles/{id}")
    ModelAndView show(@PathVariable String id, @RequestParam(name = "show", required = false) String show,
            @RequestParam(name = "page", required = false) String page, Authentication user) {
        if (!PROFILE_ID.matcher(id).matches()) {
            return invalidProfileId();
        }
        Optional<HistoryFilter> asked = HistoryFilter.of(show);
        int pageNumber = page == null || page.isBlank() ? 0
                : page.matches("\\d{1,5}") && Integer.parseInt(page) <= MAX_HISTORY_PAGE ? Integer.parseInt(page) : -1;
        boolean validView = asked.isPresent() && pageNumber >= 0;
        HistoryFilter filter = validView ? asked.get() : HistoryFilter.ALL;
        int historyPage = validView ? pageNumber : 0;
        return profiles.find(id)
                .map(profile -> {
                    Map<String, Object> model = new java.util.HashMap<>();
                    model.put("profile", profile);
                    boolean agent = has(user, Roles.AGENT) || has(user, Roles.ADMIN);
                    model.put("withCx", agent);
                    model.put("canSplit", agent && profile.records().size() > 1);
                    if (agent) {
                        model.put("filters", HistoryFilter.values());
                        model.put("filter", filter);
                        model.put("historyPage", historyPage);
                        if (!validView) {
                            model.put("historyNote", "That history view does not exist; showing the newest of everything.");
                        }
                        profiles.cx(profile.id(), filter, historyPage).ifPresent(cx -> model.put("cx", cx));
                        profiles.possibleMatches(profile.id()).ifPresent(p -> model.put("possible", p));
                    }
                    return new ModelAndView("profile/detail", model);
                })
                .orElseGet(() -> message(HttpStatus.NOT_FOUND, "Profile not found",
                        "No profile has that id. Ids of merged profiles still lead to the profile they were"
                                + " merged into, so this one never existed. Search by email instead."));
    }

    /** The longest merge reason the platform keeps (as the profile service checks it). */
    static final int MAX_REASON = 500;

    /**
     * An agent merges a possible duplicate into this profile with a reason (kept with the decision and
     * shown in the explanation). Merging back what an agent kept apart needs the form's confirmation
     * ({@code overrideKeptApart}). The profile service checks the role again and refuses merges that
     * contradict earlier decisions; its reason is shown on the profile page.
     */
    @PostMapping("/profiles/{id}/merge")
    ModelAndView merge(@PathVariable String id, @RequestParam(name = "other", required = false) String other,
            @RequestParam(name = "reason", required = false) String reason,
            @RequestParam(name = "overrideKeptApart", defaultValue = "false") boolean overrideKeptApart,
            RedirectAttributes flash) {
        if (!PROFILE_ID.matcher(id).matches() || other == null || !PROFILE_ID.matcher(other).matches()) {
            return invalidProfileId();
        }
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            return back(id, flash, "Say why they are one customer (1 to " + MAX_REASON + " characters).");
        }
        ProfileClient.MergeAnswer answer;
        try {
            answer = profiles.merge(id, other, why, overrideKeptApart);
        } catch (ProfileServiceException e) {
            // down, slow or refusing for another reason: the merge may or may not have happened
            return back(id, flash, "The profile service did not confirm the merge. Reload this page"
                    + " to see whether it happened before trying again.");
        }
        if (answer.refusal() != null) {
            if (answer.keptApart()) {
                flash.addFlashAttribute("confirmKeptApart", other); // the page shows the box for that profile
            }
            // the agent's reason comes back in that profile's form, not to be typed again
            flash.addFlashAttribute("mergeOther", other);
            flash.addFlashAttribute("mergeReason", why);
            return back(id, flash, "Not merged: " + answer.refusal());
        }
        flash.addFlashAttribute("notice", "Merged: the two profiles are one now.");
        return profilePage(answer.profile(), id);
    }

    /** Most records a split form says the page showed (as the profile service takes them). */
    static final int MAX_SEEN = 10_000;

    /** A source record key as the platform writes them: {@code source:sourceId}, no control characters. */
    private static final Pattern RECORD_KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}:[^\\p{Cntrl}]{1,256}");

    /**
     * An agent moves the checked source records out of a wrongly merged profile: they get a profile of
     * their own and matching remembers not to join them back. The page of the remaining records follows,
     * saying where the moved ones went.
     */
    @PostMapping("/profiles/{id}/split")
    ModelAndView split(@PathVariable String id, @RequestParam org.springframework.util.MultiValueMap<String, String> form,
            RedirectAttributes flash) {
        // the raw values: bound to a list or an array, a single value is split at its commas ("crm:Doe, Jane")
        if (!PROFILE_ID.matcher(id).matches()) {
            return invalidProfileId();
        }
        List<String> records = form.getOrDefault("records", List.of());
        List<String> seen = form.get("seen");
        if (records.isEmpty()) {
            return back(id, flash, "Check the records to move out first.");
        }
        if (records.size() > MAX_SPLIT || !records.stream().allMatch(r -> RECORD_KEY.matcher(r).matches())
                || (seen != null && (seen.size() > MAX_SEEN || !seen.stream().allMatch(r -> RECORD_KEY.matcher(r).matches())))) {
            return message(HttpStatus.BAD_REQUEST, "Invalid records", "Choose records from the profile's list.");
        }
        List<String> moving = List.copyOf(new java.util.LinkedHashSet<>(records));
        ProfileClient.SplitAnswer answer;
        try {
            answer = profiles.split(id, moving, seen);
        } catch (ProfileServiceException e) {
            return back(id, flash, "The profile service did not confirm the split. Reload this page"
                    + " to see whether it happened before trying again.");
        }
        if (answer.refusal() != null) {
            return back(id, flash, "Not split: " + answer.refusal());
        }
        String notice = "Split: " + moving.size() + " record(s) moved to " + String.join(", ", answer.movedOut())
                + "; matching will not join them back.";
        if (answer.remaining().isEmpty()) {
            // every remaining record was erased meanwhile: the old id leads nowhere, and the moved-out side is
            // someone else, so the agent goes back to the search
            flash.addFlashAttribute("notice", notice + " The remaining records were erased meanwhile; this"
                    + " profile id no longer leads anywhere.");
            return new ModelAndView("redirect:/profiles");
        }
        if (answer.remaining().size() > 1) {
            notice += " The remaining records no longer match each other and are in "
                    + String.join(", ", answer.remaining()) + ".";
        }
        flash.addFlashAttribute("notice", notice);
        return profilePage(answer.remaining().get(0), id);
    }

    /** Back to the profile page with an error shown on it. */
    private static ModelAndView back(String id, RedirectAttributes flash, String error) {
        flash.addFlashAttribute("error", error);
        return new ModelAndView("redirect:/profiles/" + id);
    }

    /** To the page of a profile the service named, or {@code fallback} (checked) should the name be malformed. */
    private static ModelAndView profilePage(String named, String fallback) {
        return new ModelAndView("redirect:/profiles/" + (PROFILE_ID.matcher(named).matches() ? named : fallback));
    }

    private static ModelAndView invalidProfileId() {
        return message(HttpStatus.BAD_REQUEST, "Invalid profile id",
                "A profile id is 1 to 64 letters, digits, hyphens or underscores.");
    }

    /** The most records one split moves (as the profile service accepts them). */
    static final int MAX_SPLIT = 1000;

    private static ModelAndView searchError(String email, String error) {
        return new ModelAndView("profile/search", Map.of("email", email, "error", error), HttpStatus.BAD_REQUEST);
    }

    static ModelAndView message(HttpStatus status, String title, String message) {
        return new ModelAndView("message", Map.of("title", title, "message", message), status);
    }
}
