package dev.tessera.ingestion.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One raw delivery from a source system, as the route received it: a webhook body, one file, one polled
 * page.
 *
 * @param source     the configured source name; it becomes the source of every record and interaction
 * @param body       the raw bytes, verbatim (signatures are computed over them)
 * @param headers    transport headers; names are matched case-insensitively
 * @param receivedAt when Tessera received it (a fallback time for events that carry none)
 */
public record SourcePayload(String source, byte[] body, Map<String, String> headers, Instant receivedAt) {

    /** Set on payloads that came through the Segment API endpoints, naming their format (identify, track, batch). */
    public static final String SEGMENT_ENDPOINT_HEADER = "X-Tessera-Endpoint";

    public SourcePayload {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(receivedAt, "receivedAt");
        TreeMap<String, String> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, value) -> {
                if (name != null && value != null) {
                    caseless.put(name, value);
                }
            });
        }
        headers = Collections.unmodifiableMap(caseless);
    }

    public static SourcePayload of(String source, byte[] body, Instant receivedAt) {
        return new SourcePayload(source, body, Map.of(), receivedAt);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** The body as UTF-8 text, e.g. for a dead letter. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    // Records compare arrays by identity; a payload is its content.
    @Override
    public boolean equals(Object other) {
        return other instanceof SourcePayload p && source.equals(p.source) && java.util.Arrays.equals(body, p.body)
                && headers.equals(p.headers) && receivedAt.equals(p.receivedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, java.util.Arrays.hashCode(body), headers, receivedAt);
    }

    @Override
    public String toString() {
        // Never the body or header values: they carry PII and secrets.
        return "SourcePayload[source=" + source + ", bytes=" + body.length + ", receivedAt=" + receivedAt + "]";
    }
}
