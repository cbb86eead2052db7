package dev.tessera.ingestion.format.signature;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import dev.tessera.ingestion.format.SourcePayload;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A signature header holding an HMAC of the request: the generic verifier behind the vendor ones, and
 * usable on its own for others (WooCommerce {@code X-WC-Webhook-Signature}, Intercom {@code X-Hub-Signature},
 * HubSpot v3).
 */
public final class HmacSignature implements SignatureVerifier {

    public enum Encoding { HEX, BASE64 }

    /** How a timestamp header is written. */
    public enum TimestampFormat { EPOCH_MILLIS, EPOCH_SECONDS, ISO_8601 }

    private final String header;
    private final String prefix;
    private final Encoding encoding;
    private final String algorithm;
    private final SecretKeySpec key;
    private final Function<SourcePayload, byte[]> signedContent;
    private final String timestampHeader;
    private final TimestampFormat timestampFormat;
    private final boolean timestampRequired;
    private final ReplayWindow replay;

    private HmacSignature(String header, String prefix, Encoding encoding, String algorithm, byte[] secret,
            Function<SourcePayload, byte[]> signedContent, String timestampHeader, TimestampFormat timestampFormat,
            boolean timestampRequired, ReplayWindow replay) {
        this.header = Objects.requireNonNull(header, "header");
        this.prefix = prefix == null ? "" : prefix;
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("the signing secret must not be empty");
        }
        this.key = new SecretKeySpec(secret.clone(), algorithm);
        this.signedContent = Objects.requireNonNull(signedContent, "signedContent");
        this.timestampHeader = timestampHeader;
        this.timestampFormat = timestampFormat;
        this.timestampRequired = timestampRequired;
        this.replay = replay;
        mac(new byte[0]); // fail at configuration time on an unknown algorithm
    }

    /** HMAC-SHA256 of the raw body in {@code header}, e.g. {@code ("X-WC-Webhook-Signature", BASE64, "")}. */
    public static HmacSignature ofBody(String header, Encoding encoding, String prefix, String secret) {
        return new HmacSignature(header, prefix, encoding, "HmacSHA256", bytes(secret), SourcePayload::body, null, null,
                false, null);
    }

    /** The same with another JCA MAC algorithm, e.g. {@code HmacSHA1} for Intercom's {@code X-Hub-Signature: sha1=...}. */
    public static HmacSignature ofBody(String header, Encoding encoding, String prefix, String algorithm, String secret) {
        return new HmacSignature(header, prefix, encoding, algorithm, bytes(secret), SourcePayload::body, null, null,
                false, null);
    }

    /**
     * HubSpot's v3 request signature: base64 HMAC-SHA256 of {@code POST + uri + body + timestamp} in
     * {@code X-HubSpot-Signature-v3}; the signed {@code X-HubSpot-Request-Timestamp} (epoch ms) must be
     * within the replay window.
     *
     * @param requestUri the webhook's public URL exactly as configured in HubSpot (with the query string)
     */
    public static HmacSignature hubSpotV3(String secret, String requestUri, ReplayWindow replay) {
        Objects.requireNonNull(requestUri, "requestUri");
        Objects.requireNonNull(replay, "replay");
        String timestamp = "X-HubSpot-Request-Timestamp";
        return new HmacSignature("X-HubSpot-Signature-v3", "", Encoding.BASE64, "HmacSHA256", bytes(secret), payload -> {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            content.writeBytes(("POST" + requestUri).getBytes(StandardCharsets.UTF_8));
            content.writeBytes(payload.body());
            content.writeBytes(payload.header(timestamp).orElse("").getBytes(StandardCharsets.UTF_8));
            return content.toByteArray();
        }, timestamp, TimestampFormat.EPOCH_MILLIS, true, replay);
    }

    /**
     * This verifier also checking a vendor timestamp header against a replay window.
     *
     * @param required when false, a request without the header passes the replay check (vendors that send
     *                 the header only in newer API versions)
     */
    public HmacSignature withReplayCheck(String header, TimestampFormat format, boolean required, ReplayWindow window) {
        return new HmacSignature(this.header, prefix, encoding, algorithm, key.getEncoded(), signedContent,
                Objects.requireNonNull(header, "header"), Objects.requireNonNull(format, "format"), required,
                Objects.requireNonNull(window, "window"));
    }

    @Override
    public void verify(SourcePayload payload) {
        String provided = payload.header(header).orElseThrow(
                () -> new PayloadRejectedException(Reason.BAD_SIGNATURE, "header '" + header + "' is missing"));
        if (!provided.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header '" + header + "' does not start with '" + prefix + "'");
        }
        Optional<byte[]> signature = decode(provided.substring(prefix.length()).strip());
        byte[] expected = mac(signedContent.apply(payload));
        // MessageDigest.isEqual takes the same time wherever the first difference is.
        if (signature.isEmpty() || !MessageDigest.isEqual(expected, signature.get())) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header '" + header + "' does not match the payload");
        }
        if (replay != null) {
            Optional<String> stamp = payload.header(timestampHeader);
            if (stamp.isEmpty()) {
                if (timestampRequired) {
                    throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header '" + timestampHeader + "' is missing");
                }
                return;
            }
            replay.check(parse(stamp.get()), timestampHeader);
        }
    }

    private Instant parse(String stamp) {
        try {
            return switch (timestampFormat) {
                case EPOCH_MILLIS -> Instant.ofEpochMilli(Long.parseLong(stamp));
                case EPOCH_SECONDS -> Instant.ofEpochSecond(Long.parseLong(stamp));
                case ISO_8601 -> Instant.parse(stamp);
            };
        } catch (NumberFormatException | DateTimeException e) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header '" + timestampHeader + "' is not a timestamp");
        }
    }

    private Optional<byte[]> decode(String text) {
        try {
            return Optional.of(switch (encoding) {
                case HEX -> HexFormat.of().parseHex(text.toLowerCase(Locale.ROOT));
                case BASE64 -> Base64.getDecoder().decode(text);
            });
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] content) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(key);
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MAC algorithm " + algorithm + " is not available", e);
        }
    }

    static byte[] bytes(String secret) {
        Objects.requireNonNull(secret, "secret");
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "HmacSignature[" + header + ", " + algorithm + ", " + encoding + "]";
    }
}
