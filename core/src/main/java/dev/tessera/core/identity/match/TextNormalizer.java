package dev.tessera.core.identity.match;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Folds free text (names, streets, cities) into a form fit for comparison: lower case, accents removed,
 * Cyrillic and Greek transliterated to Latin, punctuation dropped, whitespace collapsed.
 *
 * <p>German and Nordic letters have two customary Latin spellings ({@code ü} as {@code u} or {@code ue},
 * {@code ø} as {@code o} or {@code oe}, {@code å} as {@code a} or {@code aa}). {@link #fold} gives the
 * accent-stripped form, {@link #foldDigraphs} the digraph form; two values written either way agree when
 * any of their forms agree, which {@link Folded#equivalent} checks. Apostrophes and full stops are removed
 * without a trace ({@code O'Brien} = {@code obrien}, {@code St.} = {@code st}); other punctuation separates
 * words ({@code Smith-Jones} = {@code smith jones}).
 *
 * <p>All methods are pure and thread-safe.
 */
public final class TextNormalizer {

    /** Letters NFKD does not decompose, in the form used by both foldings. */
    private static final Map<Character, String> SPECIAL = Map.ofEntries(
            Map.entry('ß', "ss"), Map.entry('æ', "ae"), Map.entry('œ', "oe"), Map.entry('ł', "l"),
            Map.entry('đ', "d"), Map.entry('ð', "d"), Map.entry('þ', "th"), Map.entry('ı', "i"),
            Map.entry('ħ', "h"), Map.entry('ŧ', "t"), Map.entry('ø', "o"), Map.entry('ŋ', "ng"),
            // Cyrillic (Russian, Ukrainian, Bulgarian, Serbian), a simple passport-style scheme.
            Map.entry('а', "a"), Map.entry('б', "b"), Map.entry('в', "v"), Map.entry('г', "g"),
            Map.entry('ґ', "g"), Map.entry('д', "d"), Map.entry('е', "e"), Map.entry('ё', "e"),
            Map.entry('є', "ye"), Map.entry('ж', "zh"), Map.entry('з', "z"), Map.entry('и', "i"),
            Map.entry('і', "i"), Map.entry('ї', "yi"), Map.entry('й', "y"), Map.entry('к', "k"),
            Map.entry('л', "l"), Map.entry('м', "m"), Map.entry('н', "n"), Map.entry('о', "o"),
            Map.entry('п', "p"), Map.entry('р', "r"), Map.entry('с', "s"), Map.entry('т', "t"),
            Map.entry('у', "u"), Map.entry('ф', "f"), Map.entry('х', "kh"), Map.entry('ц', "ts"),
            Map.entry('ч', "ch"), Map.entry('ш', "sh"), Map.entry('щ', "shch"), Map.entry('ъ', ""),
            Map.entry('ы', "y"), Map.entry('ь', ""), Map.entry('э', "e"), Map.entry('ю', "yu"),
            Map.entry('я', "ya"), Map.entry('ђ', "dj"), Map.entry('ј', "j"), Map.entry('љ', "lj"),
            Map.entry('њ', "nj"), Map.entry('ћ', "c"), Map.entry('џ', "dz"));

    /** Greek, applied after accents are stripped. */
    private static final Map<Character, String> GREEK = Map.ofEntries(
            Map.entry('α', "a"), Map.entry('β', "v"), Map.entry('γ', "g"), Map.entry('δ', "d"),
            Map.entry('ε', "e"), Map.entry('ζ', "z"), Map.entry('η', "i"), Map.entry('θ', "th"),
            Map.entry('ι', "i"), Map.entry('κ', "k"), Map.entry('λ', "l"), Map.entry('μ', "m"),
            Map.entry('ν', "n"), Map.entry('ξ', "x"), Map.entry('ο', "o"), Map.entry('π', "p"),
            Map.entry('ρ', "r"), Map.entry('σ', "s"), Map.entry('ς', "s"), Map.entry('τ', "t"),
            Map.entry('υ', "y"), Map.entry('φ', "f"), Map.entry('χ', "ch"), Map.entry('ψ', "ps"),
            Map.entry('ω', "o"));

    /** The German/Nordic digraph spellings, and the South Slavic đ as dj (Đorđe / Djordje). */
    private static final Map<Character, String> DIGRAPHS = Map.of(
            'ä', "ae", 'ö', "oe", 'ü', "ue", 'ø', "oe", 'æ', "ae", 'å', "aa", 'ß', "ss", 'œ', "oe", 'đ', "dj");

    private TextNormalizer() {}

    /** Accent-stripped form: {@code "Müller-Lüdenscheidt"} → {@code "muller ludenscheidt"}; null → "". */
    public static String fold(String text) {
        return fold(text, false);
    }

    /** Digraph form: {@code "Müller"} → {@code "mueller"}, {@code "Ørsted"} → {@code "oersted"}; null → "". */
    public static String foldDigraphs(String text) {
        return fold(text, true);
    }

    /** Both foldings of a text, ready for comparison; null for null or a text with nothing left. */
    public static Folded folded(String text) {
        String plain = fold(text);
        if (plain.isEmpty()) {
            return null;
        }
        String digraph = isAscii(text) ? plain : foldDigraphs(text);
        // One instance when both spellings agree, so comparators can skip the second comparison.
        return new Folded(plain, digraph.equals(plain) ? plain : digraph);
    }

    /** True when the two texts agree once folded, in either spelling ({@code Müller} = {@code Mueller} = {@code Muller}). */
    public static boolean equivalent(String a, String b) {
        Folded fa = folded(a);
        Folded fb = folded(b);
        return fa != null && fb != null && fa.equivalent(fb);
    }

    /** The words of a folded text. */
    public static List<String> tokens(String folded) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= folded.length(); i++) {
            boolean space = i == folded.length() || folded.charAt(i) == ' ';
            if (space && start >= 0) {
                tokens.add(folded.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return tokens;
    }

    private static String fold(String text, boolean digraphs) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        if (isAscii(text)) {
            return foldAscii(text);
        }
        String lower = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        StringBuilder mapped = new StringBuilder(lower.length() + 8);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            String replacement = digraphs ? DIGRAPHS.get(c) : null;
            if (replacement == null) {
                replacement = SPECIAL.get(c);
            }
            if (replacement != null) {
                mapped.append(replacement);
            } else {
                mapped.append(c);
            }
        }
        String decomposed = Normalizer.normalize(mapped, Normalizer.Form.NFKD);
        StringBuilder out = new StringBuilder(decomposed.length());
        boolean pendingSpace = false;
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK) {
                continue;
            }
            if (c == '\'' || c == '’' || c == '‘' || c == '`' || c == '´' || c == '.' || c == 'ʼ') {
                continue;
            }
            String greek = GREEK.get(c);
            if (c == 'ο' && i + 1 < decomposed.length() && decomposed.charAt(i + 1) == 'υ') {
                greek = "ou";
                i++;
            }
            if (greek != null || Character.isLetterOrDigit(c)) {
                if (pendingSpace && out.length() > 0) {
                    out.append(' ');
                }
                pendingSpace = false;
                if (greek != null) {
                    out.append(greek);
                } else {
                    out.append(c);
                }
            } else {
                pendingSpace = true;
            }
        }
        return out.toString();
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    /** The same folding for plain ASCII, which needs no Unicode normalisation (most data: fast path). */
    private static String foldAscii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (pendingSpace && out.length() > 0) {
                    out.append(' ');
                }
                pendingSpace = false;
                out.append(c);
            } else if (c != '\'' && c != '`' && c != '.') {
                pendingSpace = true;
            }
        }
        return out.toString();
    }

    /**
     * A text in both foldings.
     *
     * @param plain   accent-stripped form, see {@link TextNormalizer#fold}
     * @param digraph digraph form, see {@link TextNormalizer#foldDigraphs}
     */
    public record Folded(String plain, String digraph) {

        /** True when any spelling of this text equals any spelling of the other. */
        public boolean equivalent(Folded other) {
            return plain.equals(other.plain) || digraph.equals(other.digraph)
                    || plain.equals(other.digraph) || digraph.equals(other.plain);
        }

        /** The accent-stripped form without spaces: {@code "van der berg"} → {@code "vanderberg"}. */
        public String compact() {
            return plain.indexOf(' ') < 0 ? plain : plain.replace(" ", "");
        }

        /** The digraph form without spaces. */
        /** True when the digraph spelling differs from the plain one (the text has ä, ö, ü, ø, å...). */
        public boolean hasDigraphs() {
            return digraph != plain && !digraph.equals(plain);
        }

        public String compactDigraph() {
            return digraph.indexOf(' ') < 0 ? digraph : digraph.replace(" ", "");
        }
    }
}
