package dev.tessera.core.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.core.cx.CxMetricsCalculator;
import dev.tessera.core.cx.CxSettings;
import dev.tessera.core.cx.JourneyStage;
import dev.tessera.core.model.GoldenValue;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.Interaction;
import dev.tessera.core.model.InteractionKind;
import dev.tessera.core.model.Profile;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.privacy.ConsentChannel;
import dev.tessera.core.privacy.ConsentEntry;
import dev.tessera.core.privacy.ConsentState;
import dev.tessera.core.privacy.ConsentStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule language: what it accepts, what it refuses (naming the place), and what each condition means. */
class SegmentRulesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final SourceRecordId SHOP = new SourceRecordId("shop", "c-1");
    private static final CxMetricsCalculator CALCULATOR = new CxMetricsCalculator(CxSettings.defaults());

    private final List<Interaction> history = new ArrayList<>();
    private final AtomicInteger historyReads = new AtomicInteger();
    private ConsentState consent = ConsentState.NONE;
    private JourneyStage stage = JourneyStage.USE;

    private SegmentSubject subject(Map<String, String> attributes) {
        Map<String, GoldenValue> golden = new java.util.TreeMap<>();
        attributes.forEach((k, v) -> golden.put(k, new GoldenValue(v, SHOP, NOW.minusSeconds(60))));
        Profile profile = new Profile(new ProfileId("p-1"), golden,
                List.of(new Identifier(IdentifierType.EMAIL, "ada@example.org")), List.of(SHOP), NOW, NOW, 3);
        return new SegmentSubject(profile, CALCULATOR.recompute(history, NOW), stage, consent, () -> {
            historyReads.incrementAndGet();
            return history;
        }, NOW);
    }

    private boolean matches(String rule, Map<String, String> attributes) {
        return SegmentRules.parse(rule).test(subject(attributes));
    }

    private void order(int daysAgo, String amount) {
        history.add(new Interaction("o-" + history.size(), SHOP, InteractionKind.ORDER, "web", "checkout",
                NOW.minus(Duration.ofDays(daysAgo)), new Interaction.Money(new BigDecimal(amount), "EUR"), null,
                Map.of()));
    }

    private void nps(int daysAgo, int score) {
        history.add(new Interaction("s-" + history.size(), SHOP, InteractionKind.SURVEY_RESPONSE, "email", "delivery",
                NOW.minus(Duration.ofDays(daysAgo)), null, new Interaction.Score(Interaction.ScoreType.NPS, score),
                Map.of()));
    }

    @Test
    void aRuleReadsBackInTheFormItIsWritten() {
        String json = """
                {"all":[
                  {"attribute":"country","op":"in","values":["DE","AT"]},
                  {"not":{"attribute":"city","op":"missing"}},
                  {"any":[{"metric":"nps_latest","op":"le","value":6},{"nps_category":["detractor"]}]},
                  {"metric":"revenue","op":"ge","value":100.5,"currency":"EUR"},
                  {"stage":["at_risk","churned"]},
                  {"consent":{"purpose":"marketing","channel":"email"}},
                  {"has":"email"},
                  {"source":"shop"},
                  {"history":{"kind":"order","channel":"web","within_days":90,"score_min":0,"at_least":2,"at_most":5}}
                ]}""";
        SegmentRule rule = SegmentRules.parse(json);
        String written = SegmentRules.write(rule);
        assertThat(SegmentRules.parse(written)).isEqualTo(rule);
        assertThat(rule.timeDependent()).isTrue();
        assertThat(rule.readsHistory()).isTrue();
        assertThat(SegmentRules.parse("{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}").timeDependent())
                .isFalse();
        assertThat(SegmentRules.parse("{\"metric\":\"days_since_last_order\",\"op\":\"gt\",\"value\":90}")
                .timeDependent()).isTrue();
        // CLV falls as the tenure grows: a segment over it is refreshed with time
        assertThat(SegmentRules.parse("{\"metric\":\"clv\",\"op\":\"ge\",\"value\":200,\"currency\":\"EUR\"}")
                .timeDependent()).isTrue();
        assertThat(SegmentRules.parse("{\"metric\":\"revenue\",\"op\":\"ge\",\"value\":200,\"currency\":\"EUR\"}")
                .timeDependent()).isFalse();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "not json                                                         | rule",
        "[]                                                               | rule",
        "{}                                                               | rule",
        "{\"all\":{}}                                                     | rule.all",
        "{\"all\":[{\"attribute\":\"x\",\"op\":\"eq\",\"value\":\"1\"},{\"attribute\":\"y\",\"op\":\"near\",\"value\":\"1\"}]} | rule.all[1].op",
        "{\"attribute\":\"Country!\",\"op\":\"eq\",\"value\":\"1\"}       | rule.attribute",
        "{\"attribute\":\"country\",\"op\":\"eq\"}                         | rule.value",
        "{\"attribute\":\"country\",\"op\":\"exists\",\"value\":\"x\"}    | rule.value",
        "{\"attribute\":\"country\",\"op\":\"in\",\"values\":[]}          | rule.values",
        "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"a\",\"extra\":1} | rule",
        "{\"metric\":\"happiness\",\"op\":\"gt\",\"value\":1}              | rule.metric",
        "{\"metric\":\"orders\",\"op\":\"contains\",\"value\":1}           | rule.op",
        "{\"metric\":\"orders\",\"op\":\"gt\",\"value\":\"1\"}             | rule.value",
        "{\"metric\":\"orders\",\"op\":\"gt\",\"value\":1e400}           | rule.value",
        "{\"metric\":\"orders\",\"op\":\"gt\",\"value\":-1e400}          | rule.value",
        "{\"metric\":\"orders\",\"op\":\"gt\",\"value\":1e13}            | rule.value",
        "{\"metric\":\"revenue\",\"op\":\"gt\",\"value\":1}                | rule.currency",
        "{\"metric\":\"orders\",\"op\":\"gt\",\"value\":1,\"currency\":\"EUR\"} | rule.currency",
        "{\"stage\":[]}                                                   | rule.stage",
        "{\"stage\":[\"use\",\"sleeping\"]}                               | rule.stage[1]",
        "{\"consent\":{\"purpose\":\"Marketing!\"}}                       | rule.consent.purpose",
        "{\"consent\":{\"purpose\":\"marketing\",\"channel\":\"fax\"}}   | rule.consent.channel",
        "{\"has\":\"passport\"}                                           | rule.has",
        "{\"history\":{\"kind\":\"order\",\"at_least\":3,\"at_most\":1}}  | rule.history.at_most",
        "{\"history\":{\"within_days\":0}}                                | rule.history.within_days",
        "{\"history\":{\"within_days\":99999999999999999999}}             | rule.history.within_days",
        "{\"history\":{\"kind\":\"visit\"}}                               | rule.history.kind",
    })
    void aBadRuleIsRefusedNamingThePlace(String json, String field) {
        assertThatThrownBy(() -> SegmentRules.parse(json.strip()))
                .isInstanceOfSatisfying(InvalidSegmentException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void theMessageNeverRepeatsTheSubmittedValue() {
        assertThatThrownBy(() -> SegmentRules.parse(
                "{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"ada@example.org\\u0007\"}"))
                .isInstanceOf(InvalidSegmentException.class)
                .hasMessageNotContaining("ada@example.org");
    }

    @Test
    void rulesTooDeepOrTooLargeAreRefused() {
        String deep = "{\"not\":".repeat(SegmentRules.MAX_DEPTH) + "{\"has\":\"email\"}" + "}".repeat(SegmentRules.MAX_DEPTH);
        assertThatThrownBy(() -> SegmentRules.parse(deep)).isInstanceOf(InvalidSegmentException.class)
                .hasMessageContaining("deeper");
        String wide = "{\"any\":[" + String.join(",", java.util.Collections.nCopies(SegmentRules.MAX_NODES,
                "{\"has\":\"email\"}")) + "]}";
        assertThatThrownBy(() -> SegmentRules.parse(wide)).isInstanceOf(InvalidSegmentException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void attributesCompareIgnoringCaseAndBlanksAndAMissingAttributeMatchesOnlyNeAndMissing() {
        Map<String, String> ada = Map.of("country", " de ", "city", "Berlin", "loyalty_points", "120",
                "birth_date", "1990-05-17");
        assertThat(matches("{\"attribute\":\"country\",\"op\":\"eq\",\"value\":\"DE\"}", ada)).isTrue();
        assertThat(matches("{\"attribute\":\"country\",\"op\":\"in\",\"values\":[\"AT\",\"De\"]}", ada)).isTrue();
        assertThat(matches("{\"attribute\":\"city\",\"op\":\"starts_with\",\"value\":\"ber\"}", ada)).isTrue();
        assertThat(matches("{\"attribute\":\"city\",\"op\":\"contains\",\"value\":\"RLI\"}", ada)).isTrue();
        // numbers compare as numbers ("120" > "90" although "1" < "9"), ISO dates as text
        assertThat(matches("{\"attribute\":\"loyalty_points\",\"op\":\"gt\",\"value\":90}", ada)).isTrue();
        assertThat(matches("{\"attribute\":\"birth_date\",\"op\":\"lt\",\"value\":\"2000-01-01\"}", ada)).isTrue();
        assertThat(matches("{\"attribute\":\"birth_date\",\"op\":\"ge\",\"value\":\"1990-05-18\"}", ada)).isFalse();
        assertThat(matches("{\"attribute\":\"tier\",\"op\":\"eq\",\"value\":\"gold\"}", ada)).isFalse();
        assertThat(matches("{\"attribute\":\"tier\",\"op\":\"ne\",\"value\":\"gold\"}", ada)).isTrue();
        assertThat(matches("{\"attribute\":\"tier\",\"op\":\"missing\"}", ada)).isTrue();
        assertThat(matches("{\"attribute\":\"tier\",\"op\":\"gt\",\"value\":1}", ada)).isFalse();
    }

    @Test
    void metricsWithoutAValueNeverMatchOnlyTheirNegationDoes() {
        assertThat(matches("{\"metric\":\"nps_latest\",\"op\":\"le\",\"value\":6}", Map.of())).isFalse();
        assertThat(matches("{\"not\":{\"metric\":\"nps_latest\",\"op\":\"gt\",\"value\":6}}", Map.of())).isTrue();
        nps(3, 4);
        order(10, "80.00");
        order(200, "30.00");
        assertThat(matches("{\"metric\":\"nps_latest\",\"op\":\"le\",\"value\":6}", Map.of())).isTrue();
        assertThat(matches("{\"nps_category\":\"detractor\"}", Map.of())).isTrue();
        assertThat(matches("{\"metric\":\"orders\",\"op\":\"eq\",\"value\":2}", Map.of())).isTrue();
        assertThat(matches("{\"metric\":\"revenue\",\"op\":\"ge\",\"value\":110,\"currency\":\"EUR\"}", Map.of()))
                .isTrue();
        assertThat(matches("{\"metric\":\"revenue\",\"op\":\"ge\",\"value\":1,\"currency\":\"USD\"}", Map.of()))
                .isFalse();
        assertThat(matches("{\"metric\":\"days_since_last_order\",\"op\":\"eq\",\"value\":10}", Map.of())).isTrue();
    }

    /** A merge today is Tessera's note, not the customer's doing: a customer quiet for a year stays dormant. */
    @Test
    void historyLeavesOutTesserasOwnNotesUnlessAskedForThem() {
        order(400, "10.00");
        history.add(new Interaction("merged-1", SHOP, InteractionKind.PROFILE_MERGED, "system", null,
                NOW.minus(Duration.ofHours(2)), null, null, Map.of()));
        SegmentSubject s = subject(Map.of());

        assertThat(SegmentRules.parse("{\"history\":{\"within_days\":90,\"at_most\":0}}").test(s)).as("dormant")
                .isTrue();
        assertThat(SegmentRules.parse("{\"history\":{\"within_days\":30}}").test(s)).as("recently active").isFalse();
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"profile_merged\",\"within_days\":30}}").test(s))
                .as("asked for by kind").isTrue();
    }

    @Test
    void historyCountsMatchingInteractionsInTheWindowAndIsReadOnlyWhenAsked() {
        order(10, "10.00");
        order(40, "10.00");
        order(400, "10.00");
        nps(5, 9);
        SegmentSubject s = subject(Map.of());
        assertThat(SegmentRules.parse("{\"has\":\"email\"}").test(s)).isTrue();
        assertThat(historyReads).hasValue(0);
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"order\",\"within_days\":30}}").test(s)).isTrue();
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"order\",\"within_days\":90,\"at_least\":3}}").test(s))
                .isFalse();
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"order\",\"at_least\":3}}").test(s)).isTrue();
        // "no order in the last 5 days"
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"order\",\"within_days\":5,\"at_most\":0}}").test(s))
                .isTrue();
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"survey_response\",\"score_min\":9}}").test(s))
                .isTrue();
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"survey_response\",\"score_max\":6}}").test(s))
                .isFalse();
        assertThat(SegmentRules.parse("{\"history\":{\"channel\":\"WEB\",\"touchpoint\":\"checkout\",\"at_least\":3}}")
                .test(s)).isTrue();
        assertThat(historyReads).hasValue(1);
    }

    @Test
    void aRuleOverTheLastDaysReadsOnlyThatPartOfTheTimeline() {
        order(10, "10.00");
        order(40, "10.00");
        order(400, "10.00");
        java.util.List<Instant> windows = new ArrayList<>();
        SegmentSubject s = new SegmentSubject(subject(Map.of()).profile(), CALCULATOR.recompute(history, NOW), null,
                null, () -> {
                    throw new AssertionError("the whole timeline must not be read for a windowed rule");
                }, since -> {
                    windows.add(since);
                    return history.stream().filter(i -> !i.occurredAt().isBefore(since)).toList();
                }, NOW);

        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"order\",\"within_days\":30}}").test(s)).isTrue();
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"order\",\"within_days\":90,\"at_least\":2}}").test(s))
                .isTrue();
        assertThat(SegmentRules.parse("{\"history\":{\"kind\":\"order\",\"within_days\":30,\"at_least\":2}}").test(s))
                .as("the same window, read once").isFalse();
        assertThat(windows).containsExactly(NOW.minus(java.time.Duration.ofDays(30)), NOW.minus(java.time.Duration.ofDays(90)));
    }

    @Test
    void consentIsOptInAndTheLatestStatementDecides() {
        String rule = "{\"consent\":{\"purpose\":\"marketing\",\"channel\":\"email\"}}";
        assertThat(matches(rule, Map.of())).isFalse();
        consent = new ConsentState(List.of(statement(ConsentStatus.GRANTED, 10)));
        assertThat(matches(rule, Map.of())).isTrue();
        consent = new ConsentState(List.of(statement(ConsentStatus.GRANTED, 10), statement(ConsentStatus.WITHDRAWN, 5)));
        assertThat(matches(rule, Map.of())).isFalse();
        assertThat(matches("{\"consent\":{\"purpose\":\"marketing\",\"channel\":\"sms\"}}", Map.of())).isFalse();
    }

    private static ConsentEntry statement(ConsentStatus status, int daysAgo) {
        Instant at = NOW.minus(Duration.ofDays(daysAgo));
        return new ConsentEntry("marketing", ConsentChannel.EMAIL, status, at, "crm", new SourceRecordId("crm",
                "c-" + daysAgo), null, at);
    }

    @Test
    void stageHasAndSourceLookAtTheProfile() {
        stage = JourneyStage.AT_RISK;
        assertThat(matches("{\"stage\":[\"at_risk\",\"churned\"]}", Map.of())).isTrue();
        assertThat(matches("{\"stage\":\"use\"}", Map.of())).isFalse();
        assertThat(matches("{\"has\":\"email\"}", Map.of())).isTrue();
        assertThat(matches("{\"has\":\"phone\"}", Map.of())).isFalse();
        assertThat(matches("{\"source\":\"shop\"}", Map.of())).isTrue();
        assertThat(matches("{\"source\":\"crm\"}", Map.of())).isFalse();
        assertThat(matches("{\"all\":[]}", Map.of())).isTrue();
        assertThat(matches("{\"any\":[]}", Map.of())).isFalse();
    }
}
