package dev.tessera.ingestion.format;

import static dev.tessera.ingestion.format.PayloadRejectedException.Reason.INVALID_VALUE;

import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.Interaction.Money;
import dev.tessera.core.model.Interaction.Score;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.SourceRecordId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Builds {@link Interaction}s with ids that only depend on the vendor's own ids, so re-delivery dedupes. */
final class Events {

    private Events() {}

    /** {@code source:part:part...}: the vendor's ids, scoped by the source so two shops never collide. */
    static String id(SourceRecordId record, String... parts) {
        return record.source() + ":" + String.join(":", parts);
    }

    static Interaction of(String id, SourceRecordId record, InteractionKind kind, String channel, String touchpoint,
            Instant at, Money amount, Score score, Map<String, String> attributes) {
        Map<String, String> clean = new LinkedHashMap<>();
        attributes.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                clean.put(k, v);
            }
        });
        return new Interaction(id, record, kind, channel, touchpoint, at, amount, score, clean);
    }

    static Money money(BigDecimal value, String currency, String field) {
        String code = currency == null ? null : currency.strip().toUpperCase(Locale.ROOT);
        if (code == null || java.util.Currency.getAvailableCurrencies().stream().noneMatch(c -> c.getCurrencyCode().equals(code))) {
            throw new PayloadRejectedException(INVALID_VALUE, "'" + field + "' is not an ISO 4217 currency code");
        }
        try {
            return new Money(value, code);
        } catch (IllegalArgumentException e) {
            // the currency (checked above) or the amount's size; the canonical model's messages hold no values
            throw new PayloadRejectedException(INVALID_VALUE, e.getMessage());
        }
    }
}
