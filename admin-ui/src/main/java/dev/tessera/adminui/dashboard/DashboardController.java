package dev.tessera.adminui.dashboard;

import dev.tessera.adminui.AdminUiProperties;
import java.time.Clock;
import java.time.LocalDate;
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
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.ModelAndView;

/**
 * The marketers' CX dashboard: NPS, CSAT, CES, complaint handling, churn and orders over the last 30,
 * 90 or 365 days, per period and NPS per channel and touchpoint, from the profile service's aggregates
 * (no personal data: counts only), called with the signed-in user's token.
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

    @GetMapping("/dashboard")
    ModelAndView dashboard(@RequestParam(defaultValue = "90") String days) {
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
            Metrics.View<Metrics.Summary> summary = get("summary", from, to, granularity, "all",
                    new ParameterizedTypeReference<>() {});
            Metrics.View<Metrics.Nps> byChannel = get("nps", from, to, "month", "channel",
                    new ParameterizedTypeReference<>() {});
            Metrics.View<Metrics.Nps> byTouchpoint = get("nps", from, to, "month", "touchpoint",
                    new ParameterizedTypeReference<>() {});
            return new ModelAndView("dashboard/index", Map.of("days", period, "from", from, "to", to,
                    "granularity", granularity, "dashboard", Dashboard.of(summary, byChannel, byTouchpoint)));
        } catch (RestClientException | IllegalStateException e) {
            log.warn("metrics unavailable: {}", e.getClass().getSimpleName());
            return message(HttpStatus.SERVICE_UNAVAILABLE, "Metrics unavailable",
                    "The profile service did not answer with the metrics. Please try again in a minute.");
        }
    }

    private <T> Metrics.View<T> get(String metric, LocalDate from, LocalDate to, String granularity, String by,
            ParameterizedTypeReference<Metrics.View<T>> type) {
        Metrics.View<T> view = rest.get()
                .uri("/api/v1/metrics/{metric}?from={from}&to={to}&granularity={g}&by={by}", metric, from, to,
                        granularity, by)
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
