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

    /** Folded name in any language → the folded English name. */
    private static final Map<String, String> ENGLISH = build();

    private Cities() {}

    /** The city under its English name when it is one of the listed ones; else as given (null stays null). */
    static Folded canonical(Folded city) {
        if (city == null) {
            return null;
        }
        String english = ENGLISH.get(city.plain());
        return english == null ? city : TextNormalizer.folded(english);
    }

    private static Map<String, String> build() {
        Map<String, String> names = new HashMap<>();
        same(names, "Munich", "München", "Monaco di Baviera", "Múnich");
        same(names, "Cologne", "Köln", "Colonia");
        same(names, "Nuremberg", "Nürnberg");
        same(names, "Hanover", "Hannover");
        same(names, "Brunswick", "Braunschweig");
        same(names, "Frankfurt", "Frankfurt am Main", "Francfort");
        same(names, "Vienna", "Wien", "Vienne", "Viena", "Wiedeń");
        same(names, "Copenhagen", "København", "Kopenhagen", "Copenhague");
        same(names, "Gothenburg", "Göteborg");
        same(names, "Prague", "Praha", "Prag", "Praga");
        same(names, "Warsaw", "Warszawa", "Warschau", "Varsovie", "Varsavia");
        same(names, "Krakow", "Kraków", "Krakau", "Cracow", "Cracovie", "Cracovia");
        same(names, "Rome", "Roma", "Rom");
        same(names, "Milan", "Milano", "Mailand");
        same(names, "Naples", "Napoli", "Neapel");
        same(names, "Turin", "Torino");
        same(names, "Florence", "Firenze", "Florenz");
        same(names, "Venice", "Venezia", "Venedig", "Venise");
        same(names, "Genoa", "Genova", "Genua", "Gênes");
        same(names, "Brussels", "Bruxelles", "Brussel", "Brüssel", "Bruselas");
        same(names, "Antwerp", "Antwerpen", "Anvers");
        same(names, "The Hague", "Den Haag", "'s-Gravenhage", "La Haye");
        same(names, "Geneva", "Genève", "Genf", "Ginevra", "Ginebra");
        same(names, "Lisbon", "Lisboa", "Lissabon", "Lisbonne");
        same(names, "Seville", "Sevilla", "Séville");
        same(names, "Saragossa", "Zaragoza");
        same(names, "A Coruna", "A Coruña", "La Coruña");
        same(names, "Athens", "Athína", "Athen", "Athènes", "Atene", "Atenas");
        same(names, "Bucharest", "București", "Bukarest");
        same(names, "Belgrade", "Beograd", "Belgrad");
        same(names, "Moscow", "Moskva", "Moskau", "Moscou", "Mosca", "Moscú", "Moskwa");
        same(names, "Saint Petersburg", "Sankt-Peterburg", "Sankt Petersburg");
        same(names, "Kyiv", "Kiev", "Kijów", "Kiew");
        same(names, "Istanbul", "İstanbul");
        same(names, "Cairo", "Al-Qahira", "Kairo", "Le Caire");
        same(names, "Beijing", "Peking", "Pékin");
        same(names, "Mexico City", "Ciudad de México", "Ciudad de Mexico", "CDMX");
        same(names, "New York", "New York City", "NYC");
        same(names, "Luxembourg", "Luxemburg");
        same(names, "Strasbourg", "Straßburg");
        same(names, "Basel", "Bâle", "Basilea");
        same(names, "Bern", "Berne");
        same(names, "Zurich", "Zürich");
        same(names, "Dublin", "Baile Átha Cliath");
        return Map.copyOf(names);
    }

    private static void same(Map<String, String> names, String english, String... others) {
        String target = TextNormalizer.fold(english);
        names.put(target, target);
        for (String other : others) {
            names.put(TextNormalizer.fold(other), target);
            names.put(TextNormalizer.foldDigraphs(other), target); // Muenchen, Koeln, Zuerich
        }
    }
}
