package dev.tessera.adminui.profile;

import dev.tessera.adminui.AdminUiProperties;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Reads profiles through the profile-service REST API. Failures are logged by kind only: exception
 * messages from the HTTP layer contain the request URL, and with it the email or phone searched for.
 */
@Component
class ProfileClient {

    private static final Logger log = LoggerFactory.getLogger(ProfileClient.class);

    private final RestClient rest;

    ProfileClient(RestClient.Builder builder, AdminUiProperties properties) {
        this.rest = builder.baseUrl(properties.profileService().baseUri()).build();
    }

    /** Profiles holding this email; the service normalises it. */
    ProfileList findByEmail(String email) {
        return call("search", () -> {
            try {
                ProfileList list = rest.get()
                        .uri(uri -> uri.path("/api/v1/profiles").queryParam("email", "{email}").build(email))
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
            }
        });
    }

    /**
     * The profile's newest interactions and its CX metrics. Empty when the service cannot say (the
     * profile page then shows the rest and says the history is unavailable).
     */
    Optional<CxHistory> cx(String id) {
        try {
            return call("cx", () -> {
                CxHistory.Timeline timeline = rest.get().uri("/api/v1/profiles/{id}/timeline?limit=50", id)
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

    private static <T> T call(String operation, Supplier<T> request) {
        try {
            return request.get();
        } catch (ResourceAccessException e) {
            log.warn("profile service unreachable on {}: {}", operation, rootCauseType(e));
            throw new ProfileServiceException(HttpStatus.SERVICE_UNAVAILABLE, "profile service unreachable");
        } catch (HttpServerErrorException e) {
            log.warn("profile service failed on {} with status {}", operation, e.getStatusCode().value());
            throw new ProfileServiceException(HttpStatus.SERVICE_UNAVAILABLE, "profile service failed");
        } catch (HttpClientErrorException e) {
            log.warn("profile service refused {} with status {}", operation, e.getStatusCode().value());
            throw new ProfileServiceException(HttpStatus.BAD_GATEWAY, "profile service refused the request");
        } catch (RestClientException e) {
            log.warn("unusable answer from profile service on {}: {}", operation, rootCauseType(e));
            throw new ProfileServiceException(HttpStatus.BAD_GATEWAY, "unusable answer from profile service");
        }
    }

    private static String detail(HttpClientErrorException e) {
        try {
            Problem problem = e.getResponseBodyAs(Problem.class);
            if (problem != null && problem.detail() != null && !problem.detail().isBlank()) {
                return problem.detail();
            }
        } catch (RuntimeException unreadable) {
            // fall through to the generic wording
        }
        return "That email address is not valid.";
    }

    private static String rootCauseType(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
