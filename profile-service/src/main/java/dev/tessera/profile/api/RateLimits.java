package dev.tessera.profile.api;

import dev.tessera.profile.limit.RateLimiter;
import dev.tessera.profile.system.ProfileServiceProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Per-principal limits on the reads of personal data ({@code tessera.rate-limit}): searches in one
 * bucket, reads of one profile (360, timeline, explanation, possible matches, metrics, consent) in another. Counted in Redis, so
 * the limit holds across instances; over it the answer is a 429 problem with {@code Retry-After}.
 */
@Configuration(proxyBeanMethods = false)
class RateLimits implements WebMvcConfigurer {

    static final String SEARCH = "search";
    static final String PROFILE_READS = "profile-reads";

    private final RateLimiter limiter;
    private final ProfileServiceProperties.RateLimit settings;

    RateLimits(RateLimiter limiter, ProfileServiceProperties properties) {
        this.limiter = limiter;
        this.settings = properties.rateLimit();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new Limit(SEARCH, settings.search())).addPathPatterns("/api/v1/profiles");
        registry.addInterceptor(new Limit(PROFILE_READS, settings.profileReads())).addPathPatterns(
                "/api/v1/profiles/*", "/api/v1/profiles/*/timeline", "/api/v1/profiles/*/explanation",
                "/api/v1/profiles/*/possible-matches", "/api/v1/profiles/*/metrics", "/api/v1/profiles/*/consent");
    }

    /**
     * On a handler method: the count is sent before the handler runs but decided in it, by {@link #check},
     * which the handler calls after sending its reads (one round trip for both) and before it answers or
     * records anything. Every other limited handler is decided before it runs.
     */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @interface CheckedInHandler {
    }

    private static final String PENDING = RateLimits.class.getName() + ".pending";

    /**
     * Decides the count sent for this request (429 when over the limit); does nothing when none is
     * pending (a request the limits do not apply to, or decided already).
     */
    static void check(HttpServletRequest request) {
        if (request.getAttribute(PENDING) instanceof Runnable decide) {
            request.removeAttribute(PENDING);
            decide.run();
        }
    }

    /**
     * Principals over a limit, by bucket and principal, until their window ends. A fixed window's count
     * only grows, so a refusal holds until the window ends; later requests of the principal are refused
     * here without a count or a read (a handler that decides late does not read in vain more than once).
     */
    private final Map<String, Long> refusedUntil = new ConcurrentHashMap<>();
    private static final int MAX_REFUSED_KEPT = 10_000;

    private final class Limit implements HandlerInterceptor {

        private final String bucket;
        private final int limit;

        Limit(String bucket, int limit) {
            this.bucket = bucket;
            this.limit = limit;
        }

        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            Authentication caller = SecurityContextHolder.getContext().getAuthentication();
            if (!"GET".equals(request.getMethod()) || caller == null) {
                return true;
            }
            String who = bucket + ":" + caller.getName();
            Long until = refusedUntil.get(who);
            long now = System.nanoTime();
            if (until != null) {
                if (now - until < 0) {
                    throw new ApiProblem.RateLimited(Math.max(1, (until - now + 999_999_999L) / 1_000_000_000L));
                }
                refusedUntil.remove(who, until);
            }
            Supplier<RateLimiter.Decision> count = limiter.acquireLater(bucket, caller.getName(), limit,
                    settings.window());
            Runnable decide = () -> {
                RateLimiter.Decision decision = count.get();
                if (!decision.allowed()) {
                    remember(who, System.nanoTime() + decision.retryAfter().toNanos());
                    throw new ApiProblem.RateLimited(decision.retryAfterSeconds());
                }
            };
            if (handler instanceof HandlerMethod method && method.hasMethodAnnotation(CheckedInHandler.class)) {
                request.setAttribute(PENDING, decide);
            } else {
                decide.run();
            }
            return true;
        }

        private void remember(String who, long untilNanos) {
            if (refusedUntil.size() >= MAX_REFUSED_KEPT) {
                long now = System.nanoTime();
                refusedUntil.values().removeIf(t -> now - t >= 0);
                if (refusedUntil.size() >= MAX_REFUSED_KEPT) {
                    refusedUntil.clear();
                }
            }
            refusedUntil.put(who, untilNanos);
        }
    }
}
