package dev.tessera.ingestion.format.signature;

import dev.tessera.ingestion.format.PayloadRejectedException;
import dev.tessera.ingestion.format.PayloadRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Accepts vendor timestamps within {@code window} of the clock, either way (clocks drift both ways).
 *
 * @param clock  the caller's clock (tests pass a fixed one)
 * @param window the largest accepted distance from now, e.g. 5 minutes (HubSpot's own limit)
 */
public record ReplayWindow(Clock clock, Duration window) {

    public static final Duration DEFAULT = Duration.ofMinutes(5);

    public ReplayWindow {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the replay window must be positive");
        }
    }

    void check(Instant timestamp, String field) {
        Duration distance = Duration.between(timestamp, clock.instant()).abs();
        if (distance.compareTo(window) > 0) {
            throw new PayloadRejectedException(Reason.REPLAYED,
                    "'" + field + "' is outside the replay window of " + window.toSeconds() + "s");
        }
    }
}
