package dev.tessera.core.cx;

import dev.tessera.core.cx.CxMetrics.Factor;
import dev.tessera.core.cx.JourneyRule.Condition;
import dev.tessera.core.cx.JourneyRule.Metric;
import dev.tessera.core.cx.JourneyRule.Op;
import dev.tessera.core.model.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A profile's journey stage as a function of <em>event</em> time (docs/cx-metrics.md, "Journey stage"): the
 * stage at instant T is what the journey rules say about the metrics, as of T, of the interactions that
 * occurred at or before T. The history is every instant where that stage changes, up to now, whatever order
 * the interactions arrived in.
 *
 * <p>Between two interactions the tally is fixed and the metrics change with time alone, in steps:
 * the days since the last interaction, the first interaction and the last order step every 24 h after their
 * instant; health steps with the days since the last interaction; churn risk steps with them too, and with
 * the declining-frequency windows at the UTC midnights where an active day moves from the recent window to
 * the previous one or out of it. Between two such midnights every rule metric is monotone in time, so a
 * condition {@code metric op value} changes its truth at most twice (once for {@code metric >= value}, once for
 * {@code metric > value}): a binary search over the 24-hour steps finds the instant. The stage can only change
 * at those instants and at interactions, so evaluating the rules there gives the exact history, each change
 * dated when its rule first held.
 *
 * <p>Cost of one gap between interactions: with no step inside it (a live profile), no evaluation beyond the
 * one at the interaction; otherwise one evaluation at its start and at its last step per anchor and, per
 * condition whose truth changes, about log2(days in the gap) evaluations. Churn risk is split at the midnights
 * above only when its bounds over the gap (recency as at its start up to recency 1 and full decline) straddle a
 * rule's value; with the default rules that needs a detractor answer or an open complaint.
 */
final class StageHistory {

    private static final long DAY = 86_400_000L;
    /** Slack around the churn-risk bounds: the score is rounded to 4 decimals (once, after summing). */
    private static final double SLACK = 1e-3;

    /** The profile entered {@code stage} at {@code at}. */
    record Change(JourneyStage stage, Instant at) {}

    private final CxMetricsCalculator calculator;
    private final List<JourneyRule> rules;
    /** The conditions over metrics that change with time alone, each (metric, value) once. */
    private final List<Condition> timed;
    private final boolean churnRules;
    private final int window;

    StageHistory(CxMetricsCalculator calculator) {
        this.calculator = calculator;
        this.rules = calculator.settings().journey();
        Map<String, Condition> distinct = new LinkedHashMap<>();
        for (JourneyRule rule : rules) {
            for (Condition c : rule.conditions()) {
                if (anchored(c.metric())) {
                    distinct.putIfAbsent(c.metric() + "|" + c.value(), c);
                }
            }
        }
        this.timed = List.copyOf(distinct.values());
        this.churnRules = timed.stream().anyMatch(c -> c.metric() == Metric.CHURN_RISK);
        this.window = calculator.settings().churn().frequencyWindowDays();
    }

    /** The stage the rules give for a tally as of {@code at}. */
    JourneyStage stageAt(CxTally tally, Instant at) {
        return JourneyRule.evaluate(rules, calculator.metrics(tally, at));
    }

    /**
     * One fixed tally's metrics at any instant: the parts that do not depend on the instant computed once,
     * each instant's metrics once.
     */
    private final class Timed {
        private final CxMetricsCalculator.Fixed fixed;
        private final Map<Instant, CxMetrics> memo = new HashMap<>();
        private final Map<Metric, Map<Instant, Optional<Number>>> values = new java.util.EnumMap<>(Metric.class);

        Timed(CxTally tally) {
            this.fixed = calculator.fixed(tally);
        }

        CxTally tally() {
            return fixed.tally();
        }

        CxMetrics at(Instant at) {
            return memo.computeIfAbsent(at, i -> calculator.metrics(fixed, i));
        }

        JourneyStage stage(Instant at) {
            return JourneyRule.evaluate(rules, at(at));
        }

        /** Whether a condition over a time-driven metric holds at {@code at}: that metric alone, each once. */
        boolean holds(Condition c, Instant at) {
            Instant since = switch (c.metric()) { // whole days since an instant: counted, not looked up
                case DAYS_SINCE_LAST_INTERACTION -> fixed.tally().lastInteractionAt();
                case DAYS_SINCE_FIRST_INTERACTION -> fixed.tally().firstInteractionAt();
                case DAYS_SINCE_LAST_ORDER -> fixed.tally().lastOrderAt();
                default -> null;
            };
            if (since != null) { // as CxMetricsCalculator.ruleValue, compared as a double
                return c.op().test(CxMetricsCalculator.wholeDays(since, at), c.value());
            }
            Number value = values.computeIfAbsent(c.metric(), m -> new HashMap<>())
                    .computeIfAbsent(at, i -> Optional.ofNullable(calculator.ruleValue(c.metric(), fixed, i)))
                    .orElse(null);
            return c.holds(value);
        }
    }

