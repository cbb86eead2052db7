package dev.tessera.ingestion.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 * <p>Only the JDK (sockets, {@code javax.crypto}): runs from {@code ingestion/target/test-classes}.
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
        if (!"http".equals(url.getScheme())) {
            System.err.println("only http:// URLs are supported (the load runs next to the app)");
            System.exit(2);
        }
        byte[] secret = Files.readString(Path.of(options.get("--secret-file")), StandardCharsets.UTF_8).strip()
                .getBytes(StandardCharsets.UTF_8);
        double rate = Double.parseDouble(options.getOrDefault("--rate", "100"));
        double seconds = Double.parseDouble(options.getOrDefault("--seconds", "30"));
        double warmup = Double.parseDouble(options.getOrDefault("--warmup", "5"));
        long runId = Long.parseLong(options.getOrDefault("--run-id", Long.toString(System.currentTimeMillis() % 100_000)));

        Client client = new Client(url);
        int counter = 0;
        if (warmup > 0) {
            // half the measured rate: the JIT compiles what that rate exercises (it kept compiling for two
            // minutes into the measurement after a warm-up at a fixed 50 req/s), without the backlog a
            // still-compiling server would build at the full rate
            double warmupRate = Math.max(Math.min(rate, 50), rate / 2);
            System.err.printf(Locale.ROOT, "warm-up: %.0f s at %.0f req/s (not measured)%n", warmup, warmupRate);
            counter = run(client, secret, runId, 0, warmupRate, warmup, null);
        }
        System.err.printf(Locale.ROOT, "measuring: %.0f s at %.0f req/s to %s%n", seconds, rate, url);
        Result result = new Result((int) Math.ceil(rate * seconds) + 16);
        run(client, secret, runId, counter, rate, seconds, result);
        result.report();
        System.exit(0);
    }

    /**
     * Sends {@code rate * seconds} requests on schedule; waits for all of them. Returns the next request
     * number. Bodies and signatures are made before the clock starts, so the generator's own work while
     * measuring is little more than the socket calls: it shares the machine's cores with the app and Redis.
     */
    private static int run(Client client, byte[] secret, long runId, int first, double rate, double seconds,
            Result result) throws Exception {
        int total = (int) Math.round(rate * seconds);
        byte[][] bodies = new byte[total][];
        String[] signatures = new String[total];
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        for (int i = 0; i < total; i++) {
            bodies[i] = order(runId, first + i);
            signatures[i] = Base64.getEncoder().encodeToString(mac.doFinal(bodies[i]));
        }
        long interval = (long) (1e9 / rate);
        CountDownLatch done = new CountDownLatch(total);
        // 1 once answered, 2 once given up on: whichever comes first counts, the other is ignored
        AtomicIntegerArray settled = new AtomicIntegerArray(total);
        long start = System.nanoTime();
        if (result != null) {
            result.started = start; // the clock starts after the bodies are made
        }
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            int index = i;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = first + i;
            byte[] body = bodies[i];
            String head = "POST " + client.path + " HTTP/1.1\r\nHost: " + client.host
                    + "\r\nContent-Type: application/json\r\nX-Shopify-Topic: orders/create"
                    + "\r\nX-Shopify-Shop-Domain: load-test.myshopify.com\r\nX-Shopify-Hmac-Sha256: " + signatures[i]
                    + "\r\nX-Shopify-Webhook-Id: load-" + runId + "-" + n
                    + "\r\nX-Shopify-Triggered-At: " + Instant.now()
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            bodies[i] = null;
            client.send(head.getBytes(StandardCharsets.US_ASCII), body, (status, error) -> {
                if (settled.compareAndSet(index, 0, 1)) {
                    if (result != null) {
                        result.record(System.nanoTime() - scheduled, status, error);
                    }
                    done.countDown();
                }
            });
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            // counted as failed, with the time waited so far: leaving them out would flatter the tail
            long now = System.nanoTime();
            int unanswered = 0;
            for (int i = 0; i < total; i++) {
                if (settled.compareAndSet(i, 0, 2)) {
                    unanswered++;
                    if (result != null) {
                        result.record(now - (start + i * interval), -1,
                                new java.util.concurrent.TimeoutException("unanswered after 120 s"));
                    }
                }
            }
            System.err.printf(Locale.ROOT, "%d requests unanswered after 120 s%n", unanswered);
        }
        return first + total;
    }

    /** What to do with a request's outcome: its HTTP status, or -1 and the error. */
    private interface Outcome {
        void accept(int status, Throwable error);
    }

    /**
     * A lean HTTP/1.1 client: one blocking socket per request in flight, kept alive and reused (a new one
     * when none is idle or the server closed it), each request on a pooled thread. The JDK's
     * {@code HttpClient} needed about 1 ms of CPU per request here, a third of what the app spends.
     */
    private static final class Client {
        final String host;
        final String path;
        private final String hostName;
        private final int port;
        private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
        private final ExecutorService workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "load");
            thread.setDaemon(true);
            return thread;
        });

        Client(URI url) {
            hostName = url.getHost();
            port = url.getPort() < 0 ? 80 : url.getPort();
            host = hostName + ":" + port;
            path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        }

        void send(byte[] head, byte[] body, Outcome outcome) {
            workers.execute(() -> {
                Connection connection = idle.poll();
                boolean reused = connection != null;
                try {
                    int status;
                    try {
                        if (connection == null) {
                            connection = new Connection(hostName, port);
                        }
                        status = connection.exchange(head, body);
                    } catch (IOException e) {
                        if (!reused || connection.answered) {
                            throw e;
                        }
                        // an idle connection the server had closed meanwhile: once more on a new one
                        connection.close();
                        connection = new Connection(hostName, port);
                        status = connection.exchange(head, body);
                    }
                    if (connection.reusable) {
                        idle.offer(connection);
                    } else {
                        connection.close();
                    }
                    outcome.accept(status, null);
                } catch (IOException | RuntimeException e) {
                    if (connection != null) {
                        connection.close();
                    }
                    outcome.accept(-1, e);
                }
            });
        }
    }

    /** One keep-alive connection: writes a request, reads the status, headers and body of its response. */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        boolean reusable;
        /** Whether any byte of the current response arrived (a request the server never saw may be sent again). */
        boolean answered;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            out = socket.getOutputStream();
        }

        int exchange(byte[] head, byte[] body) throws IOException {
            byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            answered = false;
            out.write(request);
            out.flush();
            int firstByte = in.read();
            if (firstByte < 0) {
                throw new EOFException("connection closed by the server");
            }
            answered = true;
            String statusLine = (char) firstByte + line();
            if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.1 response: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            reusable = true;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    reusable = false;
                }
            }
            if (status < 200 || status == 204 || status == 304) {
                return status; // no body by definition
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].strip(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].strip(), 16)) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                in.transferTo(OutputStream.nullOutputStream());
                reusable = false;
            }
            return status;
        }

        private void skip(long n) throws IOException {
            in.skipNBytes(n);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("connection closed by the server");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** Latencies and outcomes of the measured requests. */
    private static final class Result {
        private final long[] latencies;
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicInteger ok = new AtomicInteger();
        private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        /** When the first request was scheduled ({@link System#nanoTime}). */
        volatile long started;

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

        /** Achieved rate: requests over the time from the first scheduled send to the last answer. */
        void report() {
            double elapsed = (System.nanoTime() - started) / 1e9;
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
