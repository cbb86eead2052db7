package dev.tessera.core.segment;

import dev.tessera.core.model.ProfileId;
import java.util.List;
import java.util.Objects;

/**
 * How many profiles a rule would match, before it is saved: counted over every live profile when there are
 * at most as many as the sample allows, otherwise over a uniform random sample and scaled up, with a 95 %
 * interval (Wilson score) around the estimate.
 *
 * @param profiles  live profiles when the preview started
 * @param evaluated profiles the rule was evaluated on (all of them when {@link #exact})
 * @param matched   of those, how many matched
 * @param estimate  matching profiles among all: {@code matched} when exact, else scaled from the sample
 * @param low       lower end of the 95 % interval (the estimate itself when exact)
 * @param high      upper end of the 95 % interval (the estimate itself when exact)
 * @param exact     true when every live profile was evaluated
 * @param examples  a few matching profiles, to open and check the rule against
 */
public record SegmentPreview(long profiles, long evaluated, long matched, long estimate, long low, long high,
        boolean exact, List<ProfileId> examples) {

    /** Normal quantile of a two-sided 95 % interval. */
    static final double Z = 1.959963984540054;

    public SegmentPreview {
        Objects.requireNonNull(examples, "examples");
        examples = List.copyOf(examples);
        if (evaluated < 0 || matched < 0 || matched > evaluated || evaluated > profiles) {
            throw new IllegalArgumentException("inconsistent preview counts");
        }
    }

    /**
     * The preview of {@code matched} out of {@code evaluated} profiles sampled uniformly from
     * {@code profiles}: exact when all were evaluated; else the share scaled to all profiles with a Wilson
     * score interval, never below what was seen to match nor above what was not seen not to match.
     */
    public static SegmentPreview of(long profiles, long evaluated, long matched, List<ProfileId> examples) {
        if (evaluated == profiles) {
            return new SegmentPreview(profiles, evaluated, matched, matched, matched, matched, true, examples);
        }
        if (evaluated == 0) {
            return new SegmentPreview(profiles, 0, 0, 0, 0, profiles, false, examples);
        }
        double n = evaluated;
        double p = matched / n;
        double z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        long ceiling = profiles - (evaluated - matched);
        // matched × profiles / evaluated, not the share × profiles: the share in binary can fall just short
        // of a half (23 / 80 × 200 = 57.4999…) and round the other way
        long estimate = clamp(Math.round((double) matched * profiles / n), matched, ceiling);
        long low = clamp((long) Math.floor(Math.max(0, centre - half) * profiles), matched, estimate);
        long high = clamp((long) Math.ceil(Math.min(1, centre + half) * profiles), estimate, ceiling);
        return new SegmentPreview(profiles, evaluated, matched, estimate, low, high, false, examples);
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
