package dev.tessera.core.identity.match;

import static dev.tessera.core.identity.match.ComparisonLevel.EXACT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CitiesTest {

    @Test
    void saintFortAndMountAreOneWordShortOrLong() {
        assertThat(FieldComparators.city("St. Louis", "Saint Louis")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Sankt Gallen", "St. Gallen")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Ste-Foy", "Sainte Foy")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Ft. Worth", "Fort Worth")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Mt Vernon", "Mount Vernon")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("St. Louis", "St. Paul")).isNotEqualTo(EXACT);
    }

    @Test
    void aCedexSuffixNamesTheSameCity() {
        assertThat(FieldComparators.city("Paris Cedex 08", "Paris")).isEqualTo(EXACT);
        assertThat(FieldComparators.city("Lyon CEDEX", "Lyon")).isEqualTo(EXACT);
    }
}
