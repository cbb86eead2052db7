package dev.tessera.core.normalize;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Normalises phone numbers to E.164 with Google's libphonenumber, an extension kept after {@value #EXTENSION}
 * ({@code +44 20 7946 0000 ext. 12} → {@code +442079460000;ext=12}). Numbers without a country prefix are
 * read in the configured default region.
 */
public final class PhoneNormalizer {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private final String defaultRegion;

    public PhoneNormalizer(String defaultRegion) {
        Objects.requireNonNull(defaultRegion, "default region");
        String region = defaultRegion.toUpperCase(Locale.ROOT);
        if (!UTIL.getSupportedRegions().contains(region)) {
            throw new IllegalArgumentException("unknown phone region '" + defaultRegion + "' (use an ISO 3166 code such as GB or US)");
        }
        this.defaultRegion = region;
    }

    public String defaultRegion() {
        return defaultRegion;
    }

    /** A label in parentheses ("(mobile)", "(home)"): words, not digits. */
    private static final java.util.regex.Pattern LABEL_IN_PARENTHESES = java.util.regex.Pattern.compile(
            "\\([^()0-9]*\\p{L}[^()0-9]*\\)");
    /** A label in front ("Mobile: ", "Tel.: "); not a {@code tel:} URI, which libphonenumber reads itself. */
    private static final java.util.regex.Pattern LEADING_LABEL = java.util.regex.Pattern.compile(
            "^(?!tel:)[\\p{L}][\\p{L} .]{0,19}:\\s*", java.util.regex.Pattern.CASE_INSENSITIVE);
    /**
     * What separates several numbers in one cell: a semicolon, comma or bar, a slash with spaces around
     * it, or "or"/"and". A slash without spaces is part of a number ("030/1234567", German style).
     */
    private static final java.util.regex.Pattern SEPARATOR = java.util.regex.Pattern.compile(
            "\\s*[;,|]\\s*|\\s+/\\s+|\\s+(?:or|and|oder|ou|o)\\s+", java.util.regex.Pattern.CASE_INSENSITIVE);
    /** Digits a part of a split value needs to count as a number (fragments such as "0170" do not). */
    private static final int MIN_DIGITS_OF_A_PART = 7;
    /** Most numbers one cell is read as. */
    static final int MAX_NUMBERS_PER_VALUE = 4;

    /**
     * Every number in a value that may hold several ("020 7946 0958 / 07700 900123"): the value itself
     * when it is one number (so "030/1234567", a Berlin number written with a slash, stays one), else
     * each part between separators that is a number, at most {@value #MAX_NUMBERS_PER_VALUE}, in order,
     * without repeats.
     */
    public java.util.List<String> normalizeAll(String raw) {
        Optional<String> whole = normalize(raw);
        if (whole.isPresent()) {
            return java.util.List.of(whole.get());
        }
        if (raw == null || raw.length() > 64 * MAX_NUMBERS_PER_VALUE) {
            return java.util.List.of();
        }
        java.util.LinkedHashSet<String> numbers = new java.util.LinkedHashSet<>();
        for (String part : SEPARATOR.split(raw, MAX_NUMBERS_PER_VALUE + 1)) {
            if (part.chars().filter(Character::isDigit).count() < MIN_DIGITS_OF_A_PART) {
                continue;
            }
            normalize(part).ifPresent(numbers::add);
            if (numbers.size() == MAX_NUMBERS_PER_VALUE) {
                break;
            }
        }
        return java.util.List.copyOf(numbers);
    }

