package dev.tessera.core.bench;

import dev.tessera.core.csv.CsvReader;
import dev.tessera.core.identity.IdentitySettings;
import dev.tessera.core.identity.IdentityResolver;
import dev.tessera.core.identity.Resolution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.store.RedisSettings;
import dev.tessera.core.testing.RedisTestServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identity-resolution benchmark: resolves every record of a canonical CSV (see {@link CanonicalCsv})
 * through the production {@link IdentityResolver} against a real Redis, writes {@code record_id,profile_id},
 * and prints pairwise precision/recall/F1 against a truth column plus the resolve rate. The last line of
 * standard output is always {@code precision=P recall=R f1=F records_per_s=X} ({@code NA} for the three
 * metrics without truth). Run it through {@code scripts/bench-identity.sh}.
 *
 * <p>Redis: {@code REDIS_URL} when set, which is flushed first and therefore only with {@code --flush};
 * otherwise a private server started through {@link RedisTestServer} (redis-server on PATH, else the
 * embedded binary), flushed and stopped at exit.
 */
public final class IdentityBenchmark {

    static final String USAGE = "usage: bench-identity.sh --input FILE --out FILE [--truth-column NAME]"
            + " [--threads N] [--batch N] [--phone-region CC] [--warmup N] [--flush] [--shared-store] [--shuffle SEED]";
    static final List<String> ATTRIBUTES = List.of("first_name", "last_name", "birth_date", "street", "city",
            "postcode", "country");
    /** All records carry this observation time, so reruns store identical documents. */
    static final Instant OBSERVED_AT = Instant.parse("2025-01-01T00:00:00Z");

    private IdentityBenchmark() {}

    /**
     * The resolver under test, one per thread and connection: the production resolver built from
     * {@link IdentitySettings}, as the apps build it. The environment can override the settings for
     * experiments: {@code TESSERA_IDENTITY_POLICY} (probabilistic, exact), {@code TESSERA_LINK_WEIGHT},
     * {@code TESSERA_VETO_WEIGHT}, {@code TESSERA_MATCH_MODEL} (a model JSON file), {@code TESSERA_MAX_BLOCK}.
     */
    static IdentityResolver resolver(RedisConnection connection) {
        return settings().resolver(new ProfileStore(connection), Clock.systemUTC());
    }

    /** The resolvers of a run's threads: one shared (on its own connection) or one per thread's connection. */
    private static final class Resolvers implements AutoCloseable {
        private final RedisConnection connection;
        private final IdentityResolver shared;

        Resolvers(RedisSettings redis, boolean shared) {
            this.connection = shared ? RedisConnection.open(redis) : null;
            this.shared = shared ? resolver(connection) : null;
        }

        IdentityResolver forThread(RedisConnection own) {
            return shared != null ? shared : resolver(own);
        }

        @Override
        public void close() {
            if (connection != null) {
                connection.close();
            }
        }
    }

    static IdentitySettings settings() {
        String policy = System.getenv("TESSERA_IDENTITY_POLICY");
        String link = System.getenv("TESSERA_LINK_WEIGHT");
        String veto = System.getenv("TESSERA_VETO_WEIGHT");
        String model = System.getenv("TESSERA_MATCH_MODEL");
        String maxBlock = System.getenv("TESSERA_MAX_BLOCK");
        return new IdentitySettings(
                policy == null ? null : IdentitySettings.Policy.valueOf(policy.toUpperCase(java.util.Locale.ROOT)),
                model == null ? null : Path.of(model),
                link == null ? null : Double.valueOf(link),
                veto == null ? null : Double.valueOf(veto),
                maxBlock == null ? null : Integer.valueOf(maxBlock), null, null);
    }

