package dev.tessera.core.identity.match;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * String similarity measures used by the field comparators. Inputs are compared as given (fold them
 * first with {@link TextNormalizer}); all methods are pure and thread-safe.
 */
public final class StringSimilarity {

    private static final double WINKLER_SCALE = 0.1;
    private static final int WINKLER_MAX_PREFIX = 4;
    /** Winkler's boost applies only to strings that are already fairly similar. */
    private static final double WINKLER_THRESHOLD = 0.7;

    private StringSimilarity() {}

    /** Jaro similarity in [0, 1]: 1 for equal strings, 0 when no characters match (or one string is empty). */
    public static double jaro(String a, String b) {
        if (a.equals(b)) {
            return a.isEmpty() ? 0.0 : 1.0;
        }
        int la = a.length();
        int lb = b.length();
        if (la == 0 || lb == 0) {
            return 0.0;
        }
        int window = Math.max(0, Math.max(la, lb) / 2 - 1);
        boolean[] matchedA = new boolean[la];
        boolean[] matchedB = new boolean[lb];
        int matches = 0;
        for (int i = 0; i < la; i++) {
            int from = Math.max(0, i - window);
            int to = Math.min(lb - 1, i + window);
            char c = a.charAt(i);
            for (int j = from; j <= to; j++) {
                if (!matchedB[j] && b.charAt(j) == c) {
                    matchedA[i] = true;
                    matchedB[j] = true;
                    matches++;
                    break;
                }
            }
        }
        if (matches == 0) {
            return 0.0;
        }
        int halfTranspositions = 0;
        int k = 0;
        for (int i = 0; i < la; i++) {
            if (matchedA[i]) {
                while (!matchedB[k]) {
                    k++;
                }
                if (a.charAt(i) != b.charAt(k)) {
                    halfTranspositions++;
                }
                k++;
            }
        }
        double m = matches;
        return (m / la + m / lb + (m - halfTranspositions / 2.0) / m) / 3.0;
    }

    /**
     * Jaro–Winkler similarity in [0, 1] with the usual prefix scale 0.1 over at most 4 characters, applied
     * when the Jaro similarity exceeds 0.7. JW("martha", "marhta") ≈ 0.961.
     */
    public static double jaroWinkler(String a, String b) {
        double jaro = jaro(a, b);
        if (jaro <= WINKLER_THRESHOLD) {
            return jaro;
        }
        int prefix = 0;
        int max = Math.min(WINKLER_MAX_PREFIX, Math.min(a.length(), b.length()));
        while (prefix < max && a.charAt(prefix) == b.charAt(prefix)) {
            prefix++;
        }
        return jaro + prefix * WINKLER_SCALE * (1.0 - jaro);
    }

    /**
     * Damerau–Levenshtein distance (unrestricted: insertions, deletions, substitutions and transpositions
     * of adjacent characters, where transposed characters may also be edited further).
     */
    public static int damerauLevenshtein(String a, String b) {
        int la = a.length();
        int lb = b.length();
        if (la == 0) {
            return lb;
        }
        if (lb == 0) {
            return la;
        }
        int infinity = la + lb;
        int[][] d = new int[la + 2][lb + 2];
        d[0][0] = infinity;
        for (int i = 0; i <= la; i++) {
            d[i + 1][0] = infinity;
            d[i + 1][1] = i;
        }
        for (int j = 0; j <= lb; j++) {
            d[0][j + 1] = infinity;
            d[1][j + 1] = j;
        }
        // last row of each character of a seen so far: an array for ASCII (emails, mostly), a map beyond
        // (the boxed map for every character was most of this method's cost)
        int[] lastRowAscii = new int[128];
        Map<Character, Integer> lastRow = null;
        for (int i = 1; i <= la; i++) {
            char ca = a.charAt(i - 1);
            int lastMatchColumn = 0;
            for (int j = 1; j <= lb; j++) {
                char cb = b.charAt(j - 1);
                int k = cb < 128 ? lastRowAscii[cb] : lastRow == null ? 0 : lastRow.getOrDefault(cb, 0);
                int l = lastMatchColumn;
                int cost = 1;
                if (ca == cb) {
                    cost = 0;
                    lastMatchColumn = j;
                }
                int substitution = d[i][j] + cost;
                int insertion = d[i + 1][j] + 1;
                int deletion = d[i][j + 1] + 1;
                int transposition = d[k][l] + (i - k - 1) + 1 + (j - l - 1);
                d[i + 1][j + 1] = Math.min(Math.min(substitution, insertion), Math.min(deletion, transposition));
            }
            if (ca < 128) {
                lastRowAscii[ca] = i;
            } else {
                if (lastRow == null) {
                    lastRow = new HashMap<>();
                }
                lastRow.put(ca, i);
            }
        }
        return d[la + 1][lb + 1];
    }

