package dev.tessera.ingestion.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.core.deadletter.DeadLetterStore;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestSupport;
import dev.tessera.ingestion.IngestionApplication;
import dev.tessera.ingestion.operations.SourceActivity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Cursor-following poll sources against a real HTTP server serving pages in the shape of Zendesk's
 * incremental user export ({@code users}, {@code next_page}, {@code end_of_stream}, {@code end_time}) and
 * real Redis: pages are read in order and stored once, the cursor survives a restart, a failed page is
 * fetched again without moving on, a link to another host is refused, and a malformed page is a dead
 * letter.
 */
class PollCursorIT {

    private HttpServer vendor;
    private HttpServer elsewhere;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger elsewhereRequests = new AtomicInteger();
    /** Path and query to the response: status, body, Link header (or null). */
    private final Map<String, java.util.function.Supplier<Page>> pages = new ConcurrentHashMap<>();
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    private RedisConnection redis;

    record Page(int status, String body, String link) {}

    /** Body of a page whose answer stalls after its headers and half its body, until the test ends. */
    private static final String STALL = "STALL";
    /** As {@link #STALL}, without a single body byte after the headers. */
    private static final String SILENT = STALL + "-SILENT";
    private final java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.ExecutorService vendorThreads = java.util.concurrent.Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws IOException {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        vendor.setExecutor(vendorThreads); // a stalled answer must not hold the others up
        vendor.createContext("/", this::serve);
        vendor.start();
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            elsewhereRequests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        elsewhere.start();
    }

    @AfterEach
    void stop() {
        stalled.countDown();
        apps.forEach(ConfigurableApplicationContext::close);
        vendorThreads.shutdownNow();
        vendor.stop(0);
        elsewhere.stop(0);
        redis.close();
    }

    @Test
    void anIncrementalExportIsReadPageByPageInOrderAndEachUserStoredOnce() {
        String p0 = url("/api/v2/incremental/users.json?start_time=0");
        String p1 = url("/api/v2/incremental/users.json?start_time=101");
        String p2 = url("/api/v2/incremental/users.json?start_time=102");
        String p3 = url("/api/v2/incremental/users.json?start_time=103");
        serve(p0, usersPage(1, p1, false));
        serve(p1, usersPage(2, p2, false));
        serve(p2, usersPage(3, p3, true));
        serve(p3, () -> new Page(200, "{\"users\": [], \"next_page\": \"" + p3 + "\", \"end_of_stream\": true, "
                + "\"end_time\": 103, \"count\": 0}", null));

        ConfigurableApplicationContext app = app("zendesk", p0, "200ms", 50, "cursor=next-link",
                "next-link=/next_page", "end-of-stream=/end_of_stream");

        await().atMost(Duration.ofSeconds(30)).until(() -> requests.stream().filter(p3::endsWith).count() >= 2);
        assertThat(List.copyOf(requests).subList(0, 4)).containsExactly(path(p0), path(p1), path(p2), path(p3));
        assertThat(requests).filteredOn(r -> !r.equals(path(p3))).hasSize(3); // the earlier pages once each
        for (int user = 1; user <= 3; user++) {
            assertThat(profilesWithEmail(app, user)).as("user %s", user).isEqualTo(1);
        }
        assertThat(cursor("zendesk")).isEqualTo(p3);
    }

    @Test
    void aRestartedAppGoesOnFromTheStoredCursor() {
        String p0 = url("/users?page=0");
        String p1 = url("/users?page=1");
        String p2 = url("/users?page=2");
        serve(p0, usersPage(1, p1, false));
        serve(p1, usersPage(2, p2, false));
        serve(p2, usersPage(3, p2, true));
        String[] settings = {"cursor=next-link", "next-link=/next_page", "end-of-stream=/end_of_stream"};

        ConfigurableApplicationContext first = app("resumed", p0, "1h", 2, settings); // one tick: two pages
        await().atMost(Duration.ofSeconds(30)).until(() -> p2.equals(cursor("resumed")));
        first.close();
        assertThat(requests).containsExactly(path(p0), path(p1));

        ConfigurableApplicationContext second = app("resumed", p0, "1h", 2, settings);
        await().atMost(Duration.ofSeconds(30)).until(() -> requests.size() >= 3);
        assertThat(requests).containsExactly(path(p0), path(p1), path(p2));
        await().atMost(Duration.ofSeconds(10)).until(() -> profilesWithEmail(second, 3) == 1);
    }

