package dev.tessera.ingestion.format.signature;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import dev.tessera.ingestion.format.SourcePayload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.core.json.JsonFactory;

/**
 * Segment's HTTP API authentication, both ways Segment documents: {@code Authorization: Basic
 * base64(writeKey + ":")}, the write key as user name and no password, as the server libraries send it;
 * or, without an {@code Authorization} header, the write key as the body's top-level {@code writeKey}
 * string, as analytics.js sends it from browsers (which post {@code text/plain} bodies to avoid a CORS
 * preflight and so cannot set the header). When the header is there, it alone counts. Several keys may
 * be valid at once (key rotation). No replay check: the only time in a request is {@code sentAt}, the sending device's clock,
 * which Segment uses to correct event times, never to refuse (a phone whose clock is off would lose every
 * event); re-sent messages are stored once by their {@code messageId}.
 */
public final class SegmentWriteKey implements SignatureVerifier {

    // duplicate names refused, as the payload parser refuses them: the key read is the only one there is
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final List<byte[]> keyDigests;

    public SegmentWriteKey(List<String> writeKeys) {
        if (writeKeys.isEmpty() || writeKeys.stream().anyMatch(k -> k == null || k.isBlank())) {
            throw new IllegalArgumentException("at least one non-blank write key is needed");
        }
        this.keyDigests = writeKeys.stream().map(SegmentWriteKey::digest).toList();
    }

    @Override
    public void verify(SourcePayload payload) {
        Optional<String> header = payload.header("Authorization");
        String presented = header.isPresent() ? basicUser(header.get()) : bodyWriteKey(payload.body());
        // Comparing digests keeps the time independent of the key's length and content.
        byte[] digest = digest(presented);
        boolean known = false;
        for (byte[] key : keyDigests) {
            known |= MessageDigest.isEqual(key, digest);
        }
        if (!known) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, header.isPresent()
                    ? "header 'Authorization' holds no valid write key" : "the body's 'writeKey' is no valid write key");
        }
    }

    /**
     * The body's top-level {@code writeKey} string, read with a streaming parser that builds nothing (a
     * batch of messages is not held in memory to find its key). The whole body is read: a body that is not
     * one well-formed JSON object, or names a property twice, has no key, so a delivery is only taken as
     * verified by its body when the payload parser will read that body as it was checked here.
     */
    private static String bodyWriteKey(byte[] body) {
        String key = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (name.equals("writeKey") && value == JsonToken.VALUE_STRING) {
                        key = p.getString();
                    }
                    p.skipChildren();
                }
                if (p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null && key != null) {
                    return key;
                }
            }
        } catch (JacksonException e) {
            // not one well-formed object: no key
        }
        throw new PayloadRejectedException(Reason.BAD_SIGNATURE, key == null
                ? "neither header 'Authorization' nor a top-level 'writeKey' string in the body is present"
                : "the body holding 'writeKey' is not one well-formed JSON object");
    }

    /**
     * Without any {@code writeKey} at the top level or on the messages of a {@code batch} (some libraries
     * put it on every message): a write key is a credential, and dead letters are read through the admin
     * API. A body that does not parse, or holds no such field, is kept as it is.
     */
    @Override
    public SourcePayload redacted(SourcePayload payload) {
        byte[] body = payload.body();
        if (!contains(body, WRITE_KEY_BYTES)) {
            return payload; // the usual case with Basic auth: no second parse
        }
        try {
            JsonNode root = MAPPER.readTree(body);
            if (!(root instanceof ObjectNode object)) {
                return payload;
            }
            boolean removed = object.remove("writeKey") != null;
            for (JsonNode message : object.path("batch")) {
                if (message instanceof ObjectNode m) {
                    removed |= m.remove("writeKey") != null;
                }
            }
            return removed ? new SourcePayload(payload.source(), MAPPER.writeValueAsBytes(object), payload.headers(),
                    payload.receivedAt()) : payload;
        } catch (JacksonException e) {
            return payload;
        }
    }

    private static final byte[] WRITE_KEY_BYTES = "\"writeKey\"".getBytes(StandardCharsets.UTF_8);
    // as the payload parser reads (exact decimals: an amount written back keeps its digits; no duplicates)
    private static final tools.jackson.databind.json.JsonMapper MAPPER = tools.jackson.databind.json.JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String basicUser(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header 'Authorization' is not Basic");
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header 'Authorization' is not valid base64");
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SegmentWriteKey[" + keyDigests.size() + " keys]";
    }
}
