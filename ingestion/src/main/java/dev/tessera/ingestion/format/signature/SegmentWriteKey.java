package dev.tessera.ingestion.format.signature;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import dev.tessera.ingestion.format.SourcePayload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * Segment's HTTP API authentication: {@code Authorization: Basic base64(writeKey + ":")}, the write key as
 * user name and no password, as the analytics libraries send it. Several keys may be valid at once (key
 * rotation). No replay check: the only time in a request is {@code sentAt}, the sending device's clock,
 * which Segment uses to correct event times, never to refuse (a phone whose clock is off would lose every
 * event); re-sent messages are stored once by their {@code messageId}.
 */
public final class SegmentWriteKey implements SignatureVerifier {

    private final List<byte[]> keyDigests;

    public SegmentWriteKey(List<String> writeKeys) {
        if (writeKeys.isEmpty() || writeKeys.stream().anyMatch(k -> k == null || k.isBlank())) {
            throw new IllegalArgumentException("at least one non-blank write key is needed");
        }
        this.keyDigests = writeKeys.stream().map(SegmentWriteKey::digest).toList();
    }

    @Override
    public void verify(SourcePayload payload) {
        String authorization = payload.header("Authorization").orElseThrow(
                () -> new PayloadRejectedException(Reason.BAD_SIGNATURE, "header 'Authorization' is missing"));
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header 'Authorization' is not Basic");
        }
        String user;
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            user = colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header 'Authorization' is not valid base64");
        }
        // Comparing digests keeps the time independent of the key's length and content.
        byte[] presented = digest(user);
        boolean known = false;
        for (byte[] key : keyDigests) {
            known |= MessageDigest.isEqual(key, presented);
        }
        if (!known) {
            throw new PayloadRejectedException(Reason.BAD_SIGNATURE, "header 'Authorization' holds no valid write key");
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
