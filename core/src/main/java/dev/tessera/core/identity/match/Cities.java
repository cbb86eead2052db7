package dev.tessera.core.identity.match;

import dev.tessera.core.identity.match.TextNormalizer.Folded;
import java.util.HashMap;
import java.util.Map;

/**
 * Cities that sources write in more than one language, read as one name: a German shop writes
 * "München" or "Köln", an English CRM "Munich" or "Cologne", a Danish desk "København". Only names
 * that are not a typo apart (those compare close anyway) and belong to large cities, where customers
 * of international companies live; other places keep their own spelling.
 */
final class Cities {

    /**
     * A listed city: its folded name in its own language and its country (ISO 3166 alpha-2). The own
     * name, not the English one, is what the others are read as: English names are often also the names
     * of other places (Florence, Alabama), the own names seldom.
     */
    private record City(String local, String country) {}

    /** Folded name in any language → the city. */
    private static final Map<String, City> NAMES = build();

    private Cities() {}

    /**
     * The city under its own name when it is one of the listed ones and the record's country is that
     * city's or unknown ({@code country}: an ISO code as {@link Countries#code} reads it, or null); else
     * as given (null stays null). Florence in Alabama and Naples in Florida keep their names.
     */
    static Folded canonical(Folded city, String country) {
        if (city == null) {
            return null;
        }
        City listed = NAMES.get(city.plain());
        if (listed == null || (country != null && !country.equals(listed.country()))) {
            return city.plain().indexOf(' ') < 0 ? city : abbreviationsWrittenOut(city);
        }
        return TextNormalizer.folded(listed.local());
    }

    /** Words of place names written short or long, and in several languages, as one word each. */
    private static final Map<String, String> WORDS = Map.of(
            "st", "saint", "sankt", "saint", "ste", "sainte", "ft", "fort", "mt", "mount");

    /**
     * "St. Louis" / "Saint Louis", "St. Gallen" / "Sankt Gallen", "Ft. Worth" / "Fort Worth", "Mt Vernon"
     * / "Mount Vernon" written one way, and the French CEDEX routing suffix ("Paris Cedex 08") left out:
     * it names a delivery office, not another place.
     */
    private static Folded abbreviationsWrittenOut(Folded city) {
        java.util.List<String> tokens = TextNormalizer.tokens(city.plain());
        StringBuilder out = new StringBuilder(city.plain().length() + 8);
        boolean changed = false;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.equals("cedex") && i > 0) {
                changed = true;
                break;
            }
            String written = WORDS.get(token);
            changed |= written != null;
            out.append(out.length() == 0 ? "" : " ").append(written != null ? written : token);
        }
        if (!changed) {
            return city;
        }
        if (city.digraph().equals(city.plain())) {
            return TextNormalizer.folded(out.toString());
        }
        return new Folded(out.toString(), abbreviationsWrittenOut(TextNormalizer.folded(city.digraph())).plain());
    }

    private static Map<String, City> build() {
        Map<String, City> names = new HashMap<>();
        same(names, "DE", "München", "Munich", "Monaco di Baviera", "Múnich");
        same(names, "DE", "Köln", "Cologne", "Colonia");
        same(names, "DE", "Nürnberg", "Nuremberg");
        same(names, "DE", "Hannover", "Hanover");
        same(names, "DE", "Braunschweig", "Brunswick");
        same(names, "AT", "Wien", "Vienna", "Viena", "Wiedeń");
        same(names, "DK", "København", "Copenhagen", "Kopenhagen", "Copenhague");
        same(names, "SE", "Göteborg", "Gothenburg");
        same(names, "CZ", "Praha", "Prague", "Prag");
        same(names, "PL", "Warszawa", "Warsaw", "Warschau", "Varsovie", "Varsavia");
        same(names, "PL", "Kraków", "Krakow", "Krakau", "Cracow", "Cracovie", "Cracovia");
        same(names, "IT", "Roma", "Rome", "Rom");
        same(names, "IT", "Milano", "Milan", "Mailand");
        same(names, "IT", "Napoli", "Naples", "Neapel");
        same(names, "IT", "Torino", "Turin");
        same(names, "IT", "Firenze", "Florence", "Florenz");
        same(names, "IT", "Venezia", "Venice", "Venedig", "Venise");
        same(names, "IT", "Genova", "Genoa", "Genua", "Gênes");
        same(names, "BE", "Bruxelles", "Brussels", "Brussel", "Brüssel", "Bruselas");
        same(names, "BE", "Antwerpen", "Antwerp", "Anvers");
        same(names, "NL", "Den Haag", "The Hague", "'s-Gravenhage", "La Haye");
        same(names, "CH", "Genève", "Geneva", "Genf", "Ginevra", "Ginebra");
        same(names, "PT", "Lisboa", "Lisbon", "Lissabon", "Lisbonne");
        same(names, "ES", "Sevilla", "Seville", "Séville");
        same(names, "ES", "Zaragoza", "Saragossa");
        same(names, "ES", "A Coruña", "A Coruna", "La Coruña");
        same(names, "GR", "Athína", "Athens", "Athen", "Athènes", "Atene", "Atenas");
        same(names, "RO", "București", "Bucharest", "Bukarest");
        same(names, "RS", "Beograd", "Belgrade", "Belgrad");
        same(names, "RU", "Moskva", "Moscow", "Moskau", "Moscou", "Mosca", "Moscú", "Moskwa");
        same(names, "RU", "Sankt-Peterburg", "Saint Petersburg", "Sankt Petersburg");
        same(names, "UA", "Kyiv", "Kiev", "Kijów", "Kiew");
        same(names, "TR", "İstanbul", "Istanbul");
        same(names, "EG", "Cairo", "Al-Qahira", "Kairo", "Le Caire");
        same(names, "CN", "Beijing", "Peking", "Pékin");
        same(names, "MX", "Ciudad de México", "Mexico City", "Ciudad de Mexico", "CDMX");
        same(names, "US", "New York", "New York City", "NYC");
        same(names, "LU", "Luxembourg", "Luxemburg");
        same(names, "FR", "Strasbourg", "Straßburg");
        same(names, "CH", "Basel", "Bâle", "Basilea");
        same(names, "CH", "Bern", "Berne");
        same(names, "CH", "Zürich", "Zurich");
        same(names, "IE", "Dublin", "Baile Átha Cliath");
        return Map.copyOf(names);
    }

    private static void same(Map<String, City> names, String country, String local, String... others) {
        City city = new City(TextNormalizer.fold(local), country);
        names.put(city.local(), city);
        names.put(TextNormalizer.foldDigraphs(local), city);
        for (String other : others) {
            names.put(TextNormalizer.fold(other), city);
            names.put(TextNormalizer.foldDigraphs(other), city); // Muenchen, Koeln, Zuerich
        }
    }
}