    /**
     * The stage changes after {@code cursor} up to {@code now}.
     *
     * @param base    the tally of the interactions that occurred before every one in {@code later}
     * @param cursor  the instant up to which the stage is known to be {@code current}, not before the last
     *                interaction in {@code base}; null when nothing is known (no interaction, no stage yet)
     * @param current the stage at {@code cursor}; null when none was recorded
     * @param later   the interactions that occurred at or after {@code cursor}, in any order, keys not in
     *                {@code base}. One dated after {@code now} counts from {@code now}.
     */
    List<Change> derive(CxTally base, Instant cursor, JourneyStage current, Collection<Interaction> later,
            Instant now) {
        List<Interaction> sorted = new ArrayList<>(later);
        sorted.sort(Comparator.comparing(Interaction::occurredAt).thenComparing(CxMetricsCalculator::key));
        List<Change> changes = new ArrayList<>();
        JourneyStage stage = current;
        Timed tally = new Timed(base);
        Instant at = cursor;
        int k = 0;
        while (k < sorted.size()) {
            Instant next = earlier(sorted.get(k).occurredAt(), now);
            if (at != null) {
                stage = follow(tally, at, next, false, stage, changes);
            }
            CxTally added = tally.tally();
            while (k < sorted.size() && earlier(sorted.get(k).occurredAt(), now).equals(next)) {
                added = calculator.add(added, sorted.get(k));
                k++;
            }
            tally = new Timed(added);
            if (added.lastInteractionAt() != null) { // Tessera's own notes (merge, split) start no journey
                stage = record(changes, stage, tally.stage(next), next);
                at = next;
            }
        }
        if (at != null) {
            stage = follow(tally, at, now, true, stage, changes);
        }
        if (stage == null && tally.tally().lastInteractionAt() != null) { // nothing recorded yet: as of now
            record(changes, null, tally.stage(now), now);
        }
        return changes;
    }

    private JourneyStage follow(Timed tally, Instant from, Instant to, boolean inclusive, JourneyStage stage,
            List<Change> changes) {
        JourneyStage s = stage;
        for (Instant flip : flips(tally, from, to, inclusive)) {
            s = record(changes, s, tally.stage(flip), flip);
        }
        return s;
    }

    private static JourneyStage record(List<Change> changes, JourneyStage before, JourneyStage now, Instant at) {
        if (now != before) {
            changes.add(new Change(now, at));
        }
        return now;
    }

    /**
     * The instants in (from, to) — (from, to] when {@code inclusive} — where a time-driven condition may change
     * its truth for this fixed tally, in order. The stage is constant between them.
     */
    List<Instant> flips(CxTally tally, Instant from, Instant to, boolean inclusive) {
        return flips(new Timed(tally), from, to, inclusive);
    }

    private List<Instant> flips(Timed metrics, Instant from, Instant to, boolean inclusive) {
        if (timed.isEmpty() || !to.isAfter(from)) {
            return List.of();
        }
        CxTally tally = metrics.tally();
        TreeSet<Instant> candidates = new TreeSet<>();
        // churn risk also moves at the midnights where an active day changes frequency window: its conditions
        // are searched piece by piece between them; every other timed metric is monotone over the whole gap
        List<Instant> pieces = new ArrayList<>();
        pieces.add(from);
        if (churnRules && !tally.activeDays().isEmpty()) {
            TreeSet<Instant> cuts = new TreeSet<>();
            // only the active days whose midnights window or 2 × window days later can fall in the gap (a
            // day either side to spare, the exact test below decides): a short gap looks at a few days
            // instead of the whole history
            long firstDay = Math.floorDiv(from.toEpochMilli(), DAY) - 1;
            long lastDay = Math.floorDiv(to.toEpochMilli(), DAY) + 1;
            for (long offset : new long[] {window, 2L * window}) {
                for (long day : tally.activeDays().subMap(firstDay - offset, lastDay - offset + 1).keySet()) {
                    Instant midnight = Instant.ofEpochMilli((day + offset) * DAY);
                    if (midnight.isAfter(from) && (midnight.isBefore(to) || inclusive && midnight.equals(to))) {
                        cuts.add(midnight);
                    }
                }
            }
            if (!cuts.isEmpty() && churnRiskMayChange(metrics.at(from))) {
                pieces.addAll(cuts);
            }
        }
        for (Condition c : timed) {
            Instant anchor = anchor(c.metric(), tally);
            if (anchor == null) {
                continue;
            }
            List<Instant> own = c.metric() == Metric.CHURN_RISK ? pieces : List.of(from);
            for (Op op : new Op[] {Op.GE, Op.GT}) {
                search(metrics, new Condition(c.metric(), op, c.value()), anchor.toEpochMilli(), own, to, inclusive,
                        candidates);
            }
        }
        return new ArrayList<>(candidates);
    }

