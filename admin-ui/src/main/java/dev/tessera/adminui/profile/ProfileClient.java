package dev.tessera.adminui.profile;

import dev.tessera.adminui.AdminUiProperties;
import dev.tessera.adminui.ServiceCalls;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/** Reads profiles through the profile-service REST API; failures as {@link ServiceCalls} maps them. */
@Component
class ProfileClient {

    private final RestClient rest;
    private final ServiceCalls calls = new ServiceCalls("profile service", ProfileClient.class,
            ProfileServiceException::new);

    ProfileClient(RestClient.Builder builder, AdminUiProperties properties) {
        this.rest = builder.baseUrl(properties.profileService().baseUri()).build();
    }

    /** Profiles holding this email; the service normalises it. */
    /** Profiles asked for per search: the most the service gives in one page. */
    static final int SEARCH_SIZE = 100;

    ProfileList findByEmail(String email) {
        return call("search", () -> {
            try {
                ProfileList list = rest.get()
                        .uri(uri -> uri.path("/api/v1/profiles").queryParam("email", "{email}")
                                .queryParam("size", SEARCH_SIZE).build(email))
                        .retrieve()
                        .body(ProfileList.class);
                if (list == null) {
                    throw new ProfileServiceException(HttpStatus.BAD_GATEWAY, "profile search returned no body");
                }
                return list;
            } catch (HttpClientErrorException.BadRequest e) {
                throw new InvalidSearchException(detail(e));
            }
        });
    }

    /** The profile with this id; empty when the service does not know it. */
    Optional<Profile> find(String id) {
        return call("get", () -> {
            try {
                return Optional.ofNullable(rest.get().uri("/api/v1/profiles/{id}", id).retrieve().body(Profile.class));
            } catch (HttpClientErrorException.NotFound e) {
                return Optional.empty();
            } catch (HttpClientErrorException.Conflict e) {
                // an id merged into a profile split since: it may stand for someone else, so it is not followed
                throw new ProfileServiceException(HttpStatus.CONFLICT, "former id of a split profile");
            }
        });
    }

    /** Interactions on one page of the profile page's history. */
    static final int HISTORY_PAGE = 50;

    /** The profile's newest interactions and its CX metrics: {@link #cx(String, HistoryFilter, int)}, first page. */
    Optional<CxHistory> cx(String id) {
        return cx(id, HistoryFilter.ALL, 0);
    }

    /**
     * One page ({@value #HISTORY_PAGE} interactions, newest first) of the profile's history narrowed to
     * {@code filter}, and its CX metrics. Empty when the service cannot say (the profile page then shows
     * the rest and says the history is unavailable).
     */
    Optional<CxHistory> cx(String id, HistoryFilter filter, int page) {
        try {
            return call("cx", () -> {
                CxHistory.Timeline timeline = rest.get().uri(b -> {
                            b.path("/api/v1/profiles/{id}/timeline").queryParam("limit", HISTORY_PAGE)
                                    .queryParam("offset", (long) page * HISTORY_PAGE);
                            if (!filter.kinds().isEmpty()) {
                                b.queryParam("kind", filter.kinds().toArray());
                            }
                            return b.build(id);
                        })
                        .retrieve().body(CxHistory.Timeline.class);
                CxHistory.MetricsResponse metrics = rest.get().uri("/api/v1/profiles/{id}/metrics", id)
                        .retrieve().body(CxHistory.MetricsResponse.class);
                if (timeline == null || metrics == null) {
                    return Optional.<CxHistory>empty();
                }
                return Optional.of(new CxHistory(timeline, metrics.metrics(), metrics.stages()));
            });
        } catch (ProfileServiceException e) {
            return Optional.empty();
        }
    }

    /**
     * Other profiles that may be the same person (for agents). Empty when the service cannot say: the page
     * then shows the rest.
     */
    Optional<PossibleMatches> possibleMatches(String id) {
        try {
            return call("possible-matches", () -> Optional.ofNullable(rest.get()
                    .uri("/api/v1/profiles/{id}/possible-matches?limit=10", id).retrieve().body(PossibleMatches.class)));
        } catch (ProfileServiceException e) {
            return Optional.empty();
        }
    }

