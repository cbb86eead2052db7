package dev.tessera.core.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.profile.SurvivorshipRules.Rule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SurvivorshipRulesTest {

    private final CustomerRecord crmOld = record("crm", "1", "2024-01-01T00:00:00Z",
            Map.of("first_name", "Jane", "city", "Leeds", "street", "12 Tullaroop Street"));
    private final CustomerRecord shop = record("shop", "7", "2025-01-01T00:00:00Z",
            Map.of("first_name", "jane ", "city", "York", "street", "12 Tullaroop St"));
    private final CustomerRecord support = record("support", "3", "2026-01-01T00:00:00Z",
            Map.of("first_name", "J", "city", "Hull"));

    @Test
    void eachAttributeFollowsItsOwnRuleAndKeepsItsLineage() {
        SurvivorshipRules rules = new SurvivorshipRules(Rule.MOST_RECENT,
                Map.of("first_name", Rule.MOST_FREQUENT, "city", Rule.SOURCE_PRIORITY, "street", Rule.MOST_COMPLETE),
                List.of("crm", "shop"));

        Map<String, GoldenValue> golden = new GoldenRecordBuilder(rules).golden(List.of(support, shop, crmOld));

        assertThat(golden.get("first_name").value()).isEqualTo("jane");
        assertThat(golden.get("first_name").sourceRecord()).isEqualTo(new SourceRecordId("shop", "7"));
        assertThat(golden.get("city").value()).isEqualTo("Leeds");
        assertThat(golden.get("city").sourceRecord().source()).isEqualTo("crm");
        assertThat(golden.get("street").value()).isEqualTo("12 Tullaroop Street");
    }

    @Test
    void unlistedSourcesRankBelowListedOnesAndRecencyBreaksTies() {
        SurvivorshipRules rules = new SurvivorshipRules(Rule.SOURCE_PRIORITY, Map.of(), List.of("shop"));

        Map<String, GoldenValue> golden = new GoldenRecordBuilder(rules).golden(List.of(crmOld, support, shop));

        assertThat(golden.get("city").value()).isEqualTo("York");
        assertThat(new GoldenRecordBuilder(rules).golden(List.of(crmOld, support)).get("city").value()).isEqualTo("Hull");
    }

    @Test
    void aClaimedSourceOnlyFillsWhatNoOtherSourceHasWhateverTheRule() {
        CustomerRecord survey = record("survey", "r1", "2027-01-01T00:00:00Z",
                Map.of("first_name", "Mallory", "city", "Hull", "phone", "07700 900999", "street", "1 Long Road Avenue"));
        for (SurvivorshipRules rules : List.of(SurvivorshipRules.mostRecent(),
                new SurvivorshipRules(Rule.SOURCE_PRIORITY, Map.of(), List.of("survey", "crm")),
                new SurvivorshipRules(Rule.MOST_FREQUENT, Map.of(), List.of()),
                new SurvivorshipRules(Rule.MOST_COMPLETE, Map.of(), List.of()))) {
            GoldenRecordBuilder builder = new GoldenRecordBuilder(rules, java.util.Set.of("survey"));
            Map<String, GoldenValue> golden = builder.golden(List.of(crmOld, survey, support));

            assertThat(golden.get("first_name").sourceRecord().source()).as("%s", rules).isNotEqualTo("survey");
            // support says Hull too: agreeing with a claimed value counts for nothing
            assertThat(golden.get("city").sourceRecord().source()).as("%s", rules).isNotEqualTo("survey");
            assertThat(golden.get("street").sourceRecord().source()).as("%s", rules).isEqualTo("crm");
            assertThat(golden.get("phone").value()).isEqualTo("07700 900999"); // no other source has one
            assertThat(golden.get("phone").sourceRecord()).isEqualTo(survey.id());
            assertThat(builder.claimed(survey.id())).isTrue();
            assertThat(builder.claimed(crmOld.id())).isFalse();
        }
        // not claimed, the same survey answer wins the most recent rule
        assertThat(new GoldenRecordBuilder(SurvivorshipRules.mostRecent()).golden(List.of(crmOld, survey, support))
                .get("first_name").value()).isEqualTo("Mallory");
    }

    @Test
    void theDefaultIsMostRecentWhateverTheOrder() {
        SurvivorshipRules rules = SurvivorshipRules.mostRecent();

        assertThat(new GoldenRecordBuilder(rules).golden(List.of(crmOld, shop, support)))
                .isEqualTo(new GoldenRecordBuilder(rules).golden(List.of(support, crmOld, shop)));
        assertThat(new GoldenRecordBuilder(rules).golden(List.of(crmOld, shop, support)).get("city").value())
                .isEqualTo("Hull");
    }

    @Test
    void rowsObservedTogetherGiveTheValueMostOfThemAgreeOnWhateverTheOrder() {
        // one CSV file without an update column: every row carries the file's time
        String at = "2026-02-01T00:00:00Z";
        CustomerRecord london = record("crm", "1", at, Map.of("city", "London", "last_name", "Allen"));
        CustomerRecord typo = record("crm", "9", at, Map.of("city", "Lonon", "last_name", "Alen"));
        CustomerRecord again = record("crm", "5", at, Map.of("city", "london ", "last_name", "Allen"));
        SurvivorshipRules rules = SurvivorshipRules.mostRecent();

        Map<String, GoldenValue> golden = new GoldenRecordBuilder(rules).golden(List.of(london, typo, again));

        assertThat(golden.get("city").value()).isIn("London", "london");
        assertThat(golden.get("last_name").value()).isEqualTo("Allen");
        assertThat(golden.get("last_name").sourceRecord().sourceId()).isIn("1", "5");
        assertThat(new GoldenRecordBuilder(rules).golden(List.of(typo, again, london))).isEqualTo(golden);
        assertThat(new GoldenRecordBuilder(rules).golden(List.of(again, london, typo))).isEqualTo(golden);
    }

    @Test
    void whenAsManyAgreeOnEachTheMoreCompleteValueSurvivesThenTheGreaterRecordKey() {
        String at = "2026-02-01T00:00:00Z";
        CustomerRecord full = record("crm", "1", at, Map.of("city", "London", "street", "12 High Street"));
        CustomerRecord dropped = record("crm", "2", at, Map.of("city", "Lonon", "street", "12 High Steet"));
        SurvivorshipRules rules = SurvivorshipRules.mostRecent();

        Map<String, GoldenValue> golden = new GoldenRecordBuilder(rules).golden(List.of(dropped, full));

        assertThat(golden.get("city").value()).isEqualTo("London");
        assertThat(golden.get("street").value()).isEqualTo("12 High Street");
        // nothing left to tell them apart: the greater source record key, as before
        CustomerRecord york = record("crm", "3", at, Map.of("city", "York"));
        CustomerRecord hull = record("crm", "4", at, Map.of("city", "Hull"));
        assertThat(new GoldenRecordBuilder(rules).golden(List.of(hull, york)).get("city").value()).isEqualTo("Hull");
    }

    @Test
    void aNewerValueStillBeatsOlderOnesThatAgree() {
        // the customer moved: two old rows say Leeds, the latest says York
        CustomerRecord first = record("crm", "1", "2024-01-01T00:00:00Z", Map.of("city", "Leeds"));
        CustomerRecord second = record("shop", "2", "2024-06-01T00:00:00Z", Map.of("city", "Leeds"));
        CustomerRecord moved = record("support", "3", "2025-01-01T00:00:00Z", Map.of("city", "York"));

        assertThat(new GoldenRecordBuilder(SurvivorshipRules.mostRecent()).golden(List.of(first, second, moved))
                .get("city").value()).isEqualTo("York");
    }

    @Test
    void equallyTrustedValuesOfOneTimeGoToAgreementAndMostFrequentTiesToRecency() {
        String at = "2026-02-01T00:00:00Z";
        CustomerRecord a = record("crm", "1", at, Map.of("city", "Leeds"));
        CustomerRecord b = record("crm", "9", at, Map.of("city", "Yrok")); // the greatest key
        CustomerRecord c = record("crm", "3", at, Map.of("city", "Leeds"));
        SurvivorshipRules priority = new SurvivorshipRules(Rule.SOURCE_PRIORITY, Map.of(), List.of("crm"));
        assertThat(new GoldenRecordBuilder(priority).golden(List.of(a, b, c)).get("city").value()).isEqualTo("Leeds");

        CustomerRecord older = record("crm", "4", "2020-01-01T00:00:00Z", Map.of("city", "Hull"));
        CustomerRecord newer = record("crm", "5", "2021-01-01T00:00:00Z", Map.of("city", "York"));
        SurvivorshipRules frequent = new SurvivorshipRules(Rule.MOST_FREQUENT, Map.of(), List.of());
        assertThat(new GoldenRecordBuilder(frequent).golden(List.of(newer, older)).get("city").value()).isEqualTo("York");
    }

    private static CustomerRecord record(String source, String id, String at, Map<String, String> attributes) {
        return new CustomerRecord(new SourceRecordId(source, id), Instant.parse(at), List.of(), attributes);
    }
}
