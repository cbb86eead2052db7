package dev.tessera.core.deadletter;

import java.time.Instant;
import java.util.Objects;

/**
 * An input item that could not be stored, kept with the reason so that it can be inspected, fixed at
 * the source or in configuration, and replayed.
 *
 * @param id       stable digest of route, reason and payload: the same rejection twice is kept once
 * @param route    id of the route that rejected it
 * @param origin   where it came from, e.g. {@code contacts.csv:17} (file and line); never personal data
 * @param reason   why it was rejected, naming the field or column
 * @param payload  the original item, unchanged (a CSV row with its header, a JSON document, ...)
 * @param recordSource the source of the records the route's payloads are about (a source's name or its
 *                 {@code record-namespace}), so an erasure knows whose record ids to look for in it; null
 *                 when the route was not named ({@link DeadLetterStore#nameRecordSource}) or the entry is older
 * @param sourceId the source id of the record the item was about, when the route knows where its ids stand
 *                 (a CSV source's id column): {@code ""} when the item had none readable; null when the route
 *                 does not say (webhook payloads, older entries), and an erasure then looks for the id as a
 *                 word anywhere in the payload
 * @param headers  the delivery's headers a format reads besides the body ({@code X-Tessera-…}, e.g. the
 *                 requester a route names for Freshdesk conversations), so a replay maps the payload as it
 *                 arrived; empty when there were none (and for older entries)
 */
public record DeadLetter(String id, String route, String origin, String reason, String payload, Instant receivedAt,
        String recordSource, String sourceId, java.util.Map<String, String> headers) {

    /** A dead letter of a route whose record source is not known. */
    public DeadLetter(String id, String route, String origin, String reason, String payload, Instant receivedAt) {
        this(id, route, origin, reason, payload, receivedAt, null, null);
    }

    /** A dead letter that does not say which record it was about. */
    public DeadLetter(String id, String route, String origin, String reason, String payload, Instant receivedAt,
            String recordSource) {
        this(id, route, origin, reason, payload, receivedAt, recordSource, null);
    }

    /** A dead letter without headers. */
    public DeadLetter(String id, String route, String origin, String reason, String payload, Instant receivedAt,
            String recordSource, String sourceId) {
        this(id, route, origin, reason, payload, receivedAt, recordSource, sourceId, null);
    }

    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(receivedAt, "receivedAt");
        headers = headers == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(headers));
    }
}
