package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreetAddressTest {

    @Test
    void numberBeforeOrAfterTheName() {
        StreetAddress english = StreetAddress.parse("12a Tullaroop Street");
        assertThat(english.numbers()).containsExactly("12a");
        assertThat(english.name()).isEqualTo("tullaroop st");
        assertThat(english.core()).isEqualTo("tullaroop");

        StreetAddress german = StreetAddress.parse("Hauptstraße 5");
        assertThat(german.numbers()).containsExactly("5");
        assertThat(german.name()).isEqualTo("haupt st");
    }

    @Test
    void streetTypesAreWrittenOneWay() {
        assertThat(StreetAddress.parse("1 Main Road").name()).isEqualTo(StreetAddress.parse("1 main rd").name());
        assertThat(StreetAddress.parse("1 Park Avenue").name()).isEqualTo(StreetAddress.parse("1 Park Ave.").name());
        assertThat(StreetAddress.parse("Lindenallee 3").name()).isEqualTo("linden al");
        assertThat(StreetAddress.parse("Storgatan 3").name()).isEqualTo("stor st");
        assertThat(StreetAddress.parse("Saint Kilda Road").name()).isEqualTo(StreetAddress.parse("St Kilda Rd").name());
    }

    @Test
    void unitsAndLetterSuffixesAreNumbers() {
        assertThat(StreetAddress.parse("Flat 3, 12 High Street").numbers()).containsExactly("3", "12");
        assertThat(StreetAddress.parse("3/12 High St").numbers()).containsExactly("3", "12");
        assertThat(StreetAddress.parse("12 b Baker Street").numbers()).containsExactly("12b");
        assertThat(StreetAddress.parse("5 4th Avenue").name()).isEqualTo("4th ave");
    }

    @Test
    void nothingUsefulIsNull() {
        assertThat(StreetAddress.parse(null)).isNull();
        assertThat(StreetAddress.parse(" , ")).isNull();
        assertThat(StreetAddress.parse("42").name()).isEmpty();
    }
}
