package dev.tessera.core.cx;

import static dev.tessera.core.cx.CxFixtures.T0;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random but reproducible CX histories: orders, returns, tickets with replies and solves, surveys. */
final class RandomInteractions {

    private RandomInteractions() {}

    static List<Interaction> history(long seed, int n, List<SourceRecordId> records) {
        Random random = new Random(seed);
        List<Interaction> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            SourceRecordId who = records.get(random.nextInt(records.size()));
            Instant at = T0.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 400)));
            String id = "e" + seed + "-" + k;
            String ticket = "t" + random.nextInt(Math.max(1, n / 6));
            out.add(switch (random.nextInt(9)) {
                case 0 -> CxFixtures.order(who, id, at, (1 + random.nextInt(30000)) / 100 + "." + random.nextInt(10),
                        random.nextInt(4) == 0 ? "USD" : "EUR");
                case 1 -> CxFixtures.returned(who, id, at, "-" + (1 + random.nextInt(50)), "EUR");
                case 2 -> CxFixtures.ticket(who, InteractionKind.TICKET_OPENED, id, ticket, at, random.nextInt(3) == 0);
                case 3 -> CxFixtures.ticket(who, InteractionKind.TICKET_REPLIED, id, ticket, at, false);
                case 4 -> CxFixtures.ticket(who, InteractionKind.TICKET_SOLVED, id, ticket, at, false);
                case 5 -> CxFixtures.nps(who, id, at, random.nextInt(11));
                case 6 -> CxFixtures.survey(who, id, at, ScoreType.CSAT, 1 + random.nextInt(5));
                case 7 -> CxFixtures.survey(who, id, at, ScoreType.CES, 1 + random.nextInt(7));
                default -> CxFixtures.activity(who, id, at, random.nextBoolean() ? "email" : "phone");
            });
        }
        return out;
    }
}
