package dev.tessera.core.identity.match;

import static dev.tessera.core.identity.match.ComparisonLevel.CLOSE;
import static dev.tessera.core.identity.match.ComparisonLevel.DIFFERENT;
import static dev.tessera.core.identity.match.ComparisonLevel.EQUIVALENT;
import static dev.tessera.core.identity.match.ComparisonLevel.EXACT;
import static dev.tessera.core.identity.match.ComparisonLevel.INITIAL;
import static dev.tessera.core.identity.match.ComparisonLevel.LAST_DIGITS;
import static dev.tessera.core.identity.match.ComparisonLevel.LOCAL_PART;
import static dev.tessera.core.identity.match.ComparisonLevel.MISSING;
import static dev.tessera.core.identity.match.ComparisonLevel.ONE_DIFFERENCE;
import static dev.tessera.core.identity.match.ComparisonLevel.OTHER_NUMBER;
import static dev.tessera.core.identity.match.ComparisonLevel.PREFIX;
import static dev.tessera.core.identity.match.ComparisonLevel.SOMEWHAT;

import dev.tessera.core.identity.match.TextNormalizer.Folded;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares one field of two records and says how well they agree as a discrete {@link ComparisonLevel}.
 * The public methods take values as sources write them; {@link #compare(PreparedRecord, PreparedRecord)}
 * compares all fields of two prepared records. All methods are pure and thread-safe.
 */
public final class FieldComparators {

    /** Jaro–Winkler at or above which two names are {@link ComparisonLevel#CLOSE}. */
    public static final double NAME_CLOSE = 0.92;
    /** Jaro–Winkler at or above which two names are {@link ComparisonLevel#SOMEWHAT} alike. */
    public static final double NAME_SOMEWHAT = 0.80;
    /** Below this Jaro–Winkler, two names are not checked for typos at all. */
    private static final double TYPO_FLOOR = 0.6;
    /** Shortest name in which letters swapped further apart than neighbours still count as a typo. */
    private static final int MIN_ANAGRAM_LETTERS = 5;
    private static final double STREET_CLOSE = 0.90;
    private static final double STREET_SOMEWHAT = 0.80;
    private static final double EMAIL_CLOSE = 0.88;
    private static final int PHONE_SUBSCRIBER_DIGITS = 7;
    /** Shortest city name in which one typo still makes two cities CLOSE (see {@link #city}). */
    private static final int MIN_CITY_TYPO_LETTERS = 7;
    /** Birth dates this close (a year and a month) are SOMEWHAT alike. */
    private static final int DATE_NEAR_DAYS = 400;

    private FieldComparators() {}

    /**
     * The outcome of comparing both names of two people.
     *
     * @param swapped true when one record has first and last name the other way round; the levels then
     *                compare first with last name and are at most {@link ComparisonLevel#EQUIVALENT}, and
     *                the better of the two agreements is reported as the last name
     */
    public record NameComparison(ComparisonLevel first, ComparisonLevel last, boolean swapped) {}

    /** Given names: also nicknames ({@code Bob}/{@code Robert}) are EQUIVALENT and an initial is INITIAL. */
    public static ComparisonLevel firstName(String a, String b) {
        return name(TextNormalizer.folded(a), TextNormalizer.folded(b), true);
    }

    /** Family names; a double name containing the other ({@code Garcia Lopez}/{@code Garcia}) is EQUIVALENT. */
    public static ComparisonLevel lastName(String a, String b) {
        return name(TextNormalizer.folded(a), TextNormalizer.folded(b), false);
    }

    /** Both names of two people, detecting first and last name written the other way round. */
    public static NameComparison names(String firstA, String lastA, String firstB, String lastB) {
        return names(TextNormalizer.folded(firstA), TextNormalizer.folded(lastA), TextNormalizer.folded(firstB),
                TextNormalizer.folded(lastB));
    }

    /** Birth dates ({@code yyyy-MM-dd} or {@code yyyyMMdd}); unreadable values are MISSING. */
    public static ComparisonLevel birthDate(String a, String b) {
        return birthDate(BirthDate.parse(a), BirthDate.parse(b));
    }

    /** Street lines including the house number, see {@link StreetAddress}. */
    public static ComparisonLevel street(String a, String b) {
        return street(StreetAddress.parse(a), StreetAddress.parse(b));
    }

    /** Postcodes, ignoring case and spaces. */
    public static ComparisonLevel postcode(String a, String b) {
        String ca = compactOrNull(a);
        String cb = compactOrNull(b);
        return compactPostcode(ca == null ? null : postcodeKey(ca), cb == null ? null : postcodeKey(cb));
    }

    /**
     * A compacted postcode as it is compared: a US ZIP+4 as its ZIP code ({@link #zip5}), and the country
     * letters some sources write in front of a numeric code ({@code D-10115}, {@code DE-10115},
     * {@code F-75008}, {@code CH-8001}) left out. Only one or two letters before digits alone are such a
     * prefix: UK, Irish, Canadian and Dutch codes mix letters and digits otherwise.
     */
    static String postcodeKey(String compact) {
        int letters = 0;
        while (letters < compact.length() && compact.charAt(letters) >= 'a' && compact.charAt(letters) <= 'z') {
            letters++;
        }
        if (letters >= 1 && letters <= 2 && compact.length() - letters >= 4 && allDigits(compact, letters)
                && POSTCODE_COUNTRY_PREFIXES.contains(compact.substring(0, letters))) {
            compact = compact.substring(letters);
        }
        String zip = zip5(compact);
        // a numeric code without the leading zeros a spreadsheet drops, so both spellings share blocking keys
        return allDigits(zip, 0) ? withoutLeadingZeros(zip) : zip;
    }

    /**
     * Country letters written before numeric postcodes: the vehicle codes of the old European convention
     * ({@code D-}, {@code F-}, {@code CH-}) and ISO codes ({@code DE-}). Only these: other letters before
     * digits are part of a code (Brunei {@code BS8811}).
     */
    private static final java.util.Set<String> POSTCODE_COUNTRY_PREFIXES = java.util.Set.of("a", "b", "d", "e", "f",
            "h", "i", "l", "n", "p", "s", "ch", "at", "be", "bg", "cy", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr",
            "hr", "hu", "it", "li", "lt", "lu", "lv", "mc", "nl", "no", "pl", "pt", "ro", "se", "si", "sk", "us", "mx",
            "br", "in", "au");

    private static boolean allDigits(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return from < text.length();
    }

    /** A numeric code without its leading zeros: spreadsheets drop them ({@code 02134} becomes {@code 2134}). */
    private static String withoutLeadingZeros(String code) {
        int zeros = 0;
        while (zeros < code.length() - 1 && code.charAt(zeros) == '0') {
            zeros++;
        }
        return zeros == 0 ? code : code.substring(zeros);
    }

    /**
     * A US ZIP+4 code ({@code 90210-1234}, compacted to nine digits) as its five-digit ZIP code: sources
     * write one or the other for the same address, and the extra four digits only narrow the delivery
     * route. Other codes are returned as they are.
     */
    static String zip5(String compact) {
        if (compact.length() != 9) {
            return compact;
        }
        for (int i = 0; i < 9; i++) {
            if (!Character.isDigit(compact.charAt(i))) {
                return compact;
            }
        }
        return compact.substring(0, 5);
    }

    /** City names. */
    public static ComparisonLevel city(String a, String b) {
        return city(Cities.canonical(TextNormalizer.folded(a), null), Cities.canonical(TextNormalizer.folded(b), null));
    }

    /** Countries as ISO codes or names in common languages ({@code DE} = {@code Germany} = {@code Deutschland}). */
    public static ComparisonLevel country(String a, String b) {
        return countryCode(Countries.code(a), Countries.code(b));
    }

    /** Email addresses. */
    public static ComparisonLevel email(String a, String b) {
        EmailAddress ea = EmailAddress.parse(a);
        EmailAddress eb = EmailAddress.parse(b);
        return emails(ea == null ? List.of() : List.of(ea), eb == null ? List.of() : List.of(eb));
    }

    /** Phone numbers, ideally E.164; only digits count. */
    public static ComparisonLevel phone(String a, String b) {
        String da = PreparedRecord.phone(a);
        String db = PreparedRecord.phone(b);
        return phones(da == null ? List.of() : List.of(da), db == null ? List.of() : List.of(db));
    }

    /** Compares every {@link MatchField} of two records. */
    public static Comparison compare(PreparedRecord a, PreparedRecord b) {
        ComparisonLevel[] levels = new ComparisonLevel[MatchField.values().length];
        boolean swapped = compareInto(a, b, levels);
        return new Comparison(levels, swapped);
    }

    /** Fills {@code levels} (indexed by field ordinal) and returns whether the names were swapped. */
    static boolean compareInto(PreparedRecord a, PreparedRecord b, ComparisonLevel[] levels) {
        NameComparison names = names(a.firstName, a.lastName, b.firstName, b.lastName);
        levels[MatchField.FIRST_NAME.ordinal()] = names.first();
        levels[MatchField.LAST_NAME.ordinal()] = names.last();
        levels[MatchField.BIRTH_DATE.ordinal()] = birthDate(a.birthDate, b.birthDate);
        levels[MatchField.STREET.ordinal()] = street(a.street, b.street);
        levels[MatchField.POSTCODE.ordinal()] = compactPostcode(a.postcode, b.postcode);
        levels[MatchField.CITY.ordinal()] = city(a.city, b.city);
        levels[MatchField.COUNTRY.ordinal()] = countryCode(a.country, b.country);
        levels[MatchField.EMAIL.ordinal()] = emails(a, b, names.last() == DIFFERENT
                && (names.first() == EXACT || names.first() == EQUIVALENT));
        levels[MatchField.PHONE.ordinal()] = phones(a.phones, b.phones);
        return names.swapped();
    }

    // ---- names

    static NameComparison names(Folded firstA, Folded lastA, Folded firstB, Folded lastB) {
        String generationA = generation(firstA, lastA);
        if (generationA != null) {
            String generationB = generation(firstB, lastB);
            if (generationB != null && !generationA.equals(generationB)) {
                // John Smith Jr. and John Smith Sr.: a father and son, often at one address; the family name
                // they share is compared without the suffixes (counted once, in the given name)
                return new NameComparison(DIFFERENT, name(withoutGeneration(lastA), withoutGeneration(lastB), false),
                        false);
            }
        }
        ComparisonLevel first = name(firstA, firstB, true);
        ComparisonLevel last = name(lastA, lastB, false);
        int straight = points(first) + points(last);
        // A swap must beat the straight reading by 3 points, and can score at most 8.
        if (straight > 5 || (firstA == null && lastA == null) || (firstB == null && lastB == null)) {
            return new NameComparison(first, last, false);
        }
        ComparisonLevel crossA = name(firstA, lastB, true);
        ComparisonLevel crossB = name(lastA, firstB, true);
        int swapped = points(crossA) + points(crossB);
        boolean strongSwap = rank(crossA) <= rank(CLOSE) || rank(crossB) <= rank(CLOSE);
        if (strongSwap && swapped >= straight + 3) {
            // Which record has its names the other way round is unknown, so which cross comparison is the
            // given name is too. The better agreement counts as the surname: the weaker, family-shared
            // evidence, which keeps a relative with a swapped name from passing for the same person.
            boolean aBetter = points(crossA) >= points(crossB);
            return new NameComparison(cap(aBetter ? crossB : crossA), cap(aBetter ? crossA : crossB), true);
        }
        return new NameComparison(first, last, false);
    }

    /** True for a given name of initials only: {@code j}, {@code j r} (from "J. R."). */
    private static boolean initials(String folded) {
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            // Latin letters only: a Chinese given name of one character is a name, not an initial
            if ((i % 2 == 0) != (c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return folded.length() % 2 == 1;
    }

    /**
     * Generational suffixes after a name, read as one form each (II is usually a Jr.). Portuguese and
     * Spanish names carry them as a last word too: Filho and hijo (son, as Jr.), Neto (grandson) and
     * Sobrinho (nephew), each named after an older relative who is another person.
     */
    private static final java.util.Map<String, String> GENERATIONS = java.util.Map.ofEntries(
            java.util.Map.entry("jr", "jr"), java.util.Map.entry("jnr", "jr"), java.util.Map.entry("junior", "jr"),
            java.util.Map.entry("ii", "jr"), java.util.Map.entry("filho", "jr"), java.util.Map.entry("hijo", "jr"),
            java.util.Map.entry("sr", "sr"), java.util.Map.entry("snr", "sr"), java.util.Map.entry("senior", "sr"),
            java.util.Map.entry("iii", "iii"), java.util.Map.entry("iv", "iv"), java.util.Map.entry("neto", "neto"),
            java.util.Map.entry("sobrinho", "sobrinho"));

    /** The generational suffix ending the given or family name ({@code Smith Jr.}), else null. */
    static String generation(Folded first, Folded last) {
        String suffix = last == null ? null : lastWordGeneration(last.plain());
        return suffix != null || first == null ? suffix : lastWordGeneration(first.plain());
    }

    /** The name without a generational suffix as its last word. */
    private static Folded withoutGeneration(Folded name) {
        if (name == null || lastWordGeneration(name.plain()) == null) {
            return name;
        }
        return new Folded(dropLastWord(name.plain()), dropLastWord(name.digraph()));
    }

    private static String dropLastWord(String text) {
        int space = text.lastIndexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }

    private static String lastWordGeneration(String name) {
        int space = name.lastIndexOf(' ');
        return space < 0 ? null : GENERATIONS.get(name.substring(space + 1));
    }

    private static int points(ComparisonLevel level) {
        return switch (level) {
            case EXACT -> 4;
            case EQUIVALENT -> 3;
            case CLOSE -> 2;
            case SOMEWHAT, INITIAL -> 1;
            case DIFFERENT -> -1;
            default -> 0;
        };
    }

    private static int rank(ComparisonLevel level) {
        return level.ordinal();
    }

    private static ComparisonLevel cap(ComparisonLevel level) {
        return level == EXACT ? EQUIVALENT : level;
    }

    static ComparisonLevel name(Folded a, Folded b, boolean given) {
        if (a == null || b == null) {
            return MISSING;
        }
        if (given && (initials(a.plain()) || initials(b.plain()))) {
            // "J" / "J" or "J. R." / "John": the initials agree, which many given names share
            return a.plain().charAt(0) == b.plain().charAt(0) ? INITIAL : DIFFERENT;
        }
        if (a.plain().equals(b.plain())) {
            return EXACT;
        }
        if (a.equivalent(b) || a.compact().equals(b.compact()) || a.compactDigraph().equals(b.compactDigraph())) {
            return EQUIVALENT;
        }
        if (given && (Nicknames.builtIn().equivalent(a.plain(), b.plain())
                || Nicknames.builtIn().equivalent(a.compact(), b.compact()))) {
            return EQUIVALENT; // compound names are one word in the table: José María / Chema
        }
        boolean multiA = a.plain().indexOf(' ') >= 0;
        boolean multiB = b.plain().indexOf(' ') >= 0;
        List<String> tokensA = null;
        List<String> tokensB = null;
        if (multiA || multiB) {
            tokensA = TextNormalizer.tokens(a.plain());
            tokensB = TextNormalizer.tokens(b.plain());
            if (containsAll(tokensA, tokensB) || containsAll(tokensB, tokensA)) {
                return EQUIVALENT;
            }
            if (given && (nicknameOfFirst(tokensA, b.plain()) || nicknameOfFirst(tokensB, a.plain()))) {
                return EQUIVALENT;
            }
            if (!given) {
                Folded coreA = withoutParticles(a, tokensA);
                Folded coreB = withoutParticles(b, tokensB);
                if (coreA != a && coreB != b && particleForms(tokensA).equals(particleForms(tokensB))) {
                    // "van der Berg" / "van der Meer", "dos Santos" / "dos Reis": the shared particles are no
                    // evidence, the names after them are compared (and "van der Berg" / "van den Berg" agree)
                    if (coreA.equivalent(coreB) || coreA.compact().equals(coreB.compact())) {
                        return EQUIVALENT;
                    }
                    a = coreA;
                    b = coreB;
                    tokensA = TextNormalizer.tokens(a.plain());
                    tokensB = TextNormalizer.tokens(b.plain());
                }
                if (otherNameBesideAShared(tokensA, tokensB)) {
                    return DIFFERENT;
                }
            }
        }
        if (given && (a.plain().length() == 1 || b.plain().length() == 1)) {
            return a.plain().charAt(0) == b.plain().charAt(0) ? INITIAL : DIFFERENT;
        }
        if (given && !multiA && !multiB) {
            Gendered pair = genderedPair(a.plain(), b.plain());
            if (pair == Gendered.YES) {
                return DIFFERENT;
            }
            if (pair == Gendered.MAYBE) {
                // Carol / Carole, Daniel / Daniele, Christoph / Christophe: a feminine form, or the same man's
                // name in Italian or French; neither agreement nor a contradiction
                return SOMEWHAT;
            }
        }
        double similarity = similarity(a, b);
        if (tokensA != null) {
            similarity = Math.max(similarity, StringSimilarity.tokenSimilarity(tokensA, tokensB));
        }
        if (similarity >= NAME_CLOSE) {
            return CLOSE;
        }
        if (similarity >= NAME_SOMEWHAT) {
            return typo(a.compact(), b.compact(), 1) ? CLOSE : SOMEWHAT;
        }
        // Jaro–Winkler looks for matching letters only nearby, which misses letters moved further in short
        // names (price / pcire); edit distance and anagrams catch those typos.
        return similarity >= TYPO_FLOOR && typo(a.compact(), b.compact(), 2) ? SOMEWHAT : DIFFERENT;
    }

    /**
     * The endings that make a masculine given name feminine, by what the masculine form has in their place
     * after the stem both share (empty: the bare stem).
     */
    private static final java.util.Map<String, java.util.Set<String>> FEMININE_FORMS = java.util.Map.of(
            "", java.util.Set.of("a", "ia", "e", "ne", "le", "ine", "ina", "ette", "elle"),
            "o", java.util.Set.of("a"),
            "us", java.util.Set.of("a", "ia"),
            "er", java.util.Set.of("a", "ra", "ia"),
            "k", java.util.Set.of("a", "ia"),
            "e", java.util.Set.of("ette"));

    /**
     * True when one given name is the masculine and the other the feminine form of one name: {@code Mario} /
     * {@code Maria}, {@code Francesco} / {@code Francesca}, {@code Martin} / {@code Martina}, {@code Jean} /
     * {@code Jeanne}, {@code Paul} / {@code Pauline}, {@code Julius} / {@code Julia}, {@code Alexander} /
     * {@code Alexandra}, {@code Patrick} / {@code Patricia}, {@code Antoine} / {@code Antoinette}. They look
     * one typo apart, but are the names of a brother and sister or a couple, often at one address. The
     * shared stem has at least three letters; a bare stem counts as a masculine name only with four letters or
     * more ending in a vowel and one consonant ({@code Paul}, {@code Louis}) or in rt, rl or ph ({@code Robert},
     * {@code Carl}, {@code Joseph}), so that {@code Kyle} / {@code Kylee} and {@code Emm} / {@code Emma} stay
     * spelling variants and typos. Feminine variants of one feminine name ({@code Isabel} / {@code Isabelle},
     * {@code Jasmin} / {@code Jasmine}) are in the nickname table, which is consulted first.
     */
    enum Gendered { NO, MAYBE, YES }

    /** Feminine endings that also end men's names in Italian and French, or spellings of one woman's name. */
    private static final java.util.Set<String> AMBIGUOUS_ENDINGS = java.util.Set.of("e", "ne", "le");

    static Gendered genderedPair(String a, String b) {
        int stem = 0;
        int max = Math.min(a.length(), b.length());
        while (stem < max && a.charAt(stem) == b.charAt(stem)) {
            stem++;
        }
        Gendered found = Gendered.NO;
        // the stem may end in the masculine ending's first letter: antoine / antoinette share "antoine"
        for (int s = stem; s >= Math.max(3, stem - 1); s--) {
            Gendered one = gendered(a, b, s);
            Gendered other = one == Gendered.YES ? one : gendered(b, a, s);
            if (one == Gendered.YES || other == Gendered.YES) {
                return Gendered.YES;
            }
            if (one == Gendered.MAYBE || other == Gendered.MAYBE) {
                found = Gendered.MAYBE;
            }
        }
        return found;
    }

    /** Whether {@code feminine} is a feminine form of {@code masculine} after their first {@code stem} letters. */
    private static Gendered gendered(String masculine, String feminine, int stem) {
        String ending = feminine.substring(stem);
        if (!gendered(masculine, stem, ending)) {
            return Gendered.NO;
        }
        return stem == masculine.length() && AMBIGUOUS_ENDINGS.contains(ending) ? Gendered.MAYBE : Gendered.YES;
    }

    private static boolean gendered(String masculine, int stem, String feminineEnding) {
        java.util.Set<String> feminine = FEMININE_FORMS.get(masculine.substring(stem));
        if (feminine == null || !feminine.contains(feminineEnding)) {
            return false;
        }
        if (stem < masculine.length()) {
            return true;
        }
        int n = masculine.length();
        if (n < 4) {
            return false;
        }
        char last = masculine.charAt(n - 1);
        char before = masculine.charAt(n - 2);
        if (isVowel(before) && !isVowel(last) && last != 'y' && last != 'w') {
            return true;
        }
        String end = masculine.substring(n - 2);
        return end.equals("rt") || end.equals("rl") || end.equals("ph");
    }

    private static boolean isVowel(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
    }

    /**
     * One typo (or two for {@code maxEdits} 2) in a name long enough that this is unlikely between two
     * different names: at least 3 letters per edit allowed plus one. Two letters swapped further apart than
     * neighbours (jones / josen) count as two edits: in a name of 7 letters or more any rearrangement of
     * its letters, in one of {@value #MIN_ANAGRAM_LETTERS} or 6 letters one such swap that leaves the first
     * letter in place (norma / ramon and salem / selma stay apart; carol / coral and ramon / roman pass, at
     * the SOMEWHAT level this gives: weak evidence).
     */
    private static boolean typo(String a, String b, int maxEdits) {
        int shorter = Math.min(a.length(), b.length());
        if (Math.abs(a.length() - b.length()) > maxEdits) {
            return false;
        }
        boolean longEnough = shorter >= 3 * maxEdits + 1;
        if (longEnough && StringSimilarity.optimalStringAlignment(a, b) <= maxEdits) {
            return true;
        }
        if (maxEdits < 2) {
            return false;
        }
        return longEnough ? StringSimilarity.sameLetters(a, b) : shorter >= MIN_ANAGRAM_LETTERS && swappedOnce(a, b);
    }

    /**
     * Two letters swapped, the rest in place (jones / josen): one length, exactly two places differ, and
     * each holds the other's letter. The first letter may not be one of them (typists keep it).
     */
    private static boolean swappedOnce(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        int first = -1;
        int second = -1;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                if (first < 0) {
                    first = i;
                } else if (second < 0) {
                    second = i;
                } else {
                    return false;
                }
            }
        }
        return first > 0 && second > 0 && a.charAt(first) == b.charAt(second) && a.charAt(second) == b.charAt(first);
    }

    private static double similarity(Folded a, Folded b) {
        double plain = StringSimilarity.jaroWinkler(a.plain(), b.plain());
        if (a.hasDigraphs() || b.hasDigraphs()) {
            return Math.max(plain, StringSimilarity.jaroWinkler(a.digraph(), b.digraph()));
        }
        return plain;
    }

    private static boolean containsAll(List<String> longer, List<String> shorter) {
        if (longer.size() <= shorter.size()) {
            return false;
        }
        for (String token : shorter) {
            if (token.length() < 2 || !longer.contains(token)) {
                return false;
            }
        }
        return true;
    }

    /** Words that stand before a family name in many languages: nobiliary particles, articles, "son of". */
    private static final java.util.Set<String> PARTICLES = java.util.Set.of("van", "von", "vom", "zu", "der", "den",
            "het", "op", "ten", "ter", "de", "del", "della", "dello", "di", "da", "do", "dos", "das", "du", "des",
            "la", "le", "lo", "y", "e", "ben", "bin", "ibn", "bint", "al", "el", "abu");

    /**
     * The family name without its particles ({@code van der Berg} → {@code berg}, {@code García de la Torre}
     * → {@code garcia torre}), or the name itself when it has none or is nothing else.
     */
    private static Folded withoutParticles(Folded name, List<String> tokens) {
        boolean particle = false;
        boolean other = false;
        for (int i = 0; i < tokens.size(); i++) {
            if (isParticle(tokens, i)) {
                particle = true;
            } else {
                other = true;
            }
        }
        if (!particle || !other) {
            return name;
        }
        return new Folded(dropParticles(name.plain()), dropParticles(name.digraph()));
    }

    /**
     * A particle is one of {@link #PARTICLES} with a name after it: the last word is a name even when it is
     * spelled like one ({@code Nguyen Le}, {@code Tran Do}: Lê and Đỗ are family names).
     */
    private static boolean isParticle(List<String> tokens, int i) {
        return i < tokens.size() - 1 && PARTICLES.contains(tokens.get(i));
    }

    private static String dropParticles(String folded) {
        List<String> tokens = TextNormalizer.tokens(folded);
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < tokens.size(); i++) {
            if (!isParticle(tokens, i)) {
                out.append(out.length() == 0 ? "" : " ").append(tokens.get(i));
            }
        }
        return out.toString();
    }

    /**
     * The particles of a name as forms that spell the same word (der/den/de/di/da/do/dos/..., van/von,
     * al/el, ben/bin/ibn): two names whose particles differ otherwise ({@code Le Thi} / {@code Do Thi},
     * {@code Ben Ali} / {@code Abu Ali}) are not compared by what follows them alone.
     */
    private static List<String> particleForms(List<String> tokens) {
        List<String> forms = new java.util.ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (isParticle(tokens, i)) {
                String t = tokens.get(i);
                forms.add(switch (t) {
                    case "der", "den", "de", "del", "della", "dello", "di", "da", "do", "dos", "das", "du", "des" -> "d";
                    case "van", "von", "vom" -> "v";
                    case "al", "el" -> "al";
                    case "ben", "bin", "ibn", "bint" -> "ben";
                    case "la", "le", "lo" -> "l";
                    case "ten", "ter", "het", "op" -> "t";
                    default -> t;
                });
            }
        }
        return forms;
    }

    /**
     * True when two family names of several words share one and differ in another beyond a typo:
     * {@code García López} / {@code García Martínez} (a double name with another second surname: a cousin,
     * a half-sibling), {@code Smith Jones} / {@code Smith Brown}.
     */
    private static boolean otherNameBesideAShared(List<String> a, List<String> b) {
        if (a.size() < 2 || b.size() < 2) {
            return false;
        }
        boolean shared = false;
        for (String token : a) {
            shared |= token.length() >= 2 && b.contains(token);
        }
        if (!shared) {
            return false;
        }
        boolean leftA = false;
        for (String x : a) {
            if (b.contains(x)) {
                continue;
            }
            leftA = true;
            for (String y : b) {
                if (!a.contains(y) && alike(x, y)) {
                    return false;
                }
            }
        }
        if (!leftA) {
            return false;
        }
        for (String y : b) {
            if (!a.contains(y)) {
                return true;
            }
        }
        return false;
    }

    private static boolean alike(String x, String y) {
        if (x.length() == 1 || y.length() == 1) {
            return x.charAt(0) == y.charAt(0);
        }
        return StringSimilarity.jaroWinkler(x, y) >= NAME_SOMEWHAT || typo(x, y, 1) || typo(x, y, 2);
    }

    private static boolean nicknameOfFirst(List<String> tokens, String other) {
        return tokens.size() > 1 && Nicknames.builtIn().equivalent(tokens.get(0), other);
    }

    // ---- birth date

    /**
     * Years one typo apart: one digit wrong, one left out or added, or two neighbours swapped (1985 / 1958).
     * Another year with the same day and month but more than one digit changed (2018 / 2021) is what any
     * two people born on that day of the year show.
     */
    private static boolean yearTypo(int a, int b) {
        return StringSimilarity.withinOneEdit(Integer.toString(a), Integer.toString(b));
    }

    static ComparisonLevel birthDate(BirthDate a, BirthDate b) {
        if (a == null || b == null) {
            return MISSING;
        }
        if (a.equals(b)) {
            return EXACT;
        }
        int differences = (a.year() != b.year() ? 1 : 0) + (a.month() != b.month() ? 1 : 0)
                + (a.day() != b.day() ? 1 : 0);
        if (differences == 1) {
            // another year on the same day of the year is one difference when the year has one typo, else
            // what any two people born on that day show
            return a.year() == b.year() || yearTypo(a.year(), b.year()) ? ONE_DIFFERENCE : SOMEWHAT;
        }
        if (a.year() == b.year() && a.month() == b.day() && a.day() == b.month()) {
            return ONE_DIFFERENCE;
        }
        if (StringSimilarity.withinOneEdit(a.digits(), b.digits())) {
            return ONE_DIFFERENCE;
        }
        if (Math.abs(a.approximateDay() - b.approximateDay()) <= DATE_NEAR_DAYS
                || differingDigits(a.digits(), b.digits()) <= 2) {
            return SOMEWHAT;
        }
        return DIFFERENT;
    }

    private static int differingDigits(String a, String b) {
        int count = 0;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                count++;
            }
        }
        return count;
    }

    // ---- street

    static ComparisonLevel street(StreetAddress a, StreetAddress b) {
        if (a == null || b == null || a.name().isEmpty() || b.name().isEmpty()) {
            return MISSING;
        }
        NameAgreement name = streetName(a, b);
        NumberAgreement number = numbers(a.numbers(), b.numbers());
        if (name == NameAgreement.SAME) {
            return switch (number) {
                case SAME -> EXACT;
                case UNKNOWN -> a.numbers().isEmpty() && b.numbers().isEmpty() ? EXACT : CLOSE;
                case DIFFERENT -> OTHER_NUMBER;
            };
        }
        if (name == NameAgreement.CLOSE) {
            return switch (number) {
                case SAME -> CLOSE;
                case UNKNOWN -> SOMEWHAT;
                case DIFFERENT -> OTHER_NUMBER;
            };
        }
        if (name == NameAgreement.SOMEWHAT && number == NumberAgreement.SAME) {
            return SOMEWHAT;
        }
        return DIFFERENT;
    }

    private enum NameAgreement { SAME, CLOSE, SOMEWHAT, DIFFERENT }

    private enum NumberAgreement { SAME, UNKNOWN, DIFFERENT }

    private static NameAgreement streetName(StreetAddress a, StreetAddress b) {
        if (a.name().equals(b.name()) || a.compactName().equals(b.compactName())) {
            return NameAgreement.SAME;
        }
        if (!a.core().isEmpty() && a.core().equals(b.core())) {
            return NameAgreement.CLOSE;
        }
        double similarity = StringSimilarity.jaroWinkler(a.compactName(), b.compactName());
        if (similarity < STREET_CLOSE && shareWord(a.core(), b.core())) {
            similarity = Math.max(similarity, StringSimilarity.tokenSimilarity(
                    TextNormalizer.tokens(a.name()), TextNormalizer.tokens(b.name())));
        }
        if (similarity >= STREET_CLOSE) {
            return NameAgreement.CLOSE;
        }
        return similarity >= STREET_SOMEWHAT ? NameAgreement.SOMEWHAT : NameAgreement.DIFFERENT;
    }

    /** Cheap guard for the word-by-word comparison: only streets sharing a word can be word-order variants. */
    private static boolean shareWord(String a, String b) {
        if (a.indexOf(' ') < 0 && b.indexOf(' ') < 0) {
            return false;
        }
        List<String> words = TextNormalizer.tokens(a);
        for (String word : TextNormalizer.tokens(b)) {
            if (word.length() >= 3 && words.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static NumberAgreement numbers(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return NumberAgreement.UNKNOWN;
        }
        for (String number : a) {
            if (b.contains(number)) {
                return NumberAgreement.SAME;
            }
        }
        return NumberAgreement.DIFFERENT;
    }

    // ---- postcode, city, country

    private static String compactOrNull(String raw) {
        String code = TextNormalizer.fold(raw).replace(" ", "");
        return code.isEmpty() ? null : code;
    }

    static ComparisonLevel compactPostcode(String a, String b) {
        if (a == null || b == null) {
            return MISSING;
        }
        if (a.equals(b)) { // both are postcodeKey forms: leading zeros and country prefixes are gone already
            return EXACT;
        }
        if (Math.min(a.length(), b.length()) >= 3 && StringSimilarity.withinOneEdit(a, b)) {
            return CLOSE;
        }
        String areaA = postalArea(a);
        return areaA != null && areaA.equals(postalArea(b)) ? PREFIX : DIFFERENT;
    }

    /** UK-style codes: the outward code ({@code sw1a} of {@code sw1a1aa}); numeric codes: all but the last two digits, at least three. */
    private static String postalArea(String code) {
        boolean letters = false;
        boolean digits = false;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            letters |= Character.isLetter(c);
            digits |= Character.isDigit(c);
        }
        if (letters && digits && code.length() >= 5 && code.length() <= 7
                && Character.isDigit(code.charAt(code.length() - 3))) {
            return code.substring(0, code.length() - 3);
        }
        int length = Math.max(3, code.length() - 2);
        return code.length() > length ? code.substring(0, length) : null;
    }

    static ComparisonLevel city(Folded a, Folded b) {
        if (a == null || b == null) {
            return MISSING;
        }
        if (a.equivalent(b) || a.compact().equals(b.compact())) {
            return EXACT;
        }
        double similarity = similarity(a, b);
        if (similarity >= NAME_CLOSE) {
            return CLOSE;
        }
        // One typo where Jaro-Winkler is weak (a letter in front: ftelford / telford) is close only in
        // longer names: short towns one letter apart are often different places (Bolton / Boston,
        // Hull / Hall), and a close city lifts the namesake cap almost as an exact one does.
        boolean longEnough = Math.min(a.compact().length(), b.compact().length()) >= MIN_CITY_TYPO_LETTERS;
        if (similarity >= NAME_SOMEWHAT) {
            return longEnough && typo(a.compact(), b.compact(), 1) ? CLOSE : SOMEWHAT;
        }
        return similarity >= TYPO_FLOOR && typo(a.compact(), b.compact(), 2) ? SOMEWHAT : DIFFERENT;
    }

    static ComparisonLevel countryCode(String a, String b) {
        if (a == null || b == null) {
            return MISSING;
        }
        return a.equals(b) ? EXACT : DIFFERENT;
    }

    // ---- email and phone: the best agreement of any address on one side with any on the other

    static ComparisonLevel emails(List<EmailAddress> a, List<EmailAddress> b) {
        return emails(a, b, null);
    }

    /**
     * {@link #emails(List, List)}, except that mailbox names spelled only from the two records' names agree
     * with each other on nothing the names do not already say: {@code giusepperossi@libero.it} and {@code
     * giusepperossi@gmail.com}, {@code john.smith@} and {@code smith.john@} are what any two people of that
     * name would pick. Such a pair (the same mailbox name at another provider, or the name written
     * differently) counts as MISSING: neither agreement nor conflict, in the score and in the resolver's
     * contradiction checks. The same mailbox is still EXACT, the same mailbox name (dots aside) at a misspelt
     * domain still CLOSE, and a mailbox name with anything else in it (a number, another word, a name neither
     * record carries) keeps its level. So does any pair of two records with one given name and two surnames
     * ({@code surnameChanged}): then the mailbox carries a surname one record does not, as after a marriage.
     */
    static ComparisonLevel emails(PreparedRecord a, PreparedRecord b, boolean surnameChanged) {
        return emails(a.emails, b.emails, surnameChanged ? null : () -> nameParts(a, b));
    }

    /**
     * The best level of any pair; with {@code names} (the two records' name parts, asked for only when a
     * pair needs them), pairs whose mailbox names only spell those names do not count.
     */
    private static ComparisonLevel emails(List<EmailAddress> a, List<EmailAddress> b,
            java.util.function.Supplier<Set<String>> names) {
        if (a.isEmpty() || b.isEmpty()) {
            return MISSING;
        }
        ComparisonLevel best = DIFFERENT;
        boolean namesOnly = false;
        Set<String> parts = null;
        for (EmailAddress x : a) {
            for (EmailAddress y : b) {
                ComparisonLevel level = email(x, y);
                if (names != null && (level == LOCAL_PART || level == CLOSE) && !oneMailboxMisspelt(x, y)) {
                    if (parts == null) {
                        parts = names.get();
                    }
                    if (spelledByNames(x.words(), parts) && spelledByNames(y.words(), parts)) {
                        namesOnly = true;
                        continue;
                    }
                }
                if (MatchField.EMAIL.levels().indexOf(level) < MatchField.EMAIL.levels().indexOf(best)) {
                    best = level;
                }
            }
        }
        return best == DIFFERENT && namesOnly ? MISSING : best;
    }

    /** The same mailbox name, dots aside (Gmail ignores them), at a domain misspelt ({@code jackson.com} / {@code jack.son.com}). */
    private static boolean oneMailboxMisspelt(EmailAddress x, EmailAddress y) {
        return x.local().replace(".", "").equals(y.local().replace(".", "")) && misspeltDomain(x, y);
    }

    /** The words of both records' given names and surnames, in both spellings, and each name run together. */
    private static Set<String> nameParts(PreparedRecord a, PreparedRecord b) {
        Set<String> parts = new HashSet<>();
        for (Folded name : new Folded[] {a.firstName, a.lastName, b.firstName, b.lastName}) {
            if (name == null) {
                continue;
            }
            for (String spelling : new String[] {name.plain(), name.digraph()}) {
                for (String word : TextNormalizer.tokens(spelling)) {
                    parts.add(word); // one letter too: "J. Smith" spells j.smith@
                }
                String compact = spelling.replace(" ", "");
                if (!compact.isEmpty()) {
                    parts.add(compact);
                }
            }
        }
        return parts;
    }

    /**
     * True when a mailbox name, without its dots, dashes and underscores, is made of at most three pieces,
     * each one of {@code names} or the initial of one, at least one of them a whole name ({@code
     * annawisniewska}, {@code p.nowak}, {@code smith.john}); false for anything with a digit or another word.
     */
    static boolean spelledByNames(String mailbox, Set<String> names) {
        int longest = 0;
        for (String name : names) {
            longest = Math.max(longest, name.length());
        }
        if (longest == 0 || mailbox.length() > 3 * longest + 2) {
            return false; // three pieces and their separators cannot make it; also bounds the work
        }
        StringBuilder letters = new StringBuilder(mailbox.length());
        for (int i = 0; i < mailbox.length(); i++) {
            char c = mailbox.charAt(i);
            if (c >= 'a' && c <= 'z') {
                letters.append(c);
            } else if (c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return letters.length() > 0 && spelled(letters.toString(), 0, names, 3, false);
    }

    private static boolean spelled(String letters, int from, Set<String> names, int pieces, boolean whole) {
        if (from == letters.length()) {
            return whole;
        }
        if (pieces == 0) {
            return false;
        }
        for (String name : names) {
            if (!name.isEmpty() && letters.startsWith(name, from)
                    && spelled(letters, from + name.length(), names, pieces - 1, true)) {
                return true;
            }
        }
        char initial = letters.charAt(from);
        for (String name : names) {
            if (!name.isEmpty() && name.charAt(0) == initial) {
                return spelled(letters, from + 1, names, pieces - 1, whole);
            }
        }
        return false;
    }

    /** Two domains one misspelt from the other ({@code gmail.com} / {@code gmial.com}), not two providers. */
    private static boolean misspeltDomain(EmailAddress a, EmailAddress b) {
        return !EmailAddress.otherProvider(a.domain(), b.domain())
                && StringSimilarity.jaroWinkler(a.domain(), b.domain()) >= EMAIL_CLOSE;
    }

    /**
     * The same characters in another order with the same numbers, in addresses long enough for that not to
     * happen by chance. Cheapest first: namesakes' look-alike addresses usually have the same length, and
     * their numbers differ, so the sort behind sameLetters is seldom reached.
     */
    private static boolean shuffled(EmailAddress a, EmailAddress b) {
        return a.full().length() >= 8 && a.full().length() == b.full().length()
                && digits(a.full()).equals(digits(b.full())) && StringSimilarity.sameLetters(a.full(), b.full());
    }

    /** Mailbox names of one length that differ in one place only, where one has a digit and the other a letter. */
    private static boolean digitMistyped(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        int at = -1;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                if (at >= 0) {
                    return false;
                }
                at = i;
            }
        }
        return at >= 0 && Character.isDigit(a.charAt(at)) != Character.isDigit(b.charAt(at))
                && Character.isLetter(a.charAt(at)) != Character.isLetter(b.charAt(at));
    }

    private static ComparisonLevel email(EmailAddress a, EmailAddress b) {
        if (a.full().equals(b.full())) {
            return EXACT;
        }
        boolean sameDomain = a.domain().equals(b.domain());
        if (a.local().equals(b.local())) {
            if (misspeltDomain(a, b)) {
                return CLOSE;
            }
            return a.personalLocalPart() ? LOCAL_PART : DIFFERENT;
        }
        if (!a.personalLocalPart() || !b.personalLocalPart()) {
            // initials (f.j@ and f.s@sharp.com) are two people of one household, unless the letters only moved
            // between mailbox name and domain (f.j@sharp.com / f.s@jharp.com): the same characters, the domain
            // changed with them; role names (admin@mail.com / mail@admin.com) are not initials
            return !sameDomain && a.local().length() < 4 && b.local().length() < 4 && shuffled(a, b)
                    ? CLOSE : DIFFERENT;
        }
        if (shuffled(a, b)) {
            // the same characters in another order, numbers kept: typed in a hurry, not another mailbox
            // (namesakes' numbered mailboxes differ in their numbers, also when those are permuted)
            return CLOSE;
        }
        // Namesakes have look-alike addresses (john.smith12@, john.smith47@, john.smith21@ and
        // john.smith213@): the numbers in the mailbox name tell them apart, so numbers that differ make
        // the addresses different, unless the same four or more digits were merely swapped (a typo, 1985 /
        // 1958; two-digit numbers such as 12 / 21 are too often two people's). This
        // takes a linear scan instead of the full distance (namesakes are common in large data, and this
        // pair of distances was the resolver's largest CPU cost on a CRM import).
        String digitsA = digits(a.local());
        String digitsB = digits(b.local());
        if (!digitsA.equals(digitsB)) {
            if (!digitsA.isEmpty() && !digitsB.isEmpty() && digitMistyped(a.local(), b.local())
                    && (sameDomain || StringSimilarity.jaroWinkler(a.domain(), b.domain()) >= EMAIL_CLOSE)) {
                // poppy.fox63 / poppy.foxo3, j0hn.smith12 / john.smith12: one character typed as a digit instead
                // of a letter or the other way round, not another number (a mailbox with a number and one
                // without, john.smith1 / john.smithk, stay two)
                return CLOSE;
            }
            return digitsA.length() >= 4 && StringSimilarity.sameLetters(digitsA, digitsB)
                    && StringSimilarity.withinOneEdit(a.full(), b.full())
                    && StringSimilarity.jaroWinkler(a.full(), b.full()) >= EMAIL_CLOSE ? CLOSE : DIFFERENT;
        }
        if (StringSimilarity.jaroWinkler(a.full(), b.full()) < EMAIL_CLOSE || otherNameInMailbox(a.words(), b.words())) {
            return DIFFERENT;
        }
        int edits = StringSimilarity.damerauLevenshtein(a.full(), b.full());
        if (edits <= 1) {
            return CLOSE;
        }
        if ((edits <= 2
                || (StringSimilarity.jaroWinkler(a.local(), b.local()) >= EMAIL_CLOSE && (sameDomain
                        || StringSimilarity.jaroWinkler(a.domain(), b.domain()) >= EMAIL_CLOSE)))) {
            return CLOSE;
        }
        return DIFFERENT;
    }

    /**
     * True when two mailbox names made of the same number of words ({@code john.smith}, {@code j_smith})
     * differ in one word by more than a typo: {@code john.smith@} / {@code jane.smith@} at one company,
     * {@code mark.jones@} / {@code mary.jones@} at one provider are two members of a family, not one
     * address typed twice. Words of four letters or fewer that differ at all, other than by two letters
     * swapped, are other names; longer ones need two or more edits ({@code payne} / {@code payn} is a typo). Digits are left out (the numbers are
     * compared on their own), so {@code e.richards16} / {@code 1.richardse6}, a garbled copy, is not
     * read as the other name "1".
     */
    static boolean otherNameInMailbox(String a, String b) {
        int words = wordCount(a);
        if (words < 2 || words != wordCount(b)) {
            return false;
        }
        int startA = 0;
        int startB = 0;
        for (int w = 0; w < words; w++) {
            int endA = nextSeparator(a, startA);
            int endB = nextSeparator(b, startB);
            // the numbers were compared before: the letters are the name (a word of digits is none)
            String x = letters(a.substring(startA, endA));
            String y = letters(b.substring(startB, endB));
            if (!x.equals(y) && !x.isEmpty() && !y.isEmpty()) {
                boolean shortWord = Math.max(x.length(), y.length()) <= 4;
                // a short word: two letters swapped, or one left out of a word of three or more (jon / john,
                // ann / anne), or forms of one name; another letter in its place is another name (mark / mary)
                boolean typo = shortWord
                        ? (x.length() == y.length() && StringSimilarity.sameLetters(x, y)
                                && StringSimilarity.optimalStringAlignment(x, y) <= 1)
                                || (Math.abs(x.length() - y.length()) == 1 && Math.min(x.length(), y.length()) >= 3
                                        && StringSimilarity.optimalStringAlignment(x, y) <= 1)
                                || Nicknames.builtIn().equivalent(x, y)
                        : StringSimilarity.optimalStringAlignment(x, y) <= 1;
                if (!typo) {
                    return true;
                }
            }
            startA = endA + 1;
            startB = endB + 1;
        }
        return false;
    }

    private static String letters(String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c >= '0' && c <= '9') {
                StringBuilder out = new StringBuilder(word.length());
                for (int k = 0; k < word.length(); k++) {
                    char d = word.charAt(k);
                    if (d < '0' || d > '9') {
                        out.append(d);
                    }
                }
                return out.toString();
            }
        }
        return word;
    }

    private static int wordCount(String local) {
        int words = 1;
        for (int i = 0; i < local.length(); i++) {
            if (isMailboxSeparator(local.charAt(i))) {
                words++;
            }
        }
        return words;
    }

    private static int nextSeparator(String local, int from) {
        int i = from;
        while (i < local.length() && !isMailboxSeparator(local.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isMailboxSeparator(char c) {
        return c == '.' || c == '_' || c == '-';
    }

    private static String digits(String text) {
        StringBuilder digits = new StringBuilder(4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    static ComparisonLevel phones(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return MISSING;
        }
        ComparisonLevel best = null;
        for (String x : a) {
            for (String y : b) {
                ComparisonLevel level = phoneDigits(x, y);
                if (level != MISSING && (best == null
                        || MatchField.PHONE.levels().indexOf(level) < MatchField.PHONE.levels().indexOf(best))) {
                    best = level;
                }
            }
        }
        return best == null ? MISSING : best; // only a company's line beside a desk on it: nothing compared
    }

    /** The same number, written with its country code or its trunk prefix (the last subscriber digits). */
    private static boolean sameLine(String a, String b) {
        int n = PHONE_SUBSCRIBER_DIGITS;
        return a.equals(b) || a.length() >= n && b.length() >= n && a.regionMatches(a.length() - n, b, b.length() - n, n);
    }

    /** A prepared number without its extension ({@code 442079460000x12} → {@code 442079460000}). */
    static String mainNumber(String number) {
        int x = number.indexOf('x');
        return x < 0 ? number : number.substring(0, x);
    }

    /**
     * Two prepared numbers ({@link PreparedRecord}: digits, an extension after {@code x}). One number with
     * two extensions is two desks behind one switchboard: two colleagues, DIFFERENT. One number with an
     * extension and without says nothing either way: the bare number is the company's line, which every
     * colleague shares (as agreement it merged colleagues; as disagreement it would split a person whose web
     * form left the extension out), so the pair compares as MISSING.
     */
    private static ComparisonLevel phoneDigits(String a, String b) {
        if (a.equals(b)) {
            return EXACT;
        }
        String mainA = mainNumber(a);
        String mainB = mainNumber(b);
        boolean extA = mainA.length() < a.length();
        boolean extB = mainB.length() < b.length();
        if (extA || extB) {
            if (extA && extB && !a.substring(mainA.length()).equals(b.substring(mainB.length()))) {
                return DIFFERENT;
            }
            if (extA != extB && sameLine(mainA, mainB)) {
                return MISSING;
            }
            // one extension at another number, or the same extension twice: the numbers decide
            a = mainA;
            b = mainB;
            if (a.equals(b)) {
                return EXACT;
            }
        }
        int n = PHONE_SUBSCRIBER_DIGITS;
        if (sameLine(a, b)) {
            return LAST_DIGITS;
        }
        // Two digits swapped is a typo; one digit another is as often the next extension or line of one
        // office or family (…7741 / …7742), and a CLOSE phone is strong evidence and identifier agreement.
        if (a.length() == b.length() && a.length() >= n && StringSimilarity.sameLetters(a, b)
                && StringSimilarity.withinOneEdit(a, b)) {
            return CLOSE;
        }
        return DIFFERENT;
    }
}
