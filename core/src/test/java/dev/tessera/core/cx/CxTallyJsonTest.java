package dev.tessera.core.cx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.cx.CxTally.Answer;
import dev.tessera.core.cx.CxTally.Ticket;
import dev.tessera.core.model.SourceRecordId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;

/**
 * The streaming tally reader against the object mapper it replaces: every tally the mapper writes read back
 * as it was, and every other form read, or refused, as the mapper reads it.
 */
class CxTallyJsonTest {

    private static final Instant T = Instant.parse("2026-03-04T05:06:07Z");
    private final CxMetricsCalculator calculator = new CxMetricsCalculator(CxSettings.defaults());

    @Test
    void readsBackWhatTheMapperWritesForRandomHistories() {
        List<SourceRecordId> records = List.of(CxFixtures.rec("crm", "a"), CxFixtures.rec("shop", "b"));
        int withTickets = 0;
        for (long seed = 1; seed <= 60; seed++) {
            CxTally tally = CxTally.EMPTY;
            for (var interaction : RandomInteractions.history(seed, (int) (seed * 3), records)) {
                tally = calculator.add(tally, interaction);
                readsBack(tally);
            }
            withTickets += tally.tickets().isEmpty() ? 0 : 1;
        }
        assertThat(withTickets).isGreaterThan(50);
    }

    @Test
    void readsBackTheEdgesOfEveryField() {
        Instant nanos = Instant.parse("2026-03-04T05:06:07.000000123Z");
        Instant far = Instant.parse("+12026-01-01T00:00:00Z"); // written by the JDK's formatter, with a sign
        Instant old = Instant.parse("-0044-03-15T12:00:00.500Z");
        TreeMap<Long, Long> days = new TreeMap<>(Map.of(-3L, 1L, 0L, Long.MAX_VALUE, 20_500L, 7L));
        TreeMap<String, BigDecimal> revenue = new TreeMap<>(Map.of(
                "EUR", new BigDecimal("1E+3"), "USD", new BigDecimal("-0.000001"), "JPY", new BigDecimal("12345678901234567890.10")));
        TreeMap<String, Ticket> tickets = new TreeMap<>();
        tickets.put("quote\"back\\slash", new Ticket(T, nanos, null, null, false, List.of()));
        tickets.put("ctrl\u0001\n\ttab", new Ticket(null, null, T, far, true, List.of(old, T, far)));
        tickets.put("émoji 🙂 ü", new Ticket(T, T, T, T, true));
        CxTally tally = new CxTally(Long.MIN_VALUE, old, far, days, new Answer(nanos, "k \"1\"", -5), 1, 2, 3,
                List.of(new Answer(T, null, 0), new Answer(null, "x", 10)), 4, 5, 6, 7, 8, 9, revenue,
                new TreeMap<>(Map.of("", BigDecimal.ZERO)), new TreeMap<>(Map.of("EUR", 0L)), null, nanos, tickets);
        readsBack(tally);
        readsBack(CxTally.EMPTY);
    }

    /** Every counter present: the mapper refuses a tally without one (Jackson 3 refuses missing primitives). */
    private static final String NUMBERS = "\"interactions\":2,\"promoters\":0,\"passives\":0,\"detractors\":0,"
            + "\"csatSum\":0,\"csatCount\":0,\"cesSum\":0,\"cesCount\":0,\"orders\":0,\"returns\":0";

    @ParameterizedTest
    @ValueSource(strings = {
        // unknown properties of every JSON type, also inside answers and tickets
        "{N,\"later\":{\"a\":[1,{\"b\":null}]},\"x\":[1,2],\"y\":\"s\",\"latestNps\":{\"at\":\"2026-03-04T05:06:07Z\","
                + "\"key\":\"k\",\"value\":9,\"extra\":[true]},\"tickets\":{\"t\":{\"complaint\":false,\"new\":{}}}}",
        // missing objects are null; a ticket stored before solves were kept
        "{N}",
        "{N,\"tickets\":{\"t\":{\"firstOpenedAt\":\"2026-03-04T05:06:07Z\",\"lastOpenedAt\":\"2026-03-04T05:06:07Z\","
                + "\"firstReplyAt\":null,\"lastSolvedAt\":\"2026-03-05T00:00:00Z\",\"complaint\":true}}}",
        // missing numbers: refused by the mapper
        "{}", "{\"interactions\":1}", "{N,\"latestNps\":{\"key\":\"k\"}}", "{N,\"tickets\":{\"t\":{}}}",
        // other JSON types than the ones written: the mapper's coercions decide
        "{N,\"interactions\":\"3\",\"promoters\":2.0,\"revenue\":{\"EUR\":\"12.50\"},\"ordersWithAmount\":{\"EUR\":\"2\"}}",
        "{N,\"activeDays\":null,\"detractorAnswers\":null,\"revenue\":null,\"tickets\":null}",
        "{N,\"activeDays\":{\"20000\":null},\"revenue\":{\"EUR\":null}}",
        "{N,\"firstInteractionAt\":1772600767,\"lastInteractionAt\":\"2026-03-04T05:06:07+01:00\"}",
        "{N,\"tickets\":{\"t\":{\"complaint\":\"true\",\"solves\":null}}}",
        "{N,\"tickets\":{\"t\":null},\"detractorAnswers\":[null]}",
        // the same property twice: the last one counts
        "{N,\"interactions\":5}",
        // not a tally
        "", "[]", "null", "{", "{N,\"interactions\":}", "{N,\"activeDays\":{\"day\":1}}",
        "{N,\"firstInteractionAt\":\"yesterday\"}", "{N} trailing", "{N,\"interactions\":99999999999999999999}"})
    void readsEveryOtherFormAsTheMapperReadsItOrRefusesItAsTheMapperDoes(String form) {
        String json = form.replace("N", NUMBERS);
        CxTally mapper;
        try {
            mapper = CxJson.read(json, CxTally.class);
        } catch (JacksonException e) {
            assertThatThrownBy(() -> CxTallyJson.read(json)).as(json).isInstanceOf(JacksonException.class);
            return;
        }
        assertThat(CxTallyJson.read(json)).as(json).isEqualTo(mapper);
    }

    private static void readsBack(CxTally tally) {
        String written = CxJson.write(tally);
        assertThat(CxTallyJson.fast(written)).as("read without the mapper").isEqualTo(tally);
        CxTally read = CxTallyJson.read(written);
        assertThat(read).isEqualTo(tally).isEqualTo(CxJson.read(written, CxTally.class));
        assertThat(CxJson.write(read)).isEqualTo(written);
    }
}
