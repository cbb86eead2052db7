package dev.tessera.core.cx;

import dev.tessera.core.cx.CxMetrics.ChurnRisk;
import dev.tessera.core.cx.CxMetrics.CxHealth;
import dev.tessera.core.cx.CxMetrics.Factor;
import dev.tessera.core.cx.CxMetrics.NpsCategory;
import dev.tessera.core.cx.CxTally.Answer;
import dev.tessera.core.cx.CxTally.Ticket;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The definition of every CX metric (docs/cx-metrics.md), as pure functions: {@link #add} folds one
 * interaction into a {@link CxTally}, {@link #metrics} derives the metrics from a tally at a given time,
 * {@link #recompute} does both over a whole timeline. The store applies {@link #add} on each append;
 * because every part of a tally is a count, sum, minimum or maximum, the incremental result equals the
 * recomputed one whatever order interactions arrive in (the tests check this on shuffled input).
 *
 * <p>Timeline entries of kind {@link InteractionKind#PROFILE_MERGED} and {@link InteractionKind#PROFILE_SPLIT}
 * record what Tessera did, not what the customer did, and count in no metric.
 */
public final class CxMetricsCalculator {

    private static final long DAY_MILLIS = 86_400_000L;
    private static final double DAYS_PER_YEAR = 365.25;

    private final CxSettings settings;

    public CxMetricsCalculator(CxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public CxSettings settings() {
        return settings;
    }

    /** The key that identifies an interaction in a timeline: {@code source:id} (same event twice = same key). */
    public static String key(Interaction interaction) {
        return interaction.record().source() + ":" + interaction.id();
    }

    /** True for the entries Tessera writes itself (merge, split), which count in no metric. */
    public static boolean isSystem(InteractionKind kind) {
        return kind == InteractionKind.PROFILE_MERGED || kind == InteractionKind.PROFILE_SPLIT;
    }

    /** Metrics of a whole timeline as of {@code now}; when a key occurs twice, the later element wins. */
    public CxMetrics recompute(Collection<Interaction> interactions, Instant now) {
        return metrics(tally(interactions), now);
    }

    /** The tally of a whole timeline; when a key occurs twice, the later element wins. */
    public CxTally tally(Collection<Interaction> interactions) {
        Map<String, Interaction> distinct = new LinkedHashMap<>();
        interactions.forEach(i -> distinct.put(key(i), i));
        CxTally tally = CxTally.EMPTY;
        for (Interaction i : distinct.values()) {
            tally = add(tally, i);
        }
        return tally;
    }

    /** The ticket an interaction of kind TICKET_* belongs to, qualified by source (ids clash across tools). */
    public String ticketKey(Interaction interaction) {
        String id = interaction.attributes().getOrDefault(settings.ticketIdAttribute(), interaction.id());
        return interaction.record().source() + ":" + id;
    }

    /** True when a TICKET_OPENED carries the configured complaint marker. */
    public boolean isComplaint(Interaction interaction) {
        String value = interaction.attributes().get(settings.complaintAttribute());
        return interaction.kind() == InteractionKind.TICKET_OPENED && value != null
                && value.strip().equalsIgnoreCase(settings.complaintValue());
    }

    /**
     * The tally with one more interaction. The caller guarantees the interaction's key is not in the tally
     * yet (the store adds new keys only and recomputes when a stored interaction changes).
     */
    public CxTally add(CxTally t, Interaction i) {
        if (isSystem(i.kind())) {
            return t;
        }
        Instant at = i.occurredAt();
        TreeMap<Long, Long> days = new TreeMap<>(t.activeDays());
        days.merge(Math.floorDiv(at.toEpochMilli(), DAY_MILLIS), 1L, Long::sum);

        Answer latestNps = t.latestNps();
        long promoters = t.promoters();
        long passives = t.passives();
        long detractors = t.detractors();
        List<Answer> detractorAnswers = t.detractorAnswers();
        long csatSum = t.csatSum();
        long csatCount = t.csatCount();
        long cesSum = t.cesSum();
        long cesCount = t.cesCount();
        if (i.score() != null) {
            int value = i.score().value();
            switch (i.score().type()) {
                case NPS -> {
                    Answer answer = new Answer(at, key(i), value);
                    if (latestNps == null || ANSWER_ORDER.compare(answer, latestNps) > 0) {
                        latestNps = answer;
                    }
                    switch (NpsCategory.of(value)) {
                        case PROMOTER -> promoters++;
                        case PASSIVE -> passives++;
                        case DETRACTOR -> {
                            detractors++;
                            List<Answer> more = new ArrayList<>(detractorAnswers);
                            more.add(answer);
                            more.sort(ANSWER_ORDER);
                            detractorAnswers = more;
                        }
                    }
                }
                case CSAT -> {
                    csatSum += value;
                    csatCount++;
                }
                case CES -> {
                    cesSum += value;
                    cesCount++;
                }
            }
        }

        // only the maps this interaction changes are copied; the others are the previous tally's, shared
        long orders = t.orders();
        long returns = t.returns();
        SortedMap<String, BigDecimal> revenue = t.revenue();
        SortedMap<String, BigDecimal> returned = t.returned();
        SortedMap<String, Long> withAmount = t.ordersWithAmount();
        Instant firstOrderAt = t.firstOrderAt();
        Instant lastOrderAt = t.lastOrderAt();
        if (i.kind() == InteractionKind.ORDER) {
            orders++;
            firstOrderAt = min(firstOrderAt, at);
            lastOrderAt = max(lastOrderAt, at);
            if (i.amount() != null) {
                TreeMap<String, BigDecimal> more = new TreeMap<>(revenue);
                more.merge(i.amount().currency(), i.amount().value(), BigDecimal::add);
                revenue = CxTally.handedOver(more);
                TreeMap<String, Long> counted = new TreeMap<>(withAmount);
                counted.merge(i.amount().currency(), 1L, Long::sum);
                withAmount = CxTally.handedOver(counted);
            }
        } else if (i.kind() == InteractionKind.RETURN) {
            returns++;
            if (i.amount() != null) {
                TreeMap<String, BigDecimal> more = new TreeMap<>(returned);
                more.merge(i.amount().currency(), i.amount().value().abs(), BigDecimal::add);
                returned = CxTally.handedOver(more);
            }
        }

        SortedMap<String, Ticket> tickets = t.tickets();
        if (i.kind() == InteractionKind.TICKET_OPENED || i.kind() == InteractionKind.TICKET_REPLIED
                || i.kind() == InteractionKind.TICKET_SOLVED) {
            String ticketKey = ticketKey(i);
            Ticket old = tickets.getOrDefault(ticketKey, new Ticket(null, null, null, null, false));
            Ticket updated = switch (i.kind()) {
                case TICKET_OPENED -> new Ticket(min(old.firstOpenedAt(), at), max(old.lastOpenedAt(), at),
                        old.firstReplyAt(), old.lastSolvedAt(), old.complaint() || isComplaint(i), old.solves());
                case TICKET_REPLIED -> new Ticket(old.firstOpenedAt(), old.lastOpenedAt(),
                        min(old.firstReplyAt(), at), old.lastSolvedAt(), old.complaint(), old.solves());
                default -> old.solved(at);
            };
            TreeMap<String, Ticket> more = new TreeMap<>(tickets);
            more.put(ticketKey, updated);
            tickets = CxTally.handedOver(more);
        }

        return new CxTally(t.interactions() + 1, min(t.firstInteractionAt(), at), max(t.lastInteractionAt(), at),
                CxTally.handedOver(days), latestNps, promoters, passives, detractors, detractorAnswers, csatSum,
                csatCount, cesSum, cesCount, orders, returns, revenue, returned, withAmount, firstOrderAt, lastOrderAt, tickets);
    }

    static final Comparator<Answer> ANSWER_ORDER = Comparator.comparing(Answer::at).thenComparing(Answer::key);

    /** The metrics of a tally as of {@code now} (recency, tenure and frequency windows depend on it). */
    public CxMetrics metrics(CxTally t, Instant now) {
        return metrics(fixed(t), now);
    }

    /**
     * The parts of a tally's metrics that do not depend on the instant they are taken at: computed once when
     * the metrics of one tally are needed at many instants (the stage history's search for where a rule
     * starts to hold).
     */
    record Fixed(CxTally tally, Integer npsLatest, NpsCategory category, Double csat, Double ces, long tickets,
            long open, long complaints, long openComplaints, Duration firstResponseLatest, Duration responseAverage,
            Duration resolutionLatest, Duration resolutionAverage, Map<String, BigDecimal> aov, ActiveDays active) {}

    /**
     * A tally's active days as sorted arrays with running sums, so that the interactions of a window of days
     * (the churn risk's frequency windows, asked at many instants by the stage search) are counted with two
     * binary searches instead of walking a sorted map.
     */
    record ActiveDays(long[] days, long[] runningSum) {

        static ActiveDays of(SortedMap<Long, Long> perDay) {
            long[] days = new long[perDay.size()];
            long[] running = new long[perDay.size() + 1];
            int i = 0;
            for (Map.Entry<Long, Long> e : perDay.entrySet()) {
                days[i] = e.getKey();
                running[i + 1] = running[i] + e.getValue();
                i++;
            }
            return new ActiveDays(days, running);
        }

        /** Interactions on the days fromDay..toDay, both included. */
        long count(long fromDay, long toDay) {
            if (fromDay > toDay) {
                return 0;
            }
            return runningSum[firstAtOrAfter(toDay + 1)] - runningSum[firstAtOrAfter(fromDay)];
        }

        private int firstAtOrAfter(long day) {
            int at = java.util.Arrays.binarySearch(days, day);
            return at >= 0 ? at : -at - 1;
        }
    }

    Fixed fixed(CxTally t) {
        Integer npsLatest = t.latestNps() == null ? null : t.latestNps().value();
        NpsCategory category = npsLatest == null ? null : NpsCategory.of(npsLatest);
        Double csat = t.csatCount() == 0 ? null : (double) t.csatSum() / t.csatCount();
        Double ces = t.cesCount() == 0 ? null : (double) t.cesSum() / t.cesCount();

        long tickets = 0;
        long open = 0;
        long complaints = 0;
        long openComplaints = 0;
        long responseSum = 0;
        long responses = 0;
        long resolutionSum = 0;
        long resolutions = 0;
        Instant latestOpened = null;
        Duration firstResponseLatest = null;
        Instant latestSolved = null;
        Duration resolutionLatest = null;
        for (Ticket ticket : t.tickets().values()) { // ticket keys in order: ties resolve to the larger key
            if (!ticket.opened()) {
                continue;
            }
            tickets++;
            boolean isOpen = ticket.open();
            if (isOpen) {
                open++;
            }
            if (ticket.complaint()) {
                complaints++;
                if (isOpen) {
                    openComplaints++;
                }
            }
            if (ticket.firstReplyAt() != null) {
                long millis = Math.max(0, ticket.firstReplyAt().toEpochMilli() - ticket.firstOpenedAt().toEpochMilli());
                responseSum += millis;
                responses++;
                if (latestOpened == null || !ticket.firstOpenedAt().isBefore(latestOpened)) {
                    latestOpened = ticket.firstOpenedAt();
                    firstResponseLatest = Duration.ofMillis(millis);
                }
            }
            if (!isOpen && ticket.lastSolvedAt() != null) {
                long millis = Math.max(0, ticket.lastSolvedAt().toEpochMilli() - ticket.firstOpenedAt().toEpochMilli());
                resolutionSum += millis;
                resolutions++;
                if (latestSolved == null || !ticket.lastSolvedAt().isBefore(latestSolved)) {
                    latestSolved = ticket.lastSolvedAt();
                    resolutionLatest = Duration.ofMillis(millis);
                }
            }
        }
        Duration responseAverage = responses == 0 ? null : Duration.ofMillis(responseSum / responses);
        Duration resolutionAverage = resolutions == 0 ? null : Duration.ofMillis(resolutionSum / resolutions);

        Map<String, BigDecimal> aov = new TreeMap<>();
        t.ordersWithAmount().forEach((currency, n) -> aov.put(currency,
                t.revenue().get(currency).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_EVEN)));
        return new Fixed(t, npsLatest, category, csat, ces, tickets, open, complaints, openComplaints,
                firstResponseLatest, responseAverage, resolutionLatest, resolutionAverage, aov,
                ActiveDays.of(t.activeDays()));
    }

    /** The metrics of a tally as of {@code now}, from its parts that do not depend on the instant. */
    CxMetrics metrics(Fixed f, Instant now) {
        Objects.requireNonNull(now, "now");
        CxTally t = f.tally();
        Map<String, BigDecimal> clv = new TreeMap<>();
        CxSettings.Clv clvSettings = settings.clv();
        t.ordersWithAmount().forEach((currency, n) -> {
            BigDecimal gross = t.revenue().get(currency);
            BigDecimal net = gross.subtract(t.returned().getOrDefault(currency, BigDecimal.ZERO)).max(BigDecimal.ZERO);
            double tenureYears = Math.max(clvSettings.minTenureYears(),
                    (now.toEpochMilli() - t.firstOrderAt().toEpochMilli()) / (double) DAY_MILLIS / DAYS_PER_YEAR);
            double perYear = n / tenureYears;
            BigDecimal value = net.divide(BigDecimal.valueOf(n), 10, RoundingMode.HALF_EVEN)
                    .multiply(BigDecimal.valueOf(perYear * clvSettings.lifetimeYears() * clvSettings.grossMargin()))
                    .setScale(2, RoundingMode.HALF_EVEN);
            clv.put(currency, value);
        });

        Long sinceLast = days(t.lastInteractionAt(), now);
        Long sinceFirst = days(t.firstInteractionAt(), now);
        Long sinceOrder = days(t.lastOrderAt(), now);
        ChurnRisk churn = churn(f.active(), now, sinceLast, f.category(), f.openComplaints());
        CxHealth health = health(sinceLast, f.npsLatest(), f.csat(), f.ces(),
                f.tickets() == 0 ? null : f.openComplaints(), f.resolutionAverage());
        return new CxMetrics(now, t.interactions(), t.firstInteractionAt(), t.lastInteractionAt(), sinceFirst,
                sinceLast, f.npsLatest(), f.category(), t.promoters() + t.passives() + t.detractors(), f.csat(),
                t.csatCount(), f.ces(), t.cesCount(), f.tickets(), f.open(), f.complaints(), f.openComplaints(),
                f.firstResponseLatest(), f.responseAverage(), f.resolutionLatest(), f.resolutionAverage(), t.orders(),
                t.returns(), t.revenue(), t.returned(), f.aov(), t.lastOrderAt(), sinceOrder, clv, churn, health);
    }

    /**
     * A rule metric of a tally as of {@code at}, computed alone: what {@code metric.read(metrics(f, at))}
     * gives, for the stage history's search over many instants of one tally, where the whole metrics at
     * every instant tried cost more than everything else of an append.
     */
    Number ruleValue(JourneyRule.Metric metric, Fixed f, Instant at) {
        CxTally t = f.tally();
        return switch (metric) {
            case DAYS_SINCE_LAST_INTERACTION -> days(t.lastInteractionAt(), at);
            case DAYS_SINCE_FIRST_INTERACTION -> days(t.firstInteractionAt(), at);
            case DAYS_SINCE_LAST_ORDER -> days(t.lastOrderAt(), at);
            case CHURN_RISK -> churnScoreAlone(f, at);
            default -> metric.read(metrics(f, at));
        };
    }

    private ChurnRisk churn(ActiveDays active, Instant now, Long sinceLast, NpsCategory category,
            long openComplaints) {
        double[] s = churnSignals(active, now, sinceLast, category, openComplaints);
        double[] w = churnWeights();
        List<double[]> signals = List.of(new double[] {s[0], w[0]}, new double[] {s[1], w[1]},
                new double[] {s[2], w[2]}, new double[] {s[3], w[3]});
        List<Factor> factors = weighted(signals, List.of("recency", "detractor", "open_complaints",
                "declining_frequency"), 1.0);
        return new ChurnRisk(churnScore(s, w), sorted(factors, Factor::contribution));
    }

    /**
     * Σ weight × signal / Σ weight from the exact signals, capped at 1 and rounded to 4 decimals once, at
     * the end: the factors shown are rounded for display, but rounding each before adding moved scores
     * across the at-risk threshold (0.59998 became 0.6000).
     */
    private static double churnScore(double[] signals, double[] weights) {
        return Math.min(1.0, round(exactSum(signals, weights, 1.0)));
    }

    /** scale × Σ weight × signal / Σ weight, nothing rounded. */
    private static double exactSum(double[] signals, double[] weights, double scale) {
        double total = 0;
        for (double weight : weights) {
            total += weight;
        }
        double sum = 0;
        for (int k = 0; k < weights.length; k++) {
            sum += scale * weights[k] * signals[k] / total;
        }
        return sum;
    }

    /** The churn risk's weights, in the order of its signals. */
    private double[] churnWeights() {
        CxSettings.Churn c = settings.churn();
        return new double[] {c.recencyWeight(), c.detractorWeight(), c.openComplaintWeight(),
            c.decliningFrequencyWeight()};
    }

    /** The churn risk's four signals in {@link #churn}'s order: recency, detractor, complaints, decline. */
    private double[] churnSignals(ActiveDays active, Instant now, Long sinceLast, NpsCategory category,
            long openComplaints) {
        CxSettings.Churn c = settings.churn();
        double recency = sinceLast == null ? 1.0 : Math.min(1.0, sinceLast / (double) c.recencyHorizonDays());
        double detractor = category == NpsCategory.DETRACTOR ? 1.0
                : category == NpsCategory.PASSIVE ? c.passiveSignal() : 0.0;
        double complaints = Math.min(1.0, openComplaints);
        long today = Math.floorDiv(now.toEpochMilli(), DAY_MILLIS);
        int w = c.frequencyWindowDays();
        // the recent window takes in interactions dated ahead of now too (up to maxAhead, in whole days so that
        // the score changes only at UTC midnights, as the stage search expects): a visit dated a few hours into
        // the next UTC day is recent activity, not a drop in frequency
        long latestAllowed = today - Math.floorDiv(-settings.maxAhead().toMillis(), DAY_MILLIS); // + ceiling of the days
        long recent = active.count(today - w + 1, latestAllowed);
        long previous = active.count(today - 2L * w + 1, today - w);
        double declining = previous == 0 ? 0.0 : Math.max(0.0, (previous - recent) / (double) previous);
        return new double[] {recency, detractor, complaints, declining};
    }

    /**
     * {@code churn(…).score()} as of {@code at} without building the factors: the same sums in
     * the same order (so the same double), for the stage search, which asks for the score alone at many
     * instants.
     */
    private double churnScoreAlone(Fixed f, Instant at) {
        return churnScore(churnSignals(f.active(), at, days(f.tally().lastInteractionAt(), at), f.category(),
                f.openComplaints()), churnWeights());
    }

    private CxHealth health(Long sinceLast, Integer nps, Double csat, Double ces, Long openComplaints,
            Duration resolution) {
        CxSettings.Health h = settings.health();
        List<double[]> signals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (nps != null) {
            signals.add(new double[] {nps / 10.0, h.npsWeight()});
            names.add("nps");
        }
        if (csat != null) {
            signals.add(new double[] {(csat - 1) / 4.0, h.csatWeight()});
            names.add("csat");
        }
        if (ces != null) {
            signals.add(new double[] {1 - (ces - 1) / 6.0, h.cesWeight()});
            names.add("ces");
        }
        if (openComplaints != null) {
            signals.add(new double[] {openComplaints == 0 ? 1.0 : 0.0, h.complaintWeight()});
            names.add("no_open_complaint");
        }
        if (resolution != null) {
            signals.add(new double[] {1 - Math.min(1.0,
                    resolution.toMillis() / (double) h.resolutionTarget().toMillis()), h.resolutionWeight()});
            names.add("resolution_time");
        }
        if (sinceLast != null) {
            signals.add(new double[] {1 - Math.min(1.0, sinceLast / (double) h.recencyHorizonDays()), h.recencyWeight()});
            names.add("recency");
        }
        double total = signals.stream().mapToDouble(s -> s[1]).sum();
        if (signals.isEmpty() || total <= 0) {
            return null;
        }
        List<Factor> drivers = weighted(signals, names, 100.0);
        // from the exact signals (the drivers are rounded for display): 75.4995 stays 75
        int score = (int) Math.round(exactSum(signals.stream().mapToDouble(x -> x[0]).toArray(),
                signals.stream().mapToDouble(x -> x[1]).toArray(), 100.0));
        // key drivers first: the signals that cost the most points
        return new CxHealth(score, sorted(drivers, f -> 100.0 * f.weight() / total * (1 - f.signal())));
    }

    /** Factors with contribution = scale × weight × signal / Σ weight. */
    private static List<Factor> weighted(List<double[]> signals, List<String> names, double scale) {
        double total = 0;
        for (double[] signal : signals) {
            total += signal[1];
        }
        List<Factor> factors = new ArrayList<>();
        for (int k = 0; k < signals.size(); k++) {
            double signal = round(signals.get(k)[0]);
            double weight = signals.get(k)[1];
            factors.add(new Factor(names.get(k), signal, weight, round(scale * weight * signal / total)));
        }
        return factors;
    }

    private static List<Factor> sorted(List<Factor> factors, java.util.function.ToDoubleFunction<Factor> by) {
        return factors.stream()
                .sorted(Comparator.comparingDouble(by).reversed().thenComparing(Factor::name))
                .toList();
    }

    private static Long days(Instant then, Instant now) {
        return then == null ? null : wholeDays(then, now);
    }

    /** Whole days (of 24 h) from {@code then} to {@code now}, never negative: the "days since" metrics. */
    static long wholeDays(Instant then, Instant now) {
        return Math.max(0, Math.floorDiv(now.toEpochMilli() - then.toEpochMilli(), DAY_MILLIS));
    }

    private static double round(double value) {
        return Math.round(value * 10_000.0) / 10_000.0;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CxMetricsCalculator[%d journey rules]", settings.journey().size());
    }
}
