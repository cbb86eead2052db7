package dev.tessera.ingestion.format.signature;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.SourcePayload;

/**
 * Checks that a webhook payload comes from the vendor. Implementations are thread-safe, compare in
 * constant time and never put a signature, secret or body into an exception message.
 */
public interface SignatureVerifier {

    /**
     * @throws PayloadRejectedException {@code BAD_SIGNATURE} when the signature or key is missing or wrong,
     *                                  {@code REPLAYED} when the vendor's timestamp is outside the replay window;
     *                                  only ever after the signature or key was found right (the intake keeps
     *                                  such a payload as a replayable dead letter: its content is the vendor's)
     */
    void verify(SourcePayload payload);

    /**
     * The payload as it may be kept (dead letters, replays): without the credential, when the scheme sends
     * one inside the body. Most schemes sign the body and keep their secret out of it: unchanged.
     */
    default SourcePayload redacted(SourcePayload payload) {
        return payload;
    }
}
