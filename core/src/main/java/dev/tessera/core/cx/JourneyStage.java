package dev.tessera.core.cx;

/** Where a customer stands in the relationship; chosen by {@link JourneyRule}s over the metrics. */
public enum JourneyStage {
    ONBOARDING,
    USE,
    MAINTENANCE,
    RENEWAL,
    AT_RISK,
    CHURNED
}
