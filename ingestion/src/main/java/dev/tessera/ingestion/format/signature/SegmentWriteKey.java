package dev.tessera.ingestion.format.signature;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import dev.tessera.ingestion.format.SourcePayload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Segment's HTTP API authentication: {@code Authorization: Basic base64(writeKey + ":")}, the write key as
 * user name and no password, as the analytics libraries send it. Several keys may be valid at once (key
 * rotation). The body's {@code sentAt}, when present, must be within the replay window.
 */
public final class SegmentWriteKey implements SignatureVerifier {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final List<byte[]> keyDigests;
    private final ReplayWindow replay;

    public SegmentWriteKey(List<String> writeKeys, ReplayWindow replay) {
        if (writeKeys.isEmpty() || writeKeys.stream().anyMatch(k -> k == null || k.isBlank())) {
            throw new IllegalArgumentException("at least one non-blank write key is needed");
        }
        this.keyDigests = writeKeys.stream().map(SegmentWriteKey::digest).toList();
        this.replay = Objects.requireNonNull(replay, "replay");
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
        JsonNode sentAt;
        try {
            sentAt = MAPPER.readTree(payload.body()).path("sentAt");
        } catch (JacksonException e) {
            return; // not ours to judge: the format rejects malformed JSON with its position
        }
        if (sentAt.isString()) {
            try {
                replay.check(OffsetDateTime.parse(sentAt.asString()).toInstant(), "sentAt");
            } catch (DateTimeException e) {
                throw new PayloadRejectedException(Reason.INVALID_VALUE, "'sentAt' is not an ISO-8601 date-time");
            }
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
