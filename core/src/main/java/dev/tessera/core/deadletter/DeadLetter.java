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
 */
public record DeadLetter(String id, String route, String origin, String reason, String payload, Instant receivedAt) {

    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
