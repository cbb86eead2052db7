package dev.tessera.core.identity.match;

import dev.tessera.core.identity.match.MatchTestData.Labelled;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.SourceRecordId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generated people from several countries, living partly in households (shared surname, address and
 * landline; given names differ within a household), each described by one to three records with typos, nicknames, swapped or missing values,
 * moves and changed email domains. Deterministic for a seed. A sanity check for generality, not a
 * benchmark: the noise is ours.
 */
final class SyntheticPeople {

    private static final String[] FIRST = {"James", "Robert", "Mary", "Elizabeth", "Margaret", "William", "Jürgen",
        "Sören", "Björn", "Åsa", "Zoë", "José", "María", "François", "Hélène", "Giuseppe", "Łukasz", "Małgorzata",
        "Sergei", "Olga", "Mohammed", "Fatima", "Wei", "Mei", "Aoife", "Siobhán", "Niamh", "Ingrid", "Lars",
        "Henrik", "Anna", "Peter", "Thomas", "Sophie", "Emma", "Lukas", "Leon", "Mia", "Hannah", "Ben", "Chloé",
        "Matteo", "Giulia", "Pablo", "Lucía", "Jan", "Eva", "Noah", "Liam", "Olivia", "Amelia", "Isla", "Jack",
        "Oscar", "Freya", "Catherine", "Michael", "Richard", "Patricia", "Jennifer", "Daniel", "Joseph", "Susan"};
    private static final String[] LAST = {"Smith", "Jones", "Müller", "Schmidt", "Meyer", "Schneider", "García",
        "Fernández", "López", "Martin", "Bernard", "Dubois", "Rossi", "Russo", "Nowak", "Kowalski", "Ivanov",
        "Petrov", "Nguyen", "Kim", "Andersen", "Jørgensen", "Nielsen", "Johansson", "Öberg", "O'Brien", "Murphy",
        "Kelly", "Taylor", "Brown", "Wilson", "van der Berg", "de Vries", "Jansen", "Bakker", "Fischer", "Weber",
        "Wagner", "Becker", "Hoffmann", "Leroy", "Moreau", "Romano", "Colombo", "Silva", "Santos", "Costa",
        "Novak", "Horvat", "Kovács", "Nagy", "Papadopoulos", "Yilmaz", "Kaya", "Walker", "Wright", "Thompson",
        "Evans", "Roberts", "Lewis", "Hughes", "Edwards", "Green", "Hall", "Wood", "Clarke", "Jackson", "White"};
    private static final String[] STREET = {"High", "Church", "Station", "Park", "Mill", "Linden", "Haupt", "Berg",
        "Garten", "Schiller", "Goethe", "Victoria", "Albert", "King", "Queen", "Oak", "Elm", "Maple", "Birch",
        "Rose", "Kirke", "Skole", "Storgata", "Molen", "Kerk", "Dorf", "Wald", "Wiesen", "Bahnhof", "Sonnen"};
    private static final String[][] TYPES = {{"Street", "St", "St."}, {"Road", "Rd"}, {"Avenue", "Ave"},
        {"straße", "str.", "strasse"}, {"weg", "weg"}, {"Lane", "Ln"}, {"Close", "Cl"}, {"Drive", "Dr"}};
    private static final String[] CITY = {"London", "Leeds", "München", "Köln", "Berlin", "Hamburg", "Paris",
        "Lyon", "Madrid", "Sevilla", "Roma", "Milano", "Warszawa", "Kraków", "København", "Århus", "Malmö",
        "Göteborg", "Dublin", "Cork", "Amsterdam", "Utrecht", "Wien", "Zürich", "Oslo", "Bergen", "Lisboa",
        "Porto", "Praha", "Budapest", "Athína", "İstanbul", "Melbourne", "Sydney", "Toronto", "Boston"};
    private static final String[] DOMAINS = {"gmail.com", "outlook.com", "web.de", "orange.fr", "yahoo.co.uk",
        "gmx.de", "libero.it", "wp.pl", "mail.ru", "icloud.com"};
    private static final Map<String, String> NICKNAMES = Map.of("James", "Jim", "Robert", "Bob", "Elizabeth",
            "Liz", "Margaret", "Peggy", "William", "Bill", "Thomas", "Tom", "Catherine", "Kate", "Michael", "Mike",
            "Richard", "Dick", "Joseph", "Joe");

    private SyntheticPeople() {}

    private record Person(String first, String last, String dob, String street, String postcode, String city,
            String email, String mobile, String landline) {}

    static List<Labelled> generate(int people, long seed) {
        return generate(people, seed, true);
    }

