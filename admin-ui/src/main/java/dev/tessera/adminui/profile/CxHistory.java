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
    record Timeline(List<Entry> items, long total, long offset, boolean hasMore) {
        Timeline {
            items = items == null ? List.of() : List.copyOf(items);
        }

        Timeline(List<Entry> items, long total) {
            this(items, total, 0, false);
        }

        /** 1-based position of the first interaction shown. */
        public long first() {
            return items.isEmpty() ? 0 : offset + 1;
        }

        /** 1-based position of the last interaction shown. */
        public long last() {
            return offset + items.size();
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
            Map<String, BigDecimal> revenue, long openTickets, long complaints, long openComplaints,
            java.time.Duration firstResponseLatest, java.time.Duration resolutionLatest,
            java.time.Duration resolutionAverage, Long daysSinceLastInteraction, Risk churnRisk, Health health) {

        /** Time to the first reply on the latest ticket, as an agent reads it. */
        public String firstResponseText() {
            return readable(firstResponseLatest);
        }

        /** Time to solve the latest solved ticket, as an agent reads it. */
        public String resolutionText() {
            return readable(resolutionLatest);
        }

        /** Average time to solve a ticket, as an agent reads it. */
        public String resolutionAverageText() {
            return readable(resolutionAverage);
        }

        /** A handling time as an agent reads it ("3 h 20 min", "2 d 4 h"); a dash when unknown. */
        static String readable(java.time.Duration d) {
            if (d == null) {
                return "–";
            }
            long minutes = d.toMinutes();
            if (minutes < 60) {
                return minutes + " min";
            }
            if (minutes < 48 * 60) {
                return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
            }
            long hours = d.toHours();
            return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
        }
    }

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
