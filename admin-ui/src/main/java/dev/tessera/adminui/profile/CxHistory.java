package dev.tessera.adminui.profile;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A profile's customer experience as the profile service reports it: the newest interactions and the
 * metrics an agent needs at a glance. Tolerant of fields the service adds later.
 */
record CxHistory(Timeline timeline, Metrics metrics, List<Stage> stages) {

    CxHistory {
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    /** The journey stage the profile is in now, if any was recorded. */
    public String currentStage() {
        return stages.stream().filter(Stage::current).map(Stage::stage).findFirst().orElse(null);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Timeline(List<Entry> items, long total) {
        Timeline {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** One interaction. Public accessors for the template. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(String id, String kind, String channel, String touchpoint, Instant occurredAt, Money amount,
            Score score) {

        /** "order", "ticket opened", ... for display. */
        public String label() {
            return kind == null ? "" : kind.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Money(BigDecimal value, String currency) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Score(String type, int value) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Metrics(Integer npsLatest, String npsCategory, Double csatAverage, Double cesAverage, long orders,
            Map<String, BigDecimal> revenue, long openTickets, long complaints, Long daysSinceLastInteraction,
            Risk churnRisk, Health health) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Risk(double score, List<Factor> factors) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Health(int score, List<Factor> drivers) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Factor(String name, double contribution) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Stage(String stage, Instant enteredAt, boolean current) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record MetricsResponse(Metrics metrics, List<Stage> stages) {}
}
