package dev.tessera.core.identity.match;

import static dev.tessera.core.identity.match.ComparisonLevel.CLOSE;
import static dev.tessera.core.identity.match.ComparisonLevel.DIFFERENT;
import static dev.tessera.core.identity.match.ComparisonLevel.EQUIVALENT;
import static dev.tessera.core.identity.match.ComparisonLevel.EXACT;
import static dev.tessera.core.identity.match.ComparisonLevel.INITIAL;
import static dev.tessera.core.identity.match.ComparisonLevel.LAST_DIGITS;
import static dev.tessera.core.identity.match.ComparisonLevel.LOCAL_PART;
import static dev.tessera.core.identity.match.ComparisonLevel.MISSING;
import static dev.tessera.core.identity.match.ComparisonLevel.ONE_DIFFERENCE;
import static dev.tessera.core.identity.match.ComparisonLevel.OTHER_NUMBER;
import static dev.tessera.core.identity.match.ComparisonLevel.PREFIX;
import static dev.tessera.core.identity.match.ComparisonLevel.SOMEWHAT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.core.identity.match.FieldComparators.NameComparison;
import dev.tessera.core.model.CustomerRecord;
import dev.tessera.core.model.SourceRecordId;
import dev.tessera.core.normalize.Identifiers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldComparatorsTest {

    @Test
    void firstNames() {
        assertThat(FieldComparators.firstName("Robert", "ROBERT")).isEqualTo(EXACT);
        assertThat(FieldComparators.firstName("José", "Jose")).isEqualTo(EXACT);
        assertThat(FieldComparators.firstName("Jürgen", "Juergen")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.firstName("Bob", "Robert")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.firstName("Peggy", "Margaret")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.firstName("Anna Maria", "Anna")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.firstName("Anne-Marie", "Annemarie")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.firstName("Jonathon", "Jonathan")).isEqualTo(CLOSE);
        assertThat(FieldComparators.firstName("Lucas", "Luas")).isEqualTo(CLOSE);
        assertThat(FieldComparators.firstName("Dwayne", "Duane")).isEqualTo(SOMEWHAT);
        assertThat(FieldComparators.firstName("J.", "John")).isEqualTo(INITIAL);
        assertThat(FieldComparators.firstName("K", "John")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.firstName("Isaac", "Lucas")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.firstName(null, "Lucas")).isEqualTo(MISSING);
        assertThat(FieldComparators.firstName(" ", "Lucas")).isEqualTo(MISSING);
    }

    @Test
    void masculineAndFeminineFormsOfOneGivenNameAreDifferentPeople() {
        // a brother and sister or a couple, often at one address: not a typo apart
        for (String[] pair : new String[][] {{"Mario", "Maria"}, {"Antonio", "Antonia"}, {"Francesco", "Francesca"},
                {"Martin", "Martina"}, {"Michael", "Michaela"}, {"Alexander", "Alexandra"}, {"Patrick", "Patricia"},
                {"Daniel", "Daniela"}, {"Paul", "Paula"},
                {"Paul", "Pauline"}, {"Joseph", "Josephine"}, {"Julius", "Julia"},
                {"Antoine", "Antoinette"}, {"Robert", "Roberta"}, {"Carl", "Carla"}}) {
            assertThat(FieldComparators.firstName(pair[0], pair[1])).as(pair[0] + "/" + pair[1]).isEqualTo(DIFFERENT);
            assertThat(FieldComparators.firstName(pair[1], pair[0])).as(pair[1] + "/" + pair[0]).isEqualTo(DIFFERENT);
        }
        // an -e, -ne or -le ending makes a feminine form, one woman's name spelled otherwise (Carol / Carole) or
        // one man's name in Italian or French (Daniel / Daniele, Christoph / Christophe): some agreement only
        for (String[] pair : new String[][] {{"Jean", "Jeanne"}, {"Louis", "Louise"}, {"Gabriel", "Gabrielle"},
                {"Carol", "Carole"}, {"Helen", "Helene"}, {"Rachel", "Rachelle"}, {"Daniel", "Daniele"},
                {"Christoph", "Christophe"}, {"Samuel", "Samuele"}, {"Cyril", "Cyrille"}}) {
            assertThat(FieldComparators.firstName(pair[0], pair[1])).as(pair[0] + "/" + pair[1]).isEqualTo(SOMEWHAT);
        }
        // spelling variants and typos of one name stay what they were
        assertThat(FieldComparators.firstName("Kyle", "Kylee")).isEqualTo(CLOSE);
        assertThat(FieldComparators.firstName("Emma", "Emm")).isEqualTo(CLOSE);
        assertThat(FieldComparators.firstName("Rosa", "Rose")).isNotEqualTo(DIFFERENT);
        assertThat(FieldComparators.firstName("Jasmin", "Jasmine")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.firstName("Isabel", "Isabelle")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.firstName("Ann", "Anne")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.firstName("Marion", "Mario")).isNotEqualTo(DIFFERENT);
    }

    @Test
    void differentGenerationalSuffixesAreDifferentPeople() {
        assertThat(FieldComparators.names("John", "Smith Jr.", "John", "Smith Sr.").first()).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.names("John", "Smith Jr", "John", "Smith III").first()).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.names("John Jr", "Smith", "John", "Smith Senior").first()).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.names("John", "Smith Jr", "John", "Smith II").first()).isEqualTo(EXACT);
        assertThat(FieldComparators.names("João", "Marques Filho", "João", "Marques Neto").first())
                .as("son and grandson named after one man").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.names("João", "Silva Júnior", "João", "Silva Filho").first()).isEqualTo(EXACT);
        assertThat(FieldComparators.names("José", "García hijo", "José", "García").first()).isEqualTo(EXACT);
        assertThat(FieldComparators.names("John", "Smith Jr.", "John", "Smith").first()).as("one side unknown")
                .isEqualTo(EXACT);
        // the family name they share agrees: the difference is counted once, in the given name
        assertThat(FieldComparators.names("John", "Smith Jr.", "John", "Smith Sr.").last()).isEqualTo(EXACT);

        // father and son of one name at one address, their birth dates years apart
        MatchModel model = MatchModel.defaults();
        assertThat(model.score(resident("1", "Smith Sr.", "1950-02-03"), resident("2", "Smith Jr.", "1982-07-19"))
                .matchWeight()).isLessThan(6);
        assertThat(model.score(resident("1", "Smith", "1950-02-03"), resident("2", "Smith", "1982-07-19"))
                .matchWeight()).as("without the suffixes the dates alone do not tell them apart").isGreaterThan(6);
    }

    private static CustomerRecord resident(String id, String last, String dob) {
        return new CustomerRecord(new SourceRecordId("test", id), Instant.EPOCH, List.of(),
                Map.of("first_name", "John", "last_name", last, "birth_date", dob, "street", "12 Elm Road",
                        "postcode", "SW1A 1AA", "city", "London"));
    }

    @Test
    void surnamesSharingOnlyAParticleOrOneOfTwoNamesAreDifferent() {
        assertThat(FieldComparators.lastName("van der Berg", "van der Meer")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("de la Cruz", "de la Rosa")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("dos Santos", "dos Reis")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("da Silva", "da Costa")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("García López", "García Martínez")).isEqualTo(DIFFERENT);
        // what agreed still does: the particles' variants, containment, typos after the particle
        assertThat(FieldComparators.lastName("van der Berg", "van den Berg")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.lastName("van der Berg", "Berg")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.lastName("van der Berg", "Vandenberg")).isEqualTo(CLOSE);
        assertThat(FieldComparators.lastName("de Jong", "de Jonge")).isEqualTo(CLOSE);
        assertThat(FieldComparators.lastName("García López", "Garcia Lopes")).isEqualTo(CLOSE);
        assertThat(FieldComparators.lastName("García López", "López García")).isIn(EQUIVALENT, CLOSE);
        // a particle's spelling as a last word is a family name (Lê, Đỗ); other particles are other names
        assertThat(FieldComparators.lastName("Nguyen Le", "Nguyen Do")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("Le Thi", "Do Thi")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("Ben Ali", "Abu Ali")).isNotIn(EQUIVALENT, EXACT);
        assertThat(FieldComparators.lastName("Lo Wing", "Du Wing")).isNotIn(EQUIVALENT, EXACT);
    }

    @Test
    void aChineseGivenNameOfOneCharacterIsANameNotAnInitial() {
        assertThat(FieldComparators.firstName("伟", "伟")).isEqualTo(EXACT);
        assertThat(FieldComparators.firstName("J", "J")).isEqualTo(INITIAL);
    }

    @Test
    void postcodesWithALostLeadingZeroOrACountryPrefixAreTheSame() {
        assertThat(FieldComparators.postcode("02134", "2134")).isEqualTo(EXACT);
        assertThat(FieldComparators.postcode("D-10115", "10115")).isEqualTo(EXACT);
        assertThat(FieldComparators.postcode("DE-10115", "10115")).isEqualTo(EXACT);
        assertThat(FieldComparators.postcode("CH-8001", "8001")).isEqualTo(EXACT);
        assertThat(FieldComparators.postcode("D-10115", "10117")).isEqualTo(CLOSE);
        // letters and digits mixed are the code itself
        assertThat(FieldComparators.postcode("SW1A 1AA", "1A1AA")).isNotEqualTo(EXACT);
        assertThat(FieldComparators.postcode("1012 AB", "1012")).isNotEqualTo(EXACT);
        assertThat(FieldComparators.postcode("02134", "21340")).isNotEqualTo(EXACT);
        // letters that are no country prefix are part of the code (Brunei)
        assertThat(FieldComparators.postcode("BS8811", "KA8811")).isNotEqualTo(EXACT);
        // both spellings block together, not only compare equal
        assertThat(FieldComparators.postcodeKey("02134")).isEqualTo(FieldComparators.postcodeKey("2134"));
    }

    @Test
    void initialsAgreeAsInitialsOnly() {
        assertThat(FieldComparators.firstName("J", "J.")).isEqualTo(INITIAL);
        assertThat(FieldComparators.firstName("J. R.", "John")).isEqualTo(INITIAL);
        assertThat(FieldComparators.firstName("J R", "J. R.")).isEqualTo(INITIAL);
        assertThat(FieldComparators.firstName("J. R.", "Mary")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("J", "J")).as("family names as before").isEqualTo(EXACT);
        assertThat(FieldComparators.firstName("Jo", "Jo")).isEqualTo(EXACT);
    }

    @Test
    void lastNames() {
        assertThat(FieldComparators.lastName("O'Brien", "OBrien")).isEqualTo(EXACT);
        assertThat(FieldComparators.lastName("Müller", "Mueller")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.lastName("Ørsted", "Oersted")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.lastName("García López", "Garcia")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.lastName("Van der Berg", "Vanderberg")).isEqualTo(EQUIVALENT);
        assertThat(FieldComparators.lastName("Thompson", "Thomson")).isEqualTo(CLOSE);
        // two letters swapped further apart than neighbours: somewhat alike in a name of five letters or more
        // that kept its first letter (also carol / coral, which can be two names: weak evidence); moved
        // first letters (norma / ramon) and four letters (mary / myra) are other names
        assertThat(FieldComparators.lastName("Jones", "Josen")).isEqualTo(SOMEWHAT);
        assertThat(FieldComparators.firstName("Carol", "Coral")).isEqualTo(SOMEWHAT);
        assertThat(FieldComparators.firstName("Norma", "Ramon")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("Jones", "Jnsoe")).as("more than one swap").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.city("Salem", "Selma")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.firstName("Mary", "Myra")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.lastName("Jones", "Joens")).as("neighbours: one typo").isEqualTo(CLOSE);
        assertThat(FieldComparators.lastName("Smith", "Jones")).isEqualTo(DIFFERENT);
        // Nicknames are for given names only.
        assertThat(FieldComparators.lastName("Bill", "William")).isEqualTo(DIFFERENT);
    }

    @Test
    void swappedNamesAreRecognised() {
        NameComparison swapped = FieldComparators.names("Hall", "Isla", "Isla", "Hall");
        assertThat(swapped.swapped()).isTrue();
        assertThat(swapped.first()).isEqualTo(EQUIVALENT);
        assertThat(swapped.last()).isEqualTo(EQUIVALENT);

        NameComparison straight = FieldComparators.names("Isla", "Hall", "Isla", "Hal");
        assertThat(straight.swapped()).isFalse();
        assertThat(straight.first()).isEqualTo(EXACT);

        NameComparison unrelated = FieldComparators.names("Ann", "Lee", "Bob", "Ray");
        assertThat(unrelated.swapped()).isFalse();
        assertThat(unrelated.first()).isEqualTo(DIFFERENT);
    }

    @Test
    void birthDates() {
        assertThat(FieldComparators.birthDate("1971-06-24", "19710624")).isEqualTo(EXACT);
        assertThat(FieldComparators.birthDate("1971-06-24", "1971-05-24")).isEqualTo(ONE_DIFFERENCE);
        assertThat(FieldComparators.birthDate("1971-06-24", "1917-06-24")).isEqualTo(ONE_DIFFERENCE);
        assertThat(FieldComparators.birthDate("1971-06-04", "1971-04-06")).isEqualTo(ONE_DIFFERENCE);
        assertThat(FieldComparators.birthDate("1971-06-24", "1971-06-42")).isEqualTo(ONE_DIFFERENCE);
        assertThat(FieldComparators.birthDate("1971-06-24", "1981-06-24")).isEqualTo(ONE_DIFFERENCE);
        assertThat(FieldComparators.birthDate("1985-06-24", "1958-06-24")).isEqualTo(ONE_DIFFERENCE);
        // another year more than a typo away, on the same day of the year: what any two people born on that
        // day show (fake_1000: "Jnes, 2018-01-21" beside Mia Jones, born 2021-01-21)
        assertThat(FieldComparators.birthDate("2018-01-21", "2021-01-21")).isEqualTo(SOMEWHAT);
        assertThat(FieldComparators.birthDate("1998-03-10", "2001-03-10")).isEqualTo(SOMEWHAT);
        assertThat(FieldComparators.birthDate("1977-09-13", "1976-09-15")).isEqualTo(SOMEWHAT);
        assertThat(FieldComparators.birthDate("1991-04-05", "1991-05-06")).isEqualTo(SOMEWHAT);
        assertThat(FieldComparators.birthDate("1991-04-05", "1955-11-26")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.birthDate("1900-01-01", "1900-01-01")).isEqualTo(MISSING);
        assertThat(FieldComparators.birthDate("unknown", "1955-11-26")).isEqualTo(MISSING);
        assertThat(FieldComparators.birthDate("24.06.1971", "1971-6-24")).isEqualTo(EXACT);
    }

    @Test
    void streets() {
        assertThat(FieldComparators.street("12a Tullaroop Street", "12A tullaroop st.")).isEqualTo(EXACT);
        assertThat(FieldComparators.street("Hauptstraße 5", "Hauptstr. 5")).isEqualTo(EXACT);
        assertThat(FieldComparators.street("Hauptstraße 5", "Haupt Strasse 5")).isEqualTo(EXACT);
        assertThat(FieldComparators.street("177 pridhamstreet", "177 pridham street")).isEqualTo(EXACT);
        assertThat(FieldComparators.street("5 Wallaby Place", "5 Wallaby")).isEqualTo(CLOSE);
        assertThat(FieldComparators.street("5 Wallaby Place", "5 Walaby Place")).isEqualTo(CLOSE);
        assertThat(FieldComparators.street("5 Wallaby Place", "Wallaby Pl")).isEqualTo(CLOSE);
        assertThat(FieldComparators.street("5 Wallaby Place", "7 Wallaby Place")).isEqualTo(OTHER_NUMBER);
        assertThat(FieldComparators.street("5 Wallaby Place", "5 Kangaroo Road")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.street("5", "5 Kangaroo Road")).isEqualTo(MISSING);
    }

    @Test
    void postcodes() {
        assertThat(FieldComparators.postcode("SW1A 1AA", "sw1a1aa")).isEqualTo(EXACT);
        assertThat(FieldComparators.postcode("2119", "2118")).isEqualTo(CLOSE);
        assertThat(FieldComparators.postcode("2119", "2191")).isEqualTo(CLOSE);
        assertThat(FieldComparators.postcode("SW1A 1AA", "SW1A 2BB")).isEqualTo(PREFIX);
        assertThat(FieldComparators.postcode("10115", "10178")).isEqualTo(PREFIX);
        assertThat(FieldComparators.postcode("10115", "80331")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.postcode("", "80331")).isEqualTo(MISSING);
        // a US ZIP+4 names the ZIP code it extends
        assertThat(FieldComparators.postcode("90210-1234", "90210")).isEqualTo(EXACT);
        assertThat(FieldComparators.postcode("90210 1234", "90210-5678")).isEqualTo(EXACT);
        assertThat(FieldComparators.postcode("90210-1234", "10001")).isEqualTo(DIFFERENT);
    }

    @Test
    void citiesAndCountries() {
        assertThat(FieldComparators.city("München", "Muenchen")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Newcastle-upon-Tyne", "Newcastle upon Tyne")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("London", "Lonon")).isEqualTo(CLOSE);
        assertThat(FieldComparators.city("London", "Leeds")).isEqualTo(DIFFERENT);
        // one typo where Jaro-Winkler is weak (a letter in front) in a longer name: close, as for names
        assertThat(FieldComparators.city("Telford", "fTelford")).isEqualTo(CLOSE);
        // short towns one letter apart are often different places: only somewhat alike
        assertThat(FieldComparators.city("Bolton", "Boston")).isEqualTo(SOMEWHAT);
        assertThat(FieldComparators.city("Hull", "Hall")).isEqualTo(SOMEWHAT);
        // letters moved further in a longer name (Jaro-Winkler below 0.8): somewhat, not different
        assertThat(FieldComparators.city("Chester", "Crehtes")).isEqualTo(SOMEWHAT);
        // large cities written in another language are the same city; other towns keep their spelling
        assertThat(FieldComparators.city("München", "Munich")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Koeln", "Cologne")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Muenchen", "Munich")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("København", "Kopenhagen")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Wien", "Vienna")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Wien", "Munich")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.city("Vienne", "Wien")).as("a French town, not Vienna").isNotEqualTo(EXACT);
        assertThat(FieldComparators.country("DE", "Germany")).isEqualTo(EXACT);
        assertThat(FieldComparators.country("Deutschland", "deu")).isEqualTo(EXACT);
        assertThat(FieldComparators.country("UK", "GB")).isEqualTo(EXACT);
        assertThat(FieldComparators.country("France", "Germany")).isEqualTo(DIFFERENT);
    }

    @Test
    void emails() {
        assertThat(FieldComparators.email("Jane.Doe@Example.com", "jane.doe@example.com")).isEqualTo(EXACT);
        assertThat(FieldComparators.email("jane.doe+shop@gmail.com", "janedoe@googlemail.com")).isEqualTo(EXACT);
        assertThat(FieldComparators.email("jane.doe@work.com", "jane.doe@home.org")).isEqualTo(LOCAL_PART);
        assertThat(FieldComparators.email("roberta25@smith.net", "robert25@smith.net")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("john.smith12@example.com", "john.smith47@example.com")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("evied56@harris-bailey.net", "evihd56@earris-bailey.net")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("m.w@ccannon.com", "m.w@cannon.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("info@a-shop.com", "info@b-bakery.org")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("jane@example.com", "peter@example.com")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("not-an-email", "peter@example.com")).isEqualTo(MISSING);
    }

    @Test
    void mailboxesOfOneFamilyAreDifferentAddresses() {
        assertThat(FieldComparators.email("john.smith@company.com", "jane.smith@company.com")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("mark.jones@gmail.com", "mary.jones@gmail.com")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("anna_kowalska@example.pl", "anita_kowalska@example.pl")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("john.smith12@example.com", "jane.smith12@example.com")).isEqualTo(DIFFERENT);
        // a typo in one word still is the same address
        assertThat(FieldComparators.email("jonh.smith@company.com", "john.smith@company.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("maisie.walsh@hodge.com", "maiie.walsoh@hodge.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("isaac.james@smith.com", "isaac.iames@smith.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("jane.smith@company.com", "jane.smiht@company.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("e.richards16@finley.info", "1.richardse6@finley.info")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("scarlett.payne88@morton.info", "scarlett.payn88@morton.info")).isEqualTo(CLOSE);
        // a letter left out of a short name, or a short form of it, is a typo of one address
        assertThat(FieldComparators.email("jon.smith@example.com", "john.smith@example.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("ann.lee@example.com", "anne.lee@example.com")).isEqualTo(CLOSE);
    }

    /**
     * Typos that keep an address's characters or its length: letters moved across the @ of a mailbox named
     * by initials, and in a numbered mailbox one character typed as a digit instead of a letter or the
     * other way round. Initials at one domain, and other numbers, stay other people's.
     */
    @Test
    void typosThatKeepTheAddressesShapeAreOneAddress() {
        assertThat(FieldComparators.email("f.j@sharp.com", "f.s@jharp.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("f.j@sharp.com", "f.s@sharp.com")).as("two of one household").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("j.s@sharp.com", "s.j@sharp.com")).as("two of one household").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("f.j@sharp.com", "f.s@jharp.org")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("f.j1@sharp.com", "f.1s@jharp.com")).as("digits moved").isEqualTo(CLOSE);
        assertThat(FieldComparators.email("f.j1@sharp.com", "f.s2@jharp.com")).as("another number").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("admin@mail.com", "mail@admin.com")).as("role names").isEqualTo(DIFFERENT);

        assertThat(FieldComparators.email("poppy.fox63@rivera.com", "poppy.foxo3@rivera.c6m")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("poppy.fox63@rivera.com", "poppy.fox6e@rivera.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("poppy.fox63@rivera.com", "poppy.fox64@rivera.com")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("poppy.fox63@rivera.com", "poppy.foxoe@rivera.com")).as("no number left")
                .isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("john.smith1@example.com", "john.smithk@example.com")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("j0hn.smith12@example.com", "john.smith12@example.com")).isEqualTo(CLOSE);
        // what the rule cannot tell from a typo: two of a household whose numbers happen to fit (their given
        // names, Dan / Dana, keep the household cap on)
        assertThat(FieldComparators.email("dan12@gmail.com", "dana2@gmail.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("poppy.fox63@rivera.com", "poppy.foxo3@other.net")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("poppy.fox63@rivera.com", "poppa.foxo3@rivera.com")).as("two places")
                .isEqualTo(DIFFERENT);
    }

    @Test
    void phones() {
        assertThat(FieldComparators.phone("+441632960001", "+44 1632 960001")).isEqualTo(EXACT);
        assertThat(FieldComparators.phone("+441632960001", "+4901632960001")).isEqualTo(LAST_DIGITS);
        assertThat(FieldComparators.phone("+441632960001", "+441632960010")).as("two digits swapped").isEqualTo(CLOSE);
        assertThat(FieldComparators.phone("+441632960001", "+441632960002")).as("the next line").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.phone("+441632960001", "+441632970002")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.phone("123", "+441632970002")).isEqualTo(MISSING);
    }

    /**
     * Colleagues behind one switchboard share its number and differ in their extensions: two extensions are
     * two people, the same extension is exact, and the number with and without one says nothing (the
     * company's line, which every colleague shares: not agreement, nor a contradiction).
     */
    @Test
    void phoneExtensionsTellColleaguesApart() {
        assertThat(FieldComparators.phone("+442079460000;ext=12", "+442079460000;ext=12")).isEqualTo(EXACT);
        assertThat(FieldComparators.phone("+442079460000;ext=12", "+44 20 7946 0000 ext. 12")).isEqualTo(EXACT);
        assertThat(FieldComparators.phone("+442079460000;ext=12", "020 7946 0000 ext. 12")).as("national form")
                .isEqualTo(LAST_DIGITS);
        assertThat(FieldComparators.phone("+442079460000;ext=12", "+442079460000;ext=34")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.phone("+442079460000;ext=12", "+44 20 7946 0000 x34")).isEqualTo(DIFFERENT);
        assertThat(FieldComparators.phone("+442079460000;ext=12", "+442079460000")).isEqualTo(MISSING);
        assertThat(FieldComparators.phone("+442079460000;ext=12", "(020) 7946 0000")).isEqualTo(MISSING);
        assertThat(FieldComparators.phones(List.of("442079460000x12", "447700900123"), List.of("442079460000")))
                .as("another number of hers still compares").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.phone("+442079460000;ext=012", "+442079460000 x12")).isEqualTo(EXACT);
        assertThat(FieldComparators.phone("+442079460000 ext 0", "+442079460000")).as("no desk").isEqualTo(EXACT);
        // the extension's digits are not read as part of the number
        assertThat(FieldComparators.phone("+441632960001 #7", "+441632960010")).as("two digits swapped")
                .isEqualTo(CLOSE);
        assertThat(FieldComparators.phone("+442079460000;ext=12", "+4420794600012")).isEqualTo(DIFFERENT);
    }

    @Test
    void comparesWholeRecordsWithMultipleIdentifiers() {
        Identifiers ids = new Identifiers("GB");
        CustomerRecord a = new CustomerRecord(new SourceRecordId("crm", "1"), Instant.EPOCH,
                List.of(ids.email("old@example.com").orElseThrow(), ids.email("jane.doe@example.com").orElseThrow(),
                        ids.phone("01632 960001").orElseThrow()),
                Map.of("first_name", "Jane", "last_name", "Doe", "birth_date", "1980-02-03"));
        CustomerRecord b = new CustomerRecord(new SourceRecordId("shop", "9"), Instant.EPOCH,
                List.of(ids.email("jane.doe@example.com").orElseThrow()),
                Map.of("first_name", "Doe", "last_name", "Jane", "city", "Leeds"));

        Comparison comparison = FieldComparators.compare(PreparedRecord.of(a), PreparedRecord.of(b));

        assertThat(comparison.namesSwapped()).isTrue();
        assertThat(comparison.level(MatchField.FIRST_NAME)).isEqualTo(EQUIVALENT);
        assertThat(comparison.level(MatchField.EMAIL)).isEqualTo(EXACT);
        assertThat(comparison.level(MatchField.PHONE)).isEqualTo(MISSING);
        assertThat(comparison.level(MatchField.BIRTH_DATE)).isEqualTo(MISSING);
        assertThat(comparison.levels()).hasSize(MatchField.values().length);
    }

    /**
     * A mailbox name spelled from the person's names is what any namesake picks: the same name at another
     * provider, or written otherwise, says nothing the names do not. The same mailbox, a misspelt domain
     * and a mailbox name with more in it keep their levels.
     */
    @Test
    void mailboxNamesSpelledFromTheNamesAgreeOnNothingMore() {
        assertThat(emailLevel("Giuseppe", "Rossi", "giusepperossi@libero.it", "Giuseppe", "Rossi",
                "giusepperossi@gmail.com")).isEqualTo(MISSING);
        assertThat(emailLevel("Maria", null, "maria.lima@uol.com.br", "Maria", "Lima", "maria.lima@terra.com.br"))
                .as("the surname from the other record").isEqualTo(MISSING);
        assertThat(emailLevel("John", "Smith", "john.smith@example.com", "John", "Smith", "smith.john@example.com"))
                .isEqualTo(MISSING);
        assertThat(emailLevel("Jan", "de Jong", "jandejong@hotmail.com", "Jan", "Jong, de", "jan.dejong@gmail.com"))
                .isEqualTo(MISSING);
        assertThat(emailLevel("Anna", "Müller", "anna.mueller@web.de", "Anna", "Müller", "anna.mueller@gmx.de"))
                .as("a transliterated surname").isEqualTo(MISSING);

        assertThat(emailLevel("Giuseppe", "Rossi", "giusepperossi@gmail.com", "Giuseppe", "Rossi",
                "giuseppe.rossi@gmail.com")).as("one Gmail mailbox").isEqualTo(EXACT);
        assertThat(emailLevel("Reuben", "James", "r.james@jackson.com", "Reuben", null, "r.james@jack.son.com"))
                .as("one mailbox, the domain misspelt").isEqualTo(CLOSE);
        assertThat(emailLevel("Giuseppe", "Rossi", "giusepperossi57@libero.it", "Giuseppe", "Rossi",
                "giusepperossi57@gmail.com")).as("a number").isEqualTo(LOCAL_PART);
        assertThat(emailLevel("Giuseppe", "Rossi", "rossi.viaggi@libero.it", "Giuseppe", "Rossi",
                "rossi.viaggi@tiscali.it")).as("another word").isEqualTo(LOCAL_PART);
        assertThat(emailLevel("Giuseppe", "Rossi", "peppe.rossi@libero.it", null, null, "peppe.rossi@tiscali.it"))
                .as("a nickname the records do not carry").isEqualTo(LOCAL_PART);
        assertThat(emailLevel("Anna", "Nowak", "jan.nowak@example.com", "Anna", "Nowak", "anna.nowak@example.com"))
                .as("another given name in the mailbox").isEqualTo(DIFFERENT);
        assertThat(emailLevel("Giuseppe", "Rossi", "giuseppe.rossi@gmail.com", "Giuseppe", "Rossi",
                "giuseppe.rossi@gmial.com")).as("Gmail's dots, the domain misspelt").isEqualTo(CLOSE);
        assertThat(emailLevel("Maria", "Silva", "mariasilva@uol.com.br", "Maria", "Silva", "mariasilva@bol.com.br"))
                .as("two providers, not a typo").isEqualTo(MISSING);
        assertThat(emailLevel("Maria", "Silva", "mariasilva77@uol.com.br", "Maria", "Silva",
                "mariasilva77@bol.com.br")).isEqualTo(LOCAL_PART);
        assertThat(emailLevel("Anna", "Nowak", "anna.nowak@wp.pl", "Anna", "Kowalska", "anna.nowak@onet.pl"))
                .as("a changed surname: the mailbox carries the other one").isEqualTo(LOCAL_PART);
        assertThat(emailLevel("J.", "Smith", "j.smith@example.com", "John", "Smith", "j.smith@example.org"))
                .as("an initial").isEqualTo(MISSING);
        assertThat(emailLevel(null, null, "giusepperossi@libero.it", null, null, "giusepperossi@gmail.com"))
                .as("no names to spell it").isEqualTo(LOCAL_PART);
    }

    @Test
    void withSeveralMailboxesTheBestPairCounts() {
        PreparedRecord a = withEmails("1", "Giuseppe", "Rossi", "giusepperossi@libero.it", "gr1957@tiscali.it");
        PreparedRecord b = withEmails("2", "Giuseppe", "Rossi", "giusepperossi@gmail.com", "peppe@example.com");
        PreparedRecord c = withEmails("3", "Giuseppe", "Rossi", "giusepperossi@gmail.com", "gr1957@tiscali.it");
        PreparedRecord d = withEmails("4", "Giuseppe", "Rossi", "giusepperossi@gmail.com", "gr1957@virgilio.it");

        assertThat(FieldComparators.compare(a, b).level(MatchField.EMAIL)).as("the names' mailbox, nothing else")
                .isEqualTo(MISSING);
        assertThat(FieldComparators.compare(a, c).level(MatchField.EMAIL)).isEqualTo(EXACT);
        assertThat(FieldComparators.compare(a, d).level(MatchField.EMAIL)).isEqualTo(LOCAL_PART);
    }

    @Test
    void twoProvidersAreNotOneDomainMisspelt() {
        assertThat(EmailAddress.otherProvider("hotmail.com", "hotmail.fr")).isTrue();
        assertThat(EmailAddress.otherProvider("gmx.de", "gmx.net")).isTrue();
        assertThat(EmailAddress.otherProvider("uol.com.br", "bol.com.br")).isTrue();
        assertThat(EmailAddress.otherProvider("gmail.com", "mail.com")).isTrue();
        assertThat(EmailAddress.otherProvider("gmail.com", "gmail.co")).isFalse();
        assertThat(EmailAddress.otherProvider("gmail.com", "gmial.com")).isFalse();
        assertThat(EmailAddress.otherProvider("jackson.com", "jack.son.com")).isFalse();
        assertThat(FieldComparators.email("ann.lee77@hotmail.com", "ann.lee77@hotmail.fr")).isEqualTo(LOCAL_PART);
        assertThat(FieldComparators.email("ann.lee77@hotmail.com", "ann.lee77@hotmial.com")).isEqualTo(CLOSE);
    }

    @Test
    void mailboxNamesSpelledFromNames() {
        java.util.Set<String> names = java.util.Set.of("piotr", "nowak");
        assertThat(FieldComparators.spelledByNames("p.nowak", names)).isTrue();
        assertThat(FieldComparators.spelledByNames("nowak_piotr", names)).isTrue();
        assertThat(FieldComparators.spelledByNames("piotrn", names)).isTrue();
        assertThat(FieldComparators.spelledByNames("pn", names)).as("initials only").isFalse();
        assertThat(FieldComparators.spelledByNames("piotr.nowak.piotr.nowak", names)).as("four pieces").isFalse();
        assertThat(FieldComparators.spelledByNames("piotr.nowak1", names)).isFalse();
        assertThat(FieldComparators.spelledByNames("piotr.kowal", names)).isFalse();
        assertThat(FieldComparators.spelledByNames("piotr", java.util.Set.of())).isFalse();
    }

    private static ComparisonLevel emailLevel(String firstA, String lastA, String emailA, String firstB, String lastB,
            String emailB) {
        return FieldComparators.compare(withEmail("1", firstA, lastA, emailA), withEmail("2", firstB, lastB, emailB))
                .level(MatchField.EMAIL);
    }

    private static PreparedRecord withEmails(String id, String first, String last, String... emails) {
        Map<String, String> attributes = Map.of("first_name", first, "last_name", last);
        Identifiers ids = new Identifiers("GB");
        return PreparedRecord.of(new CustomerRecord(new SourceRecordId("crm", id), Instant.EPOCH,
                java.util.Arrays.stream(emails).map(e -> ids.email(e).orElseThrow()).toList(), attributes));
    }

    private static PreparedRecord withEmail(String id, String first, String last, String email) {
        Map<String, String> attributes = new java.util.HashMap<>();
        if (first != null) {
            attributes.put("first_name", first);
        }
        if (last != null) {
            attributes.put("last_name", last);
        }
        return PreparedRecord.of(new CustomerRecord(new SourceRecordId("crm", id), Instant.EPOCH,
                List.of(new Identifiers("GB").email(email).orElseThrow()), attributes));
    }

    @Test
    void onlyTheFirstCharactersOfAnOverlongValueAreCompared() {
        // comparisons cost the product of two lengths: a hostile or broken row must not hold a thread
        String head = "Jane" + "x".repeat(PreparedRecord.MAX_COMPARED);
        CustomerRecord a = new CustomerRecord(new SourceRecordId("crm", "1"), Instant.EPOCH, List.of(),
                Map.of("first_name", head + "a".repeat(5_000), "last_name", "Doe", "city", head + "b".repeat(5_000)));
        CustomerRecord b = new CustomerRecord(new SourceRecordId("crm", "2"), Instant.EPOCH, List.of(),
                Map.of("first_name", head + "c".repeat(5_000), "last_name", "Doe", "city", head + "d".repeat(5_000)));

        Comparison comparison = FieldComparators.compare(PreparedRecord.of(a), PreparedRecord.of(b));

        assertThat(comparison.level(MatchField.FIRST_NAME)).isEqualTo(EXACT);
        assertThat(comparison.level(MatchField.CITY)).isEqualTo(EXACT);
        assertThat(a.attributes().get("first_name")).hasSize(head.length() + 5_000); // the record keeps it all
    }

    /** A source with one name column writes the whole name where the given name goes. */
    @Test
    void aWholeNameInTheGivenNameFieldIsReadAsGivenNameAndSurname() {
        PreparedRecord split = PreparedRecord.of(new CustomerRecord(new SourceRecordId("crm", "1"), Instant.EPOCH,
                List.of(), Map.of("first_name", "Jane", "last_name", "Doe")));
        for (String whole : List.of("Jane Doe", "Doe, Jane", " Jane  Doe ", "Dr. Jane Doe", "Mrs Jane Doe")) {
            PreparedRecord one = PreparedRecord.of(new CustomerRecord(new SourceRecordId("web", "2"), Instant.EPOCH,
                    List.of(), Map.of("first_name", whole)));
            Comparison comparison = FieldComparators.compare(one, split);
            assertThat(comparison.level(MatchField.FIRST_NAME)).as(whole).isEqualTo(EXACT);
            assertThat(comparison.level(MatchField.LAST_NAME)).as(whole).isEqualTo(EXACT);
        }
        PreparedRecord givenOnly = PreparedRecord.of(new CustomerRecord(new SourceRecordId("web", "3"), Instant.EPOCH,
                List.of(), Map.of("first_name", "Jane")));
        assertThat(FieldComparators.compare(givenOnly, split).level(MatchField.LAST_NAME)).isEqualTo(MISSING);
        PreparedRecord titled = PreparedRecord.of(new CustomerRecord(new SourceRecordId("web", "4"), Instant.EPOCH,
                List.of(), Map.of("first_name", "Dr. Jane")));
        assertThat(FieldComparators.compare(titled, split).level(MatchField.FIRST_NAME)).as("the title is no given name")
                .isEqualTo(EXACT);
        assertThat(PreparedRecord.withoutTitles("Dr.")).as("a title alone stays").isEqualTo("Dr.");
    }

    @Test
    void mailboxesThatDifferInTheirNumberAreDifferentUnlessTheDigitsWereSwapped() {
        assertThat(FieldComparators.email("amelia.williams21@example.com", "amelia.williams213@example.com"))
                .isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("amelia.williams1@example.com", "amelia.williams7@example.com"))
                .isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("john.smith1985@example.com", "john.smith1958@example.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("john.smith1985@example.com", "jonh.smith1985@example.com")).isEqualTo(CLOSE);
        assertThat(FieldComparators.email("k.t50@hernandez.com", "k.t50eherand@z.ncom")).as("scrambled").isEqualTo(CLOSE);
        assertThat(FieldComparators.email("ajones-@cortez6wilcox.com", "ajones6@cortez-wilcox.com"))
                .as("scrambled, numbers in the same order").isEqualTo(CLOSE);
        assertThat(FieldComparators.email("amelia.williams1234@example.com", "amelia.williams1243@example.com"))
                .as("one swap of digits").isEqualTo(CLOSE);
        assertThat(FieldComparators.email("john.smith12@example.com", "john.smith21@example.com"))
                .as("two-digit numbers swapped: as likely two people").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("amelia.williams1234@example.com", "amelia.williams4321@example.com"))
                .as("permuted numbers: namesakes").isEqualTo(DIFFERENT);
        assertThat(FieldComparators.email("amelia.williams1234@example.com", "amelia.williams1235@example.com"))
                .isEqualTo(DIFFERENT);
    }

    /**
     * The email comparison skips the full edit distance when the mailbox numbers differ; on look-alike
     * addresses (namesakes, typos, digits changed, dropped or added) it must answer what the full rule
     * answers: with equal numbers, close when within two edits or similar enough; with other numbers, close
     * only when one edit swapped the same digits.
     */
    @Test
    void emailShortcutAnswersAsTheFullRule() {
        java.util.Random random = new java.util.Random(7);
        String[] locals = {"john.smith", "jon.smith", "john.smyth", "anna.kowalska", "j.smith", "info", "smith.john"};
        String[] domains = {"example.com", "example.org", "exmaple.com", "mail.example.com"};
        for (int n = 0; n < 20_000; n++) {
            String a = variant(random, locals[random.nextInt(locals.length)]) + "@" + domains[random.nextInt(domains.length)];
            String b = variant(random, random.nextInt(3) == 0 ? locals[random.nextInt(locals.length)]
                    : a.substring(0, a.indexOf('@'))) + "@" + domains[random.nextInt(domains.length)];
            EmailAddress x = EmailAddress.parse(a);
            EmailAddress y = EmailAddress.parse(b);
            if (x == null || y == null) {
                continue;
            }
            assertThat(FieldComparators.emails(List.of(x), List.of(y))).as(a + " / " + b).isEqualTo(fullRule(x, y));
        }
    }

    private static String variant(java.util.Random random, String local) {
        StringBuilder s = new StringBuilder(local);
        switch (random.nextInt(5)) {
            case 0 -> s.append(random.nextInt(100));
            case 1 -> s.append(random.nextInt(10)).append(random.nextInt(10));
            case 2 -> s.insert(random.nextInt(s.length() + 1), (char) ('a' + random.nextInt(26)));
            case 3 -> {
                if (s.length() > 1) {
                    s.deleteCharAt(random.nextInt(s.length()));
                }
            }
            default -> { }
        }
        if (random.nextBoolean()) {
            s.append(random.nextInt(20));
        }
        return s.toString();
    }

    /** The comparison as written before the shortcut: full distance first, numbers checked after. */
    private static ComparisonLevel fullRule(EmailAddress a, EmailAddress b) {
        if (a.full().equals(b.full())) {
            return EXACT;
        }
        boolean sameDomain = a.domain().equals(b.domain());
        if (a.local().equals(b.local())) {
            if (!EmailAddress.otherProvider(a.domain(), b.domain())
                    && StringSimilarity.jaroWinkler(a.domain(), b.domain()) >= 0.88) {
                return CLOSE;
            }
            return a.personalLocalPart() ? LOCAL_PART : DIFFERENT;
        }
        boolean shuffled = a.full().length() >= 8 && StringSimilarity.sameLetters(a.full(), b.full())
                && a.full().replaceAll("[^0-9]", "").equals(b.full().replaceAll("[^0-9]", ""));
        if (!a.personalLocalPart() || !b.personalLocalPart()) {
            return shuffled && !sameDomain && a.local().length() < 4 && b.local().length() < 4 ? CLOSE : DIFFERENT;
        }
        if (shuffled) {
            return CLOSE;
        }
        String da = a.local().replaceAll("[^0-9]", "");
        String db = b.local().replaceAll("[^0-9]", "");
        if (!da.isEmpty() && !db.isEmpty() && a.local().length() == b.local().length()
                && StringSimilarity.damerauLevenshtein(a.local(), b.local()) == 1
                && da.length() != db.length()
                && a.local().replaceAll("[^\\p{L}]", "").length() != b.local().replaceAll("[^\\p{L}]", "").length()
                && (sameDomain || StringSimilarity.jaroWinkler(a.domain(), b.domain()) >= 0.88)) {
            return CLOSE; // one character of a numbered mailbox changed, a digit on one side and a letter on the other
        }
        if (StringSimilarity.jaroWinkler(a.full(), b.full()) < 0.88) {
            return DIFFERENT;
        }
        int edits = StringSimilarity.damerauLevenshtein(a.full(), b.full());
        if (!da.equals(db)) { // other numbers: other mailboxes, unless the same digits were swapped
            char[] x = da.toCharArray();
            char[] y = db.toCharArray();
            java.util.Arrays.sort(x);
            java.util.Arrays.sort(y);
            return edits <= 1 && da.length() >= 4 && java.util.Arrays.equals(x, y) ? CLOSE : DIFFERENT;
        }
        if (FieldComparators.otherNameInMailbox(a.words(), b.words())) {
            return DIFFERENT;
        }
        if (edits <= 1) {
            return CLOSE;
        }
        if (da.equals(db) && (edits <= 2 || (StringSimilarity.jaroWinkler(a.local(), b.local()) >= 0.88
                && (sameDomain || StringSimilarity.jaroWinkler(a.domain(), b.domain()) >= 0.88)))) {
            return CLOSE;
        }
        return DIFFERENT;
    }
}
