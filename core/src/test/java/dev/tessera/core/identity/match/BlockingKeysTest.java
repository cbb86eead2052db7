package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BlockingKeysTest {

    private static final Identifiers IDS = new Identifiers("GB");
    private static final Map<String, String> JANE = Map.of("first_name", "Jane", "last_name", "Doe",
            "birth_date", "1980-02-03", "street", "12 High Street", "postcode", "SW1A 1AA", "city", "London");

    @Test
    void oneTypoInAnySingleFieldLeavesASharedKey() {
        Set<String> original = BlockingKeys.keys(record(JANE, "jane.doe@example.com", "020 7946 0000"));
        Map<String, String> typos = Map.of("first_name", "Jnae", "last_name", "Dpe", "birth_date", "1980-03-02",
                "street", "21 High Street", "postcode", "SW1A 1AB", "city", "Lnodon");
        typos.forEach((field, typo) -> {
            Map<String, String> changed = new HashMap<>(JANE);
            changed.put(field, typo);
            assertThat(shared(original, BlockingKeys.keys(record(changed, "jane.doe@example.com", "020 7946 0000"))))
                    .as(field).isNotEmpty();
        });
        assertThat(shared(original, BlockingKeys.keys(record(JANE, "jnae.doe@example.com", "020 7946 0000")))).isNotEmpty();
        assertThat(shared(original, BlockingKeys.keys(record(JANE, "jane.doe@example.com", "020 7946 0001")))).isNotEmpty();
    }

    @Test
    void everyFieldCanBeWrongWhileTheNamesAndOneMoreFieldHold() {
        // Typo in the first letter of the first name and a different birth date: the last name with city,
        // postcode or year still meets.
        Map<String, String> changed = new HashMap<>(JANE);
        changed.put("first_name", "Hane");
        changed.put("birth_date", "1981-12-30");
        assertThat(shared(BlockingKeys.keys(record(JANE, null, null)), BlockingKeys.keys(record(changed, null, null))))
                .isNotEmpty();
    }

    @Test
    void swappedNamesShareKeysEvenWithoutBirthDate() {
        Map<String, String> plain = Map.of("first_name", "Isla", "last_name", "Hall");
        Map<String, String> swapped = Map.of("first_name", "Hall", "last_name", "Isla");
        assertThat(shared(BlockingKeys.keys(record(plain, null, null)), BlockingKeys.keys(record(swapped, null, null))))
                .isNotEmpty();
    }

    @Test
    void nicknamesMeetTheirFormalName() {
        Map<String, String> robert = Map.of("first_name", "Robert", "last_name", "Zyx", "birth_date", "1971-06-24");
        Map<String, String> bob = Map.of("first_name", "Bob", "last_name", "Qwv", "birth_date", "1971-06-24");
        Set<String> shared = shared(BlockingKeys.keys(record(robert, null, null)), BlockingKeys.keys(record(bob, null, null)));
        assertThat(shared).anyMatch(key -> key.startsWith("dn:"));
    }

    @Test
    void differentPeopleShareNoKey() {
        Map<String, String> other = Map.of("first_name", "Pedro", "last_name", "Alvarez", "birth_date", "1955-11-26",
                "street", "3 Calle Mayor", "postcode", "28013", "city", "Madrid");
        assertThat(shared(BlockingKeys.keys(record(JANE, "jane.doe@example.com", null)),
                BlockingKeys.keys(record(other, "pedro@example.es", null)))).isEmpty();
    }

    @Test
    void keysNameTheirRuleAndAnEmptyRecordHasNone() {
        Set<String> keys = BlockingKeys.keys(record(JANE, "jane.doe@example.com", "020 7946 0000"));
        assertThat(keys).allMatch(key -> key.matches("[a-z]{1,2}:.+"));
        assertThat(keys).contains("d:19800203", "e:jane.doe@example.com", "el:jane.doe", "p:79460000");
        assertThat(BlockingKeys.keys(record(Map.of(), null, null))).isEmpty();
    }

    @Test
    void namesakeKeysAreKeysTheRecordIsFiledUnder() {
        Map<String, String> bob = new HashMap<>(JANE);
        bob.put("first_name", "Bob");
        for (Map<String, String> attributes : List.of(JANE, bob)) {
            PreparedRecord prepared = PreparedRecord.of(record(attributes, null, null));
            List<String> namesake = BlockingKeys.namesakeKeys(prepared);
            assertThat(namesake).hasSize(3);
            assertThat(BlockingKeys.keys(prepared)).containsAll(namesake);
            assertThat(namesake.get(0)).startsWith("nn:");
            assertThat(namesake.subList(1, 3)).allMatch(k -> k.startsWith("cn:"));
        }
        // Bob's own name, not the formal Robert his record is also filed under
        List<String> robert = BlockingKeys.namesakeKeys(PreparedRecord.of(record(Map.of(
                "first_name", "Robert", "last_name", "Doe", "city", "London"), null, null)));
        assertThat(BlockingKeys.namesakeKeys(PreparedRecord.of(record(bob, null, null))))
                .doesNotContain(robert.get(0), robert.get(1)).contains(robert.get(2));
        for (String missing : List.of("first_name", "last_name", "city")) {
            Map<String, String> without = new HashMap<>(JANE);
            without.remove(missing);
            assertThat(BlockingKeys.namesakeKeys(PreparedRecord.of(record(without, null, null)))).as(missing).isEmpty();
        }
    }

    /** A city under another language's name files under the same keys, in its own country or none. */
    @Test
    void aCitysNamesInOtherLanguagesShareTheirKeysWithinItsCountry() {
        Set<String> munich = BlockingKeys.keys(PreparedRecord.of(record(Map.of(
                "first_name", "Jana", "last_name", "Roth", "city", "Munich"), null, null)));
        Set<String> muenchen = BlockingKeys.keys(PreparedRecord.of(record(Map.of(
                "first_name", "Jana", "last_name", "Roth", "city", "München", "country", "DE"), null, null)));
        assertThat(shared(munich, muenchen)).anyMatch(k -> k.startsWith("cn:"));

        // Florence, Alabama is not Firenze
        PreparedRecord alabama = PreparedRecord.of(record(Map.of(
                "first_name", "Jana", "last_name", "Roth", "city", "Florence", "country", "US"), null, null));
        PreparedRecord firenze = PreparedRecord.of(record(Map.of(
                "first_name", "Jana", "last_name", "Roth", "city", "Firenze", "country", "IT"), null, null));
        assertThat(shared(BlockingKeys.keys(alabama), BlockingKeys.keys(firenze))).noneMatch(k -> k.startsWith("cn:"));
        assertThat(FieldComparators.compare(alabama, firenze).level(MatchField.CITY)).isNotEqualTo(ComparisonLevel.EXACT);
    }

    private static Set<String> shared(Set<String> a, Set<String> b) {
        Set<String> shared = new TreeSet<>(a);
        shared.retainAll(b);
        return shared;
    }

    private static CustomerRecord record(Map<String, String> attributes, String email, String phone) {
        List<Identifier> ids = new java.util.ArrayList<>();
        if (email != null) {
            ids.add(IDS.email(email).orElseThrow());
        }
        if (phone != null) {
            ids.add(IDS.phone(phone).orElseThrow());
        }
        return new CustomerRecord(new SourceRecordId("test", "1"), Instant.EPOCH, ids, attributes);
    }
}
