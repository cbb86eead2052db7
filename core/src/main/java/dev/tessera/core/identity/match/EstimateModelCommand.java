package dev.tessera.core.identity.match;

import dev.tessera.core.csv.CsvReader;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisSettings;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The estimate command: estimates a {@link MatchModel} (m, u and lambda) from unlabelled data with
 * {@link EmEstimator} and writes it as JSON, ready for {@code tessera.identity.model}. Run it through
 * {@code scripts/estimate-model.sh}; see {@code docs/identity-model.md}.
 *
 * <pre>estimate-model.sh --out FILE [--redis URL] [--input CANONICAL_CSV] [--sample N] [--seed S]
 *                   [--phone-region CC] [--cluster]</pre>
 *
 * <ul>
 *   <li>From Redis (default; {@code --redis}, else {@code REDIS_URL}, else {@code redis://localhost:6379}):
 *       the stored source records of every profile ({@code SCAN} for {@code {p:*}:records}, {@code HVALS}).
 *       Read only: the command never writes to Redis.</li>
 *   <li>From a canonical CSV ({@code --input}): the benchmark format, header
 *       {@code record_id,source,source_id,first_name,last_name,email,phone,birth_date,street,city,postcode,country};
 *       extra columns are ignored, empty cells allowed; emails and phones are normalised as on ingestion
 *       ({@code --phone-region}, default GB, for numbers without a country code).</li>
 * </ul>
 * At most {@code --sample} records (default 20,000) are used: those whose source record key has the
 * smallest seeded hash, so the sample depends only on the data and the seed, not on the order Redis
 * returns keys in. The sample is estimated in key order with the same seed.
 *
 * <p>Output is free of personal data: counts, and m/u/weights per field. Exit codes: 0 done, 1 failed
 * (Redis unreachable, unreadable input, too few records), 2 usage error.
 */
public final class EstimateModelCommand {

    static final String USAGE = "usage: estimate-model.sh --out FILE [--redis URL | --input CANONICAL_CSV]"
            + " [--sample N] [--seed S] [--phone-region CC] [--cluster]";
    static final int DEFAULT_SAMPLE = 20_000;
    static final long DEFAULT_SEED = 1;
    /** Blocks with more records than this are skipped, by the estimator and in the candidate pair count. */
    static final int MAX_BLOCK = 500;
    static final String RECORDS_PATTERN = "{p:*}:records";
    private static final int SCAN_COUNT = 1000;
    private static final List<String> COLUMNS = List.of("record_id", "source", "source_id", "first_name",
            "last_name", "email", "phone", "birth_date", "street", "city", "postcode", "country");
    private static final List<String> ATTRIBUTES = List.of("first_name", "last_name", "birth_date", "street",
            "city", "postcode", "country");
    private static final Instant CSV_OBSERVED_AT = Instant.parse("2025-01-01T00:00:00Z");
    /** Configured like the store's mapper ({@code dev.tessera.core.store.Json}), which is package-private. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EstimateModelCommand() {}

    /** A usage error: exit code 2 with the usage line. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** A failure that is not a usage error, reported by its message alone: exit code 1. */
    static final class CommandException extends RuntimeException {
        CommandException(String message) {
            super(message);
        }
    }

    record Options(Path out, String redisUrl, Path input, int sample, long seed, String phoneRegion,
            boolean cluster) {

        static Options parse(String[] args, Map<String, String> env) {
            Path out = null;
            String redis = null;
            Path input = null;
            int sample = DEFAULT_SAMPLE;
            long seed = DEFAULT_SEED;
            String region = null;
            boolean cluster = false;
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!seen.add(arg)) {
                    throw new UsageException(arg + " given twice");
                }
                switch (arg) {
                    case "--cluster" -> cluster = true;
                    case "--out", "--redis", "--input", "--sample", "--seed", "--phone-region" -> {
                        if (i + 1 >= args.length || args[i + 1].isBlank()) {
                            throw new UsageException(arg + " needs a value");
                        }
                        String value = args[++i];
                        switch (arg) {
                            case "--out" -> out = path(arg, value);
                            case "--redis" -> redis = value.strip();
                            case "--input" -> input = path(arg, value);
                            case "--sample" -> sample = sample(value);
                            case "--seed" -> seed = seed(value);
                            default -> region = value.strip();
                        }
                    }
                    default -> throw new UsageException("unknown argument '" + arg + "'");
                }
            }
            if (out == null) {
                throw new UsageException("--out FILE is required (where to write the model JSON)");
            }
            if (redis != null && input != null) {
                throw new UsageException("give either --redis or --input, not both");
            }
            if (input != null && cluster) {
                throw new UsageException("--cluster applies to Redis, not to --input");
            }
            if (input == null && region != null) {
                throw new UsageException("--phone-region applies to --input only (stored records are normalised)");
            }
            if (input != null) {
                if (!Files.isRegularFile(input)) {
                    throw new UsageException("--input " + input + " is not a readable file");
                }
                if (out.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
                    throw new UsageException("--out must not be the --input file");
                }
                region = region == null ? "GB" : region;
                try {
                    new Identifiers(region);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--phone-region: " + e.getMessage());
                }
            } else {
                if (redis == null) {
                    String fromEnv = env.get("REDIS_URL");
                    redis = fromEnv == null || fromEnv.isBlank() ? RedisSettings.DEFAULT_URL : fromEnv.strip();
                }
                try {
                    new RedisSettings(redis, cluster, null);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("invalid Redis URL: " + e.getMessage());
                }
            }
            if (Files.isDirectory(out)) {
                throw new UsageException("--out " + out + " is a directory; give a file name");
            }
            return new Options(out, redis, input, sample, seed, region, cluster);
        }

        private static Path path(String name, String value) {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new UsageException(name + ": invalid path");
            }
        }

        private static int sample(String value) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= 2) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new UsageException("--sample must be an integer >= 2, got '" + value + "'");
        }

        private static long seed(String value) {
            try {
                return Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--seed must be an integer, got '" + value + "'");
            }
        }
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /**
     * Runs the command and returns its exit code: 0 done, 1 failed, 2 usage error. Never exits the JVM.
     *
     * @param env the environment ({@code REDIS_URL})
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        try {
            if (args.length == 0) {
                throw new UsageException("no arguments");
            }
            Options options = Options.parse(args, env);
            estimate(options, out, err);
            return 0;
        } catch (UsageException e) {
            err.println("estimate-model: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (CommandException e) {
            err.println("estimate-model: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("estimate-model: I/O error: " + e);
            return 1;
        } catch (RuntimeException e) {
            // Exception text only, no stack of values: messages of this code base carry no personal data.
            err.println("estimate-model failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    private static void estimate(Options options, PrintStream out, PrintStream err) throws IOException {
        long start = System.nanoTime();
        Sampler sampler = new Sampler(options.sample(), options.seed());
        String source;
        if (options.input() != null) {
            readCsv(options.input(), new Identifiers(options.phoneRegion()), sampler);
            source = String.format(Locale.ROOT, "csv %s: %d rows", options.input(), sampler.seen());
        } else {
            RedisSettings settings = new RedisSettings(options.redisUrl(), options.cluster(), null);
            ScanStats stats = readRedis(settings, sampler, err);
            source = String.format(Locale.ROOT, "redis %s: %d profiles, %d records%s", settings.redactedUrl(),
                    stats.profiles(), sampler.seen(),
                    stats.unreadable() == 0 ? "" : " (" + stats.unreadable() + " unreadable, skipped)");
        }
        if (sampler.duplicates() > 0) {
            source += String.format(Locale.ROOT, " (%d repeated source record keys counted once)", sampler.duplicates());
        }
        List<CustomerRecord> records = sampler.sample();
        if (records.size() < 2) {
            throw new CommandException("too few records to estimate from (" + records.size() + "; "
                    + source + ")");
        }
        long pairs = candidatePairs(records);
        MatchModel model = new EmEstimator(options.seed()).withMaxBlockSize(MAX_BLOCK).estimate(records);
        write(options.out(), model.toJson());

        out.println("source: " + source);
        out.printf(Locale.ROOT, "records used: %d (sample limit %d, seed %d)%n", records.size(), options.sample(),
                options.seed());
        out.printf(Locale.ROOT, "candidate pairs: %d (records sharing a blocking key; blocks over %d skipped)%n",
                pairs, MAX_BLOCK);
        out.printf(Locale.ROOT, "lambda: %.6g (prior weight %.2f bits)%n", model.lambda(), model.priorWeight());
        long[] present = presence(records);
        out.printf(Locale.ROOT, "%-11s %8s  %-29s %s%n", "field", "present", "EXACT m / u / weight",
                "DIFFERENT m / u / weight");
        for (MatchField field : MatchField.values()) {
            long n = present[field.ordinal()];
            out.printf(Locale.ROOT, "%-11s %7.1f%%  %-29s %s%s%n", field.id(), 100.0 * n / records.size(),
                    level(model, field, ComparisonLevel.EXACT), level(model, field, ComparisonLevel.DIFFERENT),
                    n < 2 ? "  (not in the data: starting values kept)" : "");
        }
        if (records.size() < 1000) {
            out.println("note: fewer than 1000 records; the estimates are rough");
        }
        out.printf(Locale.ROOT, "model written to %s in %.1f s%n", options.out(), (System.nanoTime() - start) / 1e9);
        out.println("use it: tessera.identity.model=" + options.out().toAbsolutePath().normalize()
                + " (TESSERA_MATCH_MODEL=... for scripts/bench-identity.sh)");
    }

    private static String level(MatchModel model, MatchField field, ComparisonLevel level) {
        MatchModel.Probabilities p = model.probabilities(field, level);
        return String.format(Locale.ROOT, "%.4g / %.3g / %+.2f", p.m(), p.u(), p.weight());
    }

    /** Per field ordinal, how many records have a value the matcher can compare. */
    static long[] presence(List<CustomerRecord> records) {
        long[] present = new long[MatchField.values().length];
        ComparisonLevel[] levels = new ComparisonLevel[MatchField.values().length];
        for (CustomerRecord record : records) {
            PreparedRecord prepared = PreparedRecord.of(record);
            FieldComparators.compareInto(prepared, prepared, levels);
            for (MatchField field : MatchField.values()) {
                if (levels[field.ordinal()] != ComparisonLevel.MISSING) {
                    present[field.ordinal()]++;
                }
            }
        }
        return present;
    }

    /** Distinct pairs of records sharing a blocking key, blocks larger than {@link #MAX_BLOCK} skipped. */
    static long candidatePairs(List<CustomerRecord> records) {
        Map<String, List<Integer>> blocks = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            for (String key : BlockingKeys.keys(records.get(i))) {
                blocks.computeIfAbsent(key, k -> new ArrayList<>(2)).add(i);
            }
        }
        Set<Long> pairs = new HashSet<>();
        for (List<Integer> members : blocks.values()) {
            if (members.size() < 2 || members.size() > MAX_BLOCK) {
                continue;
            }
            for (int a = 0; a < members.size(); a++) {
                for (int b = a + 1; b < members.size(); b++) {
                    int i = Math.min(members.get(a), members.get(b));
                    int j = Math.max(members.get(a), members.get(b));
                    pairs.add(((long) i << 32) | j);
                }
            }
        }
        return pairs.size();
    }

    private static void write(Path out, String json) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temp, json + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    // ---- sampling

    /**
     * Keeps the {@code limit} records whose source record key has the smallest seeded hash (bottom-k), so
     * the sample is a uniform one that does not depend on the order records arrive in.
     */
    static final class Sampler {
        private record Entry(long hash, String key, CustomerRecord record) {}

        private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::hash).thenComparing(Entry::key);

        private final int limit;
        private final long seed;
        private final PriorityQueue<Entry> largestFirst = new PriorityQueue<>(ORDER.reversed());
        private final Set<String> kept = new HashSet<>();
        private long seen;
        private long duplicates;

        Sampler(int limit, long seed) {
            this.limit = limit;
            this.seed = seed;
        }

        void offer(CustomerRecord record) {
            seen++;
            String key = record.id().key();
            if (kept.contains(key)) {
                duplicates++;
                return;
            }
            Entry entry = new Entry(hash(seed, key), key, record);
            if (largestFirst.size() < limit) {
                largestFirst.add(entry);
                kept.add(key);
            } else if (ORDER.compare(entry, largestFirst.peek()) < 0) {
                kept.remove(largestFirst.poll().key());
                largestFirst.add(entry);
                kept.add(key);
            }
        }

        long seen() {
            return seen;
        }

        long duplicates() {
            return duplicates;
        }

        /** The sample in source record key order. */
        List<CustomerRecord> sample() {
            return largestFirst.stream().sorted(Comparator.comparing(Entry::key)).map(Entry::record).toList();
        }

        static long hash(long seed, String key) {
            long h = 0xcbf29ce484222325L; // FNV-1a over UTF-16 code units, then two rounds of a 64-bit mixer
            for (int i = 0; i < key.length(); i++) {
                h ^= key.charAt(i);
                h *= 0x100000001b3L;
            }
            return mix(mix(h) ^ seed);
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }

    // ---- Redis

    private record ScanStats(long profiles, long unreadable) {}

    private static ScanStats readRedis(RedisSettings settings, Sampler sampler, PrintStream err) {
        RedisConnection connection;
        try {
            connection = RedisConnection.open(settings);
        } catch (RuntimeException e) {
            throw new CommandException("cannot connect to Redis at " + settings.redactedUrl()
                    + " (set --redis or REDIS_URL): " + rootMessage(e));
        }
        long profiles = 0;
        long unreadable = 0;
        long nextReport = 100_000;
        try (connection) {
            ScanArgs args = ScanArgs.Builder.matches(RECORDS_PATTERN).limit(SCAN_COUNT);
            KeyScanCursor<String> cursor = connection.commands().scan(args);
            while (true) {
                List<RedisFuture<List<String>>> values = new ArrayList<>(cursor.getKeys().size());
                for (String key : cursor.getKeys()) {
                    values.add(connection.async().hvals(key));
                }
                for (RedisFuture<List<String>> future : values) {
                    profiles++;
                    for (String json : connection.await(future)) {
                        CustomerRecord record = parse(json);
                        if (record == null) {
                            unreadable++;
                        } else {
                            sampler.offer(record);
                        }
                    }
                }
                if (sampler.seen() >= nextReport) {
                    err.printf(Locale.ROOT, "estimate-model: read %d records of %d profiles...%n", sampler.seen(),
                            profiles);
                    nextReport += 100_000;
                }
                if (cursor.isFinished()) {
                    break;
                }
                // the cursor as it came: on Redis Cluster it also says which master the scan has reached
                cursor = connection.commands().scan(cursor, args);
            }
        }
        return new ScanStats(profiles, unreadable);
    }

    /** A stored record, or null when the value is not one (its content is never shown). */
    static CustomerRecord parse(String json) {
        try {
            return JSON.readValue(json, CustomerRecord.class);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    // ---- canonical CSV

    private static void readCsv(Path input, Identifiers identifiers, Sampler sampler) throws IOException {
        try (Reader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            readCsv(reader, identifiers, sampler);
        } catch (NoSuchFileException e) {
            throw new CommandException("cannot read " + input + ": no such file");
        }
    }

    static void readCsv(Reader reader, Identifiers identifiers, Sampler sampler) {
        try {
            readRows(new CsvReader(reader), identifiers, sampler);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
    }

    private static void readRows(CsvReader csv, Identifiers identifiers, Sampler sampler) {
        List<String> header = csv.next();
        if (header == null) {
            throw new CommandException("the input is empty");
        }
        Map<String, Integer> at = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            at.putIfAbsent(header.get(i).strip(), i);
        }
        List<String> missing = COLUMNS.stream().filter(c -> !at.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new CommandException("the input is not a canonical CSV: no column(s) " + missing);
        }
        for (List<String> cells = csv.next(); cells != null; cells = csv.next()) {
            int line = csv.lineNumber();
            if (cells.size() != header.size()) {
                throw new CommandException("line " + line + ": " + cells.size() + " cells, the header has "
                        + header.size());
            }
            SourceRecordId id;
            try {
                id = new SourceRecordId(cell(cells, at, "source"), cell(cells, at, "source_id"));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new CommandException("line " + line + ": " + e.getMessage());
            }
            List<Identifier> ids = new ArrayList<>(2);
            identifiers.email(cell(cells, at, "email")).ifPresent(ids::add);
            identifiers.phone(cell(cells, at, "phone")).ifPresent(ids::add);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String attribute : ATTRIBUTES) {
                attributes.put(attribute, cell(cells, at, attribute));
            }
            sampler.offer(new CustomerRecord(id, CSV_OBSERVED_AT, ids, attributes));
        }
    }

    private static String cell(List<String> cells, Map<String, Integer> at, String column) {
        return cells.get(at.get(column)).strip();
    }
}
