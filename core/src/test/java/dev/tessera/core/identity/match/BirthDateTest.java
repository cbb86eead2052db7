package dev.tessera.core.identity.match;

import static dev.tessera.core.identity.match.ComparisonLevel.EXACT;
import static dev.tessera.core.identity.match.ComparisonLevel.MISSING;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BirthDateTest {

    @Test
    void readsTheUsOrderWhenTheSecondNumberCannotBeAMonth() {
        assertThat(FieldComparators.birthDate("12/31/1985", "1985-12-31")).isEqualTo(EXACT);
        assertThat(FieldComparators.birthDate("31/12/1985", "1985-12-31")).isEqualTo(EXACT);
        assertThat(BirthDate.parse("03/04/1985")).as("ambiguous: day first, as before").isEqualTo(BirthDate.of(1985, 4, 3));
    }

    @Test
    void readsEightDigitsDayFirstWhenTheyMakeNoDateYearFirst() {
        assertThat(BirthDate.parse("19031985")).isEqualTo(BirthDate.of(1985, 3, 19));
        assertThat(BirthDate.parse("20111990")).isEqualTo(BirthDate.of(1990, 11, 20));
        assertThat(BirthDate.parse("19850319")).isEqualTo(BirthDate.of(1985, 3, 19));
        assertThat(BirthDate.parse("19851203")).as("a date either way: year first, as before")
                .isEqualTo(BirthDate.of(1985, 12, 3));
        assertThat(BirthDate.parse("03121985")).isEqualTo(BirthDate.of(1985, 12, 3));
    }

    @Test
    void theStartOfUnixTimeIsAPlaceholder() {
        assertThat(BirthDate.parse("1970-01-01")).isNull();
        assertThat(BirthDate.parse("1900-01-01")).isNull();
        assertThat(FieldComparators.birthDate("1970-01-01", "1982-07-19")).isEqualTo(MISSING);
        assertThat(BirthDate.parse("1970-01-02")).isEqualTo(BirthDate.of(1970, 1, 2));
    }
}
