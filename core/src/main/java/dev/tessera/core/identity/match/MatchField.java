package dev.tessera.core.identity.match;

import static dev.tessera.core.identity.match.ComparisonLevel.CLOSE;
import static dev.tessera.core.identity.match.ComparisonLevel.DIFFERENT;
import static dev.tessera.core.identity.match.ComparisonLevel.EQUIVALENT;
import static dev.tessera.core.identity.match.ComparisonLevel.EXACT;
import static dev.tessera.core.identity.match.ComparisonLevel.INITIAL;
import static dev.tessera.core.identity.match.ComparisonLevel.LAST_DIGITS;
import static dev.tessera.core.identity.match.ComparisonLevel.LOCAL_PART;
import static dev.tessera.core.identity.match.ComparisonLevel.ONE_DIFFERENCE;
import static dev.tessera.core.identity.match.ComparisonLevel.OTHER_NUMBER;
import static dev.tessera.core.identity.match.ComparisonLevel.PREFIX;
import static dev.tessera.core.identity.match.ComparisonLevel.SOMEWHAT;

import java.util.List;
import java.util.Locale;

/**
 * The fields the matcher compares and the comparison levels each can take (strongest first). Every field
 * can also be {@link ComparisonLevel#MISSING}. The {@link #id()} is the canonical attribute name
 * ({@link dev.tessera.core.model.Attributes}), used in model files and explanations.
 */
public enum MatchField {
    FIRST_NAME(EXACT, EQUIVALENT, CLOSE, SOMEWHAT, INITIAL, DIFFERENT),
    LAST_NAME(EXACT, EQUIVALENT, CLOSE, SOMEWHAT, DIFFERENT),
    BIRTH_DATE(EXACT, ONE_DIFFERENCE, SOMEWHAT, DIFFERENT),
    STREET(EXACT, CLOSE, OTHER_NUMBER, SOMEWHAT, DIFFERENT),
    POSTCODE(EXACT, CLOSE, PREFIX, DIFFERENT),
    CITY(EXACT, CLOSE, SOMEWHAT, DIFFERENT),
    COUNTRY(EXACT, DIFFERENT),
    EMAIL(EXACT, LOCAL_PART, CLOSE, DIFFERENT),
    PHONE(EXACT, LAST_DIGITS, CLOSE, DIFFERENT);

    private final List<ComparisonLevel> levels;

    MatchField(ComparisonLevel... levels) {
        this.levels = List.of(levels);
    }

    /** The levels this field can take, strongest first, without {@link ComparisonLevel#MISSING}. */
    public List<ComparisonLevel> levels() {
        return levels;
    }

    /** True when the field can take this level (MISSING always). */
    public boolean supports(ComparisonLevel level) {
        return level == ComparisonLevel.MISSING || levels.contains(level);
    }

    /** The canonical attribute name, e.g. {@code first_name}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The field with this {@link #id()}. */
    public static MatchField fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