    /**
     * {@code shared}: the threads share one connection and one resolver, so one store and its cache of
     * decoded profiles, as the ingestion app and profile-service wire them (one {@code ProfileStore} bean);
     * otherwise each thread has its own, as separate processes would. {@code shuffle}: the seed the records
     * are shuffled with before they are resolved (null: in the file's order), to see how much the result
     * depends on the order records arrive in.
     */
    record Options(Path input, Path out, String truthColumn, int threads, String phoneRegion, int warmup,
            boolean flush, int batch, boolean shared, Long shuffle) {

        Options(Path input, Path out, String truthColumn, int threads, String phoneRegion, int warmup,
                boolean flush) {
            this(input, out, truthColumn, threads, phoneRegion, warmup, flush, 1, false, null);
        }

        static Options parse(String... args) {
            Path input = null;
            Path out = null;
            String truth = null;
            int threads = 1;
            String region = "GB";
            int warmup = 0;
            int batch = 1;
            boolean flush = false;
            boolean shared = false;
            Long shuffle = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--flush" -> flush = true;
                    case "--shared-store" -> shared = true;
                    case "--input", "--out", "--truth-column", "--threads", "--phone-region", "--warmup", "--batch",
                            "--shuffle" -> {
                        if (i + 1 >= args.length) {
                            throw new UsageException(arg + " needs a value");
                        }
                        String value = args[++i];
                        switch (arg) {
                            case "--input" -> input = Path.of(value);
                            case "--out" -> out = Path.of(value);
                            case "--truth-column" -> truth = value;
                            case "--threads" -> threads = positive(arg, value, 1);
                            case "--warmup" -> warmup = positive(arg, value, 0);
                            case "--batch" -> batch = positive(arg, value, 1);
                            case "--shuffle" -> shuffle = (long) positive(arg, value, 0);
                            default -> region = value;
                        }
                    }
                    default -> throw new UsageException("unknown argument " + arg);
                }
            }
            if (input == null || out == null) {
                throw new UsageException("--input and --out are required");
            }
            return new Options(input, out, truth, threads, region, warmup, flush, batch, shared, shuffle);
        }

        private static int positive(String name, String value, int min) {
            try {
                int n = Integer.parseInt(value);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new UsageException(name + " must be an integer >= " + min);
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** One input row: its record id, the record to resolve, and its true cluster (null when unknown). */
    record Row(String recordId, CustomerRecord record, String truth) {}

    /** Rows read from the input and how many identifiers they carried. */
    record Input(List<Row> rows, int sources, int withEmail, int withPhone, int invalidEmail, int invalidPhone,
            int withoutIdentifier) {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (UsageException e) {
            System.err.println("IdentityBenchmark: " + e.getMessage());
            System.err.println(USAGE);
            code = 2;
        } catch (Exception e) {
            System.err.println("IdentityBenchmark failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        Options options = Options.parse(args);
        String fromEnv = System.getenv("REDIS_URL");
        boolean external = fromEnv != null && !fromEnv.isBlank();
        if (external && !options.flush()) {
            err.println("IdentityBenchmark: REDIS_URL is set. The benchmark deletes every key of that database"
                    + " before it runs; pass --flush to confirm, or unset REDIS_URL to let it start its own Redis.");
            return 2;
        }
        String url = RedisTestServer.url();
        String how = external ? "REDIS_URL" : RedisTestServer.description() + ", started by the benchmark";
        benchmark(options, RedisSettings.of(url), how, out);
        return 0;
    }

    /** Runs the benchmark against {@code redis}, which it flushes first. */
    static PairwiseMetrics benchmark(Options options, RedisSettings redis, String how, PrintStream out)
            throws IOException, InterruptedException {
        Identifiers identifiers;
        try {
            identifiers = new Identifiers(options.phoneRegion());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        long readStart = System.nanoTime();
        Input input;
        try (Reader reader = Files.newBufferedReader(options.input(), StandardCharsets.UTF_8)) {
            input = read(reader, options.truthColumn(), identifiers);
        } catch (java.io.UncheckedIOException e) {
            if (!(e.getCause() instanceof java.nio.charset.CharacterCodingException)) {
                throw e;
            }
            // spreadsheet exports of European data are often Windows-1252: read it as such, and say so
            out.println("input: not UTF-8; read as windows-1252");
            try (Reader reader = Files.newBufferedReader(options.input(), java.nio.charset.Charset.forName("windows-1252"))) {
                input = read(reader, options.truthColumn(), identifiers);
            }
        }
        List<Row> rows = options.shuffle() == null ? input.rows() : shuffled(input.rows(), options.shuffle());
        int n = rows.size();
        out.printf(Locale.ROOT, "input: %s: %d records from %d source(s), read in %.3f s%n", options.input(), n,
                input.sources(), seconds(System.nanoTime() - readStart));
        if (options.shuffle() != null) {
            out.printf(Locale.ROOT, "order: shuffled with seed %d (not the file's)%n", options.shuffle());
        }
        out.printf(Locale.ROOT, "identifiers: email=%d phone=%d none=%d (invalid, kept out: email=%d phone=%d;"
                        + " phone region %s)%n", input.withEmail(), input.withPhone(), input.withoutIdentifier(),
                input.invalidEmail(), input.invalidPhone(), options.phoneRegion().toUpperCase(Locale.ROOT));
        out.printf("redis: %s (%s), flushed before the run%n", redis.redactedUrl(), how);
        try (RedisConnection connection = RedisConnection.open(redis)) {
            out.println("resolver: " + resolver(connection).getClass().getName() + " " + settings());
        }

        if (options.warmup() > 0) {
            int warm = Math.min(options.warmup(), n);
            flush(redis);
            int batch = options.batch();
            long nanos;
            try (Resolvers resolvers = new Resolvers(redis, options.shared())) {
                nanos = forEach(options.threads(), (warm + batch - 1) / batch, redis, connection -> {
                    IdentityResolver resolver = resolvers.forThread(connection);
                    return c -> resolver.resolveAll(rows.subList(c * batch, Math.min(warm, (c + 1) * batch)).stream()
                            .map(Row::record).toList());
                });
            }
            out.printf(Locale.ROOT, "warm-up: %d records in %.3f s (not measured; Redis flushed afterwards)%n",
                    warm, seconds(nanos));
        }
        flush(redis);
        double rate;
        try (RedisConnection stats = RedisConnection.open(redis)) {
            rate = resolveAll(options, rows, redis, stats, out);
        }

        long readBackStart = System.nanoTime();
        String[] profileOf = new String[n];
        forEach(options.threads(), n, redis, connection -> {
            ProfileStore store = new ProfileStore(connection);
            return i -> profileOf[i] = store.findBySource(rows.get(i).record().id()).map(Object::toString).orElse(null);
        });
        int missing = 0;
        Set<String> profiles = new HashSet<>();
        for (String profile : profileOf) {
            if (profile == null) {
                missing++;
            } else {
                profiles.add(profile);
            }
        }
        writeOut(options.out(), rows, profileOf);
        out.printf(Locale.ROOT, "profiles: %d for %d records (%d records without a profile); read back and"
                        + " written to %s in %.3f s%n", profiles.size(), n, missing, options.out(),
                seconds(System.nanoTime() - readBackStart));

        String rateText = String.format(Locale.ROOT, "records_per_s=%.0f", rate);
        if (options.truthColumn() == null) {
            out.println("precision=NA recall=NA f1=NA " + rateText);
            return null;
        }
        List<String> predicted = Arrays.asList(profileOf);
        List<String> truth = rows.stream().map(Row::truth).toList();
        PairwiseMetrics metrics = PairwiseMetrics.of(predicted, truth);
        long clusters = truth.stream().filter(t -> t != null).distinct().count();
        out.printf(Locale.ROOT, "truth (%s): %d clusters, %d true pairs; predicted pairs %d, true positive pairs %d%n",
                options.truthColumn(), clusters, metrics.truePairs(), metrics.predictedPairs(),
                metrics.truePositivePairs());
        out.printf(Locale.ROOT, "precision=%.4f recall=%.4f f1=%.4f %s%n", metrics.precision(), metrics.recall(),
                metrics.f1(), rateText);
        return metrics;
    }

    /** The rows in an order fixed by the seed: the same seed, the same order. */
    static List<Row> shuffled(List<Row> rows, long seed) {
        List<Row> copy = new ArrayList<>(rows);
        java.util.Collections.shuffle(copy, new java.util.Random(seed));
        return List.copyOf(copy);
    }

    /** The timed part: resolves every row; prints rate, outcomes, Redis commands and latencies. */
    private static double resolveAll(Options options, List<Row> rows, RedisSettings redis, RedisConnection stats,
            PrintStream out) throws InterruptedException {
        int n = rows.size();
        long[] latency = new long[n];
        AtomicLongArray outcomes = new AtomicLongArray(Resolution.Outcome.values().length);
        long[] commandsBefore = {-1};
        double[] redisCpuBefore = {-1};
        long[] clientCpuBefore = {0};
        int batch = options.batch();
        // with --batch N each thread hands N consecutive records to resolveAll; a record's latency is then
        // its batch's
        long nanos;
        try (Resolvers resolvers = new Resolvers(redis, options.shared())) {
            nanos = forEach(options.threads(), (n + batch - 1) / batch, redis, connection -> {
                IdentityResolver resolver = resolvers.forThread(connection);
                return c -> {
                    int from = c * batch;
                    int to = Math.min(n, from + batch);
                    long t0 = System.nanoTime();
                    List<Resolution> resolutions = batch == 1
                            ? List.of(resolver.resolve(rows.get(from).record()))
                            : resolver.resolveAll(rows.subList(from, to).stream().map(Row::record).toList());
                    long took = System.nanoTime() - t0;
                    for (int i = from; i < to; i++) {
                        latency[i] = took;
                        outcomes.incrementAndGet(resolutions.get(i - from).outcome().ordinal());
                    }
                };
            }, () -> {
                commandsBefore[0] = commandsProcessed(stats);
                redisCpuBefore[0] = redisCpuSeconds(stats);
                clientCpuBefore[0] = processCpuNanos();
            });
        }
        double resolveSeconds = seconds(nanos);
        long clientCpu = processCpuNanos() - clientCpuBefore[0];
        double redisCpu = redisCpuSeconds(stats) - redisCpuBefore[0];
        // the difference includes the INFO that read the first count
        long commands = commandsProcessed(stats) - commandsBefore[0] - 1;
        double rate = n / Math.max(resolveSeconds, 1e-9);
        out.printf(Locale.ROOT, "resolve: %d records with %d thread(s)%s%s in %.3f s = %.0f records/s%n", n,
                options.threads(), batch == 1 ? "" : ", batches of " + batch,
                options.shared() ? ", one shared store" : ", a store per thread", resolveSeconds, rate);
        if (commandsBefore[0] >= 0) {
            out.printf(Locale.ROOT, "redis commands while resolving: %d (%.1f per record)%n", commands,
                    n == 0 ? 0.0 : (double) commands / n);
        }
        // CPU of both sides per record: less disturbed by a shared machine than the rate (the client's is the
        // whole JVM: resolving threads, Lettuce's event loop, JIT and GC)
        if (n > 0 && redisCpuBefore[0] >= 0 && redisCpu >= 0) {
            out.printf(Locale.ROOT, "cpu per record: redis=%.0f us client=%.0f us%n", redisCpu * 1e6 / n,
                    clientCpu / 1e3 / n);
        }
        StringBuilder counts = new StringBuilder("outcomes:");
        for (Resolution.Outcome outcome : Resolution.Outcome.values()) {
            counts.append(' ').append(outcome.name().toLowerCase(Locale.ROOT)).append('=')
                    .append(outcomes.get(outcome.ordinal()));
        }
        out.println(counts);
        Arrays.sort(latency);
        out.printf(Locale.ROOT, "latency per record: p50=%.3f ms p99=%.3f ms max=%.3f ms%n",
                millis(percentile(latency, 0.50)), millis(percentile(latency, 0.99)),
                millis(n == 0 ? 0 : latency[n - 1]));
        return rate;
    }

    /** Parses the canonical CSV; extra columns are ignored and empty cells allowed. */
    static Input read(Reader reader, String truthColumn, Identifiers identifiers) {
        CsvReader csv = new CsvReader(reader);
        List<String> header = csv.next();
        if (header == null) {
            throw new IllegalArgumentException("the input is empty");
        }
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            at.putIfAbsent(header.get(i).strip(), i);
        }
        List<String> missingColumns = new ArrayList<>();
        for (String column : CanonicalCsv.COLUMNS) {
            if (!at.containsKey(column)) {
                missingColumns.add(column);
            }
        }
        if (truthColumn != null && !at.containsKey(truthColumn)) {
            missingColumns.add(truthColumn + " (truth)");
        }
        if (!missingColumns.isEmpty()) {
            throw new IllegalArgumentException("the input has no column(s) " + missingColumns);
        }
        List<Row> rows = new ArrayList<>();
        Set<String> recordIds = new HashSet<>();
        Set<String> madeUpKeys = new HashSet<>();
        Set<String> writtenKeys = new HashSet<>();
        Set<String> sources = new HashSet<>();
        int withEmail = 0;
        int withPhone = 0;
        int invalidEmail = 0;
        int invalidPhone = 0;
        int withoutIdentifier = 0;
        for (List<String> cells = csv.next(); cells != null; cells = csv.next()) {
            int line = csv.lineNumber();
            List<String> row = cells;
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException("line " + line + ": " + cells.size() + " cells, the header has "
                        + header.size());
            }
            Function<String, String> cell = column -> row.get(at.get(column)).strip();
            String recordId = cell.apply("record_id");
            if (recordId.isEmpty() || !recordIds.add(recordId)) {
                throw new IllegalArgumentException("line " + line + ": record_id is empty or repeated");
            }
            SourceRecordId id;
            try {
                String sourceId = cell.apply("source_id");
                id = new SourceRecordId(sourceName(cell.apply("source")), sourceId.isEmpty() ? recordId : sourceId);
                // the same source record twice is one record updated; one the reader made up from an empty
                // cell must not meet another row's by accident
                boolean madeUp = sourceId.isEmpty() || cell.apply("source").isEmpty();
                String key = id.key();
                boolean clash = madeUpKeys.contains(key) || (madeUp && writtenKeys.contains(key));
                (madeUp ? madeUpKeys : writtenKeys).add(key);
                if (clash) {
                    throw new IllegalArgumentException("source record " + id.key() + " stands for two rows (an empty"
                            + " source or source_id is filled in from the record_id); give them their own ids");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + line + ": " + e.getMessage(), e);
            }
            sources.add(id.source());
            List<Identifier> ids = new ArrayList<>();
            String email = cell.apply("email");
            List<Identifier> emailIds = identifiers.emails(email);
            Optional<Identifier> emailId = emailIds.stream().findFirst();
            ids.addAll(emailIds);
            String phone = cell.apply("phone");
            List<Identifier> phoneIds = identifiers.phones(phone, cell.apply("country"));
            Optional<Identifier> phoneId = phoneIds.stream().findFirst();
            ids.addAll(phoneIds);
            withEmail += emailId.isPresent() ? 1 : 0;
            withPhone += phoneId.isPresent() ? 1 : 0;
            invalidEmail += emailId.isEmpty() && !email.isEmpty() ? 1 : 0;
            invalidPhone += phoneId.isEmpty() && !phone.isEmpty() ? 1 : 0;
            withoutIdentifier += ids.isEmpty() ? 1 : 0;
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String attribute : ATTRIBUTES) {
                attributes.put(attribute, cell.apply(attribute));
            }
            String truth = truthColumn == null ? null : cell.apply(truthColumn);
            rows.add(new Row(recordId, new CustomerRecord(id, OBSERVED_AT, ids, attributes),
                    truth == null || truth.isEmpty() ? null : truth));
        }
        return new Input(List.copyOf(rows), sources.size(), withEmail, withPhone, invalidEmail, invalidPhone,
                withoutIdentifier);
    }

    /**
     * Runs {@code perThread}'s task for indexes 0..n-1 on {@code threads} threads, each with its own
     * connection. Rethrows the first failure.
     *
     * @return nanoseconds from starting the threads to the last one finishing (opening the connections and
     *         building the tasks is not included)
     */
    static long forEach(int threads, int n, RedisSettings redis, Function<RedisConnection, IntConsumer> perThread)
            throws InterruptedException {
        return forEach(threads, n, redis, perThread, () -> {});
    }

    /** As above; {@code beforeStart} runs once all connections are open, just before the clock starts. */
    static long forEach(int threads, int n, RedisSettings redis, Function<RedisConnection, IntConsumer> perThread,
            Runnable beforeStart) throws InterruptedException {
        List<RedisConnection> connections = new ArrayList<>();
        try {
            List<IntConsumer> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                RedisConnection connection = RedisConnection.open(redis);
                connections.add(connection);
                tasks.add(perThread.apply(connection));
            }
            AtomicInteger next = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                IntConsumer task = tasks.get(t);
                Thread worker = new Thread(() -> {
                    try {
                        for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                            task.accept(i);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "bench-" + t);
                workers.add(worker);
            }
            beforeStart.run();
            long start = System.nanoTime();
            workers.forEach(Thread::start);
            for (Thread worker : workers) {
                worker.join();
            }
            long elapsed = System.nanoTime() - start;
            if (failure.get() != null) {
                throw new IllegalStateException("a worker failed: " + failure.get(), failure.get());
            }
            return elapsed;
        } finally {
            connections.forEach(RedisConnection::close);
        }
    }

    /** {@code used_cpu_user} + {@code used_cpu_sys} of the Redis server in seconds, or -1 when unreadable. */
    static double redisCpuSeconds(RedisConnection connection) {
        try {
            String info = connection.commands().info("cpu");
            Matcher user = Pattern.compile("used_cpu_user:([0-9.]+)").matcher(info);
            Matcher sys = Pattern.compile("used_cpu_sys:([0-9.]+)").matcher(info);
            return user.find() && sys.find() ? Double.parseDouble(user.group(1)) + Double.parseDouble(sys.group(1)) : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** CPU time of this whole JVM so far, or 0 when the platform does not say. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** Redis's {@code total_commands_processed}, or -1 when it cannot be read. */
    static long commandsProcessed(RedisConnection connection) {
        try {
            Matcher m = Pattern.compile("total_commands_processed:([0-9]+)").matcher(connection.commands().info("stats"));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static void flush(RedisSettings redis) {
        try (RedisConnection connection = RedisConnection.open(redis)) {
            connection.commands().flushdb();
        }
    }

    private static void writeOut(Path out, List<Row> rows, String[] profileOf) throws IOException {
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                Csv.CsvWriter csv = new Csv.CsvWriter(writer)) {
            csv.row(List.of("record_id", "profile_id"));
            for (int i = 0; i < rows.size(); i++) {
                csv.row(List.of(rows.get(i).recordId(), profileOf[i] == null ? "" : profileOf[i]));
            }
        }
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** Source names as sources write them, made a valid {@link SourceRecordId} source. */
    private static final java.util.regex.Pattern VALID_SOURCE = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /**
     * The source of a row as the platform names sources ({@code [a-z0-9_-]}, at most 64): as written when
     * it is one already; else lower-cased with other characters as dashes and a short digest of what was
     * written, so "CRM System" and "crm-system" stay two sources; an empty cell is source {@code input}
     * (and an empty {@code source_id} the row's {@code record_id}): the input format allows empty cells.
     */
    static String sourceName(String raw) {
        if (raw.isEmpty()) {
            return "input";
        }
        if (VALID_SOURCE.matcher(raw).matches()) {
            return raw;
        }
        String folded = java.text.Normalizer.normalize(raw, java.text.Normalizer.Form.NFKD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_-]+", "-").replaceAll("^[-_]+|[-_]+$", "");
        String digest = dev.tessera.core.store.RedisKeys.digest(raw).substring(0, 8);
        return (folded.isEmpty() ? "src" : folded.substring(0, Math.min(folded.length(), 50))) + "-" + digest;
    }
}
