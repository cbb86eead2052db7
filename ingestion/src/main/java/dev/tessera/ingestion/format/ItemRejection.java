package dev.tessera.ingestion.format;

import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.util.Objects;

/**
 * One element of a batch or page that could not be mapped, while the others were.
 *
 * @param reason  the kind of failure
 * @param message names the field, never its value
 * @param item    the element's original JSON, for the dead-letter store and replay
 */
public record ItemRejection(Reason reason, String message, String item) {

    public ItemRejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(item, "item");
    }

    @Override
    public String toString() {
        return "ItemRejection[" + reason + ": " + message + "]";
    }
}
