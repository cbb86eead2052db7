package dev.tessera.adminui.segment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The profile service's answer to a rule preview (docs/segments.md): how many profiles the rule would
 * match now, counted exactly or estimated from a random sample with a 95 % interval, and a few matching
 * profiles. Public with public accessors: the templates call them reflectively.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SegmentPreview(long profiles, long evaluated, long matched, long estimate, long low, long high,
        boolean exact, List<String> examples, boolean timeDependent, Instant asOf) {

    public SegmentPreview {
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    /** "2 of 3 profiles match." or "About 1,230 of 100,000 profiles match (95 % between 1,050 and 1,420)." */
    public String summary() {
        if (exact) {
            return number(estimate) + " of " + number(profiles) + (profiles == 1 ? " profile" : " profiles")
                    + (estimate == 1 ? " matches." : " match.");
        }
        return "About " + number(estimate) + " of " + number(profiles) + " profiles match (95 % between "
                + number(low) + " and " + number(high) + ").";
    }

    /** How the number was reached. */
    public String basis() {
        if (exact) {
            return "Every profile was evaluated.";
        }
        return "Estimated from a random sample of " + number(evaluated) + " profiles, of which " + number(matched)
                + " matched; saving the segment counts every profile.";
    }

    private static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
