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
        // Romance types stand before the name, and have their short forms too
        assertThat(StreetAddress.parse("Calle Mayor 12").name()).isEqualTo(StreetAddress.parse("C/ Mayor 12").name());
        assertThat(StreetAddress.parse("Carrer Major 3").name()).isEqualTo(StreetAddress.parse("C. Major 3").name());
        assertThat(StreetAddress.parse("Via Roma 3").name()).isEqualTo(StreetAddress.parse("V. Roma 3").name());
        assertThat(StreetAddress.parse("Rue de la Paix 5").name()).isEqualTo(StreetAddress.parse("R. de la Paix 5").name());
        assertThat(StreetAddress.parse("ul. Marszałkowska 1").name()).isEqualTo(StreetAddress.parse("ulica Marszalkowska 1").name());
        assertThat(StreetAddress.parse("Via Roma 3").name()).isNotEqualTo(StreetAddress.parse("Calle Roma 3").name());
        // a single letter is a type only in front: "Block C" is a block
        assertThat(StreetAddress.parse("Flat 2 Block C").name()).isEqualTo("block c");
    }

    @Test
    void unitsAndLetterSuffixesAreNumbers() {
        assertThat(StreetAddress.parse("Flat 3, 12 High Street").numbers()).containsExactly("3", "12");
        assertThat(StreetAddress.parse("3/12 High St").numbers()).containsExactly("3", "12");
        assertThat(StreetAddress.parse("12 b Baker Street").numbers()).containsExactly("12b");
        assertThat(StreetAddress.parse("5 4th Avenue").name()).isEqualTo("4th ave");
    }

    @Test
    void aLetterOrBisWrittenApartJoinsTheNumberBeforeIt() {
        assertThat(StreetAddress.parse("Hauptstraße 5 a").numbers()).containsExactly("5a");
        assertThat(StreetAddress.parse("Kerkstraat 12 A").numbers()).containsExactly("12a");
        assertThat(StreetAddress.parse("5 ter avenue Foch").numbers()).containsExactly("5ter");
        assertThat(StreetAddress.parse("5 ter avenue Foch").name()).isEqualTo("ave foch");
        assertThat(FieldComparators.street("Hauptstraße 5 a", "Hauptstr. 5a")).isEqualTo(ComparisonLevel.EXACT);
        assertThat(FieldComparators.street("Kerkstraat 12 A", "Kerkstraat 12a")).isEqualTo(ComparisonLevel.EXACT);
    }

    @Test
    void aCompassLetterOrTypeAbbreviationBeforeTheNameIsPartOfIt() {
        assertThat(StreetAddress.parse("123 N Main St").numbers()).containsExactly("123");
        assertThat(FieldComparators.street("123 N Main St", "123 North Main Street")).isEqualTo(ComparisonLevel.EXACT);
        assertThat(FieldComparators.street("12 r. Victor Hugo", "12 rue Victor Hugo")).isEqualTo(ComparisonLevel.EXACT);
        assertThat(FieldComparators.street("40 SW Oak St", "40 Southwest Oak Street")).isEqualTo(ComparisonLevel.EXACT);
        assertThat(FieldComparators.street("123 N Main St", "123 S Main St")).isNotEqualTo(ComparisonLevel.EXACT);
    }

    @Test
    void nothingUsefulIsNull() {
        assertThat(StreetAddress.parse(null)).isNull();
        assertThat(StreetAddress.parse(" , ")).isNull();
        assertThat(StreetAddress.parse("42").name()).isEmpty();
    }
}
