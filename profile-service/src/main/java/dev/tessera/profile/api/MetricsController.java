package dev.tessera.profile.api;

import dev.tessera.core.cx.AggregateQuery;
import dev.tessera.core.cx.AggregateQuery.Dimension;
import dev.tessera.core.cx.AggregateQuery.Granularity;
import dev.tessera.core.cx.AggregateReport;
import dev.tessera.core.cx.CxAggregates;
import dev.tessera.core.cx.CxAggregates.Rank;
import dev.tessera.core.segment.Segment;
import dev.tessera.core.segment.SegmentStore;
import dev.tessera.profile.segment.SegmentService;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * CX dashboard aggregates (issue 5 item 4; definitions in docs/cx-metrics.md). Every endpoint takes
 * {@code from} and {@code to} (ISO dates, UTC days, both included; default: the 30 days up to today; at most
 * two years apart), {@code granularity=day|week|month} (default day) and {@code by=all|channel|touchpoint}
 * (default all) and optionally {@code segment} (the report of a segment's current members), and answers
 * one series per dimension value with one bucket per period. {@code /summary}
 * has every metric; the others one each. Churn and ticket figures exist for {@code by=all} only.
 */
@RestController
@RequestMapping(path = "/api/v1/metrics", produces = MediaType.APPLICATION_JSON_VALUE)
class MetricsController {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MetricsController.class);

    private static final int DEFAULT_DAYS = 30;
    private static final int MAX_YEARS = 2;

    private final CxAggregates aggregates;
    private final SegmentStore segments;
    private final Clock clock;

    private final PersonalData personalData;
    private final int minSegmentReport;
    private final ReadAudit audit;

    MetricsController(CxAggregates aggregates, SegmentService segments, PersonalData personalData,
            dev.tessera.profile.system.ProfileServiceProperties properties, ReadAudit audit) {
        this.audit = audit;
        this.aggregates = aggregates;
        this.segments = segments.store();
        this.clock = Clock.systemUTC();
        this.personalData = personalData;
        this.minSegmentReport = properties.privacy().marketer().minSegmentReport();
    }

    @GetMapping("/summary")
    MetricsView<MetricsView.SummaryBucket> summary(@RequestParam Optional<String> from,
            @RequestParam Optional<String> to, @RequestParam Optional<String> granularity,
            @RequestParam Optional<String> by, @RequestParam Optional<String> segment) {
        return view(query(from, to, granularity, by), segment, Rank.INTERACTIONS, MetricsView.SummaryBucket::of);
    }

    @GetMapping("/nps")
    MetricsView<MetricsView.NpsBucket> nps(@RequestParam Optional<String> from, @RequestParam Optional<String> to,
            @RequestParam Optional<String> granularity, @RequestParam Optional<String> by, @RequestParam Optional<String> segment) {
        return view(query(from, to, granularity, by), segment, Rank.NPS_ANSWERS, MetricsView.NpsBucket::of);
    }

    @GetMapping("/csat")
    MetricsView<MetricsView.ScoreBucket> csat(@RequestParam Optional<String> from,
            @RequestParam Optional<String> to, @RequestParam Optional<String> granularity,
            @RequestParam Optional<String> by, @RequestParam Optional<String> segment) {
        return view(query(from, to, granularity, by), segment, Rank.CSAT_ANSWERS,
                b -> MetricsView.ScoreBucket.of(b, b.csat()));
    }

    @GetMapping("/ces")
    MetricsView<MetricsView.ScoreBucket> ces(@RequestParam Optional<String> from,
            @RequestParam Optional<String> to, @RequestParam Optional<String> granularity,
            @RequestParam Optional<String> by, @RequestParam Optional<String> segment) {
        return view(query(from, to, granularity, by), segment, Rank.CES_ANSWERS,
                b -> MetricsView.ScoreBucket.of(b, b.ces()));
    }

    @GetMapping("/complaints")
    MetricsView<MetricsView.ComplaintsBucket> complaints(@RequestParam Optional<String> from,
            @RequestParam Optional<String> to, @RequestParam Optional<String> granularity,
            @RequestParam Optional<String> by, @RequestParam Optional<String> segment) {
        return view(query(from, to, granularity, by), segment, Rank.COMPLAINTS, MetricsView.ComplaintsBucket::of);
    }

    @GetMapping("/churn")
    MetricsView<MetricsView.ChurnBucket> churn(@RequestParam Optional<String> from,
            @RequestParam Optional<String> to, @RequestParam Optional<String> granularity,
            @RequestParam Optional<String> by, @RequestParam Optional<String> segment) {
        AggregateQuery query = query(from, to, granularity, by);
        if (query.dimension() != Dimension.ALL) {
            throw new ApiProblem.InvalidParameter("by", "must be all for churn (kept per profile, not per channel)");
        }
        return view(query, segment, Rank.INTERACTIONS, MetricsView.ChurnBucket::of);
    }

    @GetMapping("/orders")
    MetricsView<MetricsView.OrdersBucket> orders(@RequestParam Optional<String> from,
            @RequestParam Optional<String> to, @RequestParam Optional<String> granularity,
            @RequestParam Optional<String> by, @RequestParam Optional<String> segment) {
        return view(query(from, to, granularity, by), segment, Rank.ORDERS, MetricsView.OrdersBucket::of);
    }

    /** What a rebuild did: distinct profiles and interactions read, and how long it took. */
    record RebuildView(int profiles, long interactions, long tookMs) {}

    /**
     * Recomputes every dashboard aggregate from the timelines and stage histories (after a change of what
     * counts, e.g. the complaint marker, or a crash between the two steps on Redis Cluster;
     * docs/cx-metrics.md). Dashboards read the old figures until the new ones replace them in one step. Runs
     * off the request thread; 409 while another rebuild runs (in any instance).
     */
    @PostMapping("/rebuild")
    Callable<RebuildView> rebuild(org.springframework.security.core.Authentication caller) {
        return () -> {
            long start = System.nanoTime();
            String outcome = "failed";
            try {
                log.info("CX aggregates rebuild started");
                CxAggregates.Rebuilt rebuilt = aggregates.rebuild();
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                outcome = rebuilt.profiles() + " profiles, " + rebuilt.interactions() + " interactions, "
                        + rebuilt.owned() + " owner(s) recorded, " + tookMs + " ms";
                log.info("CX aggregates rebuilt: {}", outcome);
                return new RebuildView(rebuilt.profiles(), rebuilt.interactions(), tookMs);
            } catch (CxAggregates.RebuildRunning e) {
                outcome = "refused: another rebuild is running";
                throw e;
            } finally {
                // whatever the outcome: who asked for a repair of every dashboard figure is kept
                audit.record(caller, ReadAudit.AGGREGATES_REBUILD, null, List.of(), outcome);
            }
        };
    }

    /**
     * All profiles, or with {@code segment} the segment's CX report: its members' timelines as of the last
     * build or refresh ({@code asOf} in the answer; docs/segments.md).
     */
    private <T> MetricsView<T> view(AggregateQuery query, Optional<String> segment, Rank rank,
            Function<AggregateReport.Bucket, T> bucket) {
        if (segment.isEmpty()) {
            return MetricsView.of(aggregates.query(query, rank), bucket);
        }
        String id = segment.get().strip();
        if (!Segment.ID.matcher(id).matches() || segments.find(id).isEmpty()) {
            throw new ApiProblem.InvalidParameter("segment", "must name an existing segment");
        }
        CxAggregates.SegmentReport report = aggregates.querySegment(query, id, rank)
                .orElseThrow(() -> new ApiProblem.InvalidParameter("segment",
                        "has no CX report yet: it is computed after the segment is built"));
        if (report.profiles() < minSegmentReport && !personalData.fullView(
                org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication())) {
            // a segment narrowed to a few people would show their own orders, answers and complaints
            throw new ApiProblem.InvalidParameter("segment", "has " + report.profiles() + " member(s); its CX report "
                    + "is shown to marketers from " + minSegmentReport + " members, so that it shows no single customer");
        }
        return MetricsView.of(report.report(), bucket).forSegment(id, report.asOf(), report.profiles());
    }

    private AggregateQuery query(Optional<String> from, Optional<String> to, Optional<String> granularity,
            Optional<String> by) {
        LocalDate end = to.map(t -> TimeParameters.date("to", t)).orElseGet(() -> LocalDate.now(clock));
        LocalDate start = from.map(f -> TimeParameters.date("from", f)).orElseGet(() -> end.minusDays(DEFAULT_DAYS - 1));
        if (end.isBefore(start)) {
            throw new ApiProblem.InvalidParameter("to", "must not be before from");
        }
        if (end.isAfter(start.plusYears(MAX_YEARS))) {
            throw new ApiProblem.InvalidParameter("to", "must be at most " + MAX_YEARS + " years after from");
        }
        return new AggregateQuery(start, end, choice("granularity", granularity, Granularity.class, Granularity.DAY),
                choice("by", by, Dimension.class, Dimension.ALL));
    }

    private static <E extends Enum<E>> E choice(String parameter, Optional<String> value, Class<E> type, E otherwise) {
        if (value.isEmpty()) {
            return otherwise;
        }
        try {
            return Enum.valueOf(type, value.get().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiProblem.InvalidParameter(parameter, "must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }
}
