package dev.tessera.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * 401, 403 and firewall rejections (400) as RFC 9457 problem details, with the RFC 6750 {@code WWW-Authenticate} header that
 * Spring's bearer-token handlers set. The body never says more than which of the two it is: why a token
 * failed (expired, wrong issuer, bad signature) is in the header's {@code error_description} only.
 *
 * <p>A token that cannot be checked because the realm's keys cannot be had (Keycloak down, see
 * {@link RealmKeys}) is answered 503 with {@code Retry-After}: the token may be fine, and the caller should
 * try again rather than sign in again. Spring's default is to throw, which ends as a bare 500 with a stack
 * trace in the log for every such request.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler,
        AuthenticationFailureHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    private static final String TYPE_BASE = "https://tessera.dev/problems/";

    /** Seconds a caller is told to wait when tokens cannot be checked (the default refresh interval of the key set). */
    static final int RETRY_AFTER_SECONDS = 30;

    /** One warning per this many milliseconds while tokens cannot be checked, not one per request. */
    private static final long WARN_EVERY_MILLIS = 60_000;

    private final AtomicLong lastWarned = new AtomicLong(0);

    private final BearerTokenAuthenticationEntryPoint entryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler deniedHandler = new BearerTokenAccessDeniedHandler();

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        entryPoint.commence(request, response, e);
        write(response, 401, "Unauthorized", "unauthorized",
                request.getHeader("Authorization") == null
                        ? "This request needs a bearer token."
                        : "The bearer token is not valid here (expired, wrong issuer or audience, or bad signature).");
    }

    /** Why the bearer token was not accepted: invalid (401) or not checkable now (503). */
    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException e) throws IOException {
        if (!(e instanceof AuthenticationServiceException)) {
            commence(request, response, e);
            return;
        }
        long now = System.currentTimeMillis();
        long last = lastWarned.get();
        if (now - last >= WARN_EVERY_MILLIS && lastWarned.compareAndSet(last, now)) {
            // the message names the key set URL and the failure, never the token
            log.warn("Bearer tokens cannot be checked, answering 503: {}", e.getMessage());
        }
        response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        write(response, 503, "Service Unavailable", "authentication-unavailable",
                "Tokens cannot be checked right now: the identity provider's signing keys are out of reach. "
                        + "Try again later.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        deniedHandler.handle(request, response, e);
        write(response, 403, "Forbidden", "forbidden", "Your roles do not allow this request.");
    }

    /** The firewall refused the URL (encoded ';', '%', '/', '..', ...): say so without echoing it. */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        // the firewall answers before any filter of the chain, the header writer's included: the headers
        // every other answer carries are set here (the strictest set; the body is fixed JSON)
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
        response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        response.setHeader("Referrer-Policy", "no-referrer");
        write(response, 400, "Invalid request", "invalid-request", "The request URL is not allowed.");
    }

    static void write(HttpServletResponse response, int status, String title, String type, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        // fixed texts and numbers only, nothing from the request: no escaping needed
        response.getWriter().write("{\"type\":\"" + TYPE_BASE + type + "\",\"title\":\"" + title + "\",\"status\":"
                + status + ",\"detail\":\"" + detail + "\"}");
    }
}