    static List<Labelled> generate(int people, long seed, boolean households) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Person> persons = new ArrayList<>();
        while (persons.size() < people) {
            String last = pick(random, LAST);
            String city = pick(random, CITY);
            String street = address(random);
            String postcode = postcode(random);
            String landline = "+" + (30 + random.nextInt(20)) + digits(random, 9);
            int size = households && random.nextInt(10) < 3 ? 2 + random.nextInt(2) : 1;
            List<String> names = new ArrayList<>();
            for (int k = 0; k < size && persons.size() < people; k++) {
                String first = pick(random, FIRST);
                while (names.contains(first) || names.contains(NICKNAMES.get(first))) {
                    first = pick(random, FIRST);
                }
                names.add(first);
                String dob = String.format("%04d-%02d-%02d", 1940 + random.nextInt(65), 1 + random.nextInt(12),
                        1 + random.nextInt(28));
                String email = TextNormalizer.fold(first).replace(" ", "") + "." + TextNormalizer.fold(last)
                        .replace(" ", "") + random.nextInt(100) + "@" + pick(random, DOMAINS);
                String mobile = "+" + (30 + random.nextInt(20)) + "7" + digits(random, 9);
                persons.add(new Person(first, k > 0 && random.nextInt(10) == 0 ? pick(random, LAST) : last, dob,
                        street, postcode, city, email, mobile, size > 1 ? landline : null));
            }
        }
        List<Labelled> records = new ArrayList<>();
        for (int p = 0; p < persons.size(); p++) {
            int copies = 1 + random.nextInt(3);
            for (int c = 0; c < copies; c++) {
                records.add(new Labelled(record(random, persons.get(p), records.size(), c > 0), Integer.toString(p)));
            }
        }
        return records;
    }

    private static CustomerRecord record(SplittableRandom random, Person p, int id, boolean noisy) {
        Map<String, String> a = new HashMap<>();
        String first = p.first();
        String last = p.last();
        if (noisy && NICKNAMES.containsKey(first) && random.nextInt(4) == 0) {
            first = NICKNAMES.get(first);
        }
        if (noisy && random.nextInt(30) == 0) {
            String swap = first;
            first = last;
            last = swap;
        }
        put(a, "first_name", noise(random, first, noisy));
        put(a, "last_name", noise(random, last, noisy));
        String dob = p.dob();
        if (noisy && random.nextInt(15) == 0) {
            dob = dob.substring(0, 5) + dob.substring(8) + "-" + dob.substring(5, 7); // day and month swapped
        }
        put(a, "birth_date", missing(random, noisy, 8) ? null : dob);
        boolean moved = noisy && random.nextInt(8) == 0;
        put(a, "street", noise(random, moved ? address(random) : p.street(), noisy));
        put(a, "postcode", missing(random, noisy, 10) ? null : moved ? postcode(random) : p.postcode());
        put(a, "city", noise(random, moved ? pick(random, CITY) : p.city(), noisy));
        List<Identifier> ids = new ArrayList<>();
        if (!missing(random, noisy, 3)) {
            String email = p.email();
            if (noisy && random.nextInt(6) == 0) {
                email = email.substring(0, email.indexOf('@') + 1) + pick(random, DOMAINS);
            }
            ids.add(new Identifier(IdentifierType.EMAIL, email));
        }
        if (!missing(random, noisy, 2)) {
            ids.add(new Identifier(IdentifierType.PHONE, p.mobile()));
        }
        if (p.landline() != null && random.nextInt(2) == 0) {
            ids.add(new Identifier(IdentifierType.PHONE, p.landline()));
        }
        return new CustomerRecord(new SourceRecordId("synthetic", Integer.toString(id)), Instant.EPOCH, ids, a);
    }

    private static boolean missing(SplittableRandom random, boolean noisy, int oneIn) {
        return noisy ? random.nextInt(oneIn) == 0 : random.nextInt(oneIn * 3) == 0;
    }

    private static String noise(SplittableRandom random, String value, boolean noisy) {
        if (value == null || missing(random, noisy, 10)) {
            return null;
        }
        if (!noisy || random.nextInt(6) != 0) {
            return value;
        }
        char[] c = value.toCharArray();
        int i = random.nextInt(c.length);
        switch (random.nextInt(3)) {
            case 0 -> c[i] = (char) ('a' + random.nextInt(26));
            case 1 -> {
                if (i + 1 < c.length) {
                    char t = c[i];
                    c[i] = c[i + 1];
                    c[i + 1] = t;
                }
            }
            default -> {
                return value.substring(0, i) + value.substring(Math.min(value.length(), i + 1));
            }
        }
        return new String(c);
    }

    private static String address(SplittableRandom random) {
        String[] type = TYPES[random.nextInt(TYPES.length)];
        String name = pick(random, STREET);
        int number = 1 + random.nextInt(150);
        String written = type[random.nextInt(type.length)];
        return written.equals(written.toLowerCase()) ? name + written + " " + number : number + " " + name + " " + written;
    }

    private static String postcode(SplittableRandom random) {
        return random.nextBoolean() ? digits(random, 5)
                : (char) ('A' + random.nextInt(26)) + "" + (char) ('A' + random.nextInt(26)) + (1 + random.nextInt(20))
                        + " " + random.nextInt(10) + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26));
    }

    private static String digits(SplittableRandom random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(random.nextInt(10));
        }
        return s.toString();
    }

    private static String pick(SplittableRandom random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static void put(Map<String, String> attributes, String name, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(name, value);
        }
    }
}
