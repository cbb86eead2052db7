package dev.tessera.profile.search;

import dev.tessera.core.identity.match.TextNormalizer;
import dev.tessera.core.model.Attributes;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisKeys;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A lexicographic index of profile names for prefix search: one sorted set whose members are
 * {@code <folded name> SEP <profile id>} (all scores 0, so ZRANGEBYLEX walks them in name order), and a
 * hash that remembers which members each profile owns and from which profile version, so that a change
 * replaces them. Names are folded as the matcher folds them ({@link TextNormalizer}): case and accents
 * fold away, and names with ä/ö/ü/ø/å are indexed in both spellings ({@code Müller} under {@code muller}
 * and {@code mueller}).
 *
 * <p>The resolver never writes here: {@link NameIndexFeed} keeps the index up to date from the change
 * feed, so the index lags a little behind the profiles and readers re-check what they find
 * ({@link #matches}). The keys share the hash tag {@code {nameix}}, so the replacing script touches one
 * slot on Redis Cluster too (the index then lives on one node: it holds names and ids only).
 */
public final class NameIndex {

    private final String entries;
    private final String owned;
    /** Set once a full rebuild has finished; absent after a flush, so the feed rebuilds. */
    private final String built;

    /** Sorts before every character a folded name can hold, so shorter names come first. */
    private static final String SEP = "\u0001";
    private static final String HIGHEST = "\uffff";

    /** Shortest prefix accepted after folding: one letter would page through everybody. */
    public static final int MIN_PREFIX = 2;
    public static final int MAX_PREFIX = 100;

    private static final List<String> FULL_NAME_ATTRIBUTES = List.of("full_name", "name");

    // KEYS[1] entries, KEYS[2] owned; ARGV[1] profile id, ARGV[2] version ('' = remove), ARGV[3..] members.
    // An older version never replaces a newer one (two instances may handle two changes of one profile).
    private static final String REPLACE = """
            local held = redis.call('HGET', KEYS[2], ARGV[1])
            if held then
              local first = true
              for part in string.gmatch(held, '[^\\n]+') do
                if first then
                  if ARGV[2] ~= '' and tonumber(part) > tonumber(ARGV[2]) then return 0 end
                  first = false
                else
                  redis.call('ZREM', KEYS[1], part)
                end
              end
            end
            if ARGV[2] == '' then
              redis.call('HDEL', KEYS[2], ARGV[1])
              return 1
            end
            local owned = ARGV[2]
            for i = 3, #ARGV do
              redis.call('ZADD', KEYS[1], 0, ARGV[i])
              owned = owned .. '\\n' .. ARGV[i]
            end
            redis.call('HSET', KEYS[2], ARGV[1], owned)
            return 1
            """;

    private final RedisClusterCommands<String, String> redis;

    /** The index of the live data. */
    public NameIndex(RedisConnection connection) {
        this(connection, RedisKeys.Namespace.DEFAULT);
    }

    /** The index of the profiles of one key namespace, its keys under the same prefix. */
    public NameIndex(RedisConnection connection, RedisKeys.Namespace namespace) {
        this.redis = connection.commands();
        this.entries = namespace.prefix() + "{nameix}:entries";
        this.owned = namespace.prefix() + "{nameix}:owned";
        this.built = namespace.prefix() + "{nameix}:built";
    }

    /** The folded names a profile is found by: last name, first + last name, a full name, each spelling. */
    public static Set<String> names(Profile profile) {
        Map<String, GoldenValue> golden = profile.golden();
        String first = value(golden, Attributes.FIRST_NAME);
        String last = value(golden, Attributes.LAST_NAME);
        List<String> raw = new ArrayList<>();
        if (!last.isEmpty()) {
            raw.add(last);
        }
        if (!first.isEmpty() && !last.isEmpty()) {
            raw.add(first + " " + last);
        }
        FULL_NAME_ATTRIBUTES.forEach(name -> {
            String full = value(golden, name);
            if (!full.isEmpty()) {
                raw.add(full);
            }
        });
        Set<String> names = new LinkedHashSet<>();
        for (String name : raw) {
            TextNormalizer.Folded folded = TextNormalizer.folded(name);
            if (folded != null) {
                names.add(folded.plain());
                names.add(folded.digraph());
            }
        }
        return names;
    }

    /** The folded forms a query prefix is looked up by (plain and digraph spelling). */
    public static Set<String> prefixes(String query) {
        Set<String> prefixes = new LinkedHashSet<>();
        String plain = TextNormalizer.fold(query);
        if (!plain.isEmpty()) {
            prefixes.add(plain);
            prefixes.add(TextNormalizer.foldDigraphs(query));
        }
        return prefixes;
    }

    /** True when the profile, as it is now, has a name starting with one of these folded prefixes. */
    public static boolean matches(Profile profile, Set<String> prefixes) {
        return names(profile).stream().anyMatch(name -> prefixes.stream().anyMatch(name::startsWith));
    }

    /** Replaces the entries of this live profile by its current names (unless a newer version is indexed). */
    public void put(Profile profile) {
        List<String> args = new ArrayList<>();
        args.add(profile.id().value());
        args.add(Long.toString(profile.version()));
        names(profile).forEach(name -> args.add(name + SEP + profile.id().value()));
        run(args);
    }

    /** Removes every entry of a profile that is gone or forwards elsewhere. */
    public void remove(ProfileId id) {
        run(List.of(id.value(), ""));
    }

    private void run(List<String> args) {
        redis.eval(REPLACE, ScriptOutputType.INTEGER, new String[] {entries, owned}, args.toArray(String[]::new));
    }

    /**
     * Profile ids with a name starting with one of the prefixes, in name order (then id), each once, at
     * most {@code max}.
     */
    public List<ProfileId> find(Set<String> prefixes, int max) {
        Map<String, String> bestName = new LinkedHashMap<>();
        for (String prefix : prefixes) {
            List<String> members = redis.zrangebylex(entries,
                    Range.create(prefix, prefix + HIGHEST), Limit.create(0, max * 6L)); // several names per profile
            for (String member : members) {
                int cut = member.lastIndexOf(SEP);
                String id = member.substring(cut + 1);
                String name = member.substring(0, cut);
                bestName.merge(id, name, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        return bestName.entrySet().stream()
                .sorted(Map.Entry.<String, String>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(max)
                .map(e -> new ProfileId(e.getKey()))
                .toList();
    }

    boolean built() {
        return redis.exists(built) > 0;
    }

    void markBuilt() {
        redis.set(built, "1");
    }

    /** How many profiles have entries (for tests and health). */
    public long indexedProfiles() {
        return redis.hlen(owned);
    }

    private static String value(Map<String, GoldenValue> golden, String name) {
        return Optional.ofNullable(golden.get(name)).map(GoldenValue::value).map(String::strip).orElse("");
    }
}
