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
 *                     fields, an analytics write key in a web page): their records join at most one
 *                     profile holding records of other sources, never vouch for other records joining
 *                     such a profile, and only fill golden attributes no other source has
 *                     (docs/identity.md, "Claimed sources")
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

    /** Redis hash of the settings each app last started with: app name to {@link #fingerprint()}. */
    public static final String STARTED_WITH_KEY = "tessera:identity-settings";

    /**
     * A digest of everything that decides how records become profiles (the model file by its content), the
     * same in every app and JVM for the same settings.
     */
    public String fingerprint() {
        StringBuilder text = new StringBuilder();
        text.append("policy=").append(policy).append("\nlink=").append(linkWeight).append("\nveto=").append(vetoWeight)
                .append("\nmaxBlock=").append(maxBlock).append("\nmodel=");
        if (model != null) {
            try {
                text.append(dev.tessera.core.store.RedisKeys.digest(Files.readString(model)));
            } catch (IOException e) {
                text.append("unreadable:").append(model);
            }
        }
        text.append("\ndefault=").append(survivorship.defaultRule()).append("\nrules=")
                .append(new java.util.TreeMap<>(survivorship.attributes())).append("\npriority=")
                .append(survivorship.sourcePriority()).append("\nclaimed=").append(new TreeSet<>(claimedSources));
        return dev.tessera.core.store.RedisKeys.digest(text.toString());
    }

    /**
     * Records that {@code app} resolves with these settings and names the other apps that last started with
     * different ones. Every app that resolves or splits profiles must use the same settings: the profile
     * service re-resolves a profile's records on a split, and with other settings (another claimed-sources
     * list, say) it would join what ingestion kept apart. Callers warn about the apps named.
     */
    public java.util.List<String> register(dev.tessera.core.store.RedisConnection connection, String app) {
        String mine = fingerprint();
        connection.commands().hset(STARTED_WITH_KEY, app, mine);
        java.util.List<String> differing = new java.util.ArrayList<>();
        connection.commands().hgetall(STARTED_WITH_KEY).forEach((other, theirs) -> {
            if (!other.equals(app) && !theirs.equals(mine)) {
                differing.add(other);
            }
        });
        java.util.Collections.sort(differing);
        return differing;
    }

    /** {@link #register}, with the warning to log when another app started with other settings. */
    public java.util.Optional<String> checkShared(dev.tessera.core.store.RedisConnection connection, String app) {
        java.util.List<String> differing = register(connection, app);
        return differing.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of("tessera.identity of the "
                + app + " app differs from the settings " + String.join(", ", differing)
                + " last started with: every app must resolve alike (a split in the profile service re-resolves "
                + "records; other claimed-sources or weights would join what ingestion kept apart). Give them the "
                + "same tessera.identity block and restart the other app(s).");
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