    public Optional<String> normalize(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > 64) {
            return Optional.empty();
        }
        // labels are words: most numbers have no letter and skip both patterns
        String value = raw.chars().noneMatch(Character::isLetter) ? raw.strip()
                : LEADING_LABEL.matcher(LABEL_IN_PARENTHESES.matcher(raw).replaceAll(" ").strip()).replaceFirst("").strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        boolean labelled = LABELLED_EXTENSION.matcher(value).find();
        // 00 is the international prefix of most of the world and is read as +, also in regions with another
        // one (a number copied from a European form); but where the region's own prefix starts with 00
        // (Australia's 0011) the number is the parser's to read as written. Both readings are tried and a
        // valid number wins, + first: reading every 00 number as written turned 0049... in Australia, Japan or
        // Singapore into a possible but wrong national number, and reading 0011 as + made it +11...
        if (value.startsWith("00")) {
            PhoneNumber plus = number("+" + value.substring(2));
            if (plus != null && UTIL.isValidNumber(plus)) {
                return e164(plus, labelled);
            }
            PhoneNumber written = number(value);
            if (written != null && UTIL.isValidNumber(written)) {
                return e164(written, labelled);
            }
            return e164(plus != null ? plus : written, labelled);
        }
        return parse(value, labelled);
    }

    /** The number when it parses and is a possible one, else null. */
    private PhoneNumber number(String value) {
        try {
            PhoneNumber number = UTIL.parse(value, defaultRegion);
            // "Possible" rather than "valid": real CRMs hold numbers from ranges libphonenumber's metadata
            // does not list yet, and rejecting them would split profiles.
            return UTIL.isPossibleNumber(number) && !placeholder(number) ? number : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /**
     * A number written to fill a required field, not to reach anyone: one digit repeated after the trunk
     * prefix (0000000000, 999-999-9999, 07777 777777). As an identifier it would tie strangers together as one phone, and erasing
     * one of them would refuse everyone else's records carrying it.
     */
    static boolean placeholder(PhoneNumber number) {
        // the significant number keeps Italy's leading zero (06 666666 is a Rome number, not sixes)
        String significant = UTIL.getNationalSignificantNumber(number);
        return significant.chars().distinct().count() == 1;
    }

    private Optional<String> parse(String value, boolean labelled) {
        return e164(number(value), labelled);
    }

    /**
     * An extension as the text labels it ("ext", "x", "#", "extension", or {@code ;ext=} of a {@code tel:}
     * URI). libphonenumber also reads digits after a comma or semicolon as one, which is how a second number
     * in the same cell reads ("020 7946 0958, 4960002"): those stay out of the identifier.
     */
    private static final java.util.regex.Pattern LABELLED_EXTENSION = java.util.regex.Pattern.compile(
            "(?i)(?:;ext=|\\bext\\.?|\\bextension|[0-9)\\s]x|#)\\s*[0-9]+\\s*$");

    /**
     * E.164, and the extension when the number has one, as RFC 3966 writes it ({@code +442079460000;ext=12}):
     * colleagues behind one switchboard share its number and differ in their extensions, so without them
     * every colleague's record carried the same phone (one identifier for the whole company, and erasing one
     * person refused everyone's records with it).
     */
    private static Optional<String> e164(PhoneNumber number, boolean labelled) {
        if (number == null) {
            return Optional.empty();
        }
        if (number.hasExtension() && !labelled) {
            number = new PhoneNumber().mergeFrom(number).clearExtension();
        }
        String main = UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        String extension = number.hasExtension() ? number.getExtension().replaceFirst("^0+", "") : "";
        boolean digits = !extension.isEmpty() && extension.length() <= MAX_EXTENSION_DIGITS
                && extension.chars().allMatch(c -> c >= '0' && c <= '9');
        return Optional.of(digits ? main + EXTENSION + extension : main); // 012 and 12 are one desk
    }

    /** What separates a normalised number from its extension. */
    public static final String EXTENSION = ";ext=";
    /** Most digits of an extension kept (libphonenumber reads up to 7; longer ones are typing, not a desk). */
    private static final int MAX_EXTENSION_DIGITS = 7;

    /** A normalised number without its extension ({@code +442079460000;ext=12} → {@code +442079460000}). */
    public static String withoutExtension(String normalized) {
        int at = normalized.indexOf(EXTENSION);
        return at < 0 ? normalized : normalized.substring(0, at);
    }
}