    /**
     * Optimal string alignment distance (restricted Damerau–Levenshtein: a transposed pair is not edited
     * again), with three rows of memory: cheap enough for every candidate pair.
     */
    public static int optimalStringAlignment(String a, String b) {
        int la = a.length();
        int lb = b.length();
        int[] before = new int[lb + 1];
        int[] previous = new int[lb + 1];
        int[] current = new int[lb + 1];
        for (int j = 0; j <= lb; j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= la; i++) {
            current[0] = i;
            char ca = a.charAt(i - 1);
            for (int j = 1; j <= lb; j++) {
                char cb = b.charAt(j - 1);
                int cost = ca == cb ? 0 : 1;
                int value = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && ca == b.charAt(j - 2) && a.charAt(i - 2) == cb) {
                    value = Math.min(value, before[j - 2] + 1);
                }
                current[j] = value;
            }
            int[] recycled = before;
            before = previous;
            previous = current;
            current = recycled;
        }
        return previous[lb];
    }

    /** True when both texts consist of the same letters in another order ({@code eloilt} / {@code elliot}). */
    public static boolean sameLetters(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        char[] x = a.toCharArray();
        char[] y = b.toCharArray();
        java.util.Arrays.sort(x);
        java.util.Arrays.sort(y);
        return java.util.Arrays.equals(x, y);
    }

    /**
     * True when the Damerau–Levenshtein distance is at most one, computed in linear time: one insertion,
     * deletion, substitution or swap of adjacent characters, or none.
     */
    public static boolean withinOneEdit(String a, String b) {
        int la = a.length();
        int lb = b.length();
        if (Math.abs(la - lb) > 1) {
            return false;
        }
        int i = 0;
        while (i < la && i < lb && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i == la && i == lb) {
            return true;
        }
        if (la == lb) {
            if (a.regionMatches(i + 1, b, i + 1, la - i - 1)) {
                return true;
            }
            return i + 1 < la && a.charAt(i) == b.charAt(i + 1) && a.charAt(i + 1) == b.charAt(i)
                    && a.regionMatches(i + 2, b, i + 2, la - i - 2);
        }
        if (la > lb) {
            return a.regionMatches(i + 1, b, i, lb - i);
        }
        return b.regionMatches(i + 1, a, i, la - i);
    }

    /**
     * Similarity of two multi-word texts: each word is paired with its most Jaro–Winkler-similar word on
     * the other side, and the two directions' averages are averaged. Word order does not matter:
     * {@code "anna maria"} and {@code "maria anna"} score 1.
     */
    public static double tokenSimilarity(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0.0;
        }
        return (directed(a, b) + directed(b, a)) / 2.0;
    }

    private static double directed(List<String> from, List<String> to) {
        double sum = 0;
        for (String x : from) {
            double best = 0;
            for (String y : to) {
                best = Math.max(best, jaroWinkler(x, y));
            }
            sum += best;
        }
        return sum / from.size();
    }
}
