package dev.tessera.adminui;

import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;

/**
 * How admin-ui's clients of the platform's APIs turn a failed call into something a page can act on:
 * unreachable or failing (503), refused or unusable (502). Failures are logged by kind and status only:
 * exception messages from the HTTP layer carry the request URL, and with it an email, a phone number or
 * a dead letter's id.
 */
public final class ServiceCalls {

    private final String service;
    private final Logger log;
    private final BiFunction<HttpStatus, String, RuntimeException> failure;

    /**
     * @param service what the API is called in logs and messages, e.g. {@code profile service}
     * @param owner   the client, whose logger is used
     * @param failure the client's exception for a status and a message free of request data
     */
    public ServiceCalls(String service, Class<?> owner, BiFunction<HttpStatus, String, RuntimeException> failure) {
        this.service = service;
        this.log = LoggerFactory.getLogger(owner);
        this.failure = failure;
    }

    /** Runs one call; HTTP-layer failures become the client's exception. */
    public <T> T call(String operation, Supplier<T> request) {
        try {
            return request.get();
        } catch (ResourceAccessException e) {
            log.warn("{} unreachable on {}: {}", service, operation, rootCauseType(e));
            throw failure.apply(HttpStatus.SERVICE_UNAVAILABLE, service + " unreachable");
        } catch (HttpServerErrorException e) {
            log.warn("{} failed on {} with status {}", service, operation, e.getStatusCode().value());
            throw failure.apply(HttpStatus.SERVICE_UNAVAILABLE, service + " failed");
        } catch (HttpClientErrorException e) {
            log.warn("{} refused {} with status {}", service, operation, e.getStatusCode().value());
            throw failure.apply(HttpStatus.BAD_GATEWAY, service + " refused the request");
        } catch (RestClientException e) {
            log.warn("unusable answer from {} on {}: {}", service, operation, rootCauseType(e));
            throw failure.apply(HttpStatus.BAD_GATEWAY, "unusable answer from " + service);
        }
    }

    /**
     * The body of a refusal as {@code type} (an RFC 9457 problem, say); empty when it is missing or does not
     * read as one, so the caller falls back to its own wording.
     */
    public static <T> java.util.Optional<T> refusal(HttpClientErrorException e, Class<T> type) {
        try {
            return java.util.Optional.ofNullable(e.getResponseBodyAs(type));
        } catch (RuntimeException unreadable) {
            return java.util.Optional.empty();
        }
    }

    private static String rootCauseType(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
