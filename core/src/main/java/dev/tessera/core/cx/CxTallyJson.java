package dev.tessera.core.cx;

import dev.tessera.core.cx.CxTally.Answer;
import dev.tessera.core.cx.CxTally.Ticket;
import dev.tessera.core.model.InstantText;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads the stored JSON of a {@link CxTally} with Jackson's streaming parser instead of its object mapping.
 * Every append reads one tally per profile, and the tally grows with the customer's history (a day entry
 * per active day, an entry per ticket); the streaming reader costs about a quarter less than the mapping
 * (record creators, map key deserializers, property buffering), docs/benchmarks.md, "Reading the tally".
 * Tallies are still written by {@link CxJson#write} (the mapper writes them faster than a hand-driven
 * generator did).
 *
 * <p>It takes the form the mapper writes and hands anything else (a property holding another JSON type
 * than the one written, a null inside a map or list, a missing number, trailing text) to the object mapper,
 * so what was accepted before is accepted, or refused, the same way; unknown properties are skipped and
 * missing objects are null, as by the mapper.
 */
final class CxTallyJson {

    private CxTallyJson() {}

    /** What the fast reader does not take: the object mapper reads the whole text instead. */
    private static final class NotCanonical extends RuntimeException {
        NotCanonical() {
            super(null, null, false, false);
        }
    }

    private static final NotCanonical NOT_CANONICAL = new NotCanonical();

    /**
     * The tally of stored JSON.
     *
     * @throws JacksonException when it is not a tally's JSON
     */
    static CxTally read(String json) {
        CxTally tally = fast(json);
        return tally != null ? tally : CxJson.read(json, CxTally.class);
    }

    /**
     * The tally of JSON in the form the mapper writes, or null for any other form and for text that is not
     * JSON (the mapper then reads it again and says what is wrong with it, as before).
     */
    static CxTally fast(String json) {
        try (JsonParser p = CxJson.MAPPER.createParser(json)) {
            CxTally tally = tally(p);
            return p.nextToken() == null ? tally : null; // trailing content: the mapper decides what it is
        } catch (NotCanonical | JacksonException | DateTimeException | NumberFormatException e) {
            return null;
        }
    }

    /** The tally's number properties, which Jackson 3 refuses to leave out (FAIL_ON_NULL_FOR_PRIMITIVES). */
    private static final List<String> NUMBERS = List.of("interactions", "promoters", "passives", "detractors",
            "csatSum", "csatCount", "cesSum", "cesCount", "orders", "returns");