    /**
     * Merges {@code other} with profile {@code id} on the signed-in agent's decision. Answers the profile
     * that holds both now, or the service's reason when it refuses (unknown profile, a decision the merge
     * would contradict, the same profile twice, records an agent kept apart without
     * {@code overrideKeptApart}).
     */
    MergeAnswer merge(String id, String other, String reason, boolean overrideKeptApart) {
        return call("merge", () -> {
            try {
                Merged merged = rest.post().uri("/api/v1/profiles/{id}/merge", id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(Map.of("other", other, "reason", reason, "overrideKeptApart", overrideKeptApart))
                        .retrieve().body(Merged.class);
                if (merged == null || merged.profile() == null) {
                    throw new ProfileServiceException(HttpStatus.BAD_GATEWAY, "merge returned no body");
                }
                return new MergeAnswer(merged.profile(), null, false);
            } catch (HttpClientErrorException e) {
                if (e.getStatusCode().value() == 409 && ServiceCalls.refusal(e, Problem.class)
                        .filter(Problem::keptApart).isPresent()) {
                    // the page did not know: say it in the agent's terms and offer the confirmation
                    return new MergeAnswer(null, "an agent kept records of these two profiles apart. To merge them"
                            + " all the same, tick the box next to its Merge button and merge again.", true);
                }
                String refusal = refusal(e, "The profile service refused the merge.");
                if (refusal != null) {
                    return new MergeAnswer(null, refusal, false);
                }
                throw e;
            }
        });
    }

    /**
     * Moves the named records ({@code source:sourceId}) out of profile {@code id}: they get a profile of their
     * own and matching will not join them back. Answers where the remaining records are now, or the
     * service's reason when it refuses (unknown profile or record, all of its records, a decision the
     * split would contradict).
     */
    SplitAnswer split(String id, List<String> records) {
        return split(id, records, null);
    }

    /**
     * {@link #split(String, List)}, refused by the service (a refusal, no change) when the profile's
     * records are no longer {@code seen}, the ones the agent's page showed (null: not checked).
     */
    SplitAnswer split(String id, List<String> records, List<String> seen) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("records", records);
        if (seen != null) {
            body.put("seen", seen);
        }
        return call("split", () -> {
            try {
                Split split = rest.post().uri("/api/v1/profiles/{id}/split", id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(body)
                        .retrieve().body(Split.class);
                if (split == null || split.remaining() == null) {
                    throw new ProfileServiceException(HttpStatus.BAD_GATEWAY, "split returned no body");
                }
                return new SplitAnswer(split.remaining(), split.movedOut() == null ? List.of() : split.movedOut(),
                        null);
            } catch (HttpClientErrorException e) {
                String refusal = refusal(e, "The profile service refused the split.");
                if (refusal != null) {
                    return new SplitAnswer(List.of(), List.of(), refusal);
                }
                throw e;
            }
        });
    }

    /**
     * Where the remaining records are after a split (one profile, or more when they no longer match each
     * other; none when they were all erased meanwhile) and where the moved ones went, or why it was refused.
     */
    record SplitAnswer(List<String> remaining, List<String> movedOut, String refusal) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Split(String split, List<String> remaining, List<String> movedOut) {}

    /** The detail of a refusal (400, 404, 409), {@code otherwise} when it has none; null for other answers. */
    private static String refusal(HttpClientErrorException e, String otherwise) {
        int status = e.getStatusCode().value();
        if (status != 400 && status != 404 && status != 409) {
            return null;
        }
        return ServiceCalls.refusal(e, Problem.class)
                .map(p -> p.detail() != null && !p.detail().isBlank() ? p.detail() : p.title())
                .filter(d -> d != null && !d.isBlank()).orElse(otherwise);
    }

    /**
     * The profile holding both after a merge, or why it was refused (exactly one is set); {@code keptApart}
     * when the refusal is an agent's earlier keep-apart decision, which the agent may override.
     */
    record MergeAnswer(String profile, String refusal, boolean keptApart) {

        MergeAnswer(String profile, String refusal) {
            this(profile, refusal, false);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Merged(String profile, List<String> mergedAway) {}

    private <T> T call(String operation, Supplier<T> request) {
        return calls.call(operation, request);
    }

    private static String detail(HttpClientErrorException e) {
        return ServiceCalls.refusal(e, Problem.class).map(Problem::detail).filter(d -> !d.isBlank())
                .orElse("That email address is not valid.");
    }
}
