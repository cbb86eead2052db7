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
    void theDefaultIsMostRecentWhateverTheOrder() {
        SurvivorshipRules rules = SurvivorshipRules.mostRecent();

        assertThat(new GoldenRecordBuilder(rules).golden(List.of(crmOld, shop, support)))
                .isEqualTo(new GoldenRecordBuilder(rules).golden(List.of(support, crmOld, shop)));
        assertThat(new GoldenRecordBuilder(rules).golden(List.of(crmOld, shop, support)).get("city").value())
                .isEqualTo("Hull");
    }

    private static CustomerRecord record(String source, String id, String at, Map<String, String> attributes) {
        return new CustomerRecord(new SourceRecordId(source, id), Instant.parse(at), List.of(), attributes);
    }
}
