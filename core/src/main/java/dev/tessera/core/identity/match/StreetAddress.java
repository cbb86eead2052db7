package dev.tessera.core.identity.match;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A street line taken apart for comparison: the house (and unit) numbers and the street name, with street
 * types written one way ({@code Street}/{@code St}/{@code Str.}/{@code Straße}/{@code Strasse} → {@code st},
 * {@code Road}/{@code Rd} → {@code rd}, {@code Avenue}/{@code Ave}/{@code Av} → {@code ave}, ...). German,
 * Dutch and Nordic street types written as a suffix are split off, so {@code Hauptstraße 5},
 * {@code Hauptstr. 5} and {@code Haupt Str 5} agree, as do {@code pridhamstreet} and {@code pridham street}.
 * The number may stand before the name ({@code 12a Tullaroop Street}) or after it ({@code Hauptstraße 5}).
 *
 * @param numbers house and unit numbers in order of appearance, e.g. {@code [12a]}; may be empty
 * @param name    the street name with canonical types, e.g. {@code tullaroop st}; may be empty
 * @param core    the name without street types and compass words, e.g. {@code tullaroop}
 */
public record StreetAddress(List<String> numbers, String name, String core) {

    /** Variant → canonical street type. */
    private static final Map<String, String> TYPES = new HashMap<>();
    /** Street types that German, Dutch and Nordic write glued to the name, longest first. */
    private static final List<String> SUFFIXES = List.of(
            "strasse", "street", "straat", "gasse", "platz", "allee", "gatan", "vagen", "vegen", "veien",
            "str", "weg", "vej", "gata", "gade");
    private static final Map<String, String> DIRECTIONS = Map.ofEntries(
            Map.entry("north", "n"), Map.entry("south", "s"), Map.entry("east", "e"), Map.entry("west", "w"),
            Map.entry("nord", "n"), Map.entry("sud", "s"), Map.entry("ost", "e"),
            Map.entry("n", "n"), Map.entry("s", "s"), Map.entry("e", "e"), Map.entry("w", "w"),
            Map.entry("northeast", "ne"), Map.entry("northwest", "nw"), Map.entry("southeast", "se"),
            Map.entry("southwest", "sw"), Map.entry("ne", "ne"), Map.entry("nw", "nw"), Map.entry("se", "se"),
            Map.entry("sw", "sw"));
    private static final Set<String> UNIT_WORDS = Set.of(
            "unit", "apt", "apartment", "flat", "suite", "ste", "no", "nr", "number", "num", "lot", "level",
            "lvl", "floor", "fl", "shop", "app", "appt", "wohnung", "piso", "puerta", "etage", "bte", "box");

    static {
        type("st", "street", "st", "str", "strasse", "strase", "straat", "gatan", "gata", "gade", "gate", "saint");
        type("rd", "road", "rd");
        type("ave", "avenue", "ave", "av", "avda", "avenida", "avenue");
        type("dr", "drive", "dr", "drv");
        type("ln", "lane", "ln", "gasse");
        type("ct", "court", "ct", "crt");
        type("pl", "place", "pl", "platz", "plaza", "pza", "piazza", "plac", "plads", "plass", "placa");
        type("cres", "crescent", "cres", "crs", "cr");
        type("tce", "terrace", "tce", "terr", "ter");
        type("blvd", "boulevard", "blvd", "bd", "bvd", "boul", "bld");
        type("hwy", "highway", "hwy");
        type("pde", "parade", "pde");
        type("cct", "circuit", "cct");
        type("cl", "close", "cl");
        type("sq", "square", "sq");
        type("gr", "grove", "gr", "gv");
        type("wy", "way", "wy", "weg", "vej", "vagen", "vegen", "veien", "vei");
        type("pkwy", "parkway", "pkwy");
        type("al", "allee", "alle");
        type("aly", "alley", "aly", "ally");
        type("cir", "circle", "cir");
        type("ch", "chemin", "ch");
        type("mt", "mount", "mt");
        type("esp", "esplanade", "esp");
        type("hts", "heights", "hts");
        type("gdns", "gardens", "gdns", "gdn", "garden");
        type("mews", "mews");
        // types written before the name in Romance languages, with their usual abbreviations ("r." and
        // "C/" are the short forms of rue / rua and calle / carrer; "v." of via)
        type("rue", "rue", "r", "rua");
        type("calle", "calle", "c", "carrer");
        type("via", "via", "v");
        type("viale", "viale", "vle");
        type("corso", "corso", "cso");
        type("paseo", "paseo", "pso");
        type("ul", "ul", "ulica");
    }

