package dev.tessera.core.identity;

import dev.tessera.core.profile.SurvivorshipRules;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command line for {@link ReResolution}; run it through {@code scripts/re-resolve.sh}. Without
 * {@code --apply} it is a dry run that changes nothing live and prints what would change; with
 * {@code --apply} it re-resolves and prints what changed. The report holds counts and profile ids only.
 */
public final class ReResolveCommand {

    static final String USAGE = """
            usage: re-resolve.sh [--redis URL] [--cluster] [--policy exact|probabilistic]
                                 [--link-weight W] [--veto-weight W] [--model FILE] [--max-block N]
                                 [--survivorship-default RULE] [--survivorship ATTRIBUTE=RULE]...
                                 [--source-priority SOURCE,SOURCE...] [--claimed-sources SOURCE,SOURCE...]
                                 [--tombstone-secret env:NAME|file:PATH] [--apply]
              --redis URL   the live Redis (default: REDIS_URL, else redis://localhost:6379)
              --tombstone-secret  the apps' tessera.privacy.tombstone-secret (default: the environment
                            variable TESSERA_PRIVACY_TOMBSTONESECRET, else the key kept in Redis), so
                            --apply refuses the records of people erased while it runs
              --cluster     URL is a seed node of a Redis Cluster
              --policy, --link-weight, --veto-weight, --model, --max-block, --survivorship*,
              --source-priority, --claimed-sources: the new identity settings (tessera.identity);
                            unset ones take the defaults. RULE: most-recent | source-priority | most-frequent | most-complete
              --apply       re-resolve the live data (default: dry run, nothing is changed)""";

    private ReResolveCommand() {}

    /** Parsed command line. */
    record Options(RedisSettings redis, IdentitySettings settings, boolean apply, String tombstoneSecret) {}

    /** The environment variable Spring binds to {@code tessera.privacy.tombstone-secret} in the apps. */
    static final String TOMBSTONE_SECRET_ENV = "TESSERA_PRIVACY_TOMBSTONESECRET";

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (UsageException e) {
            System.err.println("re-resolve: " + e.getMessage());
            System.err.println(USAGE);
            code = 2;
        } catch (RuntimeException e) {
            System.err.println("re-resolve failed: " + e);
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (Arrays.asList(args).contains("-h") || Arrays.asList(args).contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        Options options = parseWithSecret(System.getenv("REDIS_URL"), System.getenv(TOMBSTONE_SECRET_ENV), args);
        IdentitySettings s = options.settings();
        err.printf(Locale.ROOT, "re-resolve: %s against %s with policy=%s link-weight=%s veto-weight=%s model=%s"
                        + " max-block=%d%n", options.apply() ? "APPLY" : "dry run", options.redis().redactedUrl(),
                s.policy().name().toLowerCase(Locale.ROOT), s.linkWeight(), s.vetoWeight(),
                s.model() == null ? "built-in" : s.model(), s.maxBlock());
        try (RedisConnection connection = RedisConnection.open(options.redis())) {
            ReResolution reResolution = new ReResolution(connection, s, Clock.systemUTC())
                    .onProgress(message -> err.println("re-resolve: " + message));
            if (options.apply()) {
                // timelines, metrics and consent follow the records to their new profiles (metrics and journey
                // stages computed with the default CX settings here, no moments evaluated; the apps' next
                // refresh of a profile uses theirs)
                dev.tessera.core.store.ProfileStore profiles = new dev.tessera.core.store.ProfileStore(connection);
                reResolution.onMoved(new dev.tessera.core.cx.CxIdentityHooks(new dev.tessera.core.cx.CxStore(
                        profiles, dev.tessera.core.cx.CxSettings.defaults(), Clock.systemUTC()))::afterMoved);
                erasures(connection, options.tombstoneSecret(), err).ifPresent(reResolution::refusing);
                int held = profiles.dissolvedHeld().size();
                if (held > 0) {
                    // their records are in no profile now: the profile service finishes them, and this run does
                    // not see them
                    err.printf(Locale.ROOT, "re-resolve: %d dissolved profile(s) still hold records left by a"
                            + " stopped split or re-resolution; the profile service finishes them within minutes%n",
                            held);
                }
            }
            ReResolution.Report report = options.apply() ? reResolution.apply() : reResolution.dryRun();
            report.lines().forEach(out::println);
        }
        return 0;
    }

    /**
     * The apps' tombstones: with the configured reference, else with the key the apps keep in Redis when none
     * is configured; empty (with a warning) when there is neither, since a key of this command's own would
     * match no tombstone.
     */
    private static java.util.Optional<dev.tessera.core.privacy.Tombstones> erasures(RedisConnection connection,
            String reference, PrintStream err) {
        if (reference == null && connection.commands().exists(dev.tessera.core.privacy.Tombstones.GENERATED_KEY) == 0) {
            err.println("re-resolve: no --tombstone-secret and no tombstone key in Redis: records of people erased"
                    + " while this runs are not refused (pass the apps' tessera.privacy.tombstone-secret)");
            return java.util.Optional.empty();
        }
        if (reference == null) {
            // right when the apps configure no secret; when they do (in their YAML, say), this key matches no
            // tombstone, and nothing here can tell
            err.println("re-resolve: using the tombstone key kept in Redis; if the apps set"
                    + " tessera.privacy.tombstone-secret, pass the same reference as --tombstone-secret");
        }
        try {
            return java.util.Optional.of(dev.tessera.core.privacy.Tombstones.of(connection,
                    new dev.tessera.core.privacy.PrivacySettings(reference, false), System::getenv));
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage()); // names the setting, never the value
        }
    }

