package dev.tessera.core.identity.match;

import dev.tessera.core.identity.match.TextNormalizer.Folded;
import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link CustomerRecord} with every field the matcher compares already folded and parsed, so that one
 * record compared against many candidates is normalised once. Immutable and thread-safe.
 *
 * <p>Emails and phones come from the record's identifiers (already normalised); when a record has none of a
 * kind, the {@code email}/{@code phone} attribute is used as written.
 */
public final class PreparedRecord {

    /** Forms of address written before a name, lower-case and without the full stop. */
    private static final java.util.Set<String> TITLES = java.util.Set.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof",
            "sir", "dame", "herr", "frau", "mme", "mlle", "sr", "sra", "srta", "sig", "sigra", "dott", "ing");

    /** The name without the titles in front of it; a name that is only a title stays as it is. */
    static String withoutTitles(String name) {
        String rest = name;
        while (true) {
            int space = rest.indexOf(' ');
            if (space < 0 || !TITLES.contains(rest.substring(0, space).replace(".", "").toLowerCase(java.util.Locale.ROOT))) {
                return rest;
            }
            rest = rest.substring(space + 1).strip();
        }
    }

    private static final int MIN_PHONE_DIGITS = 6;

    private final CustomerRecord record;
    final Folded firstName;
    final Folded lastName;
    final BirthDate birthDate;
    final StreetAddress street;
    final String postcode;
    final Folded city;
    final String country;
    final List<EmailAddress> emails;
    final List<String> phones;

    /**
     * Characters of a name, street or city compared at most: real values are far shorter, and comparisons
     * such as Jaro–Winkler cost the product of two lengths (two 100,000-character "names" would hold a
     * resolving thread for minutes). The stored record keeps the whole value.
     */
    static final int MAX_COMPARED = 200;

    private static String head(String value) {
        return value == null || value.length() <= MAX_COMPARED ? value : value.substring(0, MAX_COMPARED);
    }

    private PreparedRecord(CustomerRecord record) {
        this.record = record;
        var attributes = record.attributes();
        String first = head(attributes.get(Attributes.FIRST_NAME));
        String last = head(attributes.get(Attributes.LAST_NAME));
        if ((last == null || last.isBlank()) && first != null) {
            // a whole name in the given-name field (a source with one "name" column): "Jane Doe" or "Doe, Jane",
            // without a title in front ("Dr. Jane Doe" is not given name "Dr.")
            String whole = withoutTitles(first.strip());
            int comma = whole.indexOf(',');
            int space = whole.indexOf(' ');
            if (comma > 0 && comma < whole.length() - 1) {
                last = whole.substring(0, comma);
                first = whole.substring(comma + 1);
            } else if (space > 0) {
                last = whole.substring(space + 1);
                first = whole.substring(0, space);
            } else {
                first = whole;
            }
        }
        firstName = TextNormalizer.folded(first);
        lastName = TextNormalizer.folded(last);
        birthDate = BirthDate.parse(attributes.get(Attributes.BIRTH_DATE));
        street = StreetAddress.parse(head(attributes.get(Attributes.STREET)));
        String code = TextNormalizer.fold(attributes.get(Attributes.POSTCODE)).replace(" ", "");
        postcode = code.isEmpty() ? null : FieldComparators.postcodeKey(code);
        city = Cities.canonical(TextNormalizer.folded(head(attributes.get(Attributes.CITY))),
                Countries.isoCode(attributes.get(Attributes.COUNTRY)).orElse(null));
        country = Countries.code(attributes.get(Attributes.COUNTRY));
        List<EmailAddress> mails = new ArrayList<>(1);
        List<String> numbers = new ArrayList<>(1);
        for (Identifier identifier : record.identifiers()) {
            if (identifier.type() == IdentifierType.EMAIL) {
                addEmail(mails, identifier.value());
            } else if (identifier.type() == IdentifierType.PHONE) {
                addPhone(numbers, identifier.value());
            }
        }
        if (mails.isEmpty()) {
            addEmail(mails, attributes.get(Attributes.EMAIL));
        }
        if (numbers.isEmpty()) {
            addPhone(numbers, attributes.get(Attributes.PHONE));
        }
        emails = List.copyOf(mails);
        phones = List.copyOf(numbers);
    }

    /** Prepares a record for comparison. */
    public static PreparedRecord of(CustomerRecord record) {
        return new PreparedRecord(Objects.requireNonNull(record, "record"));
    }

    /** The record this was prepared from. */
    public CustomerRecord record() {
        return record;
    }

    private static void addEmail(List<EmailAddress> mails, String raw) {
        EmailAddress email = EmailAddress.parse(raw);
        if (email != null && !mails.contains(email)) {
            mails.add(email);
        }
    }

    /**
     * A number as its digits, an extension after an {@code x} ({@code 442079460000x12}): from a normalised
     * identifier ({@code ;ext=}) or from a raw attribute ({@code ext. 12}, {@code x12}, {@code #12} at the
     * end), so that the extension's digits are not read as part of the number.
     */
    private static void addPhone(List<String> numbers, String raw) {
        String number = phone(raw);
        if (number != null && !numbers.contains(number)) {
            numbers.add(number);
        }
    }

    /** {@link #addPhone}'s form of one number; null for none (too few digits). */
    static String phone(String raw) {
        if (raw == null) {
            return null;
        }
        String main = raw;
        String extension = "";
        int at = raw.indexOf(";ext=");
        if (at >= 0) {
            main = raw.substring(0, at);
            extension = digitsOf(raw.substring(at + 5));
        } else {
            java.util.regex.Matcher m = RAW_EXTENSION.matcher(raw);
            if (m.find()) {
                main = raw.substring(0, m.start());
                extension = m.group(1);
            }
        }
        String digits = digitsOf(main);
        if (digits.length() < MIN_PHONE_DIGITS) {
            return null;
        }
        // as the normaliser keeps one: up to 7 digits, not all zeros; 012 and 12 are one desk
        String desk = extension.replaceFirst("^0+", "");
        return desk.isEmpty() || extension.length() > 7 ? digits : digits + "x" + desk;
    }

    /** An extension written after a number: "ext. 12", "extension 12", "x12", "#12", at the end. */
    private static final java.util.regex.Pattern RAW_EXTENSION = java.util.regex.Pattern.compile(
            "(?i)(?<=[0-9)]\\s{0,3})(?:ext\\.?|extension|x|#)\\s*([0-9]+)\\s*$");

    private static String digitsOf(String raw) {
        StringBuilder digits = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }
}
