package dev.tessera.profile.system;

import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.privacy.PrivacySettings;
import dev.tessera.core.model.Attributes;
import dev.tessera.core.segment.InvalidSegmentException;
import dev.tessera.core.segment.Segment;
import dev.tessera.core.segment.SegmentRules;
import dev.tessera.core.store.RedisSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the profile service (prefix {@code tessera}).
 *
 * @param phoneDefaultRegion region for phone numbers searched without a country prefix (ISO 3166)
 * @param identity           how records become profiles; must equal the ingestion app's (splits re-resolve)
 * @param privacy            erasure tombstones (key reference, identifier refusal; must equal the ingestion
 *                           app's) and what users who do not serve customers see of a profile
 * @param rateLimit          requests per principal and window on the personal-data reads, shared by all
 *                           instances through Redis
 * @param segments           how many segments may exist and how often time-dependent ones are refreshed
 */
@Validated
@ConfigurationProperties("tessera")
public record ProfileServiceProperties(
        @Valid @NotNull @DefaultValue Redis redis,
        @NotNull @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 region code such as GB")
        @DefaultValue("GB") String phoneDefaultRegion,
        @NotNull @DefaultValue IdentitySettings identity,
        @NotNull @DefaultValue CxSettings cx,
        @Valid @NotNull @DefaultValue Privacy privacy,
        @Valid @NotNull @DefaultValue RateLimit rateLimit,
        @Valid @NotNull @DefaultValue Segments segments) {

    /** Redis connection; the default URL lives in core's {@link RedisSettings}. */
    public record Redis(String url, @DefaultValue("false") boolean cluster, Duration timeout) {

        public RedisSettings settings() {
            return new RedisSettings(url, cluster, timeout);
        }
    }

    /**
     * @param tombstoneSecret         reference ({@code env:NAME}, {@code file:/path}) to the key of erasure
     *                                tombstones (docs/privacy.md); none: a random key kept in Redis
     * @param refuseErasedIdentifiers whether records with an erased person's email or phone are refused
     * @param marketer                the marketer view of a profile
     */
    public record Privacy(String tombstoneSecret, Boolean refuseErasedIdentifiers,
            @Valid @NotNull @DefaultValue Marketer marketer) {

        /** The erasure settings core works with (validated there). */
        public PrivacySettings settings() {
            return new PrivacySettings(tombstoneSecret, refuseErasedIdentifiers);
        }

        /**
         * @param visibleFields golden attribute names (such as {@code city}, {@code country}) and identifier
         *                      types ({@code email}, {@code phone}, {@code external_id}) marketers see in
         *                      clear; everything else is masked. Empty by default: all personal data masked.
         * @param minSegmentReport members a segment needs before marketers see its CX report (default 10): the
         *                      report of a segment of one is that customer's own orders, answers and complaints
         */
        public record Marketer(@NotNull @DefaultValue List<@NotNull @Pattern(regexp = Attributes.NAME_PATTERN,
                message = "must be an attribute name such as city (lower case, digits, _)") String> visibleFields,
                @jakarta.validation.constraints.Min(1) @DefaultValue("10") int minSegmentReport) {

            public Marketer {
                visibleFields = List.copyOf(visibleFields);
            }
        }
    }

    /**
     * @param search       profile searches per principal and window
     * @param profileReads reads of one profile (360, timeline, explanation, possible matches, metrics) per principal and window
     * @param window       the fixed window the counts apply to
     */
    public record RateLimit(@Min(1) @DefaultValue("60") int search, @Min(1) @DefaultValue("600") int profileReads,
            @NotNull @DefaultValue("1m") Duration window) {

        @AssertTrue(message = "must be between 1 second and 1 day")
        public boolean isWindowValid() {
            return window == null || (window.compareTo(Duration.ofSeconds(1)) >= 0 && window.compareTo(Duration.ofDays(1)) <= 0);
        }
    }

    /**
     * @param max          segments that may exist at once (each is evaluated on every profile change)
     * @param refreshEvery how often segments whose rules depend on time alone ("no order in 90 days") are
     *                     evaluated for every profile; also when unfinished builds are resumed and segment
     *                     CX reports recomputed
     * @param seed         segments created at start-up when no segment of that name exists (segments kept
     *                     in configuration, e.g. the demo's); a rule that does not parse stops start-up
     * @param exportsAtOnce CSV exports this instance streams at the same time; one more is answered 429 with
     *                     a Retry-After (each export holds a Redis copy of the member list and a worker)
     */
    public record Segments(@Min(1) @Max(1000) @DefaultValue("200") int max,
            @NotNull @DefaultValue("1h") Duration refreshEvery,
            @NotNull @DefaultValue List<@Valid @NotNull Seed> seed,
            @Min(1) @Max(64) @DefaultValue("2") int exportsAtOnce) {

        public Segments {
            seed = List.copyOf(seed);
            for (int i = 0; i < seed.size(); i++) {
                try {
                    Segment.checkName(seed.get(i).name());
                    Segment.checkDescription(seed.get(i).description());
                    SegmentRules.parse(seed.get(i).rule() == null ? "" : seed.get(i).rule());
                } catch (InvalidSegmentException e) {
                    throw new IllegalArgumentException("tessera.segments.seed[" + i + "]."
                            + e.field() + ": " + e.reason());
                }
            }
        }

        /** One segment kept in configuration: its rule in the JSON form of docs/segments.md. */
        public record Seed(String name, String description, String rule) {}

        @AssertTrue(message = "must be between 1 minute and 7 days")
        public boolean isRefreshEveryValid() {
            return refreshEvery == null || (refreshEvery.compareTo(Duration.ofMinutes(1)) >= 0
                    && refreshEvery.compareTo(Duration.ofDays(7)) <= 0);
        }
    }
}
