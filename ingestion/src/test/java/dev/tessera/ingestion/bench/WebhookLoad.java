package dev.tessera.ingestion.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Open-model load generator for the webhook edge: posts signed Shopify {@code orders/create} webhooks at
 * a fixed request rate, each a new order of a new customer (distinct ids, emails on {@code example.com}),
 * and measures the time from a request's <em>scheduled</em> send to its response. The ingestion app answers
 * after the payload is stored, so that is request-to-stored; measuring from the schedule rather than the
 * actual send keeps a falling-behind client from hiding server delays (coordinated omission).
 *
 * <p>Only the JDK ({@code java.net.http}, {@code javax.crypto}): runs from {@code ingestion/target/test-classes}.
 *
 * <pre>
 * java -cp ingestion/target/test-classes dev.tessera.ingestion.bench.WebhookLoad \
 *     --url http://127.0.0.1:8082/webhooks/shopify --secret-file FILE --rate R --seconds S [--warmup S] [--run-id ID]
 * </pre>
 *
 * The warm-up (not measured) runs at half the rate, at least 50 req/s or the rate if lower. The last line of
 * output is {@code requests=N ok=N errors=N achieved_rps=X p50_ms=X p99_ms=X max_ms=X}.
 */
public final class WebhookLoad {

    /** A compact orders/create body in Shopify's 2024-10 shape, with placeholders for what varies. */
    static final String TEMPLATE = """
            {"id":%1$d,"admin_graphql_api_id":"gid://shopify/Order/%1$d","name":"#%2$d","order_number":%2$d,\
            "email":"%3$s","contact_email":"%3$s","phone":null,"created_at":"%4$s","processed_at":"%4$s",\
            "updated_at":"%4$s","currency":"EUR","presentment_currency":"EUR","total_price":"%5$s",\
            "subtotal_price":"%5$s","total_tax":"0.00","financial_status":"paid","fulfillment_status":null,\
            "source_name":"web","cancelled_at":null,"test":false,\
            "billing_address":{"first_name":"%11$s","last_name":"%12$s","address1":"%13$s",\
            "city":"%14$s","zip":"%15$s","country_code":"DE","phone":"%16$s"},\
            "customer":{"id":%6$d,"admin_graphql_api_id":"gid://shopify/Customer/%6$d","email":"%3$s",\
            "first_name":"%11$s","last_name":"%12$s","phone":"%16$s","state":"enabled","verified_email":true,\
            "email_marketing_consent":{"state":"not_subscribed","opt_in_level":null,"consent_updated_at":null},\
            "created_at":"%4$s","updated_at":"%4$s","currency":"EUR",\
            "default_address":{"id":%6$d,"customer_id":%6$d,"first_name":"%11$s","last_name":"%12$s",\
            "address1":"%13$s","city":"%14$s","zip":"%15$s","country_code":"DE","default":true}},\
            "line_items":[{"id":%7$d,"admin_graphql_api_id":"gid://shopify/LineItem/%7$d","name":"Mug",\
            "sku":"MUG-%8$d","quantity":%9$d,"price":"12.50","product_id":632910392,"variant_id":808950810},\
            {"id":%10$d,"admin_graphql_api_id":"gid://shopify/LineItem/%10$d","name":"Tea","sku":"TEA-1",\
            "quantity":1,"price":"4.00","product_id":632910393,"variant_id":808950811}],\
            "refunds":[],"shipping_lines":[],"tax_lines":[],"discount_codes":[],"note_attributes":[]}""";

    private static final String[] FIRST = {"Lukas", "Mia", "Leon", "Emma", "Finn", "Hannah", "Jonas", "Sophia",
        "Paul", "Lea", "Felix", "Marie", "Ben", "Clara", "Noah", "Ida", "Elias", "Lina", "Anton", "Ella", "Emil",
        "Frieda", "Theo", "Mila", "Henry", "Lotta", "Karl", "Greta", "Oskar", "Nora", "Jakob", "Luisa"};
    private static final String[] LAST = {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
        "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
        "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier",
        "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber"};
    private static final String[] CITIES = {"Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart",
        "Düsseldorf", "Leipzig", "Dortmund", "Essen", "Bremen", "Dresden", "Hannover", "Nürnberg", "Duisburg"};
    private static final String[] STREETS = {"Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße",
        "Dorfstraße", "Bergstraße", "Birkenweg", "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße"};

    private WebhookLoad() {}

    /** A different person per request: spread like real customers, so blocks stay small. */
    private static int mix(long n, int salt) {
        long h = (n + 1) * 0x9E3779B97F4A7C15L + salt * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        return (int) ((h & Long.MAX_VALUE) % 1_000_003);
    }

