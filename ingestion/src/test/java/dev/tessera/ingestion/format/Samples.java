package dev.tessera.ingestion.format;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The public vendor samples in {@code ../shared/data/samples} next to the project. Tests that need them
 * are skipped where they are absent (CI has them).
 */
public final class Samples {

    public static final Instant RECEIVED = Instant.parse("2026-01-15T12:00:00Z");

    private Samples() {}

    public static Optional<Path> dir() {
        Path root = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("pom.xml"))) {
                root = p;
            }
        }
        if (root == null || root.getParent() == null) {
            return Optional.empty();
        }
        Path samples = root.getParent().resolve("shared").resolve("data").resolve("samples");
        return Files.isDirectory(samples) ? Optional.of(samples) : Optional.empty();
    }

    public static byte[] bytes(String relative) {
        Optional<Path> file = dir().map(d -> d.resolve(relative)).filter(Files::isRegularFile);
        assumeTrue(file.isPresent(), "../shared/data/samples/" + relative + " is not next to the project");
        try {
            return Files.readAllBytes(file.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String relative) {
        return Json.MAPPER.readTree(bytes(relative));
    }

    /** A sample file delivered as it is. */
    public static SourcePayload payload(String source, String relative) {
        return SourcePayload.of(source, bytes(relative), RECEIVED);
    }

    public static SourcePayload payload(String source, JsonNode body) {
        return SourcePayload.of(source, Json.write(body).getBytes(StandardCharsets.UTF_8), RECEIVED);
    }

    public static SourcePayload payload(String source, String json, boolean literal) {
        return SourcePayload.of(source, json.getBytes(StandardCharsets.UTF_8), RECEIVED);
    }

    /** A captured webhook stored as {@code {headers, body}}: the body as delivered bytes and the headers. */
    public static SourcePayload webhook(String source, String relative) {
        JsonNode capture = json(relative);
        Map<String, String> headers = new LinkedHashMap<>();
        capture.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
        byte[] body = Json.write(capture.path("body")).getBytes(StandardCharsets.UTF_8);
        return new SourcePayload(source, body, headers, RECEIVED);
    }

    public static ObjectNode webhookBody(String relative) {
        return (ObjectNode) json(relative).path("body").deepCopy();
    }

    /**
     * Shopify's orders/create webhook sample as a real, paid order: the sample itself is the test notification
     * of a voided, cancelled order ({@code test: true}), which maps to no purchase.
     */
    public static ObjectNode shopifyOrder() {
        ObjectNode body = webhookBody("shop/shopify_webhook_orders_create_2024-10.json");
        body.putNull("cancelled_at");
        body.put("financial_status", "paid");
        body.put("test", false);
        return body;
    }

    public static ObjectNode object(String relative) {
        return (ObjectNode) json(relative).deepCopy();
    }
}
