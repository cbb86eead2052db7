package dev.tessera.core.identity.match;

import dev.tessera.core.identity.match.TextNormalizer.Folded;
import dev.tessera.core.model.CustomerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Blocking keys: short strings such that two records of the same person almost always share at least one,
 * while records of different people rarely do. A resolver compares a new record only with the records that
 * share one of its keys.
 *
 * <p>Each key starts with the rule that made it ("name" below is the {@link Phonetic#key phonetic key} of a
 * first or last name; both go under the same rule, so swapped names still meet):
 * <ul>
 *   <li>{@code d:} full birth date; {@code dn:} birth date and a name; {@code mn:} month, day and a name
 *       (survives a wrong year); {@code yn:} birth year and a name (survives a wrong month or day);</li>
 *   <li>{@code nn:} both names, in sorted order; {@code ni:} one name and the other's initial;</li>
 *   <li>{@code e:} email; {@code el:} its mailbox name when personal; {@code ep:} the mailbox name's
 *       phonetic key (survives typos); {@code p:} the last 8 phone digits;</li>
 *   <li>{@code an:} postcode and a name; {@code ah:} postcode, house number and the street's first letter;
 *       {@code cn:} city and a name.</li>
 * </ul>
 * Given names known as nicknames also produce keys for their formal names (Bob → Robert). Every field is
 * left out by several rules, so one typo in any single field, or swapped names, still leave a shared key.
 * A few rules make large blocks in large data (a common surname in a big city): a resolver should skip
 * keys whose block has grown beyond a limit, as {@link EmEstimator} does. Keys carry personal data: hash
 * them before they are stored or logged. Pure and thread-safe.
 */
public final class BlockingKeys {

    private BlockingKeys() {}

    /** The keys of a record, sorted. */
    public static Set<String> keys(CustomerRecord record) {
        return keys(PreparedRecord.of(record));
    }

    /** The keys of a prepared record, sorted. */
    public static Set<String> keys(PreparedRecord r) {
        Set<String> keys = new TreeSet<>();
        List<String> first = firstNameKeys(r.firstName);
        List<String> last = nameKeys(r.lastName);
        String firstInitial = initial(r.firstName);
        String lastInitial = initial(r.lastName);
        String date = r.birthDate == null ? null : r.birthDate.digits();
        String year = r.birthDate == null ? null : Integer.toString(r.birthDate.year());

        if (date != null) {
            keys.add("d:" + date);
            String monthDay = date.substring(4);
            for (String name : first) {
                keys.add("dn:" + date + "|" + name);
                keys.add("mn:" + monthDay + "|" + name);
            }
            for (String name : last) {
                keys.add("dn:" + date + "|" + name);
                keys.add("mn:" + monthDay + "|" + name);
            }
        }
        for (String f : first) {
            for (String l : last) {
                keys.add(fullNameKey(f, l));
            }
        }
        if (lastInitial != null) {
            for (String f : first) {
                keys.add("ni:" + f + "|" + lastInitial);
            }
        }
        if (firstInitial != null) {
            for (String l : last) {
                keys.add("ni:" + l + "|" + firstInitial);
            }
        }
        if (year != null) {
            for (String f : first) {
                keys.add("yn:" + year + "|" + f);
            }
            for (String l : last) {
                keys.add("yn:" + year + "|" + l);
            }
        }
        for (EmailAddress email : r.emails) {
            keys.add("e:" + email.full());
            if (email.personalLocalPart()) {
                keys.add("el:" + email.local());
                String sound = Phonetic.key(email.local());
                if (sound.length() >= 3) {
                    keys.add("ep:" + sound);
                }
            }
        }
        for (String number : r.phones) {
            // the number without its extension: colleagues behind one switchboard share the block
            String phone = FieldComparators.mainNumber(number);
            keys.add("p:" + (phone.length() > 8 ? phone.substring(phone.length() - 8) : phone));
        }
        if (r.postcode != null) {
            for (String l : last) {
                keys.add("an:" + r.postcode + "|" + l);
            }
            for (String f : first) {
                keys.add("an:" + r.postcode + "|" + f);
            }
            if (r.street != null && !r.street.numbers().isEmpty() && !r.street.name().isEmpty()) {
                keys.add("ah:" + r.postcode + "|" + r.street.numbers().get(0) + "|" + r.street.name().charAt(0));
            }
        }
        if (r.city != null) {
            String city = cityKey(r);
            for (String name : first) {
                keys.add(cityNameKey(city, name));
            }
            for (String name : last) {
                keys.add(cityNameKey(city, name));
            }
        }
        return keys;
    }

    /**
     * The keys whose block sizes bound how many profiles could be this record's namesakes in its city:
     * its full name ({@code nn:}), its given name in its city and its surname in its city ({@code cn:}),
     * each as {@link #keys} files them; empty without a given name, surname or city. See {@link
     * MatchModel.CommonName}.
     */
    public static List<String> namesakeKeys(PreparedRecord r) {
        List<String> first = nameKeys(r.firstName);
        List<String> last = nameKeys(r.lastName);
        if (first.isEmpty() || last.isEmpty() || r.city == null) {
            return List.of();
        }
        String f = first.get(0);
        String l = last.get(0);
        String city = cityKey(r);
        return List.of(fullNameKey(f, l), cityNameKey(city, f), cityNameKey(city, l));
    }

    /** Both names' keys in sorted order, so swapped names meet. */
    private static String fullNameKey(String first, String last) {
        return "nn:" + (first.compareTo(last) <= 0 ? first + "|" + last : last + "|" + first);
    }

    private static String cityKey(PreparedRecord r) {
        return Phonetic.key(r.city.plain());
    }

    private static String cityNameKey(String city, String name) {
        return "cn:" + city + "|" + name;
    }

    private static List<String> nameKeys(Folded name) {
        if (name == null) {
            return List.of();
        }
        String key = Phonetic.key(name.compact());
        return key.isEmpty() ? List.of() : List.of(key);
    }

    private static List<String> firstNameKeys(Folded name) {
        List<String> own = nameKeys(name);
        if (own.isEmpty()) {
            return own;
        }
        List<String> keys = new ArrayList<>(own);
        String firstWord = TextNormalizer.tokens(name.plain()).get(0);
        for (String formal : Nicknames.builtIn().formalNames(firstWord)) {
            String key = Phonetic.key(formal);
            if (!key.isEmpty() && !keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String initial(Folded name) {
        return name == null ? null : name.plain().substring(0, 1);
    }
}
