package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.cx.StageHistory.Change;
import dev.tessera.core.model.Interaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The event-time stage history against an exhaustive oracle: the rules evaluated at every instant where any
 * metric can change (every interaction, every 24-hour step after the first and last interaction and the last
 * order, every UTC midnight), without the binary search and the churn-risk pruning.
 */
class CxStageHistoryTest {

    private static final long DAY = 86_400_000L;
    private static final Instant START = Instant.parse("2020-03-01T08:00:00Z");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final CxMetricsCalculator calculator = new CxMetricsCalculator(CxSettings.defaults());
    private final StageHistory history = new StageHistory(calculator);

    @Test
    void theDerivedHistoryIsTheOneOfEveryInstant() {
        for (long seed = 1; seed <= 12; seed++) {
            List<Interaction> timeline = StageHistories.history(seed, rec("shop", "ann"), START, NOW);

            List<Change> derived = history.derive(CxTally.EMPTY, null, null, timeline, NOW);

            assertThat(derived).as("seed %d", seed).isEqualTo(oracle(timeline));
        }
    }

    @Test
    void theHistoryCoversEveryStage() {
        TreeSet<JourneyStage> seen = new TreeSet<>();
        for (long seed = 1; seed <= 12; seed++) {
            history.derive(CxTally.EMPTY, null, null, StageHistories.history(seed, rec("shop", "ann"), START, NOW), NOW)
                    .forEach(c -> seen.add(c.stage()));
        }
        assertThat(seen).containsExactlyInAnyOrder(JourneyStage.values());
    }

    @Test
    void derivingFromAnyInstantContinuesTheHistoryBeforeIt() {
        Random random = new Random(7);
        for (long seed = 1; seed <= 12; seed++) {
            List<Interaction> timeline = StageHistories.history(seed, rec("shop", "ann"), START, NOW);
            List<Change> whole = oracle(timeline);
            Instant from = START.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 365 * 5)));

            List<Change> kept = whole.stream().filter(c -> c.at().isBefore(from)).toList();
            CxTally base = calculator.tally(timeline.stream().filter(i -> i.occurredAt().isBefore(from)).toList());
            Change last = kept.isEmpty() ? null : kept.get(kept.size() - 1);
            Instant cursor = last == null ? base.lastInteractionAt()
                    : base.lastInteractionAt() == null || last.at().isAfter(base.lastInteractionAt()) ? last.at()
                    : base.lastInteractionAt();
            List<Change> joined = new ArrayList<>(kept);
            joined.addAll(history.derive(base, cursor, last == null ? null : last.stage(),
                    timeline.stream().filter(i -> !i.occurredAt().isBefore(from)).toList(), NOW));

            assertThat(joined).as("seed %d from %s", seed, from).isEqualTo(whole);
        }
    }

    /** Evaluates the rules at every instant where a metric can change. */
    private List<Change> oracle(List<Interaction> timeline) {
        List<Interaction> sorted = new ArrayList<>(timeline);
        sorted.sort(Comparator.comparing(Interaction::occurredAt));
        List<Change> changes = new ArrayList<>();
        JourneyStage stage = null;
        CxTally tally = CxTally.EMPTY;
        int k = 0;
        while (k < sorted.size()) {
            Instant next = sorted.get(k).occurredAt();
            if (tally.lastInteractionAt() != null) {
                stage = sweep(tally, tally.lastInteractionAt(), next, false, stage, changes);
            }
            while (k < sorted.size() && sorted.get(k).occurredAt().equals(next)) {
                tally = calculator.add(tally, sorted.get(k++));
            }
            stage = note(changes, stage, history.stageAt(tally, next), next);
        }
        sweep(tally, tally.lastInteractionAt(), NOW, true, stage, changes);
        return changes;
    }

    private JourneyStage sweep(CxTally tally, Instant from, Instant to, boolean inclusive, JourneyStage stage,
            List<Change> changes) {
        TreeSet<Instant> instants = new TreeSet<>();
        for (Instant anchor : new Instant[] {tally.firstInteractionAt(), tally.lastInteractionAt(), tally.lastOrderAt()}) {
            if (anchor != null) {
                for (long t = anchor.toEpochMilli(); t <= to.toEpochMilli(); t += DAY) {
                    instants.add(Instant.ofEpochMilli(t));
                }
            }
        }
        for (long day = Math.floorDiv(from.toEpochMilli(), DAY); day * DAY <= to.toEpochMilli(); day++) {
            instants.add(Instant.ofEpochMilli(day * DAY));
        }
        JourneyStage s = stage;
        for (Instant at : instants) {
            if (at.isAfter(from) && (at.isBefore(to) || inclusive && at.equals(to))) {
                s = note(changes, s, history.stageAt(tally, at), at);
            }
        }
        return s;
    }

    private static JourneyStage note(List<Change> changes, JourneyStage before, JourneyStage now, Instant at) {
        if (now != before) {
            changes.add(new Change(now, at));
        }
        return now;
    }
}
