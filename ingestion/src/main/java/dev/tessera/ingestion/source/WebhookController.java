package dev.tessera.ingestion.source;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.SourcePayload;
import dev.tessera.ingestion.system.IngestionProperties;
import dev.tessera.ingestion.system.IngestionProperties.Transport;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The HTTP edge of webhook sources: {@code POST /webhooks/{source}} for vendor webhooks and the Segment
 * tracking API ({@code /v1/identify}, {@code /v1/track}, {@code /v1/batch}, and analytics.js's short
 * {@code /v1/i}, {@code /v1/t}, {@code /v1/b}) for a source of format
 * {@code segment-api}. Reads at most the source's byte limit, then hands the payload to the source's
 * route, which verifies, maps and stores it. Answers 200 with counts, 401 for a bad signature, 409 for a
 * replayed delivery, 413 when too large, 400/422 for content the format rejects, 503 while the route is
 * stopped (vendors retry), 404 for no such webhook source. Responses never echo the body.
 */
@RestController
class WebhookController {

    static final String PAYLOAD = "TesseraPayload";
    static final String ORIGIN = "TesseraOrigin";
    static final String SOURCE = "TesseraSource";

    private final SourceCatalog catalog;
    private final ProducerTemplate producer;
    private final Clock clock;

    WebhookController(SourceCatalog catalog, ProducerTemplate producer, Clock clock) {
        this.catalog = catalog;
        this.producer = producer;
        this.clock = clock;
    }

    @PostMapping("/webhooks/{source}")
    ResponseEntity<?> webhook(@PathVariable String source, HttpServletRequest request) throws IOException {
        SourceCatalog.Ready ready = catalog.find(source)
                .filter(s -> s.source().transport() == Transport.WEBHOOK && s.source().enabled())
                .orElse(null);
        if (ready == null) {
            return problem(HttpStatus.NOT_FOUND, "no webhook source has this name");
        }
        return receive(ready, request, "webhook");
    }

    /**
     * The Segment API's identify, track and batch calls. {@code /v1/i}, {@code /v1/t} and {@code /v1/b} are
     * the paths analytics.js (Segment's
     * browser library) posts to, with the write key in the body: pointing its {@code apiHost} at
     * {@code <ingestion>/v1} sends its identify and track calls here.
     */
    @PostMapping({"/v1/identify", "/v1/track", "/v1/batch", "/v1/i", "/v1/t", "/v1/b"})
    ResponseEntity<?> segment(HttpServletRequest request) throws IOException {
        SourceCatalog.Ready ready = segmentSource();
        if (ready == null) {
            return problem(HttpStatus.NOT_FOUND, "no source serves the Segment API (format segment-api)");
        }
        // the mapping that matched (on the decoded path), not the raw URI: /v1/%74 is /v1/t
        String type = switch (String.valueOf(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE))) {
            case "/v1/identify", "/v1/i" -> "identify";
            case "/v1/track", "/v1/t" -> "track";
            case "/v1/batch", "/v1/b" -> "batch";
            default -> null;
        };
        if (type == null) {
            return problem(HttpStatus.NOT_FOUND, "not an endpoint of the Segment API");
        }
        return receive(ready, request, "segment-" + type);
    }

    /**
     * Segment's page, screen, group and alias calls (and analytics.js's {@code /v1/p}, {@code /s},
     * {@code /g}, {@code /a}): the write key is checked, nothing is kept (no record or interaction of
     * Tessera's; docs/sources.md), and the answer is 200 so that the library does not retry them forever.
     */
    @PostMapping({"/v1/page", "/v1/screen", "/v1/group", "/v1/alias", "/v1/p", "/v1/s", "/v1/g", "/v1/a"})
    ResponseEntity<?> segmentNotKept(HttpServletRequest request) throws IOException {
        SourceCatalog.Ready ready = segmentSource();
        if (ready == null) {
            return problem(HttpStatus.NOT_FOUND, "no source serves the Segment API (format segment-api)");
        }
        int limit = ready.source().maxPayloadBytes();
        byte[] body = body(request, limit);
        if (body.length > limit) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "the payload is larger than the source's limit of " + limit
                    + " bytes");
        }
        try {
            SourcePayload payload = new SourcePayload(ready.source().records(), body, headers(request), clock.instant());
            ready.verifier().ifPresent(v -> v.verify(payload));
        } catch (PayloadRejectedException rejected) {
            return problem(status(rejected.reason()), rejected.getMessage());
        }
        return ResponseEntity.ok(new PayloadIntake.Report(0, 0, 0, 0, 0, 0));
    }

    /** The source that serves the Segment API: the first enabled one of format segment-api, or null. */
    private SourceCatalog.Ready segmentSource() {
        return catalog.all().stream()
                .filter(s -> IngestionProperties.SEGMENT_API.equals(s.source().format()) && s.source().enabled())
                .findFirst().orElse(null);
    }

    /** The body up to one byte past {@code limit}: enough to tell a too large one, never more in memory. */
    private static byte[] body(HttpServletRequest request, int limit) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return in.readNBytes(limit + 1);
        }
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, request.getHeader(name));
        }
        return headers;
    }

    private ResponseEntity<?> receive(SourceCatalog.Ready ready, HttpServletRequest request, String kind)
            throws IOException {
        byte[] body = body(request, ready.source().maxPayloadBytes());
        Map<String, String> headers = headers(request);
        headers.put(WebhookRoutes.FORMAT_HEADER, kind);
        SourcePayload payload = new SourcePayload(ready.source().records(), body, headers, clock.instant());
        String origin = kind + ":" + deliveryId(headers);
        try {
            // block=false: a stopped route answers at once (503), not after direct:'s 30 s wait for a consumer
            PayloadIntake.Report report = producer.requestBodyAndHeaders(
                    "direct:" + ready.source().routeId() + "?block=false", payload, Map.of(ORIGIN, origin),
                    PayloadIntake.Report.class);
            return ResponseEntity.ok(report);
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DirectConsumerNotAvailableException) {
                return problem(HttpStatus.SERVICE_UNAVAILABLE, "the source is stopped; deliver again later");
            }
            if (cause instanceof PayloadRejectedException rejected) {
                return problem(status(rejected.reason()), rejected.getMessage());
            }
            throw e;
        }
    }

    /** The vendor's delivery id when it sends one (never personal data), else a receive time stamp. */
    private String deliveryId(Map<String, String> headers) {
        for (String name : new String[] {"X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Request-Id",
                "X-HubSpot-Request-Id", "X-Zendesk-Webhook-Id", "Typeform-Delivery-Id"}) {
            String value = headers.get(name);
            if (value != null && value.matches("[A-Za-z0-9._:-]{1,128}")) {
                return value;
            }
        }
        return clock.instant().toString();
    }

    private static HttpStatus status(PayloadRejectedException.Reason reason) {
        return switch (reason) {
            case BAD_SIGNATURE -> HttpStatus.UNAUTHORIZED;
            case REPLAYED -> HttpStatus.CONFLICT;
            case OVERSIZED -> HttpStatus.CONTENT_TOO_LARGE;
            case MALFORMED -> HttpStatus.BAD_REQUEST;
            default -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        problem.setType(URI.create("https://tessera.dev/problems/webhook-" + status.value()));
        return ResponseEntity.status(status).body(problem);
    }
}