    /**
     * Adds the instants where {@code predicate} changes its truth within (first piece, to): at a piece's
     * start (a midnight where it jumps) and, within each piece, where it is monotone over the anchor's 24-hour
     * steps, the first step where it changes (binary search).
     */
    private void search(Timed metrics, Condition predicate, long base, List<Instant> pieces, Instant to,
            boolean inclusive, TreeSet<Instant> candidates) {
        Boolean previous = null;
        for (int p = 0; p < pieces.size(); p++) {
            Instant start = pieces.get(p);
            boolean last = p == pieces.size() - 1;
            Instant end = last ? to : pieces.get(p + 1);
            boolean includeEnd = last && inclusive;
            boolean before = metrics.holds(predicate, start);
            if (previous != null && previous != before) {
                candidates.add(start); // jumps at the midnight itself
            }
            long lo = firstStepAfter(base, start);
            long hi = lastStepBefore(base, end, includeEnd);
            if (lo > hi || metrics.holds(predicate, step(base, hi)) == before) {
                previous = before; // no step in the piece, or monotone within it: no change
                continue;
            }
            long l = lo;
            long h = hi;
            while (l < h) {
                long mid = l + (h - l) / 2;
                if (metrics.holds(predicate, step(base, mid)) != before) {
                    h = mid;
                } else {
                    l = mid + 1;
                }
            }
            candidates.add(step(base, l));
            previous = !before;
        }
    }

    /**
     * Whether a churn-risk condition can change its truth while no interaction arrives: the score moves only
     * through recency (up, from its value now to 1) and declining frequency (anywhere in [0, 1]).
     */
    private boolean churnRiskMayChange(CxMetrics now) {
        Factor recency = null;
        Factor declining = null;
        double total = 0;
        double sum = 0;
        for (Factor f : now.churnRisk().factors()) {
            total += f.weight();
            sum += f.contribution();
            if (f.name().equals("recency")) {
                recency = f;
            } else if (f.name().equals("declining_frequency")) {
                declining = f;
            }
        }
        if (recency == null || declining == null || total <= 0) {
            return true; // unknown shape: do not prune
        }
        double fixed = sum - recency.contribution() - declining.contribution();
        double low = fixed + recency.contribution() - SLACK;
        double high = fixed + (recency.weight() + declining.weight()) / total + SLACK;
        return timed.stream().anyMatch(c -> c.metric() == Metric.CHURN_RISK && c.value() >= low && c.value() <= high);
    }

    /** The instant whose 24-hour steps a time-driven metric follows; null for the others or when absent. */
    private static Instant anchor(Metric metric, CxTally t) {
        return switch (metric) {
            case DAYS_SINCE_LAST_INTERACTION, CHURN_RISK, HEALTH -> t.lastInteractionAt();
            case DAYS_SINCE_FIRST_INTERACTION -> t.firstInteractionAt();
            case DAYS_SINCE_LAST_ORDER -> t.lastOrderAt();
            default -> null;
        };
    }

    private static boolean anchored(Metric metric) {
        return switch (metric) {
            case DAYS_SINCE_LAST_INTERACTION, DAYS_SINCE_FIRST_INTERACTION, DAYS_SINCE_LAST_ORDER, CHURN_RISK,
                    HEALTH -> true;
            default -> false;
        };
    }

    /** The k-th step: the metrics count whole days of epoch milliseconds since the anchor. */
    private static Instant step(long anchorMillis, long k) {
        return Instant.ofEpochMilli(anchorMillis + k * DAY);
    }

    /** The smallest k >= 0 whose step is after {@code start}. */
    private static long firstStepAfter(long anchor, Instant start) {
        long k = Math.max(0, Math.floorDiv(start.toEpochMilli() - anchor, DAY));
        while (k > 0 && step(anchor, k - 1).isAfter(start)) {
            k--;
        }
        while (!step(anchor, k).isAfter(start)) {
            k++;
        }
        return k;
    }

    /** The largest k whose step is before {@code end} (or at it when {@code inclusive}); may be negative. */
    private static long lastStepBefore(long anchor, Instant end, boolean inclusive) {
        long k = Math.floorDiv(end.toEpochMilli() - anchor, DAY) + 1;
        while (k >= 0 && !(step(anchor, k).isBefore(end) || inclusive && step(anchor, k).equals(end))) {
            k--;
        }
        return k;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isAfter(b) ? b : a;
    }
}
