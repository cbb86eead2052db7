package dev.tessera.ingestion.format.signature;

import dev.tessera.ingestion.format.SourcePayload;

/**
 * Shopify webhooks: {@code X-Shopify-Hmac-Sha256} is the base64 HMAC-SHA256 of the raw body with the app's
 * client secret. {@code X-Shopify-Triggered-At} is checked against the replay window when present. It is not
 * covered by the HMAC, so it only stops naive replays; {@code X-Shopify-Webhook-Id} and the stable
 * interaction ids make a replay a no-op anyway.
 */
public final class ShopifySignature implements SignatureVerifier {

    public static final String HEADER = "X-Shopify-Hmac-Sha256";
    public static final String TRIGGERED_AT = "X-Shopify-Triggered-At";

    private final HmacSignature hmac;

    public ShopifySignature(String secret, ReplayWindow replay) {
        this.hmac = HmacSignature.ofBody(HEADER, HmacSignature.Encoding.BASE64, "", secret)
                .withReplayCheck(TRIGGERED_AT, HmacSignature.TimestampFormat.ISO_8601, false, replay);
    }

    @Override
    public void verify(SourcePayload payload) {
        hmac.verify(payload);
    }

    @Override
    public String toString() {
        return "ShopifySignature";
    }
}
