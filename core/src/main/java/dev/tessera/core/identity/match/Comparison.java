package dev.tessera.core.identity.match;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** The comparison levels of every {@link MatchField} for one pair of records. Immutable. */
public final class Comparison {

    private final ComparisonLevel[] levels;
    private final boolean namesSwapped;

    Comparison(ComparisonLevel[] levels, boolean namesSwapped) {
        this.levels = levels.clone();
        this.namesSwapped = namesSwapped;
    }

    /** Builds a comparison from explicit levels; fields not given are {@link ComparisonLevel#MISSING}. */
    public static Comparison of(Map<MatchField, ComparisonLevel> levels) {
        ComparisonLevel[] array = new ComparisonLevel[MatchField.values().length];
        for (MatchField field : MatchField.values()) {
            ComparisonLevel level = levels.getOrDefault(field, ComparisonLevel.MISSING);
            if (!field.supports(level)) {
                throw new IllegalArgumentException(field.id() + " has no level " + level);
            }
            array[field.ordinal()] = level;
        }
        return new Comparison(array, false);
    }

    public ComparisonLevel level(MatchField field) {
        return levels[field.ordinal()];
    }

    /** True when the two records have first and last name the other way round. */
    public boolean namesSwapped() {
        return namesSwapped;
    }

    /** All levels by field. */
    public Map<MatchField, ComparisonLevel> levels() {
        Map<MatchField, ComparisonLevel> map = new EnumMap<>(MatchField.class);
        for (MatchField field : MatchField.values()) {
            map.put(field, levels[field.ordinal()]);
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Comparison c && java.util.Arrays.equals(levels, c.levels)
                && namesSwapped == c.namesSwapped;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(levels) * 31 + (namesSwapped ? 1 : 0);
    }

    @Override
    public String toString() {
        return levels().toString() + (namesSwapped ? " (names swapped)" : "");
    }
}