    @Test
    void aSourceWithoutACursorFetchesItsUrlThoughACursorWasSavedWhenItHadOne() {
        String p0 = url("/users?page=0");
        String p9 = url("/users?page=9");
        serve(p0, usersPage(1, null, true));
        serve(p9, usersPage(9, null, true));
        // saved while the source followed next links; its configuration has since dropped the cursor
        redis.commands().hset(PollCursors.key("plain"), Map.of("url", p0, "next", p9));

        ConfigurableApplicationContext app = app("plain", p0, "1h", 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> profilesWithEmail(app, 1) == 1);
        assertThat(requests).containsExactly(path(p0));
    }

    @Test
    void theSamePageFetchedOnEveryTickIsStoredOnceThoughItsItemsCarryNoTime() {
        String p0 = url("/users/all");
        // no updated_at or created_at: the user is dated when the page was received
        serve(p0, () -> new Page(200, "{\"users\": [{\"id\": 7001, \"name\": \"Timeless User\", "
                + "\"email\": \"user7@example.com\", \"role\": \"end-user\"}]}", null));

        ConfigurableApplicationContext app = app("timeless", p0, "200ms", 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> requests.size() >= 4);
        ProfileStore profiles = app.getBean(ProfileStore.class);
        var found = profiles.findByIdentifier(app.getBean(Identifiers.class).email("user7@example.com").orElseThrow());
        assertThat(found).hasSize(1);
        // written once: a later fetch of the same page maps to the same record version and changes nothing
        assertThat(profiles.find(found.iterator().next()).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aPageThatChangesBackIsDatedAnewSoItsFirstContentWinsAgain() {
        String p0 = url("/users/flip");
        AtomicInteger fetches = new AtomicInteger();
        // A, then B, then A for good: the same user's email changes and changes back, with no time on the user
        serve(p0, () -> {
            String email = fetches.incrementAndGet() == 2 ? "flip.b@example.com" : "flip.a@example.com";
            return new Page(200, "{\"users\": [{\"id\": 7002, \"name\": \"Flip User\", \"email\": \"" + email
                    + "\", \"role\": \"end-user\"}]}", null);
        });

        ConfigurableApplicationContext app = app("flip", p0, "300ms", 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> fetches.get() >= 4);
        ProfileStore profiles = app.getBean(ProfileStore.class);
        Identifiers identifiers = app.getBean(Identifiers.class);
        // the third fetch is newer than the second, not dated back to the first (which would lose to B)
        await().atMost(Duration.ofSeconds(10)).until(() ->
                profiles.findByIdentifier(identifiers.email("flip.a@example.com").orElseThrow()).size() == 1);
        assertThat(profiles.findByIdentifier(identifiers.email("flip.b@example.com").orElseThrow())).isEmpty();
    }

    @Test
    void anErrorAnswerThatStallsIsReportedByItsStatusNotAsATimeout() {
        String p0 = url("/users/broken");
        serve(p0, () -> new Page(503, SILENT, null)); // headers, then not one body byte

        ConfigurableApplicationContext app = app("broken", p0, "1h", 1, "timeout=20s");

        SourceActivity activity = app.getBean(SourceActivity.class);
        await().atMost(Duration.ofSeconds(15)).until(() -> activity.snapshot("broken").lastError().isPresent());
        assertThat(activity.snapshot("broken").lastError().orElseThrow().reason()).isEqualTo("poll answered HTTP 503");
    }

    @Test
    void aStoppedRouteFetchesNoFurtherPage() throws Exception {
        String p0 = url("/users?page=0");
        String p1 = url("/users?page=1");
        String p2 = url("/users?page=2");
        java.util.concurrent.atomic.AtomicReference<ConfigurableApplicationContext> running = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CompletableFuture<Void> stopping = new java.util.concurrent.CompletableFuture<>();
        serve(p0, usersPage(1, p1, false));
        serve(p1, () -> {
            // an integrator stops the route while this page is being fetched; the stop waits for the tick
            org.apache.camel.CamelContext camel = running.get().getBean(org.apache.camel.CamelContext.class);
            stopping.completeAsync(() -> {
                try {
                    camel.getRouteController().stopRoute("source-stopped");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> PollAndCustomRoutes.stopRequested(camel, "source-stopped"));
            return usersPage(2, p2, false).get();
        });
        serve(p2, usersPage(3, null, true));

        running.set(app("stopped", p0, "1h", 50, "cursor=next-link", "next-link=/next_page",
                "end-of-stream=/end_of_stream"));

        stopping.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(requests).containsExactly(path(p0), path(p1)); // the page in hand is stored, no more are fetched
        assertThat(profilesWithEmail(running.get(), 2)).isEqualTo(1);
        assertThat(cursor("stopped")).isEqualTo(p2);
    }

    @Test
    void aPageThatFailsIsFetchedAgainAtTheNextTickWithoutMovingOn() {
        String p0 = url("/users?page=0");
        String p1 = url("/users?page=1");
        String p2 = url("/users?page=2");
        serve(p0, usersPage(1, p1, false));
        AtomicInteger p1Calls = new AtomicInteger();
        java.util.function.Supplier<Page> p1Page = usersPage(2, p2, true);
        serve(p1, () -> p1Calls.incrementAndGet() == 1 ? new Page(500, "{}", null) : p1Page.get());
        serve(p2, usersPage(3, p2, true));

        ConfigurableApplicationContext app = app("flaky", p0, "200ms", 50, "cursor=next-link", "next-link=/next_page",
                "end-of-stream=/end_of_stream");

        await().atMost(Duration.ofSeconds(30)).until(() -> requests.stream().filter(p2::endsWith).count() >= 1);
        assertThat(List.copyOf(requests).subList(0, 4)).containsExactly(path(p0), path(p1), path(p1), path(p2));
        assertThat(profilesWithEmail(app, 2)).isEqualTo(1);
        assertThat(app.getBean(SourceActivity.class).snapshot("flaky").lastError().orElseThrow().reason())
                .isEqualTo("poll answered HTTP 500");
    }

    @Test
    void aPageThatStallsAfterItsHeadersIsGivenUpAfterTheTimeoutAndFetchedAgain() {
        String p0 = url("/users?page=0");
        AtomicInteger calls = new AtomicInteger();
        java.util.function.Supplier<Page> good = usersPage(1, p0, true);
        serve(p0, () -> calls.incrementAndGet() == 1 ? new Page(200, STALL, null) : good.get());

        ConfigurableApplicationContext app = app("stalling", p0, "200ms", 50, "cursor=next-link",
                "next-link=/next_page", "end-of-stream=/end_of_stream", "timeout=1s");

        await().atMost(Duration.ofSeconds(30)).until(() -> profilesWithEmail(app, 1) == 1);
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(app.getBean(SourceActivity.class).snapshot("stalling").lastError().orElseThrow().reason())
                .isEqualTo("poll timed out: the page was not complete within poll.timeout (PT1S)");
    }

    @Test
    void aNextLinkToAnotherHostIsRefusedAndTheTokenNeverSentThere() {
        String p0 = url("/users?page=0");
        String hostile = "http://localhost:" + elsewhere.getAddress().getPort() + "/steal";
        serve(p0, usersPage(1, hostile, false));
        java.nio.file.Path token;
        try {
            token = java.nio.file.Files.createTempFile("poll-token", ".txt");
            java.nio.file.Files.writeString(token, "tok-secret");
            token.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        ConfigurableApplicationContext app = app("hostile", p0, "200ms", 50, "cursor=next-link", "next-link=/next_page",
                "bearer-token=file:" + token);

        await().atMost(Duration.ofSeconds(30)).until(() -> requests.size() >= 3);
        assertThat(requests).containsOnly(path(p0));
        assertThat(authorizations).as("the vendor gets the token").containsOnly("Bearer tok-secret");
        assertThat(elsewhereRequests).hasValue(0);
        assertThat(app.getBean(SourceActivity.class).snapshot("hostile").lastError().orElseThrow().reason())
                .isEqualTo("poll refused a next-page link that leaves the scheme, host and port of poll.url");
        assertThat(profilesWithEmail(app, 1)).isEqualTo(1); // the page itself was fine
        assertThat(cursor("hostile")).isNull();
    }

    @Test
    void aMalformedPageIsADeadLetterAndTheCursorStaysOnIt() {
        String p0 = url("/users?page=0");
        String p1 = url("/users?page=1");
        serve(p0, usersPage(1, p1, false));
        serve(p1, () -> new Page(200, "{\"users\": [", null));

        ConfigurableApplicationContext app = app("broken", p0, "200ms", 50, "cursor=next-link", "next-link=/next_page");

        await().atMost(Duration.ofSeconds(30)).until(() -> requests.stream().filter(p1::endsWith).count() >= 2);
        DeadLetterStore deadLetters = app.getBean(DeadLetterStore.class);
        assertThat(deadLetters.count("source-broken")).isEqualTo(1); // the same page again is the same dead letter
        assertThat(deadLetters.list("source-broken", 0, 1).get(0).reason()).startsWith("malformed");
        assertThat(cursor("broken")).isEqualTo(p1);
        assertThat(requests).filteredOn(path(p0)::equals).hasSize(1);
    }

    @Test
    void aPageOverTheLimitIsNotPassedTheCursorStaysUntilTheLimitIsRaised() {
        String p0 = url("/users?page=0");
        String p1 = url("/users?page=1");
        String p2 = url("/users?page=2");
        serve(p0, usersPage(1, p1, false));
        // a page of 2 users padded past 2,000 bytes, as a page of 1,000 tickets is past the default limit
        String big = usersPage(2, p2, false).get().body().replace("\"count\": 1}",
                "\"count\": 1, \"padding\": \"" + "x".repeat(2_000) + "\"}");
        serve(p1, () -> new Page(200, big, null));
        serve(p2, usersPage(3, p2, true));
        ConfigurableApplicationContext small = app("paged", p0, "200ms", 50, "cursor=next-link",
                "next-link=/next_page", "end-of-stream=/end_of_stream", "max-bytes=1500");
        await().atMost(Duration.ofSeconds(30)).until(() -> requests.stream().filter(p1::endsWith).count() >= 2);
        assertThat(requests).doesNotContain(path(p2));
        assertThat(cursor("paged")).isEqualTo(p1);
        assertThat(small.getBean(DeadLetterStore.class).count("source-paged")).isZero();
        assertThat(small.getBean(SourceActivity.class).snapshot("paged").lastError().orElseThrow().reason())
                .isEqualTo("poll page is larger than poll.max-bytes (1500 bytes): raise it; the cursor stays on this page");
        small.close();

        ConfigurableApplicationContext raised = app("paged", p0, "200ms", 50, "cursor=next-link",
                "next-link=/next_page", "end-of-stream=/end_of_stream", "max-bytes=10000");
        await().atMost(Duration.ofSeconds(30)).until(() -> profilesWithEmail(raised, 3) == 1);
        assertThat(profilesWithEmail(raised, 2)).isEqualTo(1);
    }

    @Test
    void linkHeadersAreFollowedRelativeToThePage() {
        String p0 = url("/contacts?page=0");
        String p1 = url("/contacts?page=1");
        serve(p0, () -> new Page(200, usersPage(1, null, false).get().body(), "</contacts?page=1>; rel=\"next\""));
        serve(p1, () -> new Page(200, usersPage(2, null, false).get().body(),
                "</contacts?page=0>; rel=\"prev first\""));

        ConfigurableApplicationContext app = app("linked", p0, "200ms", 50, "cursor=link-header");

        await().atMost(Duration.ofSeconds(30)).until(() -> requests.stream().filter(p1::endsWith).count() >= 2);
        assertThat(requests).filteredOn(path(p0)::equals).hasSize(1);
        assertThat(profilesWithEmail(app, 2)).isEqualTo(1);
        assertThat(cursor("linked")).isEqualTo(p1);
    }

    // ---- the vendor

    private void serve(String url, java.util.function.Supplier<Page> page) {
        pages.put(path(url), page);
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        requests.add(path);
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        java.util.function.Supplier<Page> page = pages.get(path);
        Page response = page == null ? new Page(404, "{}", null) : page.get();
        if (response.link() != null) {
            exchange.getResponseHeaders().add("Link", response.link());
        }
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (response.body().startsWith(STALL)) {
            exchange.sendResponseHeaders(response.status(), 10_000);
            if (!response.body().equals(SILENT)) {
                exchange.getResponseBody().write("{\"users\": [".getBytes(StandardCharsets.UTF_8));
            }
            exchange.getResponseBody().flush();
            try {
                stalled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** A page of Zendesk's incremental user export with one user, {@code user<n>@example.com}. */
    private static java.util.function.Supplier<Page> usersPage(int user, String next, boolean endOfStream) {
        String body = """
                {"users": [{"id": %d, "name": "Test User%d", "email": "user%d@example.com", "role": "end-user",
                            "created_at": "2026-01-0%dT10:00:00Z", "updated_at": "2026-01-0%dT10:00:00Z"}],
                 "next_page": %s, "end_of_stream": %s, "end_time": %d, "count": 1}"""
                .formatted(1000 + user, user, user, user, user, next == null ? "null" : "\"" + next + "\"",
                        endOfStream, 100 + user);
        return () -> new Page(200, body, null);
    }

    private String url(String pathAndQuery) {
        return "http://127.0.0.1:" + vendor.getAddress().getPort() + pathAndQuery;
    }

    private static String path(String url) {
        return url.substring(url.indexOf('/', "http://".length()));
    }

    // ---- the app

    private ConfigurableApplicationContext app(String name, String url, String interval, int maxPages,
            String... poll) {
        List<String> properties = new ArrayList<>(List.of(
                "tessera.redis.url=" + RedisTestSupport.settings().url(),
                "tessera.redis.cluster=" + RedisTestSupport.settings().cluster(),
                "tessera.sources[0].name=" + name,
                "tessera.sources[0].kind=support",
                "tessera.sources[0].transport=poll",
                "tessera.sources[0].format=zendesk-user",
                "tessera.sources[0].poll.url=" + url,
                "tessera.sources[0].poll.interval=" + interval,
                "tessera.sources[0].poll.max-pages=" + maxPages,
                "spring.main.banner-mode=off"));
        for (String setting : poll) {
            properties.add("tessera.sources[0].poll." + setting);
        }
        ConfigurableApplicationContext app = new SpringApplicationBuilder(IngestionApplication.class)
                .web(WebApplicationType.NONE)
                // arguments, not default properties: application.yml's empty source list would win over those
                .run(properties.stream().map(p -> "--" + p).toArray(String[]::new));
        apps.add(app);
        return app;
    }

    private String cursor(String source) {
        return redis.commands().hget(PollCursors.key(source), "next");
    }

    private static int profilesWithEmail(ConfigurableApplicationContext app, int user) {
        Identifiers identifiers = app.getBean(Identifiers.class);
        return app.getBean(ProfileStore.class)
                .findByIdentifier(identifiers.email("user" + user + "@example.com").orElseThrow()).size();
    }
}
