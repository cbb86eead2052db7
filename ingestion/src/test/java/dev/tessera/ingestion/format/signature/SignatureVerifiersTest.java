package dev.tessera.ingestion.format.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import dev.tessera.ingestion.format.Samples;
import dev.tessera.ingestion.format.SourcePayload;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.TreeMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SignatureVerifiersTest {

    static final String SECRET = "test-secret-not-a-real-one";

    static byte[] hmac(String algorithm, String secret, byte[] content) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
        return mac.doFinal(content);
    }

    static ReplayWindow at(String now) {
        return new ReplayWindow(Clock.fixed(Instant.parse(now), ZoneOffset.UTC), Duration.ofMinutes(5));
    }

    static SourcePayload with(SourcePayload payload, byte[] body, String header, String value) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(payload.headers());
        if (value == null) {
            headers.remove(header);
        } else {
            headers.put(header, value);
        }
        return new SourcePayload(payload.source(), body, headers, payload.receivedAt());
    }

    static void rejected(ThrowingCallable call, Reason reason, String... mustNotContain) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PayloadRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            for (String secret : mustNotContain) {
                assertThat(e.getMessage()).doesNotContain(secret);
            }
        });
    }

    @Test
    void shopifyAcceptsTheBodySignedWithTheSecretAndRejectsTamperingWrongSecretAndOldDeliveries() throws Exception {
        SourcePayload captured = Samples.webhook("shop", "shop/shopify_webhook_orders_create_2024-10.json");
        byte[] body = captured.body();
        String signature = Base64.getEncoder().encodeToString(hmac("HmacSHA256", SECRET, body));
        SourcePayload signed = with(captured, body, "X-Shopify-Hmac-Sha256", signature);
        ShopifySignature verifier = new ShopifySignature(SECRET, at("2024-08-07T22:59:00Z"));

        assertThatCode(() -> verifier.verify(signed)).doesNotThrowAnyException();

        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("388.00", "1.00").getBytes(StandardCharsets.UTF_8);
        rejected(() -> verifier.verify(with(signed, tampered, "X-Shopify-Hmac-Sha256", signature)), Reason.BAD_SIGNATURE, signature);
        rejected(() -> new ShopifySignature("another-secret", at("2024-08-07T22:59:00Z")).verify(signed), Reason.BAD_SIGNATURE);
        // the sample's own header was made with a secret we do not have
        rejected(() -> verifier.verify(captured), Reason.BAD_SIGNATURE);
        rejected(() -> verifier.verify(with(signed, body, "X-Shopify-Hmac-Sha256", null)), Reason.BAD_SIGNATURE);
        rejected(() -> verifier.verify(with(signed, body, "X-Shopify-Hmac-Sha256", "not base64!")), Reason.BAD_SIGNATURE);
        rejected(() -> new ShopifySignature(SECRET, at("2024-08-08T00:00:00Z")).verify(signed), Reason.REPLAYED);
        // older API versions send no trigger time: the signature alone decides
        assertThatCode(() -> verifier.verify(with(signed, body, "X-Shopify-Triggered-At", null))).doesNotThrowAnyException();
    }

    @Test
    void typeformSignatureIsSha256PrefixedBase64OfTheRawBody() throws Exception {
        byte[] body = Samples.bytes("survey/typeform_webhook_form_response_example.json");
        String header = "sha256=" + Base64.getEncoder().encodeToString(hmac("HmacSHA256", SECRET, body));
        SourcePayload payload = new SourcePayload("survey", body, Map.of("typeform-signature", header), Samples.RECEIVED);

        assertThatCode(() -> new TypeformSignature(SECRET).verify(payload)).doesNotThrowAnyException();
        rejected(() -> new TypeformSignature("wrong").verify(payload), Reason.BAD_SIGNATURE, header);
        byte[] tampered = body.clone();
        tampered[tampered.length / 2] ^= 1;
        rejected(() -> new TypeformSignature(SECRET).verify(with(payload, tampered, "Typeform-Signature", header)), Reason.BAD_SIGNATURE);
        rejected(() -> new TypeformSignature(SECRET).verify(with(payload, body, "Typeform-Signature", header.substring(7))),
                Reason.BAD_SIGNATURE);
    }

    @Test
    void segmentWriteKeyIsTheBasicUserNameAndAnOldSentAtIsNoReason() {
        byte[] body = Samples.bytes("events/segment_batch_track_analytics-go_fixture.json");
        String auth = "Basic " + Base64.getEncoder().encodeToString("wk_live_123:".getBytes(StandardCharsets.UTF_8));
        SourcePayload payload = new SourcePayload("web", body, Map.of("Authorization", auth), Samples.RECEIVED);
        SegmentWriteKey keys = new SegmentWriteKey(List.of("wk_old", "wk_live_123"));

        assertThatCode(() -> keys.verify(payload)).doesNotThrowAnyException();
        rejected(() -> new SegmentWriteKey(List.of("other")).verify(payload),
                Reason.BAD_SIGNATURE, "wk_live_123");
        rejected(() -> keys.verify(with(payload, body, "Authorization", null)), Reason.BAD_SIGNATURE);
        rejected(() -> keys.verify(with(payload, body, "Authorization", "Bearer wk_live_123")), Reason.BAD_SIGNATURE);
        // the fixture's sentAt is from 2009: a device clock, which Segment corrects for and never refuses on
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"sentAt\"");
    }

    @Test
    void segmentWriteKeyMayBeTheBodysTopLevelWriteKeyWhenNoAuthorizationHeaderIsSent() {
        SegmentWriteKey keys = new SegmentWriteKey(List.of("wk_old", "wk_live_123"));
        // as analytics.js posts a batch: writeKey first, then the messages
        String batch = "{\"writeKey\":\"wk_live_123\",\"batch\":[{\"type\":\"track\",\"event\":\"x\","
                + "\"properties\":{\"writeKey\":\"nested\"}}],\"sentAt\":\"2026-11-29T10:00:00Z\"}";
        // and a single message, the key after other values (nested ones are skipped, not mistaken for it)
        String single = "{\"type\":\"track\",\"properties\":{\"writeKey\":\"wk_other\",\"a\":[1,{\"b\":2}]},"
                + "\"writeKey\":\"wk_old\"}";

        for (String body : List.of(batch, single)) {
            assertThatCode(() -> keys.verify(payload(body, null))).as(body).doesNotThrowAnyException();
        }
        rejected(() -> keys.verify(payload(batch.replace("wk_live_123", "wk_wrong"), null)), Reason.BAD_SIGNATURE,
                "wk_wrong");
        // only the top level counts: a key inside the properties is data anyone can put there
        rejected(() -> keys.verify(payload("{\"properties\":{\"writeKey\":\"wk_old\"}}", null)), Reason.BAD_SIGNATURE);
        rejected(() -> keys.verify(payload("{\"writeKey\":123}", null)), Reason.BAD_SIGNATURE);
        rejected(() -> keys.verify(payload("[{\"writeKey\":\"wk_old\"}]", null)), Reason.BAD_SIGNATURE);
        rejected(() -> keys.verify(payload("{\"writeKey\":", null)), Reason.BAD_SIGNATURE);
        rejected(() -> keys.verify(payload("not json", null)), Reason.BAD_SIGNATURE);
        // a body the payload parser will not read as checked here: malformed after the key, a second value,
        // a name given twice (which of the two would count?)
        rejected(() -> keys.verify(payload("{\"writeKey\":\"wk_old\",\"batch\":[", null)), Reason.BAD_SIGNATURE,
                "wk_old");
        rejected(() -> keys.verify(payload("{\"writeKey\":\"wk_old\"} {}", null)), Reason.BAD_SIGNATURE);
        rejected(() -> keys.verify(payload("{\"writeKey\":\"wk_old\",\"writeKey\":\"x\"}", null)), Reason.BAD_SIGNATURE);
        rejected(() -> keys.verify(payload("{\"writeKey\":\"wk_old\",\"a\":{\"b\":1,\"b\":2}}", null)),
                Reason.BAD_SIGNATURE);
        // well-formed nesting deeper than the parser allows: refused, not a stack overflow
        int depth = 100_000;
        rejected(() -> keys.verify(payload("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + ", \"writeKey\":\"wk_old\"}",
                null)), Reason.BAD_SIGNATURE);
        // with a header, the header alone counts: a wrong header is not saved by a right body key
        String wrongHeader = "Basic " + Base64.getEncoder().encodeToString("wk_wrong:".getBytes(StandardCharsets.UTF_8));
        rejected(() -> keys.verify(payload(single, wrongHeader)), Reason.BAD_SIGNATURE);
    }

    @Test
    void aWriteKeyInTheBodyIsNotKept() {
        SegmentWriteKey keys = new SegmentWriteKey(List.of("wk_live_123"));
        String batch = "{\"writeKey\":\"wk_live_123\",\"batch\":[{\"type\":\"track\",\"writeKey\":\"wk_live_123\","
                + "\"properties\":{\"total\":12345678901234567.89}}],\"sentAt\":\"2026-11-29T10:00:00Z\"}";

        String kept = new String(keys.redacted(payload(batch, null)).body(), StandardCharsets.UTF_8);

        assertThat(kept).doesNotContain("wk_live_123").doesNotContain("writeKey")
                .contains("12345678901234567.89").contains("\"sentAt\"");
        SourcePayload basic = payload("{\"type\":\"track\"}", "Basic x");
        assertThat(keys.redacted(basic)).isSameAs(basic); // nothing to take out: not parsed again
        SourcePayload malformed = payload("{\"writeKey\":", null);
        assertThat(keys.redacted(malformed)).isSameAs(malformed);
    }

    private static SourcePayload payload(String body, String authorization) {
        return new SourcePayload("web", body.getBytes(StandardCharsets.UTF_8),
                authorization == null ? Map.of() : Map.of("Authorization", authorization), Samples.RECEIVED);
    }

    @Test
    void hubSpotV3SignsMethodUriBodyAndTimestampAndTheTimestampIsRequired() throws Exception {
        SourcePayload captured = Samples.webhook("hubspot", "crm/hubspot_webhook_contact_workflow.json");
        String uri = "https://tessera.example.com/webhooks/hubspot?source=crm";
        String timestamp = captured.header("X-HubSpot-Request-Timestamp").orElseThrow();
        byte[] content = ("POST" + uri + new String(captured.body(), StandardCharsets.UTF_8) + timestamp).getBytes(StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(hmac("HmacSHA256", SECRET, content));
        SourcePayload signed = with(captured, captured.body(), "X-HubSpot-Signature-v3", signature);
        ReplayWindow justAfter = at("2023-04-02T15:08:50Z");

        assertThatCode(() -> HmacSignature.hubSpotV3(SECRET, uri, justAfter).verify(signed)).doesNotThrowAnyException();
        rejected(() -> HmacSignature.hubSpotV3(SECRET, uri + "&x=1", justAfter).verify(signed), Reason.BAD_SIGNATURE);
        // the timestamp is signed: changing it breaks the signature rather than dodging the window
        rejected(() -> HmacSignature.hubSpotV3(SECRET, uri, justAfter)
                .verify(with(signed, signed.body(), "X-HubSpot-Request-Timestamp", "1680448123264")), Reason.BAD_SIGNATURE);
        rejected(() -> HmacSignature.hubSpotV3(SECRET, uri, at("2023-04-02T15:20:00Z")).verify(signed), Reason.REPLAYED);
    }

    @Test
    void genericHmacAcceptsHexWithAPrefixInEitherCase() throws Exception {
        byte[] body = "{\"topic\":\"conversation.admin.closed\"}".getBytes(StandardCharsets.UTF_8);
        String hex = HexFormat.of().withUpperCase().formatHex(hmac("HmacSHA1", SECRET, body));
        SourcePayload payload = new SourcePayload("intercom", body, Map.of("X-Hub-Signature", "sha1=" + hex), Samples.RECEIVED);
        HmacSignature intercom = HmacSignature.ofBody("X-Hub-Signature", HmacSignature.Encoding.HEX, "sha1=", "HmacSHA1", SECRET);

        assertThatCode(() -> intercom.verify(payload)).doesNotThrowAnyException();
        rejected(() -> HmacSignature.ofBody("X-Hub-Signature", HmacSignature.Encoding.HEX, "sha1=", "HmacSHA1", "nope").verify(payload),
                Reason.BAD_SIGNATURE, hex);

        HmacSignature withWindow = HmacSignature.ofBody("X-Hub-Signature", HmacSignature.Encoding.HEX, "sha1=", "HmacSHA1", SECRET)
                .withReplayCheck("X-Timestamp", HmacSignature.TimestampFormat.EPOCH_SECONDS, true, at("2026-01-15T12:00:00Z"));
        rejected(() -> withWindow.verify(payload), Reason.BAD_SIGNATURE);
        SourcePayload stamped = with(payload, body, "X-Timestamp", Long.toString(Instant.parse("2026-01-15T11:58:00Z").getEpochSecond()));
        assertThatCode(() -> withWindow.verify(stamped)).doesNotThrowAnyException();
    }

    @Test
    void verifiersShowNoSecretInToString() {
        assertThat(new ShopifySignature(SECRET, at("2024-01-01T00:00:00Z")).toString()).doesNotContain(SECRET);
        assertThat(HmacSignature.ofBody("X-Sig", HmacSignature.Encoding.HEX, "", SECRET).toString()).doesNotContain(SECRET);
        assertThat(new SegmentWriteKey(List.of(SECRET)).toString()).doesNotContain(SECRET);
    }
}
