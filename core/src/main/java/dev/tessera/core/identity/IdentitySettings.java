package dev.tessera.core.identity;

import dev.tessera.core.identity.match.MatchModel;
import dev.tessera.core.profile.GoldenRecordBuilder;
import dev.tessera.core.profile.SurvivorshipRules;
import dev.tessera.core.store.ProfileStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How records become profiles; every app that resolves or splits profiles must use the same settings.
 *
 * @param policy       {@code probabilistic} (default) or {@code exact}
 * @param model        a match model file written by the estimate command; empty for the built-in model
 * @param linkWeight   minimum match weight (log2 Bayes factor) to link a record to a profile
 * @param vetoWeight   a record never joins a profile holding a record it scores below this
 * @param maxBlock     blocks with more profiles than this are skipped as unselective
 * @param survivorship per-attribute survivorship rules of the golden record
 * @param claimedSources names of sources whose identifiers anyone can claim (a survey link's hidden
 *                     fields, an analytics write key in a web page): their records never merge
 *                     profiles, never vouch for other records joining a profile that has records of
 *                     other sources, and only fill golden attributes no other source has (docs/identity.md,
 *                     "Claimed sources")
 */
public record IdentitySettings(Policy policy, Path model, Double linkWeight, Double vetoWeight, Integer maxBlock,
        SurvivorshipRules survivorship, Set<String> claimedSources) {

    public enum Policy { PROBABILISTIC, EXACT }

    public IdentitySettings {
        policy = policy == null ? Policy.PROBABILISTIC : policy;
        linkWeight = linkWeight == null ? ProbabilisticPolicy.DEFAULT_LINK_WEIGHT : linkWeight;
        vetoWeight = vetoWeight == null ? ProbabilisticPolicy.DEFAULT_VETO_WEIGHT : vetoWeight;
        maxBlock = maxBlock == null ? ProfileResolver.DEFAULT_MAX_BLOCK : maxBlock;
        survivorship = survivorship == null ? SurvivorshipRules.mostRecent() : survivorship;
        claimedSources = claimedSources == null ? Set.of() : Set.copyOf(new TreeSet<>(claimedSources));
        for (String source : claimedSources) {
            if (!SOURCE_NAME.matcher(source).matches()) {
                throw new IllegalArgumentException("claimedSources: '" + source
                        + "' is not a source name (1-64 characters of [a-z0-9_-])");
            }
        }
        if (maxBlock < 1) {
            throw new IllegalArgumentException("maxBlock must be at least 1");
        }
        if (vetoWeight > linkWeight) {
            throw new IllegalArgumentException("vetoWeight must not exceed linkWeight");
        }
    }

    private static final Pattern SOURCE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public static IdentitySettings defaults() {
        return new IdentitySettings(null, null, null, null, null, null, null);
    }

    /** These settings with {@code sources} as the claimed sources. */
    public IdentitySettings withClaimedSources(Set<String> sources) {
        return new IdentitySettings(policy, model, linkWeight, vetoWeight, maxBlock, survivorship, sources);
    }

    public MatchPolicy matchPolicy() {
        return switch (policy) {
            case EXACT -> new ExactKeyPolicy();
            case PROBABILISTIC -> new ProbabilisticPolicy(matchModel(), linkWeight, vetoWeight);
        };
    }

    private MatchModel matchModel() {
        if (model == null) {
            return MatchModel.defaults();
        }
        try {
            return MatchModel.fromJson(Files.readString(model));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the match model " + model, e);
        }
    }

    /** A resolver for these settings that knows no erasures (tools, dry runs, tests). */
    public ProfileResolver resolver(ProfileStore store, Clock clock) {
        return resolver(store, clock, null);
    }

    /** The production resolver for these settings: it refuses the records of erased people. */
    public ProfileResolver resolver(ProfileStore store, Clock clock, dev.tessera.core.privacy.Tombstones tombstones) {
        return new ProfileResolver(store, matchPolicy(), new GoldenRecordBuilder(survivorship, claimedSources), clock,
                maxBlock, tombstones);
    }
}
