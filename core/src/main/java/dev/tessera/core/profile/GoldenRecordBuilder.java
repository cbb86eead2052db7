package dev.tessera.core.profile;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.Identifier;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Computes a profile's golden record from its source records. Survivorship is "most recent wins" per
 * attribute unless told otherwise ({@link SurvivorshipRules}: per-attribute rules and their tie-breaks,
 * none of which depends on input order).
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

    public GoldenRecordBuilder() {
        this(MOST_RECENT);
    }

    public GoldenRecordBuilder(Survivorship survivorship) {
        this.survivorship = survivorship;
    }

    public Map<String, GoldenValue> golden(Collection<CustomerRecord> records) {
        Map<String, List<GoldenValue>> candidates = new HashMap<>();
        for (CustomerRecord record : records) {
            record.attributes().forEach((name, value) -> candidates
                    .computeIfAbsent(name, n -> new java.util.ArrayList<>())
                    .add(new GoldenValue(value, record.id(), record.observedAt())));
        }
        Map<String, GoldenValue> golden = new HashMap<>();
        candidates.forEach((name, values) -> golden.put(name, survivorship.choose(name, values)));
        return golden;
    }

    public List<Identifier> identifiers(Collection<CustomerRecord> records) {
        TreeSet<Identifier> all = new TreeSet<>();
        records.forEach(record -> all.addAll(record.identifiers()));
        return List.copyOf(all);
    }
}
