package dev.tessera.core.cx;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Reproducible multi-year customer histories with bursts of activity and long silences, so that every journey
 * stage occurs: onboarding, tickets (maintenance), detractors with open complaints (at risk), orders a year
 * apart (renewal), silences over a year (churned) and returns (reactivated).
 */
final class StageHistories {

    private StageHistories() {}

    static List<Interaction> history(long seed, SourceRecordId who, Instant start, Instant end) {
        Random random = new Random(seed);
        List<Interaction> out = new ArrayList<>();
        Instant at = start.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 30)));
        int k = 0;
        while (at.isBefore(end)) {
            String id = who.sourceId() + "-" + seed + "-" + k++;
            Instant t = at;
            switch (random.nextInt(8)) {
                case 0, 1 -> out.add(CxFixtures.order(who, id, t, (1 + random.nextInt(200)) + ".00", "EUR"));
                case 2 -> {
                    boolean complaint = random.nextBoolean();
                    out.add(CxFixtures.ticket(who, InteractionKind.TICKET_OPENED, id + "o", id, t, complaint));
                    Instant solved = t.plus(Duration.ofHours(1 + random.nextInt(24 * 120)));
                    if (solved.isBefore(end) && random.nextInt(5) > 0) {
                        out.add(CxFixtures.ticket(who, InteractionKind.TICKET_SOLVED, id + "s", id, solved, false));
                    }
                }
                case 3 -> out.add(CxFixtures.nps(who, id, t, random.nextInt(11)));
                default -> out.add(CxFixtures.activity(who, id, t, random.nextBoolean() ? "email" : "web"));
            }
            long minutes = random.nextInt(8) == 0 ? 60L * 24 * (300 + random.nextInt(300))
                    : 1 + random.nextInt(60 * 24 * 45);
            at = at.plus(Duration.ofMinutes(minutes));
        }
        return out;
    }
}
