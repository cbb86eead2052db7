package dev.tessera.ingestion.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic, synthetic CRM contact export for benchmarks and the kill test: people of several
 * countries with names, emails (reserved {@code example.*} domains only), phones in international form,
 * cities, an occasional quoted company name with a comma, and {@code updated_at}. A share of the rows are
 * the same person entered again under another contact id, with variations (email case, phone written
 * nationally or with spaces, a nickname, a move to another city, a later update). Optionally every
 * {@code badEvery}-th row is deliberately bad (unparseable date, missing id or a missing cell), each one
 * distinct, so that it becomes exactly one dead letter.
 *
 * <p>Only the JDK: runs from {@code ingestion/target/test-classes} alone (see
 * {@code scripts/generate-crm-csv.sh}). The same seed gives the same bytes on every machine.
 *
 * <pre>
 * java -cp ingestion/target/test-classes dev.tessera.ingestion.bench.CrmCsvGenerator \
 *     --rows N --out FILE [--seed S] [--duplicates RATE] [--bad-every N] [--canonical]
 * </pre>
 * With {@code --canonical} it writes the identity benchmark's format with a truth column instead
 * ({@link #canonical()}).
 */
public final class CrmCsvGenerator {

    public static final String HEADER = "contact_id,first_name,last_name,email,phone,city,country,company,updated_at";
    public static final String CANONICAL_HEADER = "record_id,source,source_id,first_name,last_name,email,phone,"
            + "birth_date,street,city,postcode,country,person";

    /** Country: code, phone prefix, national trunk prefix, mobile prefixes, subscriber digits, names, cities. */
    private record Country(String code, String callingCode, String trunk, String[] mobilePrefixes, int digits,
            String[] first, String[] last, String[] cities) {}

    private static final Country[] COUNTRIES = {
        new Country("GB", "44", "0", new String[] {"7700", "7911", "7450", "7825"}, 6,
                new String[] {"Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Charlie",
                    "Sophie", "Thomas", "Emily", "William", "Grace", "James", "Chloe", "Zoë", "Siobhan"},
                new String[] {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
                    "Robinson", "Wright", "Thompson", "Evans", "Walker", "O'Brien", "Hughes", "Green"},
                new String[] {"London", "Leeds", "Manchester", "Bristol", "Glasgow", "Cardiff", "York", "Hull"}),
        new Country("DE", "49", "0", new String[] {"151", "160", "171", "176"}, 8,
                new String[] {"Lukas", "Mia", "Leon", "Emma", "Finn", "Hannah", "Jonas", "Sophia", "Paul",
                    "Lea", "Felix", "Marie", "Jürgen", "Anke"},
                new String[] {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
                    "Becker", "Schulz", "Hoffmann", "Koch", "Größer"},
                new String[] {"Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart"}),
        new Country("FR", "33", "0", new String[] {"6", "7"}, 8,
                new String[] {"Gabriel", "Jade", "Léo", "Louise", "Raphaël", "Emma", "Arthur", "Alice",
                    "Louis", "Chloé", "Hugo", "Inès"},
                new String[] {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
                    "Leroy", "Moreau", "Lefèvre"},
                new String[] {"Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Bordeaux"}),
        new Country("ES", "34", "", new String[] {"6", "7"}, 8,
                new String[] {"Hugo", "Lucía", "Martín", "Sofía", "Pablo", "María", "Daniel", "Paula",
                    "Alejandro", "Valeria", "José", "Núria"},
                new String[] {"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
                    "Pérez", "Gómez", "Martín"},
                new String[] {"Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Bilbao"}),
        new Country("US", "1", "", new String[] {"212", "415", "312", "617", "206", "512"}, 7,
                new String[] {"Liam", "Olivia", "Noah", "Emma", "Elijah", "Charlotte", "James", "Amelia",
                    "Benjamin", "Harper", "Lucas", "Evelyn", "DeShawn", "Mary-Kate"},
                new String[] {"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia",
                    "Rodriguez", "Martinez", "Anderson", "Nguyen", "Kim"},
                new String[] {"New York", "San Francisco", "Chicago", "Boston", "Seattle", "Austin"}),
        new Country("PL", "48", "", new String[] {"50", "51", "60", "69"}, 7,
                new String[] {"Jan", "Zuzanna", "Antoni", "Julia", "Aleksander", "Maja", "Łukasz", "Zofia",
                    "Wojciech", "Małgorzata"},
                new String[] {"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński",
                    "Lewandowski", "Zieliński"},
                new String[] {"Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk"}),
        new Country("IN", "91", "0", new String[] {"98", "99", "97", "90"}, 8,
                new String[] {"Aarav", "Ananya", "Vivaan", "Diya", "Aditya", "Saanvi", "Arjun", "Priya",
                    "Rohan", "Kavya"},
                new String[] {"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Das"},
                new String[] {"Mumbai", "Delhi", "Bengaluru", "Chennai", "Pune", "Kolkata"}),
    };

    private static final String[] DOMAINS = {"example.com", "example.org", "example.net", "mail.example.com",
        "corp.example.org"};
    private static final String[] COMPANIES = {"Acme Ltd", "Globex", "Initech", "Umbrella, Inc.",
        "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay Industries, LLC", "", "", "", ""};
    private static final long START = Instant.parse("2023-01-01T00:00:00Z").getEpochSecond();
    private static final long SPAN = 2L * 365 * 24 * 3600;

    /** A person as first entered. */
    private record Person(int id, int country, String first, String last, String email, String phone, String city,
            String company, long updated) {}

    /** What was written: rows in all, good ones, deliberately bad ones, and repeated people among them. */
    public record Summary(int rows, int goodRows, int badRows, int duplicateRows) {}

    private final double duplicates;
    private final int badEvery;
    private boolean canonical;
    private long state;

    public CrmCsvGenerator(long seed, double duplicates, int badEvery) {
        if (duplicates < 0 || duplicates >= 1) {
            throw new IllegalArgumentException("--duplicates is a rate in [0, 1)");
        }
        this.duplicates = duplicates;
        this.badEvery = badEvery;
        this.state = Math.floorMod(seed * 2_654_435_761L + 1, 2_147_483_647L);
        if (state == 0) {
            state = 1;
        }
    }

    /** MINSTD (Park–Miller): exact in any language, so the output never depends on the JDK's Random. */
    private int next(int bound) {
        state = (state * 48_271L) % 2_147_483_647L;
        return (int) (state % bound);
    }

    private double unit() {
        state = (state * 48_271L) % 2_147_483_647L;
        return state / 2_147_483_647.0;
    }

    private <T> T pick(T[] values) {
        return values[next(values.length)];
    }

    /** Contact id of row {@code i} (1-based): what the kill test checks against. */
    public static String contactId(int row) {
        String digits = Integer.toString(row);
        return "C" + "00000000".substring(Math.min(8, digits.length())) + digits;
    }

    /** True when row {@code i} (1-based) is written as a bad row. */
    public boolean isBad(int row) {
        return badEvery > 0 && row % badEvery == 0;
    }

    /**
     * Writes the canonical identity-benchmark CSV instead ({@code scripts/bench-identity.sh}, header
     * {@link #CANONICAL_HEADER}): the same people and variations, no bad rows, and the truth column
     * {@code person} (the generated person a row enters), so precision and recall can be measured on
     * CRM-like data: namesakes in one city, family mailboxes, retyped contacts.
     */
    public CrmCsvGenerator canonical() {
        if (badEvery > 0) {
            throw new IllegalArgumentException("--canonical writes no bad rows: drop --bad-every");
        }
        canonical = true;
        return this;
    }

    public Summary write(int rows, Writer out) throws IOException {
        out.write(canonical ? CANONICAL_HEADER : HEADER);
        out.write('\n');
        List<Person> people = new ArrayList<>();
        int good = 0;
        int bad = 0;
        int dup = 0;
        for (int row = 1; row <= rows; row++) {
            Person person;
            boolean duplicate = !people.isEmpty() && unit() < duplicates;
            if (duplicate) {
                person = vary(people.get(next(people.size())));
                dup++;
            } else {
                person = newPerson(row, people.size());
                people.add(person);
            }
            String updated = Instant.ofEpochSecond(person.updated()).toString();
            String id = contactId(row);
            if (canonical) {
                good++;
                // record_id,source,source_id,first_name,last_name,email,phone,birth_date,street,city,postcode,country,person
                out.write(String.join(",", id, "crm", id, csv(person.first()), csv(person.last()), person.email(),
                        person.phone(), "", "", csv(person.city()), "", COUNTRIES[person.country()].code(),
                        Integer.toString(person.id())));
                out.write('\n');
                continue;
            }
            if (isBad(row)) {
                bad++;
                switch ((row / badEvery) % 3) {
                    case 0 -> updated = "sometime in " + (2000 + row % 1000); // unparseable date, distinct per row
                    case 1 -> {                                               // missing contact id
                        id = "";
                        updated = Instant.ofEpochSecond(START + row).toString(); // keeps the row distinct
                    }
                    default -> {                                              // a row with a cell missing
                        out.write(String.join(",", id, csv(person.first()), csv(person.last()), person.email(),
                                person.phone(), csv(person.city()), COUNTRIES[person.country()].code(), updated));
                        out.write('\n');
                        continue;
                    }
                }
            } else {
                good++;
            }
            out.write(String.join(",", id, csv(person.first()), csv(person.last()), person.email(), person.phone(),
                    csv(person.city()), COUNTRIES[person.country()].code(), csv(person.company()), updated));
            out.write('\n');
        }
        return new Summary(rows, good, bad, dup);
    }

    private Person newPerson(int row, int id) {
        int c = next(COUNTRIES.length);
        Country country = COUNTRIES[c];
        String first = pick(country.first());
        String last = pick(country.last());
        // the row number keeps addresses distinct; a few people use a family mailbox, which the odd other
        // person of their surname happens to use too (not the surname alone: then every "Amelia Williams"
        // of a domain would share one address, and no matcher could, or should, tell them apart)
        String local = next(20) == 0 ? "family." + ascii(last) + next(100) : ascii(first) + "." + ascii(last) + row;
        String email = local.toLowerCase(Locale.ROOT) + "@" + pick(DOMAINS);
        if (next(25) == 0) {
            email = ""; // no email: only the phone (or nothing) identifies this one
        }
        StringBuilder subscriber = new StringBuilder();
        for (int d = 0; d < country.digits(); d++) {
            subscriber.append((char) ('0' + next(10)));
        }
        String phone = next(10) == 0 ? "" : "+" + country.callingCode() + pick(country.mobilePrefixes()) + subscriber;
        return new Person(id, c, first, last, email, phone, pick(country.cities()), pick(COMPANIES),
                START + (long) (unit() * SPAN));
    }

    /** The same person entered again: a variation of how the data was typed, updated later. */
    private Person vary(Person p) {
        Country country = COUNTRIES[p.country()];
        String email = p.email();
        String phone = p.phone();
        String first = p.first();
        String city = p.city();
        switch (next(4)) {
            case 0 -> email = email.toUpperCase(Locale.ROOT);
            case 1 -> {
                if (!phone.isEmpty()) { // national form with spaces, the way people type it
                    String national = phone.substring(1 + country.callingCode().length());
                    phone = canonical // the identity benchmark has no country to read a national number by
                            ? "+" + country.callingCode() + " " + national.substring(0, 3) + " " + national.substring(3)
                            : "\"" + country.trunk() + national.substring(0, 3) + " " + national.substring(3) + "\"";
                }
            }
            case 2 -> first = first.length() > 3 ? first.substring(0, 3) : first + "y"; // nickname
            default -> city = pick(country.cities()); // moved
        }
        return new Person(p.id(), p.country(), first, p.last(), email, phone, city, p.company(),
                p.updated() + 3600L * (1 + next(24 * 90)));
    }

    private static String csv(String value) {
        if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    private static final java.util.Map<String, String> ASCII = new java.util.concurrent.ConcurrentHashMap<>();

    private static String ascii(String name) {
        return ASCII.computeIfAbsent(name, CrmCsvGenerator::toAscii);
    }

    private static String toAscii(String name) {
        String plain = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return plain.replace("ł", "l").replace("Ł", "L").replace("ß", "ss").replaceAll("[^A-Za-z]", "");
    }

    public static void main(String[] args) throws IOException {
        int rows = -1;
        Path out = null;
        long seed = 42;
        double duplicates = 0.1;
        int badEvery = 0;
        boolean canonical = false;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(value);
                case "--out" -> out = Path.of(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--duplicates" -> duplicates = Double.parseDouble(value);
                case "--bad-every" -> badEvery = Integer.parseInt(value);
                case "--canonical" -> {
                    canonical = true;
                    i--; // a flag without a value
                }
                default -> usage("unknown argument: " + args[i]);
            }
            i++;
        }
        if (rows < 0 || out == null) {
            usage("--rows and --out are required");
        }
        long started = System.nanoTime();
        Summary summary;
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
        try (BufferedWriter writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            CrmCsvGenerator generator = new CrmCsvGenerator(seed, duplicates, badEvery);
            summary = (canonical ? generator.canonical() : generator).write(rows, writer);
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.err.printf(Locale.ROOT, "generated %s: rows=%d good=%d bad=%d duplicates=%d seed=%d in %.1f s%n",
                out, summary.rows(), summary.goodRows(), summary.badRows(), summary.duplicateRows(), seed,
                (System.nanoTime() - started) / 1e9);
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: CrmCsvGenerator --rows N --out FILE [--seed S] [--duplicates RATE] [--bad-every N] [--canonical]");
        System.exit(2);
    }
}
