package dev.tessera.core.cx;

import java.time.Duration;
import java.time.Instant;

/**
 * One stay in a journey stage: entered at {@code enteredAt}, in event time (when the rule first held given the
 * interactions that had occurred by then, whenever Tessera learnt of them), for {@code timeSpent} (until the
 * next change, or until now for the current one).
 */
public record StageChange(JourneyStage stage, Instant enteredAt, Duration timeSpent, boolean current) {}
