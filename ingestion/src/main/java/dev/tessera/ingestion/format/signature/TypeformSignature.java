package dev.tessera.ingestion.format.signature;

import dev.tessera.ingestion.format.SourcePayload;

/**
 * Typeform webhooks: {@code Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>}. Typeform
 * sends no delivery timestamp, so there is no replay check; response tokens make re-delivery idempotent.
 */
public final class TypeformSignature implements SignatureVerifier {

    public static final String HEADER = "Typeform-Signature";

    private final HmacSignature hmac;

    public TypeformSignature(String secret) {
        this.hmac = HmacSignature.ofBody(HEADER, HmacSignature.Encoding.BASE64, "sha256=", secret);
    }

    @Override
    public void verify(SourcePayload payload) {
        hmac.verify(payload);
    }

    @Override
    public String toString() {
        return "TypeformSignature";
    }
}
