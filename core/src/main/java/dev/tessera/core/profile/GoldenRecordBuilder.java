package dev.tessera.core.profile;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes a profile's golden record from its source records. Survivorship is "most recent wins" per
 * attribute unless told otherwise ({@link SurvivorshipRules}: per-attribute rules and their tie-breaks,
 * none of which depends on input order).
 *
 * <p>Values of records from <em>claimed</em> sources (sources anyone can send a person's identifiers to:
 * a survey link's hidden fields, an analytics write key in a web page; {@code
 * tessera.identity.claimed-sources}) only fill attributes that no record of another source has: someone
 * who answers a survey with another person's email and their own phone number does not replace that
 * person's phone number, whatever the rule. Their values still carry lineage like any other.
 */
public final class GoldenRecordBuilder {

    /** Picks the surviving value of one attribute among the candidates. */
    @FunctionalInterface
    public interface Survivorship {
        GoldenValue choose(String attribute, List<GoldenValue> candidates);
    }

    /** The default: {@link SurvivorshipRules#mostRecent()}. */
    public static final Survivorship MOST_RECENT = SurvivorshipRules.mostRecent();

    private final Survivorship survivorship;
    private final Set<String> claimedSources;

    public GoldenRecordBuilder() {
        this(MOST_RECENT);
    }

    public GoldenRecordBuilder(Survivorship survivorship) {
        this(survivorship, Set.of());
    }

    /** A builder whose {@code claimedSources} (source names) only fill attributes no other source has. */
    public GoldenRecordBuilder(Survivorship survivorship, Set<String> claimedSources) {
        this.survivorship = survivorship;
        this.claimedSources = Set.copyOf(claimedSources);
    }

    /** True when some source is claimed. */
    public boolean claimsAny() {
        return !claimedSources.isEmpty();
    }

    /** True when the record comes from a claimed source. */
    public boolean claimed(SourceRecordId record) {
        return claimedSources.contains(record.source());
    }

    public Map<String, GoldenValue> golden(Collection<CustomerRecord> records) {
        Map<String, List<GoldenValue>> candidates = new HashMap<>();
        // attributes some record of a non-claimed source has (none to track when no source is claimed)
        Set<String> vouched = claimedSources.isEmpty() ? Set.of() : new HashSet<>();
        for (CustomerRecord record : records) {
            boolean claimed = claimed(record.id());
            record.attributes().forEach((name, value) -> {
                candidates.computeIfAbsent(name, n -> new java.util.ArrayList<>())
                        .add(new GoldenValue(value, record.id(), record.observedAt()));
                if (!claimed && !claimedSources.isEmpty()) {
                    vouched.add(name);
                }
            });
        }
        Map<String, GoldenValue> golden = new HashMap<>();
        candidates.forEach((name, values) -> {
            List<GoldenValue> eligible = claimedSources.isEmpty() || !vouched.contains(name) ? values
                    : values.stream().filter(v -> !claimed(v.sourceRecord())).toList();
            golden.put(name, survivorship.choose(name, eligible));
        });
        return golden;
    }

    public List<Identifier> identifiers(Collection<CustomerRecord> records) {
        TreeSet<Identifier> all = new TreeSet<>();
        records.forEach(record -> all.addAll(record.identifiers()));
        return List.copyOf(all);
    }
}
