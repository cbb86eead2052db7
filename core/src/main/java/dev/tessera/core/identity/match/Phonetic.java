package dev.tessera.core.identity.match;

/**
 * Phonetic codes for names, used to build blocking keys that survive spelling variants.
 *
 * <ul>
 *   <li>{@link #soundex}: classic American Soundex ({@code Robert} = {@code Rupert} = {@code R163}).</li>
 *   <li>{@link #key}: Tessera's own key, more forgiving than Soundex for European spellings: it keeps no
 *       vowel after the first letter, merges letters that sound alike (b/p, d/t, f/v/ph, c/k/q, s/z, m/n),
 *       reads {@code sch}, {@code sh}, {@code ch}, {@code cz}, {@code tsch} as one sound, {@code kn}/{@code gn}/
 *       {@code wr}/{@code ps} at the start as their second letter, {@code gh} inside a word as silent, and soft
 *       {@code c}/{@code g} before e, i, y as {@code s}/{@code j}. So {@code Schmidt} = {@code Smith} =
 *       {@code Smyth}, {@code Müller} = {@code Mueller} = {@code Muller}, {@code Meyer} = {@code Maier},
 *       {@code Catherine} = {@code Katherine} = {@code Kathryn}, {@code Stephen} = {@code Steven}.</li>
 * </ul>
 * Both accept any text and fold it first; they return "" when no Latin letter is left. Pure and thread-safe.
 */
public final class Phonetic {

    private static final int KEY_LENGTH = 6;

    private Phonetic() {}

    /** American Soundex: first letter and three digits, e.g. {@code Ashcraft} → {@code A261}. */
    public static String soundex(String text) {
        String s = letters(TextNormalizer.fold(text));
        if (s.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(4);
        out.append(Character.toUpperCase(s.charAt(0)));
        char last = soundexDigit(s.charAt(0));
        for (int i = 1; i < s.length() && out.length() < 4; i++) {
            char c = s.charAt(i);
            if (c == 'h' || c == 'w') {
                continue;
            }
            char digit = soundexDigit(c);
            if (digit == '0') {
                last = '0';
            } else if (digit != last) {
                out.append(digit);
                last = digit;
            }
        }
        while (out.length() < 4) {
            out.append('0');
        }
        return out.toString();
    }

    private static char soundexDigit(char c) {
        return switch (c) {
            case 'b', 'f', 'p', 'v' -> '1';
            case 'c', 'g', 'j', 'k', 'q', 's', 'x', 'z' -> '2';
            case 'd', 't' -> '3';
            case 'l' -> '4';
            case 'm', 'n' -> '5';
            case 'r' -> '6';
            default -> '0';
        };
    }

    /** Tessera's phonetic key, at most six symbols, see the class description. */
    public static String key(String text) {
        String s = letters(TextNormalizer.fold(text));
        if (s.isEmpty()) {
            return "";
        }
        s = rewriteStart(s);
        StringBuilder out = new StringBuilder(KEY_LENGTH);
        int n = s.length();
        int i = 0;
        while (i < n && out.length() < KEY_LENGTH) {
            char c = s.charAt(i);
            char next = i + 1 < n ? s.charAt(i + 1) : 0;
            char symbol;
            int advance = 1;
            switch (c) {
                case 'a', 'e', 'i', 'o', 'u', 'y' -> symbol = i == 0 ? 'A' : 0;
                case 'b' -> symbol = 'P';
                case 'p' -> {
                    if (next == 'h') {
                        symbol = 'F';
                        advance = 2;
                    } else {
                        symbol = 'P';
                    }
                }
                case 'c' -> {
                    if (next == 'h') {
                        symbol = i + 2 < n && s.charAt(i + 2) == 'r' ? 'K' : 'X';
                        advance = 2;
                    } else if (next == 'k' || next == 'q') {
                        symbol = 'K';
                        advance = 2;
                    } else if (next == 'z') {
                        symbol = 'X';
                        advance = 2;
                    } else if (next == 'e' || next == 'i' || next == 'y') {
                        symbol = 'S';
                    } else {
                        symbol = 'K';
                    }
                }
                case 'd' -> {
                    if (next == 'g' && i + 2 < n && isSoftVowel(s.charAt(i + 2))) {
                        symbol = 'J';
                        advance = 2;
                    } else {
                        symbol = 'T';
                    }
                }
                case 'f', 'v' -> symbol = 'F';
                case 'w' -> symbol = isVowel(next) ? 'W' : 0;
                case 'g' -> {
                    if (next == 'h') {
                        symbol = i == 0 ? 'K' : 0;
                        advance = 2;
                    } else if (next == 'n' && i + 2 == n) {
                        symbol = 'N';
                        advance = 2;
                    } else if (isSoftVowel(next)) {
                        symbol = 'J';
                    } else {
                        symbol = 'K';
                    }
                }
                case 'h' -> symbol = i == 0 ? 'H' : 0;
                case 'j' -> symbol = 'J';
                case 'k', 'q' -> {
                    symbol = 'K';
                    advance = next == 'h' ? 2 : 1;
                }
                case 'l' -> symbol = 'L';
                case 'm', 'n' -> symbol = 'N';
                case 'r' -> symbol = 'R';
                case 's' -> {
                    if (next == 'c' && i + 2 < n && s.charAt(i + 2) == 'h') {
                        symbol = 'X';
                        advance = 3;
                    } else if (next == 'h') {
                        symbol = 'X';
                        advance = 2;
                    } else if (next == 'z') {
                        symbol = 'S';
                        advance = 2;
                    } else {
                        symbol = 'S';
                    }
                }
                case 't' -> {
                    if (next == 'h') {
                        symbol = 'T';
                        advance = 2;
                    } else if (next == 's' && i + 3 < n && s.charAt(i + 2) == 'c' && s.charAt(i + 3) == 'h') {
                        symbol = 'X';
                        advance = 4;
                    } else if (next == 'c' && i + 2 < n && s.charAt(i + 2) == 'h') {
                        symbol = 'X';
                        advance = 3;
                    } else if (next == 'z' || next == 's') {
                        symbol = 'S';
                        advance = 2;
                    } else {
                        symbol = 'T';
                    }
                }
                case 'x' -> {
                    if (out.length() == 0 || out.charAt(out.length() - 1) != 'K') {
                        out.append('K');
                    }
                    symbol = 'S';
                }
                case 'z' -> symbol = 'S';
                default -> symbol = 0;
            }
            if (symbol != 0 && (out.length() == 0 || out.charAt(out.length() - 1) != symbol)) {
                out.append(symbol);
            }
            i += advance;
        }
        return out.length() > KEY_LENGTH ? out.substring(0, KEY_LENGTH) : out.toString();
    }

    private static String rewriteStart(String s) {
        if (s.length() >= 2) {
            String two = s.substring(0, 2);
            switch (two) {
                case "kn", "gn", "pn", "wr", "ps" -> {
                    return s.substring(1);
                }
                case "wh" -> {
                    return "w" + s.substring(2);
                }
                case "mc" -> {
                    return "mac" + s.substring(2);
                }
                default -> {
                }
            }
            if (s.startsWith("sch") && s.length() > 3 && !isVowel(s.charAt(3))) {
                return "s" + s.substring(3);
            }
        }
        if (s.charAt(0) == 'x') {
            return "s" + s.substring(1);
        }
        return s;
    }

    private static String letters(String folded) {
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (c >= 'a' && c <= 'z') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isVowel(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
    }

    private static boolean isSoftVowel(char c) {
        return c == 'e' || c == 'i' || c == 'y';
    }
}
