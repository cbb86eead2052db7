package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.INVALID_VALUE;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.MALFORMED;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.MISSING_IDENTIFIER;
import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.OVERSIZED;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading vendor JSON by dotted paths ({@code customer.default_address.city}). Failures name the path and
 * never the value.
 */
final class Json {

    // Duplicate keys make a payload ambiguous (which email is it?); exact decimals keep amounts exact.
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    static JsonNode parse(SourcePayload payload, int maxBytes) {
        if (payload.body().length > maxBytes) {
            throw new PayloadRejectedException(OVERSIZED,
                    "payload is " + payload.body().length + " bytes, the limit is " + maxBytes);
        }
        try {
            JsonNode root = MAPPER.readTree(payload.body());
            if (root == null || root.isMissingNode()) {
                throw new PayloadRejectedException(MALFORMED, "payload is empty");
            }
            return root;
        } catch (JacksonException e) {
            // Jackson's own message quotes the offending token, which may be personal data.
            var at = e.getLocation();
            throw new PayloadRejectedException(MALFORMED, "payload is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
    }

    static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    static JsonNode at(JsonNode node, String path) {
        JsonNode current = node;
        for (String part : path.split("\\.")) {
            current = current.path(part);
        }
        return current;
    }

    /** The value as text when it is a non-blank string, number or boolean. */
    static Optional<String> text(JsonNode node, String path) {
        JsonNode value = at(node, path);
        if (value.isString() || value.isNumber() || value.isBoolean()) {
            String text = value.isIntegralNumber() ? value.bigIntegerValue().toString()
                    : value.isNumber() ? usable(value.decimalValue(), path).toPlainString() : value.asString();
            text = text.strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        }
        return Optional.empty();
    }

    static String requireId(JsonNode node, String path) {
        return text(node, path).orElseThrow(() -> new PayloadRejectedException(MISSING_IDENTIFIER,
                "missing identifier: '" + path + "' is absent or empty"));
    }

    static String require(JsonNode node, String path) {
        return text(node, path).orElseThrow(() -> new PayloadRejectedException(MALFORMED,
                "'" + path + "' is absent or empty"));
    }

    /** An ISO-8601 date-time; without an offset it is read as UTC (WooCommerce's {@code *_gmt} fields). */
    static Optional<Instant> instant(JsonNode node, String path) {
        return text(node, path).map(raw -> {
            // Salesforce writes offsets without a colon (2024-01-01T10:00:00.000+0000)
            String text = raw.replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2");
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeException ignored) {
                // maybe without offset
            }
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                throw new PayloadRejectedException(INVALID_VALUE, "'" + path + "' is not an ISO-8601 date-time");
            }
        });
    }

    static Instant requireInstant(JsonNode node, String path) {
        return instant(node, path).orElseThrow(() -> new PayloadRejectedException(MALFORMED,
                "'" + path + "' (a time) is absent or empty"));
    }

    /** Epoch seconds or milliseconds (told apart by size), as number or string. */
    static Optional<Instant> epoch(JsonNode node, String path) {
        return text(node, path).map(text -> {
            try {
                long value = Long.parseLong(text);
                return value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
            } catch (NumberFormatException | java.time.DateTimeException e) {
                throw new PayloadRejectedException(INVALID_VALUE, "'" + path + "' is not an epoch time");
            }
        });
    }

    static Optional<BigDecimal> decimal(JsonNode node, String path) {
        return text(node, path).map(text -> {
            try {
                return usable(new BigDecimal(text), path);
            } catch (NumberFormatException e) {
                throw new PayloadRejectedException(INVALID_VALUE, "'" + path + "' is not a number");
            }
        });
    }

    /** Digits a decimal may have after the point, and powers of ten it may carry: anything real fits. */
    static final int MAX_SCALE = 30;

    /**
     * The decimal, when its exponent is one a real value has: {@code 1e999999999} would be a billion digits
     * written out or added to a sum (memory and minutes of CPU for one request).
     */
    static BigDecimal usable(BigDecimal value, String path) {
        if (value.scale() > MAX_SCALE || value.scale() < -MAX_SCALE) {
            throw new PayloadRejectedException(INVALID_VALUE, "'" + path + "' is a number out of range");
        }
        return value;
    }

    static boolean bool(JsonNode node, String path) {
        JsonNode value = at(node, path);
        return value.isBoolean() ? value.asBoolean() : "true".equalsIgnoreCase(value.asString(""));
    }

    static JsonNode requireArray(JsonNode node, String path) {
        JsonNode value = at(node, path);
        if (!value.isArray()) {
            throw new PayloadRejectedException(MALFORMED, "'" + path + "' is not an array");
        }
        return value;
    }

    static JsonNode requireObject(JsonNode node, String what) {
        if (!node.isObject()) {
            throw new PayloadRejectedException(MALFORMED, what + " is not a JSON object");
        }
        return node;
    }
}