    private static CxTally tally(JsonParser p) {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        long interactions = 0;
        Instant firstInteractionAt = null;
        Instant lastInteractionAt = null;
        TreeMap<Long, Long> activeDays = null;
        Answer latestNps = null;
        long promoters = 0;
        long passives = 0;
        long detractors = 0;
        List<Answer> detractorAnswers = null;
        long csatSum = 0;
        long csatCount = 0;
        long cesSum = 0;
        long cesCount = 0;
        long orders = 0;
        long returns = 0;
        TreeMap<String, BigDecimal> revenue = null;
        TreeMap<String, BigDecimal> returned = null;
        TreeMap<String, Long> ordersWithAmount = null;
        Instant firstOrderAt = null;
        Instant lastOrderAt = null;
        TreeMap<String, Ticket> tickets = null;
        int primitives = 0; // one bit per number property seen: the mapper refuses a tally without one
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken value = p.nextToken();
            int number = NUMBERS.indexOf(name);
            primitives |= number < 0 ? 0 : 1 << number;
            switch (name) {
                case "interactions" -> interactions = integer(p, value);
                case "firstInteractionAt" -> firstInteractionAt = instant(p, value);
                case "lastInteractionAt" -> lastInteractionAt = instant(p, value);
                case "activeDays" -> activeDays = days(p, value);
                case "latestNps" -> latestNps = answer(p, value);
                case "promoters" -> promoters = integer(p, value);
                case "passives" -> passives = integer(p, value);
                case "detractors" -> detractors = integer(p, value);
                case "detractorAnswers" -> detractorAnswers = answers(p, value);
                case "csatSum" -> csatSum = integer(p, value);
                case "csatCount" -> csatCount = integer(p, value);
                case "cesSum" -> cesSum = integer(p, value);
                case "cesCount" -> cesCount = integer(p, value);
                case "orders" -> orders = integer(p, value);
                case "returns" -> returns = integer(p, value);
                case "revenue" -> revenue = amounts(p, value);
                case "returned" -> returned = amounts(p, value);
                case "ordersWithAmount" -> ordersWithAmount = counts(p, value);
                case "firstOrderAt" -> firstOrderAt = instant(p, value);
                case "lastOrderAt" -> lastOrderAt = instant(p, value);
                case "tickets" -> tickets = tickets(p, value);
                default -> p.skipChildren(); // unknown properties are ignored, as by the mapper
            }
        }
        expect(p.currentToken(), JsonToken.END_OBJECT);
        if (primitives != (1 << NUMBERS.size()) - 1) {
            throw NOT_CANONICAL;
        }
        return new CxTally(interactions, firstInteractionAt, lastInteractionAt, handedOver(activeDays), latestNps,
                promoters, passives, detractors, detractorAnswers, csatSum, csatCount, cesSum, cesCount, orders,
                returns, handedOver(revenue), handedOver(returned), handedOver(ordersWithAmount), firstOrderAt,
                lastOrderAt, handedOver(tickets));
    }

    private static <K, V> SortedMap<K, V> handedOver(TreeMap<K, V> map) {
        return map == null ? null : CxTally.handedOver(map);
    }

    private static void expect(JsonToken token, JsonToken expected) {
        if (token != expected) {
            throw NOT_CANONICAL;
        }
    }

    private static long integer(JsonParser p, JsonToken value) {
        expect(value, JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();
    }

    private static int smallInteger(JsonParser p, JsonToken value) {
        expect(value, JsonToken.VALUE_NUMBER_INT);
        return p.getIntValue();
    }

    private static Instant instant(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(value, JsonToken.VALUE_STRING);
        return InstantText.parse(p.getString());
    }

    private static String text(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(value, JsonToken.VALUE_STRING);
        return p.getString();
    }

    private static TreeMap<Long, Long> days(JsonParser p, JsonToken value) {
        expect(value, JsonToken.START_OBJECT);
        TreeMap<Long, Long> days = new TreeMap<>();
        for (String day = p.nextName(); day != null; day = p.nextName()) {
            days.put(Long.parseLong(day), integer(p, p.nextToken()));
        }
        return days;
    }

    private static TreeMap<String, Long> counts(JsonParser p, JsonToken value) {
        expect(value, JsonToken.START_OBJECT);
        TreeMap<String, Long> counts = new TreeMap<>();
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            counts.put(key, integer(p, p.nextToken()));
        }
        return counts;
    }

    private static TreeMap<String, BigDecimal> amounts(JsonParser p, JsonToken value) {
        expect(value, JsonToken.START_OBJECT);
        TreeMap<String, BigDecimal> amounts = new TreeMap<>();
        for (String currency = p.nextName(); currency != null; currency = p.nextName()) {
            JsonToken amount = p.nextToken();
            if (amount == JsonToken.VALUE_NUMBER_INT || amount == JsonToken.VALUE_NUMBER_FLOAT) {
                amounts.put(currency, p.getDecimalValue());
            } else {
                throw NOT_CANONICAL;
            }
        }
        return amounts;
    }

    private static Answer answer(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(value, JsonToken.START_OBJECT);
        Instant at = null;
        String key = null;
        Integer score = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "at" -> at = instant(p, v);
                case "key" -> key = text(p, v);
                case "value" -> score = smallInteger(p, v);
                default -> p.skipChildren();
            }
        }
        if (score == null) {
            throw NOT_CANONICAL;
        }
        return new Answer(at, key, score);
    }

    private static List<Answer> answers(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(value, JsonToken.START_ARRAY);
        List<Answer> answers = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            answers.add(answer(p, t));
        }
        return answers;
    }

    private static TreeMap<String, Ticket> tickets(JsonParser p, JsonToken value) {
        expect(value, JsonToken.START_OBJECT);
        TreeMap<String, Ticket> tickets = new TreeMap<>();
        for (String id = p.nextName(); id != null; id = p.nextName()) {
            JsonToken ticket = p.nextToken();
            expect(ticket, JsonToken.START_OBJECT);
            tickets.put(id, ticket(p, ticket));
        }
        return tickets;
    }

    private static Ticket ticket(JsonParser p, JsonToken value) {
        expect(value, JsonToken.START_OBJECT);
        Instant firstOpenedAt = null;
        Instant lastOpenedAt = null;
        Instant firstReplyAt = null;
        Instant lastSolvedAt = null;
        Boolean complaint = null;
        List<Instant> solves = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "firstOpenedAt" -> firstOpenedAt = instant(p, v);
                case "lastOpenedAt" -> lastOpenedAt = instant(p, v);
                case "firstReplyAt" -> firstReplyAt = instant(p, v);
                case "lastSolvedAt" -> lastSolvedAt = instant(p, v);
                case "complaint" -> {
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                        throw NOT_CANONICAL;
                    }
                    complaint = v == JsonToken.VALUE_TRUE;
                }
                case "solves" -> solves = instants(p, v);
                default -> p.skipChildren();
            }
        }
        if (complaint == null) {
            throw NOT_CANONICAL;
        }
        return new Ticket(firstOpenedAt, lastOpenedAt, firstReplyAt, lastSolvedAt, complaint, solves);
    }

    private static List<Instant> instants(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(value, JsonToken.START_ARRAY);
        List<Instant> instants = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.VALUE_STRING);
            instants.add(InstantText.parse(p.getString()));
        }
        return instants;
    }
}
