package dev.tessera.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.core.identity.ProfileExplainer.Explanation;
import dev.tessera.core.identity.ProfileExplainer.RecordExplanation;
import dev.tessera.core.identity.ProfileResolver.SplitResult;
import dev.tessera.core.identity.Resolution.Outcome;
import dev.tessera.core.identity.match.MatchModel;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.Identifier;
import dev.tessera.core.model.IdentifierType;
import dev.tessera.core.model.LinkEvidence;
import dev.tessera.core.model.LinkEvidence.Contribution;
import dev.tessera.core.model.ProfileId;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import dev.tessera.core.store.ProfileStore;
import dev.tessera.core.store.RedisKeys;
import dev.tessera.core.store.RedisConnection;
import dev.tessera.core.testing.RedisTestCluster;
import dev.tessera.core.testing.RedisTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The production resolver ({@link IdentitySettings#defaults()}: probabilistic policy, built-in model)
 * against a real Redis: fuzzy links without shared identifiers, shared identifiers as evidence rather
 * than proof, the veto against chaining, idempotency, splits, and the same clustering with 1, 4 and 16
 * threads.
 */
class ProbabilisticResolutionTest {

    private static final Identifiers IDS = new Identifiers("GB");
    private static final String AT = "2025-01-01T00:00:00Z";

    private RedisConnection redis;
    private ProfileStore store;
    private ProfileResolver resolver;

    @BeforeEach
    void setUp() {
        RedisTestSupport.flush();
        redis = RedisTestSupport.connect();
        store = new ProfileStore(redis);
        resolver = newResolver(store);
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    private static ProfileResolver newResolver(ProfileStore store) {
        return IdentitySettings.defaults().resolver(store, Clock.systemUTC());
    }

    // ---- 1. one person, written differently in three sources, no shared email or phone

    @Test
    void nicknameTransliterationAndTyposLinkAcrossSourcesWithoutASharedIdentifier() {
        CustomerRecord crm = record("crm", "1", AT, List.of("robert.mueller@gmail.com"),
                "first_name", "Robert", "last_name", "Müller", "birth_date", "1980-03-14",
                "street", "12 Tullaroop Street", "postcode", "SW1A 1AA", "city", "London");
        CustomerRecord shop = record("shop", "77", AT, List.of("bmueller1980@outlook.com", "07700 900123"),
                "first_name", "Bob", "last_name", "Mueller", "birth_date", "1980-03-14",
                "street", "12 tullaroop st", "postcode", "SW1A1AA", "city", "london");
        CustomerRecord support = record("support", "9", AT, List.of("07700 900456"),
                "first_name", "Robret", "last_name", "Muller", "birth_date", "1980-03-14",
                "street", "12 Tullaroop St.", "city", "LONDON");

        Resolution first = resolver.resolve(crm);
        Resolution second = resolver.resolve(shop);
        Resolution third = resolver.resolve(support);

        assertThat(first.outcome()).isEqualTo(Outcome.CREATED);
        assertThat(second.outcome()).isEqualTo(Outcome.LINKED);
        assertThat(third.outcome()).isEqualTo(Outcome.LINKED);
        assertThat(List.of(second.profileId(), third.profileId())).containsOnly(first.profileId());
        // nothing was shared: four distinct identifiers, found through blocking keys only
        assertThat(store.find(first.profileId()).orElseThrow().identifiers()).hasSize(4);

        Explanation explanation = new ProfileExplainer(store).explain(first.profileId()).orElseThrow();
        assertThat(explanation.records()).extracting(r -> r.record().id())
                .containsExactlyInAnyOrder(crm.id(), shop.id(), support.id());
        Map<SourceRecordId, LinkEvidence> evidence = explanation.records().stream()
                .collect(Collectors.toMap(r -> r.record().id(), RecordExplanation::evidence));
        assertThat(evidence.get(crm.id()).rule()).isEqualTo("new-profile");

        LinkEvidence bob = evidence.get(shop.id());
        assertThat(bob.rule()).isEqualTo("probabilistic");
        assertThat(bob.matchedOn()).containsExactly(ProfileResolver.BLOCK);
        assertThat(bob.score()).isGreaterThanOrEqualTo(ProbabilisticPolicy.DEFAULT_LINK_WEIGHT);
        Map<String, Contribution> fields = byField(bob);
        assertThat(fields.keySet()).contains("first_name", "last_name", "birth_date", "street", "postcode", "city",
                "email");
        assertThat(fields.get("first_name").level()).isEqualTo("equivalent"); // Bob = Robert
        assertThat(fields.get("last_name").level()).isEqualTo("equivalent"); // Mueller = Müller
        assertThat(fields.get("birth_date").level()).isEqualTo("exact");
        assertThat(fields.get("street").level()).isEqualTo("exact"); // st = Street
        assertThat(fields.get("postcode").level()).isEqualTo("exact");
        assertThat(fields.get("email").level()).isEqualTo("different");
        assertThat(fields.get("email").weight()).isNegative();
        Stream.of("first_name", "last_name", "birth_date", "street", "postcode", "city")
                .forEach(f -> assertThat(fields.get(f).weight()).as(f).isPositive());
        // the contributions and the prior add up to the score
        double sum = MatchModel.defaults().priorWeight()
                + bob.contributions().stream().mapToDouble(Contribution::weight).sum();
        assertThat(sum).isCloseTo(bob.score(), within(0.1));

        LinkEvidence typo = evidence.get(support.id());
        assertThat(typo.rule()).isEqualTo("probabilistic");
        assertThat(typo.score()).isGreaterThanOrEqualTo(ProbabilisticPolicy.DEFAULT_LINK_WEIGHT);
        assertThat(byField(typo).get("birth_date").level()).isEqualTo("exact");
        assertThat(byField(typo).get("first_name").level()).isIn("close", "somewhat"); // Robret ~ Robert
    }

    // ---- 2. shared identifiers are evidence, not proof

    @Test
    void aSharedFamilyMailboxDoesNotMergeTwoPeople() {
        CustomerRecord alice = record("crm", "a1", AT, List.of("smiths@example.com"),
                "first_name", "Alice", "last_name", "Smith", "birth_date", "1975-02-10",
                "street", "4 Elm Road", "postcode", "LS1 4AB", "city", "Leeds");
        CustomerRecord george = record("shop", "g1", AT, List.of("smiths@example.com"),
                "first_name", "George", "last_name", "Smith", "birth_date", "1978-11-30",
                "street", "4 Elm Road", "postcode", "LS1 4AB", "city", "Leeds");

        ProfileId a = resolver.resolve(alice).profileId();
        ProfileId g = resolver.resolve(george).profileId();

        assertThat(g).isNotEqualTo(a);
        Identifier mailbox = IDS.email("smiths@example.com").orElseThrow();
        assertThat(store.findByIdentifier(mailbox)).containsExactlyInAnyOrder(a, g);

        // the mailbox still counts: Alice again, with the same mailbox, joins Alice and not George
        CustomerRecord aliceAgain = record("support", "a2", AT, List.of("smiths@example.com"),
                "first_name", "Alice", "last_name", "Smith", "birth_date", "1975-02-10");
        assertThat(resolver.resolve(aliceAgain).profileId()).isEqualTo(a);
        assertThat(store.find(g).orElseThrow().records()).containsExactly(george.id());
    }

    /**
     * Two Maria Garcias at one company in New York, each reached on the switchboard's number at her own
     * extension: two people. Without the extensions both records carried the same phone, and name, city and
     * phone merged them. Maria at extension 12 again, written another way, joins the first.
     */
    @Test
    void colleaguesWithOneNameBehindOneSwitchboardStayTwoPeople() {
        colleaguesBehindOneSwitchboard(false);
    }

    /**
     * The same with a record of the switchboard's number alone on file first (a web form, or a record stored
     * before phones kept their extension): the company's line beside a desk on it is no agreement, so it does
     * not bridge the two Marias, and the first joins it on name and city.
     */
    @Test
    void aRecordOfTheSwitchboardAloneDoesNotBridgeColleagues() {
        colleaguesBehindOneSwitchboard(true);
    }

    private void colleaguesBehindOneSwitchboard(boolean lineOnFile) {
        ProfileId line = lineOnFile ? resolver.resolve(record("web", "w1", AT, List.of("+1 212 555 0100"),
                "first_name", "Maria", "last_name", "Garcia", "city", "New York", "country", "US")).profileId() : null;
        CustomerRecord first = record("crm", "m1", AT, List.of("+1 212 555 0100 ext. 12"),
                "first_name", "Maria", "last_name", "Garcia", "city", "New York", "country", "US");
        CustomerRecord second = record("crm", "m2", AT, List.of("+1 212 555 0100 ext. 34"),
                "first_name", "Maria", "last_name", "Garcia", "city", "New York", "country", "US");
        CustomerRecord firstAgain = record("support", "s7", AT, List.of("+1 (212) 555-0100 x12"),
                "first_name", "Maria", "last_name", "Garcia", "city", "New York", "country", "US");

        ProfileId m1 = resolver.resolve(first).profileId();
        ProfileId m2 = resolver.resolve(second).profileId();
        Resolution again = resolver.resolve(firstAgain);

        assertThat(m2).isNotEqualTo(m1);
        assertThat(again.profileId()).isEqualTo(m1);
        assertThat(store.find(m2).orElseThrow().records()).containsExactly(second.id());
        assertThat(store.findByIdentifier(IDS.phone("+1 212 555 0100 ext. 12").orElseThrow())).containsExactly(m1);
        if (lineOnFile) {
            assertThat(m1).isEqualTo(line);
        }
    }

    @Test
    void aSharedLandlineDoesNotMergeTwoPeople() {
        CustomerRecord alice = record("crm", "a1", AT, List.of("alice.smith@gmail.com", "0113 496 0001"),
                "first_name", "Alice", "last_name", "Smith", "birth_date", "1975-02-10",
                "street", "4 Elm Road", "postcode", "LS1 4AB", "city", "Leeds");
        CustomerRecord george = record("shop", "g1", AT, List.of("0113 496 0001"),
                "first_name", "George", "last_name", "Smith", "birth_date", "1978-11-30",
                "street", "4 Elm Road", "postcode", "LS1 4AB", "city", "Leeds");

        ProfileId a = resolver.resolve(alice).profileId();
        ProfileId g = resolver.resolve(george).profileId();

        assertThat(g).isNotEqualTo(a);
        Identifier landline = IDS.phone("0113 496 0001").orElseThrow();
        assertThat(store.findByIdentifier(landline)).containsExactlyInAnyOrder(a, g);

        // George again on the landline joins George, and does not bridge him with Alice
        CustomerRecord georgeAgain = record("support", "g2", AT, List.of("+44 113 496 0001"),
                "first_name", "George", "last_name", "Smith", "birth_date", "1978-11-30");
        Resolution again = resolver.resolve(georgeAgain);
        assertThat(again.outcome()).isEqualTo(Outcome.LINKED);
        assertThat(again.profileId()).isEqualTo(g);
        assertThat(store.find(a).orElseThrow().records()).containsExactly(alice.id());
        assertThat(store.links(g).get(georgeAgain.id()).matchedOn()).contains("phone");
    }

    @Test
    void aSharedMailboxAloneWithAnotherNameAndBirthDateDoesNotLink() {
        // no shared surname or address: only the mailbox agrees (e.g. an office or family inbox)
        CustomerRecord one = record("crm", "1", AT, List.of("home@example.org"),
                "first_name", "Alice", "last_name", "Smith", "birth_date", "1975-02-10");
        CustomerRecord other = record("shop", "2", AT, List.of("home@example.org"),
                "first_name", "George", "last_name", "Brown", "birth_date", "1978-11-30");

        assertThat(resolver.resolve(other).profileId()).isNotEqualTo(resolver.resolve(one).profileId());
    }

    // ---- 3. namesakes

    @Test
    void aNamesakeWithAnotherBirthDateAndAddressIsNotLinked() {
        CustomerRecord manchester = record("crm", "1", AT, List.of("jsmith70@gmail.com"),
                "first_name", "John", "last_name", "Smith", "birth_date", "1970-01-05",
                "street", "3 Oak Lane", "postcode", "M1 1AA", "city", "Manchester");
        CustomerRecord bristol = record("shop", "2", AT, List.of(),
                "first_name", "John", "last_name", "Smith", "birth_date", "1988-09-21",
                "street", "77 Station Road", "postcode", "BS1 5TR", "city", "Bristol");

        ProfileId first = resolver.resolve(manchester).profileId();
        Resolution second = resolver.resolve(bristol);

        assertThat(second.outcome()).isEqualTo(Outcome.CREATED);
        assertThat(second.profileId()).isNotEqualTo(first);
        // they were compared (they share name blocks), and rejected
        assertThat(resolver.candidates(bristol)).extracting(c -> c.profile().id()).contains(first);
    }

    /**
     * CRM-like data: many people share a common name and a big city, each with an own numbered mailbox and
     * phone. Under independence name and city outweigh the two disagreeing identifiers; they must stay one
     * profile per person (the conflict cap), a record with nothing but the name and city must not merge
     * them (it resembles all of them), and each person's re-entered record (mailbox in capitals, the
     * phone written nationally, moved to another city) still joins that person.
     */
    @Test
    void namesakesInOneCityStayApartWhileTheirOwnRecordsStillJoin() {
        int people = 12;
        List<ProfileId> homes = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            homes.add(resolver.resolve(namesake("crm", "n" + i, i, "London")).profileId());
        }
        assertThat(new TreeSet<>(homes)).as("one profile per namesake").hasSize(people);

        Resolution bare = resolver.resolve(record("shop", "bare", AT, List.of(),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB"));
        assertThat(bare.outcome()).as("resembles every namesake alike: evidence for none of them")
                .isEqualTo(Outcome.CREATED);
        assertThat(homes).doesNotContain(bare.profileId());

        for (int i = 0; i < people; i += 3) {
            CustomerRecord again = record("support", "again" + i, AT,
                    List.of(("amelia.williams" + number(i) + "@example.com").toUpperCase(java.util.Locale.ROOT),
                            "07700 90" + number(i)),
                    "first_name", "Amelia", "last_name", "Williams", "city", "Leeds", "country", "GB");
            assertThat(resolver.resolve(again).profileId()).as("person " + i + " again")
                    .isEqualTo(store.findBySource(new SourceRecordId("crm", "n" + i)).orElseThrow());
        }
        Set<ProfileId> live = new TreeSet<>();
        for (int i = 0; i < people; i++) {
            live.add(store.findBySource(new SourceRecordId("crm", "n" + i)).orElseThrow());
        }
        assertThat(live).as("still one profile per namesake at the end").hasSize(people);
    }

    /** With one namesake only there is nothing to be ambiguous about: name and city link. */
    @Test
    void aRecordWithOnlyNameAndCityJoinsTheOneNamesakeThere() {
        ProfileId only = resolver.resolve(namesake("crm", "n1", 1, "London")).profileId();

        Resolution bare = resolver.resolve(record("shop", "bare", AT, List.of(),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB"));

        assertThat(bare.outcome()).isEqualTo(Outcome.LINKED);
        assertThat(bare.profileId()).isEqualTo(only);
    }

    /**
     * CRM-like data where one system holds only emails and another only phones: a phone-only record with a
     * name two profiles carry in its city contradicts the one with another phone but not the one with only
     * an email. Yet it could be that person or a third, so the city is no evidence for the email's owner
     * and it gets its own profile; a birth date in common is evidence about the person and links, however
     * common the name. With one such profile in a city there is nobody to confuse it with.
     */
    @Test
    void aCommonNameInItsCityNeedsMoreThanTheCityToLink() {
        ProfileId first = resolver.resolve(record("crm", "n1", AT, List.of("amelia.williams" + number(1) + "@example.com"),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB")).profileId();
        ProfileId second = resolver.resolve(record("crm", "n2", AT,
                List.of("amelia.williams" + number(2) + "@example.com", "+44770090" + number(2)),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "birth_date", "1984-03-02",
                "country", "GB")).profileId();
        assertThat(second).as("their mailboxes contradict").isNotEqualTo(first);

        Resolution phoneOnly = resolver.resolve(record("shop", "p", AT, List.of("+44770090" + number(3)),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB"));
        assertThat(phoneOnly.outcome()).isEqualTo(Outcome.CREATED);
        assertThat(phoneOnly.profileId()).isNotIn(first, second);

        Resolution born = resolver.resolve(record("shop", "b", AT, List.of("+44770090" + number(4)),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "birth_date", "1984-03-02",
                "country", "GB"));
        assertThat(born.profileId()).as("the same birth date").isEqualTo(second);

        Resolution elsewhere = resolver.resolve(record("shop", "y", AT, List.of("+44770090" + number(5)),
                "first_name", "Amelia", "last_name", "Williams", "city", "York", "country", "GB"));
        ProfileId york = resolver.resolve(record("crm", "y2", AT, List.of("amelia.williams" + number(6) + "@example.com"),
                "first_name", "Amelia", "last_name", "Williams", "city", "York", "country", "GB")).profileId();
        assertThat(york).as("the only Amelia Williams in York, whatever London holds").isEqualTo(elsewhere.profileId());

        // what an agent sees when looking for the phone-only record's duplicates: why each one stayed apart
        List<ProfileResolver.PossibleMatch> possible = resolver.possibleMatches(phoneOnly.profileId(), 10);
        assertThat(possible).extracting(ProfileResolver.PossibleMatch::profile)
                .contains(first, second).doesNotContain(phoneOnly.profileId());
        ProfileResolver.PossibleMatch emailOnly = possible.stream().filter(m -> m.profile().equals(first)).findFirst()
                .orElseThrow();
        assertThat(emailOnly.review().verdict()).isEqualTo(MatchPolicy.Review.COMMON_NAME);
        assertThat(emailOnly.review().against()).isEqualTo(new SourceRecordId("crm", "n1"));
        assertThat(emailOnly.record()).isEqualTo(new SourceRecordId("shop", "p"));
        assertThat(emailOnly.review().score()).isLessThan(ProbabilisticPolicy.DEFAULT_LINK_WEIGHT);
        assertThat(emailOnly.review().contributions()).extracting(Contribution::field).contains("first_name", "city");
        assertThat(emailOnly.keptApart()).isFalse();
        assertThat(possible.stream().filter(m -> m.profile().equals(second)).findFirst().orElseThrow().review()
                .verdict()).as("another phone").isEqualTo(MatchPolicy.Review.CONTRADICTING_IDENTIFIERS);
        assertThat(possible).extracting(m -> m.review().score()).isSortedAccordingTo(Collections.reverseOrder());
        assertThat(resolver.possibleMatches(phoneOnly.profileId(), 1)).hasSize(1);
    }

    /**
     * A shared surname and town make a candidate, not a possible duplicate: a profile whose fields say
     * more against one person than for is not offered to an agent, one that says more for is.
     */
    @Test
    void possibleMatchesLeaveOutProfilesTheEvidenceIsAgainst() {
        ProfileId amelia = resolver.resolve(ameliaJonesOfYork("aj")).profileId();
        ProfileId bea = resolver.resolve(beaJonesOfYork("bj")).profileId();
        // the same name in another town, with another phone: kept apart, but worth an agent's look (a move?)
        ProfileId ami = resolver.resolve(record("shop", "am", AT, List.of("+447700900222"),
                "first_name", "Amelia", "last_name", "Jones", "city", "Leeds")).profileId();
        assertThat(List.of(amelia, bea, ami)).doesNotHaveDuplicates();

        assertThat(resolver.possibleMatches(amelia, 10)).extracting(ProfileResolver.PossibleMatch::profile)
                .contains(ami).doesNotContain(bea);
        assertThat(resolver.possibleMatches(amelia, 10)).allSatisfy(m -> assertThat(m.review().score())
                .isGreaterThanOrEqualTo(ProfileResolver.POSSIBLE_MATCH_FLOOR));
        assertThat(resolver.candidates(ameliaJonesOfYork("aj")))
                .as("Bea is a candidate all the same").extracting(c -> c.profile().id()).contains(bea);
    }

    /** Two women of one surname and town, nothing else in common: namesakes, not one person. */
    private static CustomerRecord ameliaJonesOfYork(String id) {
        return record("crm", id, AT, List.of("amelia.jones1@example.com", "+447700900111"),
                "first_name", "Amelia", "last_name", "Jones", "city", "York", "birth_date", "1980-01-01");
    }

    private static CustomerRecord beaJonesOfYork(String id) {
        return record("crm", id, AT, List.of("bea.jones9@example.com", "+447700900999"),
                "first_name", "Bea", "last_name", "Jones", "city", "York", "birth_date", "1950-07-07");
    }

    /**
     * An agent's keep-apart decision shows on a possible match even when the separated pair is one the
     * evidence is against: the flag is gathered from every pair before the floor looks at the best one.
     */
    @Test
    void aKeepApartDecisionShowsAlsoWhenItsPairScoresBelowTheFloor() {
        ProfileId amelia = resolver.resolve(ameliaJonesOfYork("kq")).profileId();
        ProfileId bea = resolver.resolve(beaJonesOfYork("kb")).profileId();
        // Bea's second record (her mailbox, surname and town) joins her by matching, not by a decision
        ProfileId again = resolver.resolve(record("shop", "kb2", AT, List.of("bea.jones9@example.com"),
                "last_name", "Jones", "city", "York")).profileId();
        assertThat(again).isEqualTo(bea);
        store.addCannotLink(new SourceRecordId("crm", "kb"), new SourceRecordId("crm", "kq")); // an agent's split

        assertThat(resolver.possibleMatches(bea, 10)).filteredOn(m -> m.profile().equals(amelia)).singleElement()
                .satisfies(m -> {
                    assertThat(m.record()).as("the best pair is the second record's")
                            .isEqualTo(new SourceRecordId("shop", "kb2"));
                    assertThat(m.keptApart()).as("the separated pair scores below the floor").isTrue();
                });
    }

    /**
     * A wrong merge split by an agent: the records would still link, which is what a look for duplicates
     * says, and that the agent kept them apart; a merged-away id answers for the profile it went into.
     */
    @Test
    void possibleMatchesShowWhatAnAgentKeptApart() {
        CustomerRecord a = record("crm", "a", AT, List.of("pat.lee@example.org"),
                "first_name", "Pat", "last_name", "Lee", "birth_date", "1980-01-01", "city", "Leeds");
        CustomerRecord b = record("shop", "b", AT, List.of("pat.lee@example.org"),
                "first_name", "Pat", "last_name", "Lee", "birth_date", "1980-01-01", "city", "Leeds");
        ProfileId both = resolver.resolve(a).profileId();
        assertThat(resolver.resolve(b).profileId()).isEqualTo(both);
        assertThat(resolver.possibleMatches(both, 5)).as("nothing outside the profile").isEmpty();

        SplitResult split = resolver.split(both, Set.of(b.id()));
        ProfileId moved = split.movedOut().get(0);
        ProfileId kept = store.findBySource(a.id()).orElseThrow();
        List<ProfileResolver.PossibleMatch> possible = resolver.possibleMatches(moved, 5);
        assertThat(possible).singleElement().satisfies(m -> {
            assertThat(m.profile()).isEqualTo(kept);
            assertThat(m.review().verdict()).isEqualTo(MatchPolicy.Review.LINKS);
            assertThat(m.keptApart()).isTrue();
        });

        // the first namesakes of a city link (nobody else carries the name there yet); split, they are still
        // what a new arrival would join: the profile asked about does not make its own name common
        ProfileId withEmail = resolver.resolve(record("crm", "e", AT, List.of("amelia.williams" + number(7) + "@example.com"),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB")).profileId();
        CustomerRecord withPhone = record("shop", "t", AT, List.of("+44770090" + number(8)),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB");
        assertThat(resolver.resolve(withPhone).profileId()).isEqualTo(withEmail);
        ProfileId phoneAlone = resolver.split(withEmail, Set.of(withPhone.id())).movedOut().get(0);
        assertThat(resolver.possibleMatches(phoneAlone, 5)).singleElement().satisfies(m -> {
            assertThat(m.profile()).isEqualTo(store.findBySource(new SourceRecordId("crm", "e")).orElseThrow());
            assertThat(m.review().verdict()).isEqualTo(MatchPolicy.Review.LINKS);
            assertThat(m.keptApart()).isTrue();
        });

        CustomerRecord c = record("support", "c", AT, List.of("+447700900555"),
                "first_name", "Jo", "last_name", "Brown", "birth_date", "1990-05-05", "city", "York");
        ProfileId jo = resolver.resolve(c).profileId();
        Resolution merged = resolver.merge(kept, jo, new dev.tessera.core.model.MergeDecision("agent-1", "same person",
                Instant.parse(AT)));
        ProfileId away = merged.merged().get(0);
        assertThat(resolver.possibleMatches(away, 5)).extracting(ProfileResolver.PossibleMatch::profile)
                .containsExactly(moved);
        assertThatThrownBy(() -> resolver.possibleMatches(new ProfileId("nobody"), 5))
                .isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> resolver.possibleMatches(kept, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * An update of a record whose profile may not merge with an equally good namesake stays where it is:
     * the profile holding a record is never dropped as a guess (else the record would be written into a
     * new profile while the old one still held it).
     */
    @Test
    void anUpdateBesideAnEquallyGoodNamesakeStaysInItsProfile() {
        CustomerRecord withEmail = record("crm", "r", AT, List.of("amelia.williams" + number(1) + "@example.com"),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB");
        ProfileId home = resolver.resolve(withEmail).profileId();
        assertThat(resolver.resolve(record("shop", "t", AT, List.of("+44770090" + number(2)),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB")).profileId())
                .as("an email and a phone cannot contradict each other").isEqualTo(home);
        ProfileId other = resolver.resolve(record("support", "q", AT, List.of("+44770090" + number(3)),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB")).profileId();
        assertThat(other).as("its phone contradicts t's").isNotEqualTo(home);

        Resolution updated = resolver.resolve(record("crm", "r", "2025-02-01T00:00:00Z",
                List.of("amelia.williams" + number(1) + "@example.com"),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB"));

        assertThat(updated.profileId()).isEqualTo(home);
        assertThat(store.find(home).orElseThrow().records()).contains(withEmail.id());
        assertThat(store.find(other).orElseThrow().records()).doesNotContain(withEmail.id());
    }

    /** One side's email and the other side's phone: evidence for both, so the bridge may merge them. */
    @Test
    void aRecordWithOneNamesakesEmailAndTheOthersPhoneMergesThem() {
        ProfileId work = resolver.resolve(namesake("crm", "work", 1, "London")).profileId();
        ProfileId home = resolver.resolve(namesake("shop", "home", 2, "London")).profileId();
        assertThat(home).isNotEqualTo(work);

        Resolution bridge = resolver.resolve(record("support", "both", AT,
                List.of("amelia.williams" + number(1) + "@example.com", "+44770090" + number(2)),
                "first_name", "Amelia", "last_name", "Williams", "city", "London", "country", "GB"));

        assertThat(bridge.outcome()).isEqualTo(Outcome.MERGED);
        assertThat(store.findBySource(new SourceRecordId("crm", "work"))).contains(bridge.profileId());
        assertThat(store.findBySource(new SourceRecordId("shop", "home"))).contains(bridge.profileId());
    }

    private static CustomerRecord namesake(String source, String id, int n, String city) {
        return record(source, id, AT, List.of("amelia.williams" + number(n) + "@example.com", "+44770090" + number(n)),
                "first_name", "Amelia", "last_name", "Williams", "city", city, "country", "GB");
    }

    /** Numbers far apart (no two within one typo of each other), as row numbers of a big CRM are. */
    private static int number(int n) {
        return 1000 + 137 * n;
    }

    // ---- 4. chaining

    /**
     * A and C are clearly different people (every field disagrees: about -28 bits, far below the veto of
     * -12). B is a contact record carrying one email of each (A's and C's), nothing else: B~A and B~C both
     * score about +12, above the link weight.
     */
    private static final CustomerRecord CHAIN_A = record("crm", "A", AT,
            List.of("anna.kowalski@gmail.com", "07700 900001"), "first_name", "Anna", "last_name", "Kowalski",
            "birth_date", "1981-04-02", "street", "5 Birch Close", "postcode", "OX1 2JD", "city", "Oxford");
    private static final CustomerRecord CHAIN_B = record("shop", "B", AT,
            List.of("anna.kowalski@gmail.com", "dheath@outlook.com"));
    private static final CustomerRecord CHAIN_C = record("support", "C", AT,
            List.of("dheath@outlook.com", "07700 900002"), "first_name", "David", "last_name", "Heath",
            "birth_date", "1959-12-30", "street", "90 King Street", "postcode", "NE1 6AB", "city", "Newcastle");

    @Test
    void theChainRecordsAreDesignedAsIntended() {
        MatchModel model = MatchModel.defaults();
        assertThat(model.score(CHAIN_A, CHAIN_B).matchWeight()).isGreaterThanOrEqualTo(6);
        assertThat(model.score(CHAIN_B, CHAIN_C).matchWeight()).isGreaterThanOrEqualTo(6);
        assertThat(model.score(CHAIN_A, CHAIN_C).matchWeight()).isLessThan(ProbabilisticPolicy.DEFAULT_VETO_WEIGHT);
    }

    static Stream<Arguments> bridgeNotLast() {
        return Stream.of(Arguments.of("ABC"), Arguments.of("BAC"), Arguments.of("BCA"), Arguments.of("CBA"));
    }

    static Stream<Arguments> allOrders() {
        return Stream.of("ABC", "ACB", "BAC", "BCA", "CAB", "CBA").map(Arguments::of);
    }

    @ParameterizedTest(name = "arrival order {0}")
    @MethodSource("bridgeNotLast")
    void theVetoKeepsAAndCApartWhenTheBridgeArrivesBeforeOneOfThem(String order) {
        assertChainNotMerged(order);
    }

    @ParameterizedTest(name = "arrival order {0}")
    @MethodSource("allOrders")
    void theVetoKeepsAAndCApartWhateverTheArrivalOrder(String order) {
        assertChainNotMerged(order);
    }

    private void assertChainNotMerged(String order) {
        Map<Character, CustomerRecord> chain = Map.of('A', CHAIN_A, 'B', CHAIN_B, 'C', CHAIN_C);
        for (char c : order.toCharArray()) {
            resolver.resolve(chain.get(c));
        }
        ProfileId a = store.findBySource(CHAIN_A.id()).orElseThrow();
        ProfileId b = store.findBySource(CHAIN_B.id()).orElseThrow();
        ProfileId c = store.findBySource(CHAIN_C.id()).orElseThrow();
        assertThat(a).as("A and C in one profile after order " + order).isNotEqualTo(c);
        if (order.endsWith("B")) {
            // B carries one email of each and scores alike against both: evidence for neither, so it does
            // not put C's mailbox into A's profile (or A's into C's) but stays on its own
            assertThat(b).as("B, arriving last, joined neither").isNotIn(a, c);
        } else {
            assertThat(b).as("B joined one of them").isIn(a, c);
        }
        assertThat(store.find(a).orElseThrow().records()).doesNotContain(CHAIN_C.id());
    }

    /**
     * A case found in the synthetic set (people p127, p169, p204 of {@code SyntheticCustomers.generate(300, 42)},
     * p169's third record left out as redundant): three men called Lars in Melbourne. {@code shop:p169} is a
     * sparse record of Lars Öberg (no birth date, no email or phone) that scores above the link weight against
     * Lars Hughes of 93 High Lane (+6.02: same given name, city and street name) and against the other Lars
     * Öberg, born 1954 (+8.00), while those two score -13.69 against each other, below the veto. Which of them
     * ends up with Öberg depends on who arrived first; when the sparse record arrives after both, all merge.
     */
    private static final List<CustomerRecord> THREE_LARS = List.of(
            record("crm", "p127", AT, List.of("lars.hughes132@gmail.com", "+447700947159"), "birth_date", "1947-01-20",
                    "city", "Melbourne", "first_name", "Lars", "last_name", "Hughes", "postcode", "WV10 5CJ",
                    "street", "93 High Lane"),
            record("crm", "p169", AT, List.of("lars.oberg634@gmail.com", "+447700978775"), "birth_date", "2002-08-04",
                    "city", "Melbourne", "first_name", "Lars", "last_name", "Öberg", "postcode", "RH10 2ZD",
                    "street", "1 High Lane"),
            record("shop", "p169", AT, List.of(), "city", "Melbourne", "first_name", "Lars", "last_name", "Oeberg",
                    "postcode", "RH10 2ZD", "street", "1 High Lane"),
            record("crm", "p204", AT, List.of("lars.oberg991@yahoo.co.uk", "+447700966017"), "birth_date", "1954-09-11",
                    "city", "Melbourne", "first_name", "Lars", "last_name", "Öberg", "postcode", "PK2 3HH",
                    "street", "29 Tullaroop Lane"));

    @Test
    @Disabled("bug: clustering depends on arrival order (as of 2026-11-29). No order merges all three any more "
            + "(the first assertion holds), but the sparse record shop:p169 joins whichever Lars arrived before its "
            + "best match crm:p169 (+8.00): in 8 of 24 orders it ends with crm:p204 (+6.02) or with Hughes crm:p127, "
            + "and stays there, since incremental resolution never moves a record once placed. A fix would place a "
            + "profile's records again when a better match for one of them arrives")
    void theClusteringOfAVetoedChainDoesNotDependOnArrivalOrder() {
        Map<Set<Set<SourceRecordId>>, List<String>> outcomes = new HashMap<>();
        List<String> hughesWithTheOtherOeberg = new ArrayList<>();
        for (List<Integer> order : permutations(THREE_LARS.size())) {
            redis.commands().flushall();
            order.forEach(i -> resolver.resolve(THREE_LARS.get(i)));
            Map<ProfileId, Set<SourceRecordId>> byProfile = new TreeMap<>();
            THREE_LARS.forEach(r -> byProfile.computeIfAbsent(store.findBySource(r.id()).orElseThrow(),
                    k -> new TreeSet<>()).add(r.id()));
            String names = order.stream().map(i -> THREE_LARS.get(i).id().key()).toList().toString();
            outcomes.computeIfAbsent(Set.copyOf(byProfile.values()), k -> new ArrayList<>()).add(names);
            if (store.findBySource(THREE_LARS.get(0).id()).equals(store.findBySource(THREE_LARS.get(3).id()))) {
                hughesWithTheOtherOeberg.add(names);
            }
        }
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(hughesWithTheOtherOeberg.size()).as("orders (of 24) that put Hughes and the Öberg born "
                + "1954 together, e.g. " + hughesWithTheOtherOeberg.stream().limit(3).toList()).isZero();
        soft.assertThat(outcomes.keySet()).as("distinct clusterings over all 24 orders, e.g. "
                + outcomes.entrySet().stream().map(e -> e.getKey() + " after " + e.getValue().get(0)
                        + " (" + e.getValue().size() + " orders)").toList()).hasSize(1);
        soft.assertAll();
    }

    private static List<List<Integer>> permutations(int n) {
        List<List<Integer>> out = new ArrayList<>();
        permute(new ArrayList<>(), n, out);
        return out;
    }

    private static void permute(List<Integer> prefix, int n, List<List<Integer>> out) {
        if (prefix.size() == n) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!prefix.contains(i)) {
                prefix.add(i);
                permute(prefix, n, out);
                prefix.remove(prefix.size() - 1);
            }
        }
    }

    // ---- 5. idempotency and late versions

    @Test
    void theSameRecordTwiceIsUnchanged() {
        CustomerRecord robert = record("crm", "1", AT, List.of("robert.mueller@gmail.com"),
                "first_name", "Robert", "last_name", "Müller", "birth_date", "1980-03-14", "city", "London");
        CustomerRecord bob = record("shop", "2", AT, List.of(),
                "first_name", "Bob", "last_name", "Mueller", "birth_date", "1980-03-14", "city", "London");
        Resolution first = resolver.resolve(robert);
        assertThat(resolver.resolve(robert).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(store.find(first.profileId()).orElseThrow().version()).isEqualTo(1);

        assertThat(resolver.resolve(bob).outcome()).isEqualTo(Outcome.LINKED);
        Resolution again = resolver.resolve(bob);
        Resolution robertAgain = resolver.resolve(robert);

        assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(robertAgain.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(again.profileId()).isEqualTo(first.profileId());
        assertThat(store.find(first.profileId()).orElseThrow().version()).isEqualTo(2);
        assertThat(store.find(first.profileId()).orElseThrow().records()).containsExactly(robert.id(), bob.id());
        assertThat(store.links(first.profileId()).get(bob.id()).rule()).isEqualTo("probabilistic");
    }

    @Test
    void anOlderVersionArrivingAfterTheNewerDoesNotOverwriteIt() {
        CustomerRecord newer = record("crm", "1", "2025-03-01T00:00:00Z", List.of("robert.mueller@gmail.com"),
                "first_name", "Robert", "last_name", "Müller", "birth_date", "1980-03-14", "city", "York");
        CustomerRecord older = record("crm", "1", "2025-01-01T00:00:00Z", List.of("robert.mueller@gmail.com"),
                "first_name", "Robert", "last_name", "Müller", "birth_date", "1980-03-14", "city", "Leeds");

        ProfileId id = resolver.resolve(newer).profileId();
        Resolution late = resolver.resolve(older);

        assertThat(late.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(late.profileId()).isEqualTo(id);
        assertThat(store.find(id).orElseThrow().golden().get("city").value()).isEqualTo("York");
        assertThat(store.records(id)).containsExactly(newer);
    }

    @Test
    void anOlderCopyOfAHeldRecordMergesNothingOnTheDataItNoLongerHas() {
        // crm:1 was Jonathan Smith in January and is Maria Garcia (no contacts) since February; January's copy
        // arrives again after Jonathan's shop record: it would merge Maria's profile with Jonathan's
        CustomerRecord maria = record("crm", "1", "2025-02-01T00:00:00Z", List.of(), "first_name", "Maria",
                "last_name", "Garcia");
        CustomerRecord shop = record("shop", "9", "2025-01-01T00:00:00Z", List.of("jon.smith77@gmail.com", "07700 900321"),
                "first_name", "Jonathan", "last_name", "Smith", "birth_date", "1975-02-03", "city", "York");
        CustomerRecord january = record("crm", "1", "2025-01-01T00:00:00Z", List.of("jon.smith77@gmail.com"),
                "first_name", "Jonathan", "last_name", "Smith", "birth_date", "1975-02-03", "city", "York");
        ProfileId marias = resolver.resolve(maria).profileId();
        ProfileId jonathans = resolver.resolve(shop).profileId();

        Resolution late = resolver.resolve(january);

        assertThat(late.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(late.profileId()).isEqualTo(marias);
        assertThat(store.find(marias).orElseThrow().records()).containsExactly(maria.id());
        assertThat(store.find(jonathans).orElseThrow().records()).containsExactly(shop.id());
    }

    @Test
    void aBrowsersAnonymousIdSharedByTwoPeopleJoinsNoOneTheVetoSeparates() {
        // one device, two people: the anonymous id every web record of that browser carries is evidence, not proof
        Identifier device = new Identifier(IdentifierType.EXTERNAL_ID, "segment-anon:dev-123");
        CustomerRecord annaCrm = record("crm", "7", "2025-01-01T00:00:00Z", List.of("anna.kowalski@gmail.com", "07700 900001"),
                "first_name", "Anna", "last_name", "Kowalski", "birth_date", "1981-04-02", "street", "5 Birch Close",
                "postcode", "OX1 2JD", "city", "Oxford");
        CustomerRecord annaWeb = withIdentifier(record("web", "anna", "2025-01-02T00:00:00Z",
                List.of("anna.kowalski@gmail.com"), "first_name", "Anna", "last_name", "Kowalski"), device);
        CustomerRecord davidCrm = record("crm", "8", "2025-01-01T00:00:00Z", List.of("dheath@outlook.com", "07700 900002"),
                "first_name", "David", "last_name", "Heath", "birth_date", "1959-12-30", "street", "90 King Street",
                "postcode", "NE1 6AB", "city", "Newcastle");
        CustomerRecord davidWeb = withIdentifier(record("web", "david", "2025-01-03T00:00:00Z", List.of("dheath@outlook.com"),
                "first_name", "David", "last_name", "Heath", "birth_date", "1959-12-30", "city", "Newcastle"), device);
        ProfileId annas = resolver.resolve(annaCrm).profileId();
        assertThat(resolver.resolve(annaWeb).profileId()).isEqualTo(annas);
        ProfileId davids = resolver.resolve(davidCrm).profileId();

        assertThat(resolver.resolve(davidWeb).profileId()).isEqualTo(davids);
        assertThat(store.find(annas).orElseThrow().records()).containsExactlyInAnyOrder(annaCrm.id(), annaWeb.id());
    }

    @Test
    void aRecordLikeTwoPeopleAnAgentSeparatedAboutEquallyJoinsNeither() {
        CustomerRecord jake = twin("crm", "jake", "Jake", "jake.turner@gmail.com");
        CustomerRecord josh = twin("shop", "josh", "Josh", "joshturner99@outlook.com");
        ProfileId merged = resolver.resolve(jake).profileId();
        resolver.resolve(josh);
        SplitResult split = resolver.split(merged, Set.of(josh.id()));
        // only the surname, birth date and address: as much Jake's as Josh's
        CustomerRecord bare = record("post", "1", "2025-01-05T00:00:00Z", List.of(),
                "last_name", "Turner", "birth_date", "1999-07-01", "street", "8 Mill Lane", "postcode", "YO1 7HH",
                "city", "York");

        ProfileId home = resolver.resolve(bare).profileId();

        assertThat(home).isNotIn(split.remaining().get(0), split.movedOut().get(0));
    }

    /** One of the Turner twins: same surname, birth date and address, their own given name and mailbox. */
    private static CustomerRecord twin(String source, String id, String firstName, String email) {
        return record(source, id, AT, List.of(email), "first_name", firstName, "last_name", "Turner",
                "birth_date", "1999-07-01", "street", "8 Mill Lane", "postcode", "YO1 7HH", "city", "York");
    }

    private static CustomerRecord withIdentifier(CustomerRecord record, Identifier identifier) {
        List<Identifier> identifiers = new ArrayList<>(record.identifiers());
        identifiers.add(identifier);
        return new CustomerRecord(record.id(), record.observedAt(), identifiers, record.attributes());
    }

    /**
     * Anna marries and moves: her CRM record's new version is filed under her new name and address, and her
     * profile leaves the blocks of the old ones that no record of it has any more (the shop record still
     * carries her old postcode: that block keeps her). Stale entries would fill blocks past the size limit
     * that makes a block unread, and cost a candidate lookup each.
     */
    @Test
    void anUpdatedRecordTakesItsProfileOutOfTheBlocksOfWhatItNoLongerSays() {
        CustomerRecord before = record("crm", "anna", AT, List.of("anna.berg@example.com"), "first_name", "Anna",
                "last_name", "Berg", "birth_date", "1990-03-04", "street", "12 Elm Road", "postcode", "CB1 2AB",
                "city", "Cambridge");
        CustomerRecord shop = record("shop", "anna-s", AT, List.of("anna.berg@example.com"), "first_name", "Anna",
                "last_name", "Berg", "postcode", "CB1 2AB");
        ProfileId anna = resolver.resolve(before).profileId();
        assertThat(resolver.resolve(shop).profileId()).isEqualTo(anna);
        CustomerRecord after = record("crm", "anna", "2025-06-01T00:00:00Z", List.of("anna.berg@example.com"),
                "first_name", "Anna", "last_name", "Lindqvist", "birth_date", "1990-03-04", "street",
                "3 Harbour View", "postcode", "PL1 3DE", "city", "Plymouth");

        assertThat(resolver.resolve(after)).isEqualTo(new Resolution(anna, Resolution.Outcome.UPDATED, List.of()));

        java.util.Set<String> kept = filedOnlyUnderWhatItHolds("", anna, List.of(), before, after, shop);
        // a profile that changed since keeps its entries: a record written meanwhile may have the key
        String anyKept = kept.iterator().next();
        assertThat(store.unindexStaleBlocks(anna, 1, List.of(anyKept))).isFalse();
        assertThat(store.findByBlock(anyKept, 1000)).contains(anna);
    }

    /**
     * A record's source index entry is gone (lost, or never written by a process that stopped), and its new
     * version shares only a block with the old one: the profile that lists it still takes the update (and
     * the entry is written again), instead of a second profile getting a second copy of the record.
     */
    @Test
    void aProfileListingTheRecordKeepsItsUpdateWithoutTheSourceEntry() {
        CustomerRecord before = record("crm", "kim", AT, List.of("kim.lee@example.com"), "first_name", "Kim",
                "last_name", "Lee", "birth_date", "1984-05-06", "street", "4 Quay Road", "postcode", "BS1 4QA",
                "city", "Bristol");
        ProfileId kim = resolver.resolve(before).profileId();
        redis.commands().del(store.namespace().source(before.id()));
        CustomerRecord after = record("crm", "kim", "2025-06-01T00:00:00Z", List.of("k.okafor@mail.example"),
                "first_name", "Kimberly", "last_name", "Okafor", "birth_date", "1984-05-06", "street",
                "9 Harbour Walk", "postcode", "BS1 4QA", "city", "Bristol");

        Resolution updated = resolver.resolve(after);

        assertThat(updated).isEqualTo(new Resolution(kim, Outcome.UPDATED, List.of()));
        assertThat(store.profileIds()).containsExactly(kim);
        assertThat(store.findBySource(before.id())).contains(kim);
    }

    /**
     * Anna's updated CRM record (new surname, new address, her new email) also meets the shop profile her new
     * name was already under: the two profiles merge, whichever is the older. The merged profile is filed
     * under her record as it is now, not under the old surname and address, in both orders: when her old
     * record was the survivor's own and when it came from the profile absorbed.
     */
    @Test
    void anUpdateThatMergesLeavesNoProfileInTheBlocksOfWhatTheRecordNoLongerSays() {
        for (boolean crmFirst : new boolean[] {true, false}) {
            String tag = crmFirst ? "a" : "b";
            String firstName = crmFirst ? "Anna" : "Maria"; // the second pair is other people
            CustomerRecord before = record("crm", "anna-" + tag, AT, List.of("anna.berg." + tag + "@example.com"),
                    "first_name", firstName, "last_name", "Berg", "birth_date", "1990-03-04", "street", "12 Elm Road",
                    "postcode", "CB1 2AB", "city", "Cambridge");
            CustomerRecord shop = record("shop", "anna-l-" + tag, AT, List.of("anna.lindqvist." + tag + "@example.com"),
                    "first_name", firstName, "last_name", "Lindqvist", "birth_date", "1990-03-04", "street",
                    "3 Harbour View", "postcode", "PL1 3DE", "city", "Plymouth");
            ProfileId first = resolver.resolve(crmFirst ? before : shop).profileId();
            ProfileId second = resolver.resolve(crmFirst ? shop : before).profileId();
            assertThat(second).as("two profiles before the update").isNotEqualTo(first);
            CustomerRecord after = record("crm", "anna-" + tag, "2025-06-01T00:00:00Z",
                    List.of("anna.berg." + tag + "@example.com", "anna.lindqvist." + tag + "@example.com"),
                    "first_name", firstName, "last_name", "Lindqvist", "birth_date", "1990-03-04", "street",
                    "3 Harbour View", "postcode", "PL1 3DE", "city", "Plymouth");

            Resolution merged = resolver.resolve(after);

            assertThat(merged.outcome()).as(tag).isEqualTo(Resolution.Outcome.MERGED);
            assertThat(merged.profileId()).as("the older profile survives").isEqualTo(first);
            filedOnlyUnderWhatItHolds(tag + " ", first, List.of(second), before, after, shop);
        }
    }

    /**
     * Asserts that {@code profile} is in the blocks of {@code now} (the records it holds) and in none of the
     * keys only {@code before} had, and that none of {@code elsewhere} is in any of them; answers the keys kept.
     */
    private java.util.Set<String> filedOnlyUnderWhatItHolds(String tag, ProfileId profile, List<ProfileId> elsewhere,
            CustomerRecord before, CustomerRecord... now) {
        MatchPolicy policy = resolver.policy();
        java.util.Set<String> kept = new java.util.TreeSet<>();
        for (CustomerRecord r : now) {
            kept.addAll(policy.blockingKeys(r));
        }
        java.util.Set<String> gone = new java.util.TreeSet<>(policy.blockingKeys(before));
        gone.removeAll(kept);
        assertThat(gone).as("the old surname and address had keys of their own").isNotEmpty();
        List<ProfileId> nowhere = new java.util.ArrayList<>(elsewhere);
        nowhere.add(profile);
        gone.forEach(key -> assertThat(store.findByBlock(key, 1000)).as(tag + key)
                .doesNotContainAnyElementsOf(nowhere));
        kept.forEach(key -> {
            assertThat(store.findByBlock(key, 1000)).as(tag + key).contains(profile);
            elsewhere.forEach(other -> assertThat(store.findByBlock(key, 1000)).as(tag + key).doesNotContain(other));
        });
        return kept;
    }

    // ---- 7. a split holds against the same data arriving again

    /**
     * Twins: same surname, birth date and address, different given names and mailboxes. The model links them
     * (about +14 bits: the birth date alone weighs 13), which is the wrong merge an agent undoes.
     */
    @Test
    void aSplitMadeWithTheProbabilisticPolicyHoldsWhenTheSameRecordsArriveAgain() {
        CustomerRecord jake = twin("crm", "jake", "Jake", "jake.turner@gmail.com");
        CustomerRecord josh = twin("shop", "josh", "Josh", "joshturner99@outlook.com");
        ProfileId merged = resolver.resolve(jake).profileId();
        assertThat(resolver.resolve(josh).profileId()).isEqualTo(merged);
        assertThat(store.links(merged).get(josh.id()).rule()).isEqualTo("probabilistic");

        SplitResult split = resolver.split(merged, Set.of(josh.id()));

        ProfileId jakes = split.remaining().get(0);
        ProfileId joshs = split.movedOut().get(0);
        assertThat(jakes).isNotEqualTo(joshs);
        assertThat(store.find(merged).orElseThrow().id()).isEqualTo(jakes);

        // the same records again, a newer version of each, and a third record of Josh
        resolver.resolve(josh);
        resolver.resolve(jake);
        resolver.resolve(withCity(josh, "2025-06-01T00:00:00Z", "York "));
        resolver.resolve(withCity(jake, "2025-06-01T00:00:00Z", "YORK"));
        CustomerRecord joshAgain = record("support", "j3", AT, List.of("joshturner99@outlook.com"),
                "first_name", "Josh", "last_name", "Turner", "birth_date", "1999-07-01",
                "street", "8 Mill Lane", "postcode", "YO1 7HH", "city", "York");
        Resolution third = resolver.resolve(joshAgain);

        assertThat(store.findBySource(jake.id())).contains(jakes);
        assertThat(store.findBySource(josh.id())).contains(joshs);
        assertThat(third.profileId()).isEqualTo(joshs);
        assertThat(store.find(jakes).orElseThrow().records()).containsExactly(jake.id());
        assertThat(store.find(joshs).orElseThrow().records()).containsExactlyInAnyOrder(josh.id(), joshAgain.id());
        assertThat(new ProfileExplainer(store).explain(jakes).orElseThrow().records().get(0).separatedFrom())
                .containsExactly(josh.id());
    }

    // ---- 6. the same clustering with 1, 4 and 16 threads

    @Test
    @Timeout(120)
    void oneFourAndSixteenThreadsEndInTheSameClustering() throws Exception {
        List<CustomerRecord> records = fake1000AndSynthetic(150, 42);

        Set<Set<SourceRecordId>> sequential = clustering(records, 1);
        List<CustomerRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(20251125));
        RedisTestSupport.flush();
        Set<Set<SourceRecordId>> four = clustering(shuffled, 4);
        Collections.shuffle(shuffled, new Random(7));
        RedisTestSupport.flush();
        Set<Set<SourceRecordId>> sixteen = clustering(shuffled, 16);

        // a real clustering, not everything apart or together
        assertThat(sequential.size()).isBetween(records.size() / 5, records.size() - 50);
        assertThat(difference(four, sequential)).as("4 threads vs sequential").isEmpty();
        assertThat(difference(sixteen, sequential)).as("16 threads vs sequential").isEmpty();
    }

    @Test
    @Timeout(120)
    void batchesEndInTheSameClusteringAsOneRecordAtATime() throws Exception {
        // in file order: a person's records sit side by side, so batches hold records that belong together
        List<CustomerRecord> records = fake1000AndSynthetic(150, 42);
        records.add(records.get(0)); // the same record twice in one batch
        records.add(records.get(1));

        Set<Set<SourceRecordId>> sequential = clustering(records, 1);
        RedisTestSupport.flush();
        Set<Set<SourceRecordId>> batched = clustering(records, 1, RedisTestCluster.defaultAccess(), 16);
        List<CustomerRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(5));
        RedisTestSupport.flush();
        Set<Set<SourceRecordId>> batchedOnFourThreads = clustering(shuffled, 4, RedisTestCluster.defaultAccess(), 32);

        assertThat(sequential.size()).isBetween(records.size() / 5, records.size() - 50);
        assertThat(difference(batched, sequential)).as("batches of 16 vs one at a time").isEmpty();
        assertThat(difference(batchedOnFourThreads, sequential)).as("4 threads, batches of 32").isEmpty();
    }

    @Test
    void inABatchTheLaterOfTwoRowsOfARecordWinsAlsoWhenTheFirstIsUnchanged() {
        CustomerRecord stored = anna("crm", "1", "Hauptstr. 5");
        resolver.resolve(stored);
        CustomerRecord moved = anna("crm", "1", "Ringstr. 9"); // same observed-at, as rows of one file
        CustomerRecord bob = record("crm", "2", AT, List.of("bob@example.org"), "first_name", "Bob",
                "last_name", "Meyer", "birth_date", "1966-11-12", "city", "Munich", "country", "DE");

        List<Resolution> resolutions = resolver.resolveAll(List.of(stored, bob, moved));

        assertThat(resolutions).extracting(Resolution::outcome)
                .containsExactly(Resolution.Outcome.UNCHANGED, Resolution.Outcome.CREATED, Resolution.Outcome.UPDATED);
        ProfileId anna = store.findBySource(stored.id()).orElseThrow();
        assertThat(store.records(anna)).singleElement().isEqualTo(moved);
    }

    @Test
    void aBatchAnswersForEachRecordInOrder() {
        CustomerRecord first = anna("crm", "1", "Hauptstr. 5");
        CustomerRecord again = anna("crm", "1", "Hauptstr. 5");
        CustomerRecord bob = record("crm", "2", AT, List.of("bob@example.org"), "first_name", "Bob",
                "last_name", "Meyer", "birth_date", "1966-11-12", "city", "Munich", "country", "DE");
        CustomerRecord sameAnna = anna("shop", "7", "Hauptstrasse 5");

        List<Resolution> resolutions = resolver.resolveAll(List.of(first, bob, again, sameAnna));

        assertThat(resolutions).hasSize(4);
        ProfileId anna = store.findBySource(first.id()).orElseThrow();
        assertThat(resolutions.get(0).profileId()).isEqualTo(anna);
        assertThat(resolutions.get(1).profileId()).isEqualTo(store.findBySource(bob.id()).orElseThrow())
                .isNotEqualTo(anna);
        assertThat(resolutions.get(2).profileId()).isEqualTo(anna);
        assertThat(resolutions.get(3).profileId()).isEqualTo(anna);
        assertThat(store.find(anna).orElseThrow().records()).containsExactlyInAnyOrder(first.id(), sameAnna.id());
    }

    @Test
    @Timeout(120)
    void scriptedAndPerKeyAccessEndInTheSameClustering() throws Exception {
        RedisTestCluster.assumeSingleNode("compares the single node's scripts with the cluster's per-key path");
        List<CustomerRecord> records = fake1000AndSynthetic(100, 11);
        Collections.shuffle(records, new Random(3));

        Set<Set<SourceRecordId>> scripted = clustering(records, 4, ProfileStore.Access.SCRIPTS);
        RedisTestSupport.flush();
        // the path used on Redis Cluster, run here against a single node: same layout, same decisions
        Set<Set<SourceRecordId>> perKey = clustering(records, 4, ProfileStore.Access.COMMANDS);

        assertThat(scripted.size()).isBetween(records.size() / 5, records.size() - 50);
        assertThat(difference(perKey, scripted)).as("per-key vs scripted").isEmpty();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(ProfileStore.Access.class)
    void anEmailThousandsCarryIsNoLeadButItsPeopleAreStillFoundByName(ProfileStore.Access access) {
        RedisTestCluster.assumeAvailable(access);
        RedisTestSupport.flush();
        ProfileResolver own = newResolver(new ProfileStore(redis, RedisKeys.Namespace.DEFAULT, access));
        int limit = ProfileStore.sharedIdentifierLimit(IdentitySettings.defaults().maxBlock());
        // the CRM's placeholder for "no email": distinct people, names of random letters (no two alike)
        java.util.Random letters = new java.util.Random(42);
        List<String> names = new ArrayList<>();
        while (names.size() < 2 * (limit + 1)) {
            StringBuilder name = new StringBuilder().append((char) ('A' + letters.nextInt(26)));
            for (int k = 0; k < 7; k++) {
                name.append((char) ('a' + letters.nextInt(26)));
            }
            names.add(name.toString());
        }
        java.util.function.IntFunction<String> given = n -> names.get(2 * n);
        java.util.function.IntFunction<String> family = n -> names.get(2 * n + 1);
        java.util.function.IntFunction<String> birth = n -> java.time.LocalDate.of(1940, 1, 1).plusDays(97L * n).toString();
        for (int n = 0; n <= limit; n++) {
            own.resolve(record("crm", "p" + n, AT, List.of("noemail@example.com"), "first_name", given.apply(n),
                    "last_name", family.apply(n), "birth_date", birth.apply(n)));
        }
        assertThat(store.findByIdentifier(IDS.email("noemail@example.com").orElseThrow())).hasSize(limit + 1);

        CustomerRecord stranger = record("web", "s1", AT, List.of("noemail@example.com"),
                "first_name", "Zed", "last_name", "Zulu", "birth_date", "1999-12-31");
        assertThat(own.candidates(stranger)).as("no candidate through the placeholder").isEmpty();
        // one of them again, through another source: found by name and birth date, not by the address
        CustomerRecord again = record("shop", "x7", AT, List.of("noemail@example.com"),
                "first_name", given.apply(7), "last_name", family.apply(7), "birth_date", birth.apply(7));
        assertThat(own.candidates(again)).extracting(c -> c.profile().records())
                .contains(List.of(new SourceRecordId("crm", "p7")));
        assertThat(own.resolve(again).profileId()).isEqualTo(store.findBySource(new SourceRecordId("crm", "p7")).orElseThrow());
    }

    @Test
    void aProfileChangedThroughAnotherConnectionIsNotServedStaleFromTheCache() {
        ProfileId id = resolver.resolve(anna("crm", "1", "Hauptstr. 5")).profileId();
        // this store has now decoded (and cached) the profile as it is with one record
        assertThat(resolver.candidates(anna("web", "9", "Hauptstr. 5"))).singleElement()
                .satisfies(c -> assertThat(c.records()).hasSize(1));

        try (RedisConnection other = RedisTestSupport.connect()) {
            newResolver(new ProfileStore(other)).resolve(anna("shop", "2", "Hauptstrasse 5"));
        }

        assertThat(resolver.candidates(anna("web", "9", "Hauptstr. 5"))).singleElement().satisfies(c -> {
            assertThat(c.profile().id()).isEqualTo(id);
            assertThat(c.records()).extracting(CustomerRecord::id)
                    .containsExactly(new SourceRecordId("crm", "1"), new SourceRecordId("shop", "2"));
        });
    }

    @Test
    void whatTheStoreRemembersOfItsOwnWritesIsWhatRedisHolds() {
        // created, then linked (written over the remembered version), then updated with a newer copy
        resolver.resolve(anna("crm", "1", "Hauptstr. 5"));
        resolver.resolve(anna("shop", "2", "Hauptstrasse 5"));
        CustomerRecord newer = record("crm", "1", "2025-02-01T00:00:00Z", List.of("anna.schmidt@example.org"),
                "first_name", "Anna", "last_name", "Schmidt", "birth_date", "1980-02-03", "street", "Hauptstr. 5",
                "city", "Berlin", "postcode", "10115", "country", "DE");
        resolver.resolve(newer);

        Candidate remembered = resolver.candidates(anna("web", "9", "Hauptstr. 5")).get(0);
        try (RedisConnection other = RedisTestSupport.connect()) {
            Candidate decoded = newResolver(new ProfileStore(other)).candidates(anna("web", "9", "Hauptstr. 5")).get(0);
            assertThat(remembered.profile()).isEqualTo(decoded.profile());
            assertThat(remembered.records()).isEqualTo(decoded.records());
            assertThat(decoded.records()).hasSize(2).anySatisfy(r -> assertThat(r).isEqualTo(newer));
        }
    }

    private static CustomerRecord anna(String source, String id, String street) {
        return record(source, id, AT, List.of(), "first_name", "Anna", "last_name", "Schmidt", "birth_date",
                "1980-02-03", "street", street, "city", "Berlin", "postcode", "10115", "country", "DE");
    }

    private Set<Set<SourceRecordId>> clustering(List<CustomerRecord> records, int threads) throws Exception {
        return clustering(records, threads, RedisTestCluster.defaultAccess());
    }

    private Set<Set<SourceRecordId>> clustering(List<CustomerRecord> records, int threads, ProfileStore.Access access)
            throws Exception {
        return clustering(records, threads, access, 1);
    }

    /** With {@code batch} > 1 each thread hands its records to {@code resolveAll} that many at a time. */
    private Set<Set<SourceRecordId>> clustering(List<CustomerRecord> records, int threads, ProfileStore.Access access,
            int batch) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<RedisConnection> connections = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int slot = t;
                futures.add(pool.submit(() -> {
                    RedisConnection connection = RedisTestSupport.connect();
                    connections.add(connection);
                    ProfileResolver own = newResolver(new ProfileStore(connection, RedisKeys.Namespace.DEFAULT, access));
                    List<CustomerRecord> mine = new ArrayList<>();
                    for (int i = slot; i < records.size(); i += threads) {
                        mine.add(records.get(i));
                    }
                    for (int from = 0; from < mine.size(); from += batch) {
                        List<CustomerRecord> chunk = mine.subList(from, Math.min(mine.size(), from + batch));
                        if (batch == 1) {
                            own.resolve(chunk.get(0));
                        } else {
                            assertThat(own.resolveAll(chunk)).hasSize(chunk.size());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
            connections.forEach(RedisConnection::close);
        }
        Map<ProfileId, Set<SourceRecordId>> byProfile = new TreeMap<>();
        for (CustomerRecord record : records) {
            ProfileId id = store.findBySource(record.id()).orElseThrow();
            byProfile.computeIfAbsent(id, k -> new TreeSet<>()).add(record.id());
        }
        // every index entry agrees with the profile documents
        byProfile.forEach((id, members) -> assertThat(store.find(id).orElseThrow().records())
                .containsExactlyInAnyOrderElementsOf(members));
        return byProfile.values().stream().map(Set::copyOf).collect(Collectors.toSet());
    }

    /** Clusters of {@code actual} that {@code expected} does not have, readable in a failure message. */
    private static List<String> difference(Set<Set<SourceRecordId>> actual, Set<Set<SourceRecordId>> expected) {
        List<String> out = new ArrayList<>();
        for (Set<SourceRecordId> cluster : actual) {
            if (!expected.contains(cluster)) {
                List<Set<SourceRecordId>> there = expected.stream()
                        .filter(e -> e.stream().anyMatch(cluster::contains)).toList();
                out.add(new TreeSet<>(cluster) + " was " + there.stream().map(TreeSet::new).toList());
            }
        }
        return out;
    }

    // ---- data

    /** {@code ../shared/data} seen from the project root (the outermost folder above holding a pom.xml). */
    private static Optional<Path> sharedData() {
        Path root = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("pom.xml"))) {
                root = p;
            }
        }
        if (root == null || root.getParent() == null) {
            return Optional.empty();
        }
        Path data = root.getParent().resolve("shared").resolve("data");
        return Files.isDirectory(data) ? Optional.of(data) : Optional.empty();
    }

    /** The first rows of Splink's fake_1000 (unique_id,first_name,surname,dob,city,email,cluster). */
    /**
     * The first 300 rows of fake_1000 in file order, then {@code synthetic} generated customers (a new
     * list); skips the test when the shared data is not next to the project.
     */
    private static List<CustomerRecord> fake1000AndSynthetic(int synthetic, long seed) throws IOException {
        Optional<Path> fake = sharedData().map(d -> d.resolve("splink_fake_1000").resolve("fake_1000.csv"))
                .filter(Files::isRegularFile);
        assumeTrue(fake.isPresent(), "../shared/data/splink_fake_1000/fake_1000.csv is not next to the project");
        List<CustomerRecord> records = new ArrayList<>(fake1000(fake.get(), 300));
        records.addAll(SyntheticCustomers.generate(synthetic, seed));
        return records;
    }

    private static List<CustomerRecord> fake1000(Path file, int rows) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("unique_id,first_name,surname,dob,city,email,cluster");
        List<CustomerRecord> out = new ArrayList<>();
        for (String line : lines.subList(1, Math.min(lines.size(), rows + 1))) {
            String[] c = line.split(",", -1);
            out.add(record("fake", c[0], AT, c[5].isBlank() ? List.of() : List.of(c[5]),
                    "first_name", c[1], "last_name", c[2], "birth_date", c[3], "city", c[4]));
        }
        return out;
    }

    /**
     * A record; {@code contacts} holding an {@code @} are emails, the others phones (GB default region);
     * invalid ones are dropped as ingestion does. Attributes as name/value pairs, blanks dropped.
     */
    static CustomerRecord record(String source, String id, String at, List<String> contacts, String... attributes) {
        List<Identifier> identifiers = new ArrayList<>();
        for (String contact : contacts) {
            (contact.contains("@") ? IDS.email(contact) : IDS.phone(contact)).ifPresent(identifiers::add);
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i + 1] != null && !attributes[i + 1].isBlank()) {
                values.put(attributes[i], attributes[i + 1]);
            }
        }
        return new CustomerRecord(new SourceRecordId(source, id), Instant.parse(at), identifiers, values);
    }

    private static CustomerRecord withCity(CustomerRecord record, String at, String city) {
        Map<String, String> attributes = new HashMap<>(record.attributes());
        attributes.put("city", city);
        return new CustomerRecord(record.id(), Instant.parse(at), record.identifiers(), attributes);
    }

    private static Map<String, Contribution> byField(LinkEvidence evidence) {
        return evidence.contributions().stream().collect(Collectors.toMap(Contribution::field, c -> c));
    }
}
