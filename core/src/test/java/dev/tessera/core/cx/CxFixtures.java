package dev.tessera.core.cx;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.Money;
import dev.tessera.core.model.Interaction.Score;
import dev.tessera.core.model.Interaction.ScoreType;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Named interactions for the CX tests. */
final class CxFixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private CxFixtures() {}

    static SourceRecordId rec(String source, String id) {
        return new SourceRecordId(source, id);
    }

    static Interaction order(SourceRecordId who, String id, Instant at, String amount, String currency) {
        return new Interaction(id, who, InteractionKind.ORDER, "web", "checkout", at,
                new Money(new BigDecimal(amount), currency), null, Map.of());
    }

    static Interaction returned(SourceRecordId who, String id, Instant at, String amount, String currency) {
        return new Interaction(id, who, InteractionKind.RETURN, "web", "returns", at,
                new Money(new BigDecimal(amount), currency), null, Map.of());
    }

    static Interaction survey(SourceRecordId who, String id, Instant at, ScoreType type, int score) {
        return new Interaction(id, who, InteractionKind.SURVEY_RESPONSE, "email", "survey", at, null,
                new Score(type, score), Map.of());
    }

    static Interaction nps(SourceRecordId who, String id, Instant at, int score) {
        return survey(who, id, at, ScoreType.NPS, score);
    }

    static Interaction ticket(SourceRecordId who, InteractionKind kind, String id, String ticketId, Instant at,
            boolean complaint) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("ticket_id", ticketId);
        if (complaint) {
            attributes.put("type", "complaint");
        }
        return new Interaction(id, who, kind, "phone", "support", at, null, null, attributes);
    }

    static Interaction activity(SourceRecordId who, String id, Instant at, String channel) {
        return new Interaction(id, who, InteractionKind.CRM_ACTIVITY, channel, "account", at, null, null, Map.of());
    }
}
