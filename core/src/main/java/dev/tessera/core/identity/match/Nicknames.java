package dev.tessera.core.identity.match;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Equivalent given names: formal names, their short forms and spelling variants ({@code Robert}, {@code Rob},
 * {@code Bob}; {@code Margaret}, {@code Peggy}; {@code Mohammed}, {@code Muhammad}). The built-in table covers
 * common English names and the usual short forms of German, French, Spanish, Italian, Dutch and Russian names.
 *
 * <p>The table is a text file with one group per line, names separated by spaces, {@code #} starting a
 * comment. A name may be in several groups ({@code Al} is short for Alan, Albert and Alfred); two names are
 * equivalent when they share a group, so Alan and Albert are not. Immutable and thread-safe.
 */
public final class Nicknames {

    private static final String RESOURCE = "nicknames.txt";

    private static final class BuiltIn {
        static final Nicknames INSTANCE = load();

        private static Nicknames load() {
            InputStream in = Nicknames.class.getResourceAsStream(RESOURCE);
            if (in == null) {
                throw new IllegalStateException("nickname table " + RESOURCE + " missing from the class path");
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return parse(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Name (folded) to the ids of the groups holding it, sorted. */
    private final Map<String, int[]> groups;
    private final List<String> formalNames;

    private Nicknames(Map<String, int[]> groups, List<String> formalNames) {
        this.groups = groups;
        this.formalNames = formalNames;
    }

    /** The table shipped with Tessera. */
    public static Nicknames builtIn() {
        return BuiltIn.INSTANCE;
    }

    /** Reads a table in the format described above. Names are folded with {@link TextNormalizer#fold}. */
    public static Nicknames parse(Reader table) throws IOException {
        Map<String, TreeSet<Integer>> byName = new HashMap<>();
        List<String> formal = new java.util.ArrayList<>();
        BufferedReader lines = new BufferedReader(table);
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            List<String> names = TextNormalizer.tokens(TextNormalizer.fold(content));
            if (names.size() < 2) {
                continue;
            }
            int id = formal.size();
            formal.add(names.get(0));
            for (String name : names) {
                byName.computeIfAbsent(name, k -> new TreeSet<>()).add(id);
            }
        }
        Map<String, int[]> groups = new HashMap<>();
        byName.forEach((name, ids) -> groups.put(name, ids.stream().mapToInt(Integer::intValue).toArray()));
        return new Nicknames(groups, List.copyOf(formal));
    }

    /** True when both (folded) names are in one group. A name is not its own nickname: equal names give false. */
    public boolean equivalent(String a, String b) {
        if (a.equals(b)) {
            return false;
        }
        int[] ga = groups.get(a);
        int[] gb = groups.get(b);
        if (ga == null || gb == null) {
            return false;
        }
        int i = 0;
        int j = 0;
        while (i < ga.length && j < gb.length) {
            if (ga[i] == gb[j]) {
                return true;
            }
            if (ga[i] < gb[j]) {
                i++;
            } else {
                j++;
            }
        }
        return false;
    }

    /**
     * The formal names of the groups a (folded) name belongs to, e.g. {@code bob} → {@code [robert]},
     * {@code al} → {@code [alan, albert, alfred]}; empty for names the table does not know.
     */
    public List<String> formalNames(String name) {
        int[] ids = groups.get(name);
        if (ids == null) {
            return List.of();
        }
        return Collections.unmodifiableList(Arrays.stream(ids).mapToObj(formalNames::get).distinct().sorted().toList());
    }
}
