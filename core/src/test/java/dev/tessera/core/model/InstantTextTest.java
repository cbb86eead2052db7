package dev.tessera.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class InstantTextTest {

    private static final JsonMapper PLAIN = JsonMapper.builder().build();
    private static final JsonMapper FAST = JsonMapper.builder().addModule(InstantText.jacksonModule()).build();

    record Holder(Instant at, List<Instant> more) {}

    /** Instants over the fast range's edges and beyond it, with 0, 3, 6 and 9 significant fraction digits. */
    private static List<Instant> samples() {
        SplittableRandom random = new SplittableRandom(7);
        List<Instant> out = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("2024-02-29T12:00:00.5Z"),
                Instant.ofEpochSecond(-1, 1), Instant.MIN, Instant.MAX));
        long span = 400L * 365 * 86_400;
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-span, 10 * span);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            out.add(Instant.ofEpochSecond(seconds, nanos));
        }
        return out;
    }

    @Test
    void writesTheCharactersInstantToStringWritesAndReadsThemBack() {
        for (Instant instant : samples()) {
            String text = InstantText.format(instant);
            assertThat(text).isEqualTo(instant.toString());
            assertThat(InstantText.parse(text)).isEqualTo(instant);
        }
    }

    @Test
    void jsonIsTheSameAsJacksonsOwnBothWays() {
        List<Instant> all = samples();
        for (int i = 0; i + 3 < all.size(); i += 3) {
            Holder holder = new Holder(all.get(i), List.of(all.get(i + 1), all.get(i + 2)));
            String plain = PLAIN.writeValueAsString(holder);
            assertThat(FAST.writeValueAsString(holder)).isEqualTo(plain);
            assertThat(FAST.readValue(plain, Holder.class)).isEqualTo(holder);
        }
    }

    @Test
    void whatJacksonReadsBeforeIsStillReadTheSame() {
        // other offsets, lowercase letters, few fraction digits, numbers, null, the end of a day, a leap second:
        // the formatter or Jackson's reader
        for (String json : List.of("\"2026-11-27T10:10:00+02:00\"", "\"2026-11-27t08:10:00z\"",
                "\"2026-11-27T08:10:00.1Z\"", "\"2026-11-27T08:10:00.1234Z\"", "1700000000", "1700000000.5",
                "null", "\"+12026-01-01T00:00:00Z\"", "\"2026-11-27T24:00:00Z\"", "\"2026-06-30T23:59:60Z\"",
                "\"2026-11-27T08:10:00.Z\"")) {
            String doc = "{\"at\":" + json + ",\"more\":[]}";
            assertThat(FAST.readValue(doc, Holder.class)).as(json).isEqualTo(PLAIN.readValue(doc, Holder.class));
        }
    }

    @Test
    void invalidTextIsRefusedAsBeforeNotReadAsSomethingElse() {
        for (String text : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-27T08:60:00Z",
                "2026-11-27T08:10:0xZ", "2026-11-27 08:10:00Z", "2026-11-27T08:10:00.1234567890Z", "", "yesterday")) {
            assertThatThrownBy(() -> InstantText.parse(text)).as(text).isInstanceOf(DateTimeException.class);
            String doc = "{\"at\":\"" + text + "\",\"more\":[]}";
            boolean plainRefuses = refuses(PLAIN, doc);
            assertThat(refuses(FAST, doc)).as(text).isEqualTo(plainRefuses);
        }
        assertThat(InstantText.parseFast("2026-02-29T00:00:00Z")).isNull(); // not a leap year
        assertThat(InstantText.parseFast("2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    }

    private static boolean refuses(JsonMapper mapper, String doc) {
        try {
            mapper.readValue(doc, Holder.class);
            return false;
        } catch (JacksonException e) {
            return true;
        }
    }

    @Test
    void instantsAsMapValuesKeepTheirShape() {
        Map<String, Instant> map = Map.of("a", Instant.parse("2026-11-27T08:10:00.250Z"));
        String plain = PLAIN.writeValueAsString(map);
        assertThat(FAST.writeValueAsString(map)).isEqualTo(plain).contains("2026-11-27T08:10:00.250Z");
    }
}
