package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tessera.core.identity.match.MatchModel.Condition;
import dev.tessera.core.identity.match.MatchModel.ConflictCap;
import dev.tessera.core.identity.match.MatchModel.DependentGroup;
import dev.tessera.core.identity.match.MatchModel.Probabilities;
import dev.tessera.core.identity.match.MatchScore.FieldContribution;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MatchModelTest {

    private static final Identifiers IDS = new Identifiers("GB");
    private final MatchModel model = MatchModel.defaults();

    @Test
    void defaultModelHasEveryLevelWithSensibleWeights() {
        for (MatchField field : MatchField.values()) {
            assertThat(model.parameters().get(field).keySet()).containsExactlyInAnyOrderElementsOf(field.levels());
            assertThat(model.weight(field, ComparisonLevel.EXACT)).as(field.id()).isGreaterThan(0);
            assertThat(model.weight(field, ComparisonLevel.DIFFERENT)).as(field.id()).isLessThan(0);
            assertThat(model.weight(field, ComparisonLevel.MISSING)).isZero();
            double m = field.levels().stream().mapToDouble(l -> model.probabilities(field, l).m()).sum();
            double u = field.levels().stream().mapToDouble(l -> model.probabilities(field, l).u()).sum();
            assertThat(m).as(field.id() + " m").isCloseTo(1.0, within(1e-6));
            assertThat(u).as(field.id() + " u").isCloseTo(1.0, within(1e-6));
        }
        assertThat(model.weight(MatchField.FIRST_NAME, ComparisonLevel.EXACT))
                .isGreaterThan(model.weight(MatchField.FIRST_NAME, ComparisonLevel.SOMEWHAT));
    }

    @Test
    void weightIsLog2OfTheBayesFactor() {
        assertThat(new Probabilities(0.8, 0.01).weight()).isCloseTo(Math.log(80) / Math.log(2), within(1e-12));
        assertThat(MatchModel.probability(0)).isEqualTo(0.5);
        assertThat(MatchModel.probability(10)).isCloseTo(1024.0 / 1025, within(1e-12));
    }

    @Test
    void scoreExplainsItselfFieldByField() {
        CustomerRecord a = person("1", "Robert", "Smith", "1971-06-24", "robert255@smith.net");
        CustomerRecord b = person("2", "Rob", "Smith", "1971-05-24", null);

        MatchScore score = model.score(a, b);

        assertThat(score.contribution(MatchField.FIRST_NAME).level()).isEqualTo(ComparisonLevel.EQUIVALENT);
        assertThat(score.contribution(MatchField.BIRTH_DATE).level()).isEqualTo(ComparisonLevel.ONE_DIFFERENCE);
        assertThat(score.contribution(MatchField.EMAIL).level()).isEqualTo(ComparisonLevel.MISSING);
        assertThat(score.contribution(MatchField.EMAIL).weight()).isZero();
        double sum = score.priorWeight() + score.contributions().stream().mapToDouble(FieldContribution::weight).sum();
        assertThat(score.matchWeight()).isCloseTo(sum, within(1e-9));
        assertThat(score.probability()).isCloseTo(MatchModel.probability(score.matchWeight()), within(1e-12));
        assertThat(score.matchWeight()).isCloseTo(model.matchWeight(PreparedRecord.of(a), PreparedRecord.of(b)), within(1e-9));
        assertThat(score.probability()).isGreaterThan(0.99);
    }

    @Test
    void differentPeopleScoreLow() {
        MatchScore score = model.score(person("1", "Robert", "Smith", "1971-06-24", null),
                person("2", "Maria", "Garcia", "1988-01-13", null));
        assertThat(score.probability()).isLessThan(0.001);
    }

    @Test
    void aHouseholdDoesNotAddUpToOnePerson() {
        CustomerRecord husband = household("1", "Peter");
        CustomerRecord wife = household("2", "Susan");
        CustomerRecord husbandAgain = household("3", "Pete");

        MatchScore spouses = model.score(husband, wife);
        MatchScore samePerson = model.score(husband, husbandAgain);
        MatchScore uncapped = model.withDependentGroups(List.of()).score(husband, wife);

        assertThat(uncapped.matchWeight()).isGreaterThan(30);
        assertThat(spouses.matchWeight()).isLessThan(6);
        assertThat(samePerson.matchWeight()).isGreaterThan(20);
        double street = spouses.contribution(MatchField.STREET).weight();
        assertThat(street).isLessThan(model.weight(MatchField.STREET, ComparisonLevel.EXACT));
    }

    /**
     * Namesakes in one city, each with an own mailbox and phone: under independence first name, last name
     * and city add up to far more than the link weight (6 bits) and outweigh the two disagreeing
     * identifiers; the conflict cap keeps them apart. The same pair with the birth date agreeing is
     * corroborated, and a shared identifier is no conflict.
     */
    @Test
    void namesakesWhoseEmailAndPhoneDifferStayBelowTheLinkWeightUnlessCorroborated() {
        CustomerRecord one = contact("1", "amelia.williams12@example.com", "+447700900123", null);
        CustomerRecord other = contact("2", "amelia.williams47@example.org", "+447911123456", null);

        MatchScore uncapped = model.withConflictCaps(List.of()).score(one, other);
        MatchScore capped = model.score(one, other);

        assertThat(uncapped.matchWeight()).isGreaterThan(6);
        assertThat(capped.matchWeight()).isLessThanOrEqualTo(3.0 + 1e-9);
        assertThat(model.conflicting(PreparedRecord.of(one), PreparedRecord.of(other))).isTrue();
        double sum = capped.priorWeight() + capped.contributions().stream().mapToDouble(FieldContribution::weight).sum();
        assertThat(sum).as("contributions still add up to the weight").isCloseTo(capped.matchWeight(), within(1e-9));
        assertThat(capped.contribution(MatchField.LAST_NAME).weight())
                .isLessThan(model.weight(MatchField.LAST_NAME, ComparisonLevel.EXACT));

        CustomerRecord oneBorn = contact("3", "amelia.williams12@example.com", "+447700900123", "1984-03-02");
        CustomerRecord otherBorn = contact("4", "amelia.williams47@example.org", "+447911123456", "1984-03-02");
        assertThat(model.score(oneBorn, otherBorn).matchWeight()).as("a birth date corroborates").isGreaterThan(6);

        CustomerRecord samePhone = contact("5", "amelia.williams47@example.org", "+447700900123", null);
        assertThat(model.conflicting(PreparedRecord.of(one), PreparedRecord.of(samePhone))).isFalse();
        assertThat(model.score(one, samePhone).matchWeight()).isGreaterThan(6);
    }

    @Test
    void aNameAloneDoesNotLinkButANameWithCityOrBirthDateDoes() {
        CustomerRecord london = placed("1", "London", null);
        CustomerRecord leeds = placed("2", "Leeds", null);
        CustomerRecord leedsBorn = placed("3", "Leeds", "1984-03-02");
        CustomerRecord londonBorn = placed("4", "London", "1984-03-02");

        assertThat(model.withConflictCaps(List.of()).score(london, leeds).matchWeight()).isGreaterThan(6);
        assertThat(model.score(london, leeds).matchWeight()).as("name and country only").isLessThanOrEqualTo(3.0 + 1e-9);
        assertThat(model.score(london, placed("5", "London", null)).matchWeight()).isGreaterThan(6);
        assertThat(model.score(leedsBorn, londonBorn).matchWeight()).isGreaterThan(6);
        assertThat(model.conflicting(PreparedRecord.of(london), PreparedRecord.of(leeds)))
                .as("no identifiers, no conflict: only the cap").isFalse();
    }

    /**
     * One name and a place ("Thomas, Berlin", "Laura, 08023 Barcelona") fit thousands of people in a big
     * city: a city or postcode corroborates only with given name and surname both agreeing. A birth date, a
     * street or a shared identifier still does with one name.
     */
    @Test
    void oneNameAndAPlaceAreNotEnough() {
        CustomerRecord thomas = person("1", Map.of("first_name", "Thomas", "city", "Berlin", "postcode", "10115"));
        CustomerRecord thomasBauer = person("2", Map.of("first_name", "Thomas", "last_name", "Bauer", "city", "Berlin",
                "postcode", "10115"));
        CustomerRecord bauer = person("3", Map.of("last_name", "Bauer", "city", "Berlin"));
        CustomerRecord thomasBauerToo = person("4", Map.of("first_name", "Thomas", "last_name", "Bauer", "city", "Berlin"));
        CustomerRecord thomasBorn = person("5", Map.of("first_name", "Thomas", "city", "Berlin", "birth_date", "1978-09-27"));
        CustomerRecord thomasBauerBorn = person("6", Map.of("first_name", "Thomas", "last_name", "Bauer", "city", "Berlin",
                "birth_date", "1978-09-27"));
        CustomerRecord thomasBauerBaur = person("7", Map.of("first_name", "Thomas", "last_name", "Baur", "city", "Berlin"));

        assertThat(model.withConflictCaps(List.of()).score(thomas, thomasBauer).matchWeight())
                .as("under independence").isGreaterThan(6);
        assertThat(model.score(thomas, thomasBauer).matchWeight()).as("given name, city and postcode")
                .isLessThanOrEqualTo(3.0 + 1e-9);
        assertThat(model.score(bauer, thomasBauer).matchWeight()).as("surname and city").isLessThanOrEqualTo(3.0 + 1e-9);
        assertThat(model.score(thomasBauerToo, thomasBauer).matchWeight()).as("both names and the city").isGreaterThan(6);
        assertThat(model.score(thomasBauerBaur, thomasBauer).matchWeight()).as("a surname a typo away")
                .isGreaterThan(6);
        assertThat(model.score(thomasBorn, thomasBauerBorn).matchWeight()).as("a birth date corroborates").isGreaterThan(6);
    }

    @Test
    void conditionsThatMustHoldTogetherSurviveTheJsonForm() {
        Condition surname = new Condition(MatchField.LAST_NAME, Set.of(ComparisonLevel.EXACT));
        Condition city = new Condition(MatchField.CITY, Set.of(ComparisonLevel.EXACT), List.of(surname));
        MatchModel withCity = model.withConflictCaps(List.of(new ConflictCap(List.of(), 3.0, List.of(city))));

        MatchModel read = MatchModel.fromJson(withCity.toJson());

        assertThat(read.conflictCaps().get(0).corroboratedBy()).containsExactly(city);
        assertThat(read.conflictCaps().get(0).corroboratedBy().get(0).with()).containsExactly(surname);
    }

    /** A model saved before decision 58 (an estimate keeps the built-in caps) gets the caps as they are now. */
    @Test
    void aModelSavedBeforeConditionsCouldBeJoinedGetsTheCurrentCaps() {
        List<ConflictCap> withoutWith = model.conflictCaps().stream()
                .map(c -> new ConflictCap(c.fields(), c.maxWeight(),
                        c.corroboratedBy().stream().map(x -> new Condition(x.field(), x.levels())).toList(),
                        c.commonName()))
                .toList();
        String saved = model.withConflictCaps(withoutWith).toJson();
        assertThat(saved).doesNotContain("\"with\"").contains("commonName");
        String savedEarlier = saved.replaceAll(",\\s*\"commonName\"\\s*:\\s*\\{[^}]*\\}", "");
        assertThat(savedEarlier).doesNotContain("commonName");

        assertThat(MatchModel.fromJson(saved).conflictCaps()).isEqualTo(model.conflictCaps());
        assertThat(MatchModel.fromJson(savedEarlier).conflictCaps()).isEqualTo(model.conflictCaps());
        String changed = saved.replace("\"fields\" : [ ],\n    \"maxWeight\" : 3.0",
                "\"fields\" : [ ],\n    \"maxWeight\" : 2.99");
        assertThat(changed).isNotEqualTo(saved);
        assertThat(MatchModel.fromJson(changed).conflictCaps()).as("another cap is taken as written")
                .anyMatch(c -> c.maxWeight() == 2.99 && c.corroboratedBy().stream().allMatch(x -> x.with().isEmpty()));
    }

    @Test
    void aConditionJoinedByOneOnAnOwnFieldIsRefused() {
        Condition city = new Condition(MatchField.CITY, Set.of(ComparisonLevel.EXACT));
        Condition surname = new Condition(MatchField.LAST_NAME, Set.of(ComparisonLevel.EXACT));
        assertThatThrownBy(() -> new Condition(MatchField.CITY, Set.of(ComparisonLevel.CLOSE), List.of(city)))
                .isInstanceOf(IllegalArgumentException.class);
        Condition givenWithSurname = new Condition(MatchField.FIRST_NAME, Set.of(ComparisonLevel.EXACT),
                List.of(surname));
        assertThatThrownBy(() -> new DependentGroup(List.of(MatchField.LAST_NAME, MatchField.STREET), 12,
                List.of(givenWithSurname))).as("lifted by its own field, nested").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConflictCap(List.of(MatchField.LAST_NAME), 3, List.of(givenWithSurname)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A common name takes away every condition that involves the city, at any depth. */
    @Test
    void aCommonNameDropsConditionsThatInvolveTheCityAnywhere() {
        Condition born = new Condition(MatchField.BIRTH_DATE, Set.of(ComparisonLevel.EXACT));
        Condition city = new Condition(MatchField.CITY, Set.of(ComparisonLevel.EXACT));
        Condition givenInCity = new Condition(MatchField.FIRST_NAME, Set.of(ComparisonLevel.EXACT), List.of(city));
        MatchModel rule = model.withConflictCaps(List.of(new ConflictCap(List.of(), 3.0, List.of(givenInCity, born),
                new MatchModel.CommonName(2, Set.of(MatchField.CITY)))));

        assertThat(rule.forNamesakes(2).conflictCaps().get(0).corroboratedBy()).containsExactly(born);
        assertThat(rule.forNamesakes(1).conflictCaps().get(0).corroboratedBy()).containsExactly(givenInCity, born);
        assertThatThrownBy(() -> new ConflictCap(List.of(), 3.0, List.of(givenInCity),
                new MatchModel.CommonName(2, Set.of(MatchField.CITY))))
                .as("nothing would be left").isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Name and city lift the namesake cap for a rare name; for a name another profile carries there too,
     * only evidence about the person does (a birth date, an address, an email or phone).
     */
    @Test
    void aCommonNameInACityNeedsMoreThanTheCity() {
        CustomerRecord london = placed("1", "London", null);
        CustomerRecord alsoLondon = placed("2", "London", null);
        CustomerRecord londonBorn = placed("3", "London", "1984-03-02");
        CustomerRecord alsoLondonBorn = placed("4", "London", "1984-03-02");

        assertThat(model.forNamesakes(0)).isSameAs(model);
        assertThat(model.forNamesakes(1).score(london, alsoLondon).matchWeight()).as("rare").isGreaterThan(6);
        MatchModel common = model.forNamesakes(2);
        assertThat(common.score(london, alsoLondon).matchWeight()).as("common").isLessThanOrEqualTo(3.0 + 1e-9);
        assertThat(model.forNamesakes(500)).isSameAs(common);
        assertThat(common.score(londonBorn, alsoLondonBorn).matchWeight()).as("born the same day").isGreaterThan(6);
        CustomerRecord sameMailbox = contact("5", "amelia.williams12@example.com", "+447700900123", null);
        CustomerRecord sameMailboxAgain = contact("6", "amelia.williams12@example.com", "+447911123456", null);
        assertThat(common.score(sameMailbox, sameMailboxAgain).matchWeight()).isGreaterThan(6);
        assertThat(common.conflictCaps()).extracting(MatchModel.ConflictCap::commonName).containsOnlyNulls();
        assertThat(common.conflictCaps().get(0)).as("the identifier cap keeps its corroborations")
                .isEqualTo(new MatchModel.ConflictCap(model.conflictCaps().get(0).fields(),
                        model.conflictCaps().get(0).maxWeight(), model.conflictCaps().get(0).corroboratedBy()));
    }

    @Test
    void aModelSavedBeforeTheCommonNameRuleKeepsIt() {
        String saved = model.toJson().replaceAll(",\\s*\"commonName\"\\s*:\\s*\\{[^}]*\\}", "");
        assertThat(saved).doesNotContain("commonName");

        MatchModel loaded = MatchModel.fromJson(saved);

        assertThat(loaded.conflictCaps()).isEqualTo(model.conflictCaps());
        String changed = saved.replace("\"fields\" : [ ],\n    \"maxWeight\" : 3.0",
                "\"fields\" : [ ],\n    \"maxWeight\" : 2.5");
        assertThat(changed).isNotEqualTo(saved);
        assertThat(MatchModel.fromJson(changed).conflictCaps()).as("another cap is taken as written")
                .anyMatch(c -> c.maxWeight() == 2.5 && c.commonName() == null);
    }

    @Test
    void rulesOfSeveralThresholdsApplyFromTheirOwnCount() {
        MatchModel.Condition city = new MatchModel.Condition(MatchField.CITY, java.util.Set.of(ComparisonLevel.EXACT));
        MatchModel.Condition born = new MatchModel.Condition(MatchField.BIRTH_DATE,
                java.util.Set.of(ComparisonLevel.EXACT));
        MatchModel two = model.withConflictCaps(List.of(
                new MatchModel.ConflictCap(List.of(), 3, List.of(city, born),
                        new MatchModel.CommonName(2, java.util.Set.of(MatchField.CITY))),
                new MatchModel.ConflictCap(List.of(MatchField.EMAIL), 3, List.of(city, born),
                        new MatchModel.CommonName(5, java.util.Set.of(MatchField.CITY)))));

        assertThat(two.forNamesakes(1)).isSameAs(two);
        assertThat(two.forNamesakes(3)).isSameAs(two.forNamesakes(2)).isNotSameAs(two.forNamesakes(5));
        assertThat(two.forNamesakes(3).conflictCaps().get(0).corroboratedBy()).containsExactly(born);
        assertThat(two.forNamesakes(3).conflictCaps().get(1).corroboratedBy()).containsExactly(city, born);
        assertThat(two.forNamesakes(9)).isSameAs(two.forNamesakes(5));
        assertThat(two.forNamesakes(9).conflictCaps()).allMatch(c -> c.corroboratedBy().equals(List.of(born)));
    }

    @Test
    void savesAndLoadsJson() {
        String json = model.toJson();
        MatchModel loaded = MatchModel.fromJson(json);
        assertThat(loaded.parameters()).isEqualTo(model.parameters());
        assertThat(loaded.lambda()).isEqualTo(model.lambda());
        assertThat(loaded.dependentGroups()).isEqualTo(model.dependentGroups());
        assertThat(loaded.conflictCaps()).isEqualTo(model.conflictCaps()).hasSize(2);
        assertThat(loaded.conflictCaps().get(1).commonName())
                .isEqualTo(new MatchModel.CommonName(2, java.util.Set.of(MatchField.CITY)));
        assertThat(loaded.toJson()).isEqualTo(json).containsOnlyOnce("commonName");
    }

    @Test
    void fieldsMissingFromAFileComeFromTheDefaults() {
        MatchModel loaded = MatchModel.fromJson("""
                {"lambda": 0.2, "fields": {"email": {
                  "EXACT": {"m": 0.9, "u": 0.001}, "LOCAL_PART": {"m": 0.02, "u": 0.001},
                  "CLOSE": {"m": 0.03, "u": 0.001}, "DIFFERENT": {"m": 0.05, "u": 0.997}}}}
                """);
        assertThat(loaded.lambda()).isEqualTo(0.2);
        assertThat(loaded.probabilities(MatchField.EMAIL, ComparisonLevel.EXACT)).isEqualTo(new Probabilities(0.9, 0.001));
        assertThat(loaded.parameters().get(MatchField.CITY)).isEqualTo(model.parameters().get(MatchField.CITY));
        assertThat(loaded.dependentGroups()).isEmpty();
        assertThat(loaded.conflictCaps()).as("saved before caps existed").isEqualTo(model.conflictCaps());
        assertThat(MatchModel.fromJson("{\"lambda\": 0.2, \"fields\": {}, \"conflictCaps\": []}").conflictCaps())
                .as("turned off on purpose").isEmpty();
    }

    @Test
    void rejectsBrokenModels() {
        assertThatThrownBy(() -> MatchModel.fromJson("{")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MatchModel.fromJson("{\"lambda\": 0.1, \"fields\": {\"shoe_size\": {}}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shoe_size");
        assertThatThrownBy(() -> MatchModel.fromJson("{\"lambda\": 0.1, \"fields\": {\"email\": {\"EXACT\": {\"m\": 0.9, \"u\": 0.1}}}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("email");
        assertThatThrownBy(() -> MatchModel.fromJson("{\"lambda\": 1.5, \"fields\": {}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lambda");
        assertThatThrownBy(() -> new Probabilities(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DependentGroup(List.of(MatchField.CITY), 10,
                List.of(new MatchModel.Condition(MatchField.CITY, java.util.Set.of(ComparisonLevel.EXACT)))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MatchModel.ConflictCap(List.of(MatchField.EMAIL), 3,
                List.of(new MatchModel.Condition(MatchField.EMAIL, java.util.Set.of(ComparisonLevel.EXACT)))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MatchModel.ConflictCap(List.of(), 3, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MatchModel.CommonName(1, java.util.Set.of(MatchField.CITY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
        MatchModel.Condition city = new MatchModel.Condition(MatchField.CITY, java.util.Set.of(ComparisonLevel.EXACT));
        assertThatThrownBy(() -> new MatchModel.ConflictCap(List.of(), 3, List.of(city),
                new MatchModel.CommonName(2, java.util.Set.of(MatchField.CITY))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must leave");
        assertThatThrownBy(() -> new MatchModel.ConflictCap(List.of(MatchField.EMAIL), 3, List.of(city),
                new MatchModel.CommonName(2, java.util.Set.of(MatchField.POSTCODE))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("may only take away");
        assertThatThrownBy(() -> MatchModel.fromJson("{\"lambda\": 0.1, \"fields\": {}, \"conflictCaps\": [{"
                + "\"fields\": [], \"maxWeight\": 3, \"corroboratedBy\": [{\"field\": \"city\", \"levels\": [\"EXACT\"]}],"
                + " \"commonName\": {\"profiles\": 2, \"notCorroborating\": [\"city\"]}}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in match model");
        assertThatThrownBy(() -> MatchModel.fromJson("{\"lambda\": 0.1, \"fields\": {}, \"conflictCaps\": [{"
                + "\"fields\": [], \"maxWeight\": 3, \"corroboratedBy\": [{\"field\": \"city\", \"levels\": [\"EXACT\"]}],"
                + " \"commonName\": {\"notCorroborating\": [\"city\"]}}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("profiles");
        assertThatThrownBy(() -> MatchModel.fromJson("{\"lambda\": 0.1, \"fields\": {}, \"conflictCaps\": [{"
                + "\"fields\": [], \"maxWeight\": 3, \"corroboratedBy\": [{\"field\": \"city\", \"levels\": [\"EXACT\"]}],"
                + " \"commonName\": {\"profiles\": 2, \"notCorroborating\": []}}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notCorroborating");
        assertThatThrownBy(() -> MatchModel.fromJson("{\"lambda\": 0.1, \"fields\": {}, \"conflictCaps\": [{"
                + "\"fields\": [], \"maxWeight\": 3, \"corroboratedBy\": [{\"field\": \"city\", \"levels\": [\"EXACT\"]}],"
                + " \"commonName\": {\"profiles\": 2}}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notCorroborating");
        assertThatThrownBy(() -> MatchModel.fromJson(
                "{\"lambda\": 0.1, \"fields\": {}, \"conflictCaps\": [{\"fields\": [\"email\"], \"maxWeight\": 3,"
                        + " \"corroboratedBy\": [{\"field\": \"city\", \"levels\": [\"NEARBY\"]}]}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NEARBY");
        assertThatThrownBy(() -> new MatchModel.Condition(MatchField.CITY, java.util.Set.of(ComparisonLevel.INITIAL)))
                .isInstanceOf(IllegalArgumentException.class);
        Map<MatchField, Map<ComparisonLevel, Probabilities>> incomplete = new EnumMap<>(model.parameters());
        incomplete.remove(MatchField.PHONE);
        assertThatThrownBy(() -> new MatchModel(0.1, incomplete)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("phone");
    }

    @Test
    void scoresAComparisonBuiltByHand() {
        // first names and birth dates agree, so the household cap on email/surname/address does not apply
        Comparison comparison = Comparison.of(Map.of(MatchField.EMAIL, ComparisonLevel.EXACT,
                MatchField.FIRST_NAME, ComparisonLevel.EXACT, MatchField.BIRTH_DATE, ComparisonLevel.EXACT));
        MatchScore score = model.score(comparison);
        assertThat(score.matchWeight()).isCloseTo(model.priorWeight()
                + model.weight(MatchField.EMAIL, ComparisonLevel.EXACT)
                + model.weight(MatchField.FIRST_NAME, ComparisonLevel.EXACT)
                + model.weight(MatchField.BIRTH_DATE, ComparisonLevel.EXACT), within(1e-9));
        assertThatThrownBy(() -> Comparison.of(Map.of(MatchField.EMAIL, ComparisonLevel.INITIAL)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static CustomerRecord person(String id, String first, String last, String dob, String email) {
        Map<String, String> attributes = new java.util.HashMap<>(Map.of("first_name", first, "last_name", last));
        if (dob != null) {
            attributes.put("birth_date", dob);
        }
        return new CustomerRecord(new SourceRecordId("test", id), Instant.EPOCH,
                email == null ? List.of() : List.of(IDS.email(email).orElseThrow()), attributes);
    }

    private static CustomerRecord contact(String id, String email, String phone, String dob) {
        Map<String, String> attributes = new java.util.HashMap<>(Map.of("first_name", "Amelia", "last_name", "Williams",
                "city", "London", "country", "GB"));
        if (dob != null) {
            attributes.put("birth_date", dob);
        }
        return new CustomerRecord(new SourceRecordId("test", id), Instant.EPOCH,
                List.of(IDS.email(email).orElseThrow(), IDS.phone(phone).orElseThrow()), attributes);
    }

    private static CustomerRecord person(String id, Map<String, String> attributes) {
        return new CustomerRecord(new SourceRecordId("test", id), Instant.EPOCH, List.of(), attributes);
    }

    private static CustomerRecord placed(String id, String city, String dob) {
        Map<String, String> attributes = new java.util.HashMap<>(Map.of("first_name", "Oliver", "last_name", "Hughes",
                "city", city, "country", "GB"));
        if (dob != null) {
            attributes.put("birth_date", dob);
        }
        return new CustomerRecord(new SourceRecordId("test", id), Instant.EPOCH, List.of(), attributes);
    }

    private static CustomerRecord household(String id, String first) {
        return new CustomerRecord(new SourceRecordId("test", id), Instant.EPOCH,
                List.of(IDS.phone("0113 496 0000").orElseThrow()),
                Map.of("first_name", first, "last_name", "Miller", "street", "4 Larch Grove", "postcode", "LS6 2AB",
                        "city", "Leeds"));
    }
}
