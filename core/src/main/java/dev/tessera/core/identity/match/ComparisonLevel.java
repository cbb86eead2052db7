package dev.tessera.core.identity.match;

/**
 * How well two records agree on one field. Each {@link MatchField} uses some of these levels, listed in
 * {@link MatchField#levels()} from the strongest agreement to {@link #DIFFERENT}; {@link #MISSING} (a value
 * absent on either side) applies to every field and carries no evidence.
 */
public enum ComparisonLevel {
    /** Equal once folded (case, accents, punctuation and spacing ignored). */
    EXACT,
    /** The same value written another way: ü/ue transliteration, a nickname, first and last name swapped. */
    EQUIVALENT,
    /** A small difference, e.g. one typo (Jaro–Winkler ≥ 0.92 for names). */
    CLOSE,
    /**
     * Similar, but more than a typo apart: Jaro–Winkler ≥ 0.80 for names; for dates, at most about a year
     * apart or two digits wrong.
     */
    SOMEWHAT,
    /** A given name written as its initial on one side, e.g. {@code J} and {@code John}. */
    INITIAL,
    /** Dates: one of year, month, day differs, a single digit is wrong, or day and month are swapped. */
    ONE_DIFFERENCE,
    /** Streets: the same street, another house number. */
    OTHER_NUMBER,
    /** Postcodes: the same area (UK outward code, or leading digits). */
    PREFIX,
    /** Emails: the same mailbox name at another domain. */
    LOCAL_PART,
    /** Phones: the same subscriber number (last seven digits) with another country or area prefix. */
    LAST_DIGITS,
    /** No agreement. */
    DIFFERENT,
    /** The value is absent on at least one side: no evidence either way. */
    MISSING
}
