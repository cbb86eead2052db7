package dev.tessera.core.identity.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountriesTest {

    @Test
    void readsCountryNamesInTheirOwnLanguages() {
        assertThat(Countries.isoCode("Suomi")).contains("FI");
        assertThat(Countries.isoCode("Magyarország")).contains("HU");
        assertThat(Countries.isoCode("Česko")).contains("CZ");
        assertThat(Countries.isoCode("Hrvatska")).contains("HR");
        assertThat(Countries.isoCode("Éire")).contains("IE");
        assertThat(Countries.isoCode("Ελλάδα")).contains("GR");
        assertThat(Countries.isoCode("Deutschland")).contains("DE");
    }

    @Test
    void readsCommonEnglishForms() {
        assertThat(Countries.isoCode("The United States")).contains("US");
        assertThat(Countries.isoCode("the Netherlands")).contains("NL");
        assertThat(Countries.isoCode("Republic of Ireland")).contains("IE");
        assertThat(Countries.isoCode("Ivory Coast")).contains("CI");
        assertThat(FieldComparators.country("Suomi", "FI")).isEqualTo(ComparisonLevel.EXACT);
        assertThat(Countries.isoCode("Atlantis")).isEmpty();
    }
}
