package dev.tessera.core.identity;

import dev.tessera.core.model.CustomerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generated customers for resolver tests: people of several countries, some in households (shared surname,
 * address and landline, different given names and birth dates), each described by one to three records in
 * different sources with nicknames, ü/ue spellings, typos, abbreviated streets and missing values.
 * Deterministic for a seed.
 */
final class SyntheticCustomers {

    private static final String[] FIRST = {"Robert", "William", "Elizabeth", "Katherine", "Jürgen", "Søren",
        "José", "Zoë", "Margaret", "Thomas", "Anna", "Lukas", "Chloé", "Giulia", "Olga", "Wei", "Aoife", "Lars",
        "Hannah", "Daniel", "Fatima", "Pablo", "Ingrid", "Michael"};
    private static final Map<String, String> VARIANT = Map.of("Robert", "Bob", "William", "Bill", "Elizabeth",
            "Liz", "Katherine", "Kate", "Jürgen", "Juergen", "Søren", "Soeren", "José", "Jose", "Zoë", "Zoe",
            "Margaret", "Peggy", "Thomas", "Tom");
    private static final String[] LAST = {"Müller", "Schröder", "Smith", "Jones", "García", "Nowak", "Öberg",
        "O'Brien", "Rossi", "Dubois", "Nguyen", "Kowalski", "Fischer", "Byrne", "Jensen", "Hughes", "Walker",
        "Petrov", "Yilmaz", "Clarke"};
    private static final Map<String, String> LAST_VARIANT = Map.of("Müller", "Mueller", "Schröder", "Schroeder",
            "Öberg", "Oeberg", "García", "Garcia", "O'Brien", "OBrien");
    private static final String[] STREET = {"Tullaroop", "High", "Church", "Linden", "Station", "Victoria",
        "Albert", "Mill", "Garden", "Oak"};
    private static final String[][] TYPE = {{"Street", "St"}, {"Road", "Rd"}, {"Avenue", "Ave"}, {"Lane", "Ln"}};
    private static final String[] CITY = {"London", "Leeds", "München", "Köln", "Dublin", "Paris", "Madrid",
        "Kraków", "Malmö", "Melbourne", "Toronto", "Glasgow"};
    private static final String[] DOMAIN = {"gmail.com", "outlook.com", "web.de", "yahoo.co.uk", "icloud.com"};
    private static final String[] SOURCE = {"crm", "shop", "support"};

    private record Person(String first, String last, String dob, String street, String postcode, String city,
            String email, String mobile, String landline) {}

    private SyntheticCustomers() {}

    static List<CustomerRecord> generate(int people, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Person> persons = new ArrayList<>();
        while (persons.size() < people) {
            String last = pick(random, LAST);
            int number = 1 + random.nextInt(120);
            String[] type = TYPE[random.nextInt(TYPE.length)];
            String street = number + " " + pick(random, STREET) + " " + type[0];
            String postcode = (char) ('A' + random.nextInt(26)) + "" + (char) ('A' + random.nextInt(26))
                    + (1 + random.nextInt(20)) + " " + random.nextInt(10) + (char) ('A' + random.nextInt(26))
                    + (char) ('A' + random.nextInt(26));
            String city = pick(random, CITY);
            String landline = "01" + (10 + random.nextInt(90)) + " 496 " + String.format("%04d", random.nextInt(10000));
            int size = random.nextInt(10) < 3 ? 2 + random.nextInt(2) : 1;
            List<String> used = new ArrayList<>();
            for (int k = 0; k < size && persons.size() < people; k++) {
                String first = pick(random, FIRST);
                while (used.contains(first)) {
                    first = pick(random, FIRST);
                }
                used.add(first);
                String dob = String.format("%04d-%02d-%02d", 1940 + random.nextInt(65), 1 + random.nextInt(12),
                        1 + random.nextInt(28));
                String email = ascii(first) + "." + ascii(last) + random.nextInt(1000) + "@" + pick(random, DOMAIN);
                String mobile = "07700 9" + String.format("%05d", random.nextInt(100000));
                persons.add(new Person(first, last, dob, street, postcode, city, email, mobile,
                        size > 1 ? landline : null));
            }
        }
        List<CustomerRecord> records = new ArrayList<>();
        for (int p = 0; p < persons.size(); p++) {
            Person person = persons.get(p);
            int copies = 1 + random.nextInt(3);
            for (int c = 0; c < copies; c++) {
                records.add(record(random, person, SOURCE[c], "p" + p, c > 0));
            }
        }
        return records;
    }

    private static CustomerRecord record(SplittableRandom random, Person p, String source, String id,
            boolean noisy) {
        String first = p.first();
        String last = p.last();
        String street = p.street();
        if (noisy && random.nextInt(3) == 0) {
            first = VARIANT.getOrDefault(first, first);
        }
        if (noisy && random.nextInt(3) == 0) {
            last = LAST_VARIANT.getOrDefault(last, last);
        }
        if (noisy && random.nextInt(6) == 0) {
            last = typo(random, last);
        }
        if (noisy && random.nextInt(2) == 0) {
            for (String[] type : TYPE) {
                street = street.replace(" " + type[0], " " + type[1]).toLowerCase(java.util.Locale.ROOT);
            }
        }
        List<String> contacts = new ArrayList<>();
        if (!noisy || random.nextInt(3) > 0) {
            contacts.add(p.email());
        }
        if (!noisy || random.nextInt(2) == 0) {
            contacts.add(p.mobile());
        }
        if (p.landline() != null && random.nextBoolean()) {
            contacts.add(p.landline());
        }
        return ProbabilisticResolutionTest.record(source, id, "2025-01-01T00:00:00Z", contacts,
                "first_name", first, "last_name", last,
                "birth_date", noisy && random.nextInt(8) == 0 ? null : p.dob(),
                "street", noisy && random.nextInt(6) == 0 ? null : street,
                "postcode", noisy && random.nextInt(5) == 0 ? null : p.postcode(),
                "city", p.city());
    }

    private static String typo(SplittableRandom random, String value) {
        char[] c = value.toCharArray();
        int i = 1 + random.nextInt(c.length - 2);
        char t = c[i];
        c[i] = c[i + 1];
        c[i + 1] = t;
        return new String(c);
    }

    private static String ascii(String name) {
        return java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD).replaceAll("[^A-Za-z]", "")
                .toLowerCase(java.util.Locale.ROOT);
    }

    private static String pick(SplittableRandom random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
