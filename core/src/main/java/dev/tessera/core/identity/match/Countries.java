package dev.tessera.core.identity.match;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;

/** Country names and codes as sources write them, read as ISO 3166 alpha-2 codes. */
public final class Countries {

    private static final Map<String, String> CODES = build();

    private Countries() {}

    /** The alpha-2 code (e.g. {@code DE} for "Germany", "Deutschland", "deu", "de"), else the folded text; null for blank. */
    static String code(String raw) {
        String folded = TextNormalizer.fold(raw);
        if (folded.isEmpty()) {
            return null;
        }
        String code = lookUp(folded);
        return code != null ? code : folded;
    }

    /** The code of a folded name, also written with "the" in front ("The United States", "the Netherlands"). */
    private static String lookUp(String folded) {
        String code = CODES.get(folded);
        if (code == null && folded.startsWith("the ")) {
            code = CODES.get(folded.substring(4));
        }
        return code;
    }

    /**
     * The ISO 3166 alpha-2 code a source's country value stands for ("Germany", "Deutschland", "deu",
     * "de", "DE" → {@code DE}); empty for blank or unknown values.
     */
    public static java.util.Optional<String> isoCode(String raw) {
        if (raw == null || raw.isBlank()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.ofNullable(lookUp(TextNormalizer.fold(raw)));
    }

    private static Map<String, String> build() {
        Map<String, String> codes = new HashMap<>();
        Locale[] languages = {Locale.ENGLISH, Locale.GERMAN, Locale.FRENCH, Locale.ITALIAN,
            Locale.forLanguageTag("es"), Locale.forLanguageTag("nl"), Locale.forLanguageTag("pt"),
            Locale.forLanguageTag("sv"), Locale.forLanguageTag("da"), Locale.forLanguageTag("nb"),
            Locale.forLanguageTag("pl"), Locale.forLanguageTag("ru"), Locale.forLanguageTag("tr")};
        for (String code : Locale.getISOCountries()) {
            Locale country = new Locale("", code);
            for (Locale language : languages) {
                String name = TextNormalizer.fold(country.getDisplayCountry(language));
                if (!name.isEmpty()) {
                    codes.putIfAbsent(name, code);
                }
            }
            try {
                codes.put(country.getISO3Country().toLowerCase(Locale.ROOT), code);
            } catch (MissingResourceException e) {
                // no alpha-3 code known for this country: the alpha-2 code and names still work
            }
        }
        // each country also under its name in its own languages (Suomi, Magyarország, Česko, Hrvatska,
        // Éire, Ελλάδα, Shqipëria, ...), from the locales the JDK knows for it
        for (Locale locale : Locale.getAvailableLocales()) {
            String code = locale.getCountry();
            if (code.length() != 2 || locale.getLanguage().isEmpty()) {
                continue;
            }
            String name = TextNormalizer.fold(new Locale("", code).getDisplayCountry(locale));
            if (!name.isEmpty()) {
                codes.putIfAbsent(name, code);
            }
        }
        for (String code : Locale.getISOCountries()) {
            codes.put(code.toLowerCase(Locale.ROOT), code);
        }
        alias(codes, "GB", "uk", "u k", "great britain", "britain", "england", "scotland", "wales",
                "northern ireland", "united kingdom of great britain and northern ireland");
        alias(codes, "US", "usa", "u s a", "u s", "united states of america", "america");
        alias(codes, "NL", "holland", "the netherlands");
        alias(codes, "RU", "russian federation");
        alias(codes, "KR", "south korea", "republic of korea");
        alias(codes, "CZ", "czech republic");
        alias(codes, "AE", "uae");
        alias(codes, "IE", "republic of ireland", "eire");
        alias(codes, "CI", "ivory coast");
        return Map.copyOf(codes);
    }

    private static void alias(Map<String, String> codes, String code, String... names) {
        for (String name : names) {
            codes.put(name, code);
        }
    }
}
