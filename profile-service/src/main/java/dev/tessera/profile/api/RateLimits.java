package dev.tessera.profile.api;

import dev.tessera.profile.limit.RateLimiter;
import dev.tessera.profile.system.ProfileServiceProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Per-principal limits on the reads of personal data ({@code tessera.rate-limit}): searches in one
 * bucket, reads of one profile (360, timeline, explanation, metrics) in another. Counted in Redis, so
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
                "/api/v1/profiles/*/metrics");
    }

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
            RateLimiter.Decision decision = limiter.acquire(bucket, caller.getName(), limit, settings.window());
            if (!decision.allowed()) {
                throw new ApiProblem.RateLimited(decision.retryAfterSeconds());
            }
            return true;
        }
    }
}
