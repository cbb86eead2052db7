package dev.tessera.ingestion.format;

/**
 * A built-in mapper from one vendor payload format to canonical records and interactions. Implementations
 * are stateless and thread-safe; a route calls {@code format.map(payload)} per message.
 */
public interface VendorFormat {

    /** The configuration name, e.g. {@code shopify-order}. */
    String name();

    /**
     * Maps a payload. Elements of a batch or page that cannot be mapped are returned as
     * {@link MappedPayload#rejections()}; the rest are kept.
     *
     * @throws PayloadRejectedException when the payload as a whole cannot be mapped (not JSON, too large,
     *                                  a single item without identifier, an unknown event type)
     */
    MappedPayload map(SourcePayload payload);
}