    private static void type(String canonical, String... variants) {
        for (String variant : variants) {
            TYPES.put(variant, canonical);
        }
    }

    public StreetAddress {
        numbers = List.copyOf(numbers);
    }

    /** Parses a street line; null for null or a line with neither number nor name. */
    public static StreetAddress parse(String line) {
        String folded = TextNormalizer.fold(line);
        if (folded.isEmpty()) {
            return null;
        }
        List<String> numbers = new ArrayList<>(2);
        List<String> words = new ArrayList<>(4);
        List<String> coreWords = new ArrayList<>(4);
        List<String> tokens = TextNormalizer.tokens(folded);
        for (int t = 0; t < tokens.size(); t++) {
            String token = tokens.get(t);
            if (isNumber(token)) {
                numbers.add(token);
            } else if (numberSuffix(tokens, t)) {
                // "12 a Main St", "Hauptstraße 5 a", "5 bis rue ...": a letter or bis/ter written apart belongs
                // to the number just before it.
                numbers.set(numbers.size() - 1, numbers.get(numbers.size() - 1) + token);
            } else if (UNIT_WORDS.contains(token)) {
                continue;
            } else {
                addWord(token, words, coreWords);
            }
        }
        if (numbers.isEmpty() && words.isEmpty()) {
            return null;
        }
        return new StreetAddress(numbers, String.join(" ", words), String.join(" ", coreWords));
    }

    /** Latin ordinals written after a house number: 5 bis, 5 ter, 5 quater. */
    private static final Set<String> NUMBER_SUFFIXES = Set.of("bis", "ter", "quater");

    /**
     * True when token {@code t} is a letter or bis/ter/quater that belongs to the house number just before
     * it. Not a compass letter or a street type's short form in front of the name ({@code 123 N Main St},
     * {@code 12 r. Victor Hugo}): those are words of the street when more words follow.
     */
    private static boolean numberSuffix(List<String> tokens, int t) {
        String token = tokens.get(t);
        if (t == 0 || (token.length() != 1 && !NUMBER_SUFFIXES.contains(token))) {
            return false;
        }
        String previous = tokens.get(t - 1);
        if (previous.isEmpty() || !previous.chars().allMatch(Character::isDigit)) {
            return false;
        }
        boolean moreWords = false;
        for (int i = t + 1; i < tokens.size(); i++) {
            moreWords |= !isNumber(tokens.get(i));
        }
        return !(moreWords && token.length() == 1 && (DIRECTIONS.containsKey(token) || TYPES.containsKey(token)));
    }

    private static void addWord(String token, List<String> words, List<String> coreWords) {
        String type = TYPES.get(token);
        if (type != null && token.length() == 1 && !words.isEmpty()) {
            type = null; // "C", "R", "V" stand for calle, rue, via only in front ("Block C" is a block)
        }
        if (type != null && !words.isEmpty()) {
            words.add(type);
            return;
        }
        String direction = DIRECTIONS.get(token);
        if (direction != null) {
            words.add(direction);
            return;
        }
        for (String suffix : SUFFIXES) {
            if (token.length() >= suffix.length() + 3 && token.endsWith(suffix)) {
                String base = token.substring(0, token.length() - suffix.length());
                words.add(base);
                coreWords.add(base);
                words.add(TYPES.get(suffix));
                return;
            }
        }
        // A type word first ("Rue", "Via", "Calle", "St Kilda") is part of the name.
        String word = type != null ? type : token;
        words.add(word);
        coreWords.add(word);
    }

    private static boolean isNumber(String token) {
        int digits = 0;
        while (digits < token.length() && Character.isDigit(token.charAt(digits))) {
            digits++;
        }
        // 12, 12a, 3bis; not "4th" (an ordinal street name) nor "b12".
        return digits > 0 && (digits == token.length()
                || (token.length() - digits <= 3 && !token.endsWith("th") && !token.endsWith("st")
                        && !token.endsWith("nd") && !token.endsWith("rd")));
    }

    /** The name without spaces, for spellings that split or join words. */
    public String compactName() {
        return name.replace(" ", "");
    }
}
