package dev.tessera.ingestion.source;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.operations.SourceActivity;
import dev.tessera.ingestion.system.IngestionProperties.Poll;
import dev.tessera.ingestion.system.IngestionProperties.PollCursor;
import dev.tessera.ingestion.system.IngestionProperties.Source;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Poll sources: one route per source ({@code source-<name>}) that fetches the vendor API on a timer and
 * stores each response as one payload, following next-page links when the source has a cursor. And the intake for integrators' own Camel routes (YAML files in
 * the configured routes folder): they send a payload to {@value #INTAKE} with the header
 * {@value #SOURCE_HEADER} naming a source of transport {@code custom}, and it is stored like any other.
 */
@Component
class PollAndCustomRoutes extends RouteBuilder {

    /** Where custom routes deliver payloads (body: the bytes or text of one payload). */
    static final String INTAKE = "direct:tessera-intake";
    /** Id of the route behind {@value #INTAKE}. */
    static final String INTAKE_ROUTE = "tessera-intake";
    /** Header naming the (custom-transport) source a payload sent to {@value #INTAKE} belongs to. */
    static final String SOURCE_HEADER = "TesseraSource";

    private final SourceCatalog catalog;
    private final PayloadIntake intake;
    private final SourceActivity activity;
    private final PollCursors cursors;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    PollAndCustomRoutes(SourceCatalog catalog, PayloadIntake intake, SourceActivity activity, PollCursors cursors) {
        this.catalog = catalog;
        this.cursors = cursors;
        this.intake = intake;
        this.activity = activity;
    }

    @Override
    public void configure() {
        for (SourceCatalog.Ready ready : catalog.all()) {
            if (ready.source().enabled() && ready.source().transport() == Transport.POLL) {
                from("timer:" + ready.source().routeId() + "?period=" + ready.source().poll().interval().toMillis())
                        .routeId(ready.source().routeId())
                        .routeConfigurationId(SourceErrorHandling.ID)
                        .process(exchange -> poll(ready, exchange));
            }
        }
        from(INTAKE)
                .routeId(INTAKE_ROUTE)
                .streamCache("false") // a stream body is read by custom(), to the source's limit: never cached whole
                .routeConfigurationId(SourceErrorHandling.ID)
                .process(this::custom);
    }

    /**
     * One tick: the page at the cursor (the configured URL without one), then, while the pages name a
     * next one and the vendor has more, the following pages up to {@code max-pages}. The cursor moves to
     * a page's next link only once the page is stored or dead-lettered, so a crash or a failed fetch
     * fetches that page again (storage is idempotent) and never skips one.
     */
    private void poll(SourceCatalog.Ready ready, Exchange exchange) throws Exception {
        Source source = ready.source();
        Poll poll = source.poll();
        URI configured = URI.create(poll.url());
        // a saved cursor only while the source follows one: after a switch to cursor: none, the configured URL
        URI page = poll.cursor() == PollCursor.NONE ? configured
                : cursors.next(source).map(URI::create).orElse(configured);
        for (int fetched = 0; fetched < poll.maxPages(); fetched++) {
            if (stopRequested(exchange.getContext(), source.routeId())) {
                return; // stopped (or stopping) between pages: a stop waits for no more than the page in hand
            }
            Page response = fetch(ready, page);
            if (response == null) {
                return; // the next tick tries the same page again
            }
            PageLinks links = PageLinks.of(poll, page, response.body(), response.headers().allValues("Link"));
            Instant now = Instant.now();
            // the same page fetched again is dated as when first fetched: items without times map identically
            SourcePayload payload = new SourcePayload(source.records(), response.body(), Map.of(),
                    cursors.firstSeen(source, page.toString(), response.body(), now));
            try {
                exchange.getMessage().setBody(intake.receive(ready, payload, "poll:" + now));
            } catch (PayloadRejectedException e) {
                // dead-lettered with its reason by the intake: kept, so moving past it loses nothing
            } catch (RuntimeException e) {
                if (SourceErrorHandling.isOutage(e)) {
                    activity.failed(source.name(), "poll page not stored: " + e.getClass().getSimpleName());
                    throw e; // the cursor stays: the next tick fetches this page again
                }
                // a page that breaks the mapping itself would be fetched and fail again on every tick, for
                // ever: kept as a replayable dead letter (the exception's type only), then the cursor moves on
                intake.keepFailed(ready, payload, "poll:" + now, e);
                activity.failed(source.name(), "poll page kept as a dead letter: " + e.getClass().getSimpleName());
            }
            if (links.next().isEmpty()) {
                return; // no next page (or none readable): the cursor stays on this one
            }
            URI next = links.next().get();
            if (!PageLinks.sameOrigin(configured, next)) {
                activity.failed(source.name(), "poll refused a next-page link that leaves the scheme, host and port "
                        + "of poll.url");
                return;
            }
            if (!next.equals(page)) {
                cursors.advance(source, next.toString());
            }
            if (links.endOfStream() || next.equals(page)) {
                return; // the vendor has nothing more for now; the next tick asks the cursor's page
            }
            page = next;
        }
    }

    /**
     * Whether the route is being stopped or suspended. A graceful stop first stops the route's consumer (the
     * timer) and then waits for the tick in progress, with the route itself still reported as started
     * until that tick ends: the consumer says it first.
     */
    static boolean stopRequested(org.apache.camel.CamelContext camel, String routeId) {
        org.apache.camel.Route route = camel.getRoute(routeId);
        if (route == null || !camel.getRouteController().getRouteStatus(routeId).isStarted()) {
            return true;
        }
        return route.getConsumer() instanceof org.apache.camel.StatefulService consumer
                && (!consumer.isRunAllowed() || consumer.isSuspending() || consumer.isSuspended());
    }

    /**
     * The page, or null when the fetch failed, took longer than {@code poll.timeout} as a whole (headers and
     * body: a vendor that sends its headers and then stalls would otherwise hold the poll for ever), or the
     * page is too large (each recorded as the source's last error).
     */
    private Page fetch(SourceCatalog.Ready ready, URI url) throws InterruptedException {
        String name = ready.source().name();
        java.time.Duration timeout = ready.source().poll().timeout();
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", "application/json");
        ready.bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        int limit = ready.source().poll().maxBytes();
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(request.GET().build(),
                // another status: its body is not read (a stalled error page would read as a timeout)
                info -> new LimitedBody(info.statusCode() == 200 ? limit : 0));
        HttpResponse<byte[]> response;
        try {
            response = sent.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            activity.failed(name, "poll timed out: the page was not complete within poll.timeout (" + timeout + ")");
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            activity.failed(name, "poll failed: " + e.getCause().getClass().getSimpleName());
            return null;
        } finally {
            sent.cancel(true); // a request not done (timed out, the route stopping) gives its connection up
        }
        if (response.statusCode() != 200) {
            activity.failed(name, "poll answered HTTP " + response.statusCode());
            return null;
        }
        byte[] body = response.body();
        if (body.length > limit) {
            // not dead-lettered without its content and passed: the cursor stays on this page until the
            // limit is raised, so nothing on it is lost
            activity.failed(name, "poll page is larger than poll.max-bytes (" + limit + " bytes): raise it; the "
                    + "cursor stays on this page");
            return null;
        }
        return new Page(response.headers(), body);
    }

    /**
     * A response body read to at most {@code limit + 1} bytes (never more in memory): a larger page stops
     * the transfer there, and its length tells the caller it was too large.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<byte[]> result = new java.util.concurrent.CompletableFuture<>();
        private java.util.concurrent.Flow.Subscription subscription;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            this.subscription = subscription;
            if (limit == 0) {
                // nothing to read (an error status): done at once, not at the first body byte, which a stalled
                // error page never sends (its status, not a timeout, is then the source's last error)
                subscription.cancel();
                result.complete(new byte[0]);
                return;
            }
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> items) {
            if (result.isDone()) {
                return; // over the limit already: the transfer was cancelled
            }
            for (java.nio.ByteBuffer item : items) {
                int room = limit + 1 - out.size();
                int take = Math.min(room, item.remaining());
                byte[] bytes = new byte[take];
                item.get(bytes);
                out.write(bytes, 0, take);
                if (out.size() > limit) {
                    subscription.cancel();
                    result.complete(out.toByteArray());
                    return;
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }
    }

    /** A fetched page: its headers and its body, read whole. */
    private record Page(java.net.http.HttpHeaders headers, byte[] body) {}

    private void custom(Exchange exchange) throws Exception {
        String name = exchange.getIn().getHeader(SOURCE_HEADER, String.class);
        SourceCatalog.Ready ready = name == null ? null : catalog.find(name)
                .filter(s -> s.source().transport() == Transport.CUSTOM && s.source().enabled()).orElse(null);
        if (ready == null) {
            throw new IllegalArgumentException("header " + SOURCE_HEADER
                    + " must name an enabled source of transport custom");
        }
        byte[] body;
        // never more than the source's limit (and one byte to tell) in memory: the intake refuses larger ones
        try (java.io.InputStream in = exchange.getIn().getMandatoryBody(java.io.InputStream.class)) {
            body = in.readNBytes(ready.source().maxPayloadBytes() + 1);
        }
        String route = exchange.getFromRouteId() == null ? "custom" : exchange.getFromRouteId();
        String from = exchange.getFromRouteId();
        if (from != null && !from.equals(INTAKE_ROUTE) && !from.startsWith("source-")) {
            // one of the integrator's routes (not ours, not a template call): stopping the source stops it
            activity.deliveredBy(name, from);
        }
        // the route's text headers reach the format as a webhook's would (X-Tessera-Requester-Id for
        // freshdesk-conversation, say); Camel's own and non-text ones do not
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getIn().getHeaders().forEach((key, value) -> {
            if (value instanceof CharSequence text && !key.startsWith("Camel") && !key.equals(SOURCE_HEADER)) {
                headers.put(key, text.toString());
            }
        });
        exchange.getMessage().setBody(intake.receive(ready,
                new SourcePayload(ready.source().records(), body, headers, Instant.now()), "custom:" + route));
    }
}
