package dev.tessera.adminui.dashboard;

import dev.tessera.adminui.AdminUiProperties;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.ModelAndView;

/**
 * The marketers' CX dashboard: NPS, CSAT, CES, complaint handling, churn and orders over the last 30,
 * 90 or 365 days, per period and NPS per channel and touchpoint, from the profile service's aggregates
 * (no personal data: counts only), called with the signed-in user's token; for all customers or for one
 * segment (its report: the current members' history, as of its last build or refresh).
 */
@Controller
class DashboardController {

    private static final Logger log = LoggerFactory.getLogger(DashboardController.class);
    private static final Set<Integer> PERIODS = Set.of(30, 90, 365);

    private final RestClient rest;
    private final Clock clock;

    DashboardController(RestClient.Builder builder, AdminUiProperties properties) {
        this.rest = builder.baseUrl(properties.profileService().baseUri()).build();
        this.clock = Clock.systemUTC();
    }

    /** The profile service's refusal, for its detail. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record Refusal(String detail) {}

    /** A segment to choose: the dashboard can show a segment's report (its current members' history). */
    record SegmentChoice(String id, String name, long size) {}

    private static final java.util.regex.Pattern SEGMENT_ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");

    @GetMapping("/dashboard")
    ModelAndView dashboard(@RequestParam(defaultValue = "90") String days,
            @RequestParam(defaultValue = "") String segment) {
        if (!segment.isEmpty() && !SEGMENT_ID.matcher(segment).matches()) {
            return message(HttpStatus.BAD_REQUEST, "Invalid segment", "That is not a segment id.");
        }
        int period;
        try {
            period = Integer.parseInt(days);
        } catch (NumberFormatException e) {
            period = -1;
        }
        if (!PERIODS.contains(period)) {
            return message(HttpStatus.BAD_REQUEST, "Invalid period", "days must be 30, 90 or 365.");
        }
        LocalDate to = LocalDate.now(clock);
        LocalDate from = to.minusDays(period - 1L);
        String granularity = period <= 30 ? "day" : period <= 90 ? "week" : "month";
        try {
            SegmentChoice[] choices = rest.get().uri("/api/v1/segments").retrieve().body(SegmentChoice[].class);
            List<SegmentChoice> segments = choices == null ? List.of() : List.of(choices);
            Metrics.View<Metrics.Summary> summary;
            Metrics.View<Metrics.Nps> byChannel;
            Metrics.View<Metrics.Nps> byTouchpoint;
            try {
                summary = get("summary", from, to, granularity, "all", segment, new ParameterizedTypeReference<>() {});
                byChannel = get("nps", from, to, "month", "channel", segment, new ParameterizedTypeReference<>() {});
                byTouchpoint = get("nps", from, to, "month", "touchpoint", segment,
                        new ParameterizedTypeReference<>() {});
            } catch (HttpClientErrorException.BadRequest e) {
                // the only parameter a user can get wrong here is the segment: unknown, no report yet, or too
                // few members for a marketer to see one (the API's detail says which; it holds no personal data)
                String detail = dev.tessera.adminui.ServiceCalls.refusal(e, Refusal.class).map(Refusal::detail)
                        .filter(d -> d != null && d.startsWith("segment has") && d.contains("member"))
                        .map(d -> "This " + d + ".")
                        .orElse("The segment does not exist or its report is not computed yet (right after a "
                                + "build, and at every refresh).");
                return message(HttpStatus.NOT_FOUND, "No report for this segment", detail);
            }
            Map<String, Object> model = new java.util.HashMap<>(Map.of("days", period, "from", from, "to", to,
                    "granularity", granularity, "dashboard", Dashboard.of(summary, byChannel, byTouchpoint),
                    "segments", segments, "segment", segment));
            if (summary.segment() != null) {
                model.put("report", summary);
                segments.stream().filter(c -> c.id().equals(segment)).findFirst()
                        .ifPresent(c -> model.put("segmentName", c.name()));
            }
            return new ModelAndView("dashboard/index", model);
        } catch (RestClientException | IllegalStateException e) {
            log.warn("metrics unavailable: {}", e.getClass().getSimpleName());
            return message(HttpStatus.SERVICE_UNAVAILABLE, "Metrics unavailable",
                    "The profile service did not answer with the metrics. Please try again in a minute.");
        }
    }

    private <T> Metrics.View<T> get(String metric, LocalDate from, LocalDate to, String granularity, String by,
            String segment, ParameterizedTypeReference<Metrics.View<T>> type) {
        Metrics.View<T> view = rest.get()
                .uri(segment.isEmpty() ? "/api/v1/metrics/{metric}?from={from}&to={to}&granularity={g}&by={by}"
                        : "/api/v1/metrics/{metric}?from={from}&to={to}&granularity={g}&by={by}&segment={s}",
                        metric, from, to, granularity, by, segment)
                .retrieve().body(type);
        if (view == null) {
            throw new IllegalStateException("no body");
        }
        return view;
    }

    private static ModelAndView message(HttpStatus status, String title, String message) {
        return new ModelAndView("message", Map.of("title", title, "message", message), status);
    }
}