    static Options parse(String redisFromEnv, String... args) {
        return parseWithSecret(redisFromEnv, null, args);
    }

    static Options parseWithSecret(String redisFromEnv, String secretFromEnv, String... args) {
        String url = redisFromEnv == null || redisFromEnv.isBlank() ? null : redisFromEnv;
        String secret = secretFromEnv == null || secretFromEnv.isBlank() ? null : secretFromEnv;
        boolean cluster = false;
        boolean apply = false;
        IdentitySettings.Policy policy = null;
        Double link = null;
        Double veto = null;
        Path model = null;
        Integer maxBlock = null;
        SurvivorshipRules.Rule defaultRule = null;
        Map<String, SurvivorshipRules.Rule> rules = new LinkedHashMap<>();
        List<String> sourcePriority = null;
        Set<String> claimed = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--apply" -> apply = true;
                case "--cluster" -> cluster = true;
                case "--redis", "--policy", "--link-weight", "--veto-weight", "--model", "--max-block",
                        "--survivorship-default", "--survivorship", "--source-priority", "--claimed-sources",
                        "--tombstone-secret" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException(arg + " needs a value");
                    }
                    String value = args[++i];
                    switch (arg) {
                        case "--redis" -> url = value;
                        case "--tombstone-secret" -> secret = value;
                        case "--policy" -> policy = policy(value);
                        case "--link-weight" -> link = number(arg, value);
                        case "--veto-weight" -> veto = number(arg, value);
                        case "--model" -> {
                            model = Path.of(value);
                            if (!Files.isReadable(model)) {
                                throw new UsageException("--model: cannot read " + value);
                            }
                        }
                        case "--max-block" -> {
                            try {
                                maxBlock = Integer.parseInt(value);
                            } catch (NumberFormatException e) {
                                throw new UsageException("--max-block must be an integer");
                            }
                        }
                        case "--survivorship-default" -> defaultRule = rule(value);
                        case "--survivorship" -> {
                            int eq = value.indexOf('=');
                            if (eq <= 0) {
                                throw new UsageException("--survivorship takes ATTRIBUTE=RULE");
                            }
                            rules.put(value.substring(0, eq).strip(), rule(value.substring(eq + 1)));
                        }
                        case "--claimed-sources" -> claimed = Arrays.stream(value.split(","))
                                .map(String::strip).filter(v -> !v.isEmpty())
                                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
                        default -> sourcePriority = Arrays.stream(value.split(",")).map(String::strip)
                                .filter(v -> !v.isEmpty()).toList();
                    }
                }
                default -> throw new UsageException("unknown argument " + arg);
            }
        }
        RedisSettings redis;
        IdentitySettings settings;
        try {
            redis = new RedisSettings(url, cluster, null);
            SurvivorshipRules survivorship = defaultRule == null && rules.isEmpty() && sourcePriority == null
                    ? null : new SurvivorshipRules(defaultRule, rules, sourcePriority);
            settings = new IdentitySettings(policy, model, link, veto, maxBlock, survivorship, claimed);
            new dev.tessera.core.privacy.PrivacySettings(secret, false); // checks the reference's form
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new Options(redis, settings, apply, secret);
    }

    private static IdentitySettings.Policy policy(String value) {
        try {
            return IdentitySettings.Policy.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--policy must be exact or probabilistic");
        }
    }

    private static SurvivorshipRules.Rule rule(String value) {
        try {
            return SurvivorshipRules.Rule.valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown survivorship rule " + value);
        }
    }

    private static double number(String name, String value) {
        try {
            double n = Double.parseDouble(value);
            if (Double.isFinite(n)) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(name + " must be a number");
    }
}