    static byte[] order(long runId, int n) {
        long orderId = runId * 10_000_000L + n;
        long customerId = 7_000_000_000L + runId * 10_000_000L + n;
        int quantity = 1 + n % 3;
        String total = String.format(Locale.ROOT, "%.2f", quantity * 12.50 + 4.00);
        String body = String.format(Locale.ROOT, TEMPLATE, orderId, 1000 + n,
                "load-" + runId + "-" + n + "@example.com", Instant.now().toString(), total, customerId,
                orderId * 10 + 1, n % 50, quantity, orderId * 10 + 2,
                FIRST[mix(n, 1) % FIRST.length], LAST[mix(n, 2) % LAST.length],
                STREETS[mix(n, 3) % STREETS.length] + " " + (1 + mix(n, 4) % 180), CITIES[mix(n, 5) % CITIES.length],
                String.format(Locale.ROOT, "%05d", 1000 + mix(n, 6) % 98_000),
                // distinct per order: an odd multiplier not ending in 5 permutes the residues mod 10^8
                String.format(Locale.ROOT, "+49151%08d", Math.floorMod(orderId * 73_939_133L, 100_000_000L)));
        return body.getBytes(StandardCharsets.UTF_8);
    }

    static String sign(byte[] body, byte[] secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--url") || !options.containsKey("--secret-file")) {
            System.err.println("usage: WebhookLoad --url URL --secret-file FILE --rate R --seconds S [--warmup S] [--run-id ID]");
            System.exit(2);
        }
        URI url = URI.create(options.get("--url"));
        byte[] secret = Files.readString(Path.of(options.get("--secret-file")), StandardCharsets.UTF_8).strip()
                .getBytes(StandardCharsets.UTF_8);
        double rate = Double.parseDouble(options.getOrDefault("--rate", "100"));
        double seconds = Double.parseDouble(options.getOrDefault("--seconds", "30"));
        double warmup = Double.parseDouble(options.getOrDefault("--warmup", "5"));
        long runId = Long.parseLong(options.getOrDefault("--run-id", Long.toString(System.currentTimeMillis() % 100_000)));

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4))
                .build();
        int counter = 0;
        if (warmup > 0) {
            // half the measured rate: the JIT compiles what that rate exercises (it kept compiling for two
            // minutes into the measurement after a warm-up at a fixed 50 req/s), without the backlog a
            // still-compiling server would build at the full rate
            double warmupRate = Math.max(Math.min(rate, 50), rate / 2);
            System.err.printf(Locale.ROOT, "warm-up: %.0f s at %.0f req/s (not measured)%n", warmup, warmupRate);
            counter = run(http, url, secret, runId, 0, warmupRate, warmup, null);
        }
        System.err.printf(Locale.ROOT, "measuring: %.0f s at %.0f req/s to %s%n", seconds, rate, url);
        Result result = new Result((int) Math.ceil(rate * seconds) + 16);
        long started = System.nanoTime();
        run(http, url, secret, runId, counter, rate, seconds, result);
        double elapsed = (System.nanoTime() - started) / 1e9;
        result.report(elapsed);
        System.exit(0);
    }

    /** Sends {@code rate * seconds} requests on schedule; waits for all of them. Returns the next request number. */
    private static int run(HttpClient http, URI url, byte[] secret, long runId, int first, double rate, double seconds,
            Result result) throws Exception {
        int total = (int) Math.round(rate * seconds);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        CompletableFuture<?>[] pending = new CompletableFuture<?>[total];
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = first + i;
            byte[] body = order(runId, n);
            HttpRequest request = HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("X-Shopify-Topic", "orders/create")
                    .header("X-Shopify-Hmac-Sha256", sign(body, secret))
                    .header("X-Shopify-Shop-Domain", "load-test.myshopify.com")
                    .header("X-Shopify-Webhook-Id", "load-" + runId + "-" + n)
                    .header("X-Shopify-Triggered-At", Instant.now().toString())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            pending[i] = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, error) -> {
                        if (result != null) {
                            result.record(System.nanoTime() - scheduled, response == null ? -1 : response.statusCode(),
                                    error);
                        }
                        return null;
                    });
        }
        CompletableFuture.allOf(pending).get(120, TimeUnit.SECONDS);
        return first + total;
    }

    /** Latencies and outcomes of the measured requests. */
    private static final class Result {
        private final long[] latencies;
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicInteger ok = new AtomicInteger();
        private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

        Result(int capacity) {
            latencies = new long[capacity];
        }

        void record(long nanos, int status, Throwable error) {
            int i = count.getAndIncrement();
            if (i < latencies.length) {
                latencies[i] = nanos;
            }
            if (status == 200) {
                ok.incrementAndGet();
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                String what = cause != null ? cause.getClass().getSimpleName() : "HTTP " + status;
                failures.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
            }
        }

        void report(double elapsed) {
            int n = Math.min(count.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            int errors = n - ok.get();
            if (!failures.isEmpty()) {
                System.err.println("failures: " + failures);
            }
            System.out.printf(Locale.ROOT,
                    "requests=%d ok=%d errors=%d achieved_rps=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                    n, ok.get(), errors, n / elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    n == 0 ? 0 : sorted[n - 1] / 1e6);
        }

        private static double percentile(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, index)] / 1e6;
        }
    }
}
